//! The folder shown is in the address (`/assets?folder=/content/dam/…`), so a folder
//! can be bookmarked and shared, a reload keeps it, and Back and Forward walk the
//! folders visited.

use leptos::prelude::*;
use tessera_model::DamPath;

use crate::console::state::{Console, Place};

/// Opens the folder the address names, then keeps the address and the folder shown in
/// step both ways.
pub fn follow_address(console: Console) {
    if let Some(folder) = folder_in_address() {
        console.folder.set(folder);
    }
    Effect::new(move |_| {
        let folder = console.folder.get();
        if !console.place.with(|p| *p == Place::Folder) {
            return;
        }
        match folder_in_address() {
            // The first folder shown names itself without adding a step to go Back to.
            None => replace(&folder),
            Some(shown) if shown != folder => push(&folder),
            Some(_) => {}
        }
    });
    let listener = window_event_listener(leptos::ev::popstate, move |_| {
        if let Some(folder) = folder_in_address() {
            console.open(folder);
        }
    });
    on_cleanup(move || listener.remove());
}

fn folder_in_address() -> Option<DamPath> {
    let search = window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    DamPath::parse(&params.get("folder")?).ok()
}

fn push(folder: &DamPath) {
    if let Ok(history) = window().history() {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address_of(folder)));
    }
}

fn replace(folder: &DamPath) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address_of(folder)));
    }
}

fn address_of(folder: &DamPath) -> String {
    format!("?folder={}", js_sys::encode_uri_component(folder.as_str()))
}
