//! Files and whole folders dropped from the desktop. A dropped folder arrives as a
//! directory entry, not as files: its tree is walked (File and Directory Entries
//! API) into files that keep their place in it (`campaign/2024/spring.png`).

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DataTransfer, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry};

use crate::console::upload::Picked;

/// The entries of a drop. They must be taken while the drop event is handled: the
/// browser empties the drop's items afterwards.
pub fn entries_of(transfer: &DataTransfer) -> Vec<FileSystemEntry> {
    let items = transfer.items();
    (0..items.length()).filter_map(|i| items.get(i)).filter_map(|item| item.webkit_get_as_entry().ok().flatten()).collect()
}

/// Every file under `entries`, depth first, each with its path from the drop.
pub async fn files_under(entries: Vec<FileSystemEntry>) -> Vec<Picked> {
    let mut out = Vec::new();
    let mut pending = entries;
    while let Some(entry) = pending.pop() {
        let relative = entry.full_path().trim_start_matches('/').to_owned();
        if entry.is_directory() {
            match children(entry.unchecked_into()).await {
                Ok(found) => pending.extend(found),
                Err(_) => continue,
            }
        } else if let Ok(file) = file_of(entry.unchecked_into()).await {
            out.push(Picked { file, relative });
        }
    }
    // Depth first from the end reverses the order; the queue reads as the folder does.
    out.sort_by(|a, b| a.relative.cmp(&b.relative));
    out
}

/// A folder's entries: the reader gives them in batches until one comes back empty.
async fn children(folder: FileSystemDirectoryEntry) -> Result<Vec<FileSystemEntry>, JsValue> {
    let reader = folder.create_reader();
    let mut all = Vec::new();
    loop {
        let batch = JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
            if let Err(e) = reader.read_entries_with_callback_and_callback(&resolve, &reject) {
                let _ = reject.call1(&JsValue::NULL, &e);
            }
        }))
        .await?;
        let batch: js_sys::Array = batch.unchecked_into();
        if batch.length() == 0 {
            return Ok(all);
        }
        all.extend(batch.iter().map(|e| e.unchecked_into::<FileSystemEntry>()));
    }
}

async fn file_of(entry: FileSystemFileEntry) -> Result<web_sys::File, JsValue> {
    let file = JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
        entry.file_with_callback_and_callback(&resolve, &reject);
    }))
    .await?;
    Ok(file.unchecked_into())
}
