//! Uploads: files and whole folders, dropped or picked, each with its own progress
//! and the batch with an overall one; cancel one or all, retry what failed, and
//! choose what happens to a name that exists (Keep Both, Replace as a new version,
//! Skip; for one file or for all). Uploads go on while the console shows anything
//! else. Each file is one `PUT`, sent by `XMLHttpRequest` for its progress events.

use std::collections::HashMap;

use leptos::prelude::*;
use tessera_model::{api_url, DamPath, ErrorBody, CSRF_HEADER};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::console::state::Console;
use tessera_model::page::format_size;

/// Files sent at once.
const PARALLEL: usize = 3;
/// How often the folder shown loads again while files arrive.
const REFRESH_EVERY_MS: u64 = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UploadState {
    Waiting,
    Sending,
    Done,
    /// The server's reason.
    Failed(String),
    Cancelled,
    /// A file or folder of that name is there: the person chooses.
    Exists,
    Skipped,
}

/// What to do with a name that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    KeepBoth,
    Replace,
    Skip,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UploadItem {
    pub id: u64,
    /// Where it goes, below the folder it was dropped on (`photos/2024/a.jpg`).
    pub label: String,
    pub target: DamPath,
    pub size: u64,
    /// Bytes sent so far: a signal of its own, so a progress event redraws one bar,
    /// not the list.
    pub sent: RwSignal<u64>,
    pub state: UploadState,
    /// A name that existed is replaced: the file becomes a new version.
    pub replace: bool,
}

struct Live {
    xhr: web_sys::XmlHttpRequest,
    _progress: Closure<dyn FnMut(web_sys::ProgressEvent)>,
}

#[derive(Clone, Copy)]
pub struct Uploads {
    pub items: RwSignal<Vec<UploadItem>>,
    /// Applied to every name that exists from now on.
    pub policy: RwSignal<Option<Conflict>>,
    files: StoredValue<HashMap<u64, web_sys::File>, LocalStorage>,
    live: StoredValue<HashMap<u64, Live>, LocalStorage>,
    next: StoredValue<u64>,
    /// When the batch began (ms), for its speed and time left.
    started: RwSignal<f64>,
    /// Whether the folder shown is due to load again: once a second at most while
    /// files arrive, however many finish meanwhile.
    refresh_due: StoredValue<bool>,
}

impl Uploads {
    pub fn new() -> Self {
        Uploads {
            items: RwSignal::new(Vec::new()),
            policy: RwSignal::new(None),
            files: StoredValue::new_local(HashMap::new()),
            live: StoredValue::new_local(HashMap::new()),
            next: StoredValue::new(1),
            started: RwSignal::new(0.0),
            refresh_due: StoredValue::new(false),
        }
    }

    /// Queues `files` for the folder shown, keeping the folders they came in. The
    /// upload code loads with the first file.
    pub fn add(&self, console: Console, files: Vec<Picked>) {
        let this = *self;
        leptos::task::spawn_local(async move { queue(this, console, files).await });
    }

    /// Queues everything under folders and files dropped from the desktop.
    pub fn add_dropped(&self, console: Console, entries: Vec<web_sys::FileSystemEntry>) {
        let this = *self;
        leptos::task::spawn_local(async move { queue_dropped(this, console, entries).await });
    }

    fn add_now(&self, console: Console, files: Vec<Picked>) {
        let folder = console.folder.get_untracked();
        if self.items.with_untracked(|i| i.iter().all(|i| !matches!(i.state, UploadState::Waiting | UploadState::Sending))) {
            self.started.set(js_sys::Date::now());
        }
        for Picked { file, relative } in files {
            let id = self.next.get_value();
            self.next.set_value(id + 1);
            let (target, state) = match target_of(&folder, &relative) {
                Ok(t) => (t, UploadState::Waiting),
                Err(why) => (folder.clone(), UploadState::Failed(why)),
            };
            self.items.update(|i| i.push(UploadItem { id, label: relative, target, size: file.size() as u64, sent: RwSignal::new(0), state, replace: false }));
            self.files.update_value(|f| {
                f.insert(id, file);
            });
        }
        self.pump(console);
    }

    /// Starts waiting files while fewer than [`PARALLEL`] are sending.
    fn pump(&self, console: Console) {
        loop {
            let (sending, next) = self.items.with_untracked(|items| {
                (items.iter().filter(|i| i.state == UploadState::Sending).count(), items.iter().find(|i| i.state == UploadState::Waiting).map(|i| i.id))
            });
            match next {
                Some(id) if sending < PARALLEL => self.start(console, id),
                _ => break,
            }
        }
    }

    fn set(&self, id: u64, f: impl FnOnce(&mut UploadItem)) {
        self.items.update(|items| {
            if let Some(item) = items.iter_mut().find(|i| i.id == id) {
                f(item);
            }
        });
    }

    fn start(&self, console: Console, id: u64) {
        let Some(item) = self.items.with_untracked(|i| i.iter().find(|i| i.id == id).cloned()) else {
            return;
        };
        let (Some(file), Some(me)) = (self.files.with_value(|f| f.get(&id).cloned()), console.me.get_untracked()) else {
            self.set(id, |i| i.state = UploadState::Failed("Log in again to upload.".into()));
            return;
        };
        let url = if item.replace { api_url("versions", &item.target) } else { format!("{}?parents=true", api_url("assets", &item.target)) };
        let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
            self.set(id, |i| i.state = UploadState::Failed("This browser cannot upload.".into()));
            return;
        };
        let mime = if file.type_().is_empty() { "application/octet-stream".to_owned() } else { file.type_() };
        let opened = xhr
            .open(if item.replace { "POST" } else { "PUT" }, &console.client().url(&url))
            .and_then(|_| xhr.set_request_header("content-type", &mime))
            .and_then(|_| xhr.set_request_header(CSRF_HEADER, &me.csrf_token));
        xhr.set_with_credentials(true);
        if opened.is_err() {
            self.set(id, |i| i.state = UploadState::Failed("The upload could not start.".into()));
            return;
        }
        let this = *self;
        let progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if let Some(sent) = this.items.with_untracked(|i| i.iter().find(|i| i.id == id).map(|i| i.sent)) {
                sent.set(e.loaded() as u64);
            }
        });
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        }
        let done = {
            let xhr = xhr.clone();
            Closure::once_into_js(move || this.finished(console, id, &xhr))
        };
        xhr.set_onloadend(Some(done.unchecked_ref()));
        self.set(id, |i| {
            i.state = UploadState::Sending;
            i.sent.set(0);
        });
        if xhr.send_with_opt_blob(Some(&file)).is_err() {
            self.set(id, |i| i.state = UploadState::Failed("The upload could not start.".into()));
            return;
        }
        self.live.update_value(|l| {
            l.insert(id, Live { xhr, _progress: progress });
        });
    }

    /// Shows what arrived without reloading the folder for every one of a thousand files.
    fn refresh_soon(&self, console: Console) {
        if self.refresh_due.get_value() {
            return;
        }
        self.refresh_due.set_value(true);
        let this = *self;
        set_timeout(
            move || {
                this.refresh_due.set_value(false);
                console.refresh();
            },
            std::time::Duration::from_millis(REFRESH_EVERY_MS),
        );
    }

    fn finished(&self, console: Console, id: u64, xhr: &web_sys::XmlHttpRequest) {
        self.live.update_value(|l| {
            l.remove(&id);
        });
        let status = xhr.status().unwrap_or(0);
        let body = xhr.response_text().ok().flatten().unwrap_or_default();
        let refusal = crate::api::decode::<ErrorBody>(&body).ok().map(|b| (b.error.code, b.error.message));
        let cancelled = self.items.with_untracked(|i| i.iter().any(|i| i.id == id && i.state == UploadState::Cancelled));
        match (status, refusal) {
            _ if cancelled => {}
            (200..=299, _) => {
                self.set(id, |i| {
                    i.state = UploadState::Done;
                    i.sent.set(i.size);
                });
                self.files.update_value(|f| {
                    f.remove(&id);
                });
                self.refresh_soon(console);
            }
            (409, Some((code, _))) if code == "already_exists" => match self.policy.get_untracked() {
                Some(choice) => self.resolve(console, id, choice),
                None => self.set(id, |i| i.state = UploadState::Exists),
            },
            (0, _) => self.set(id, |i| i.state = UploadState::Failed("The connection was lost.".into())),
            (_, Some((_, message))) => self.set(id, |i| i.state = UploadState::Failed(message)),
            (s, None) => self.set(id, |i| i.state = UploadState::Failed(format!("The server answered {s}."))),
        }
        self.pump(console);
    }

    /// What happens to a file whose name exists.
    pub fn resolve(&self, console: Console, id: u64, choice: Conflict) {
        match choice {
            Conflict::Skip => self.set(id, |i| i.state = UploadState::Skipped),
            Conflict::Replace => self.set(id, |i| {
                i.replace = true;
                i.state = UploadState::Waiting;
            }),
            Conflict::KeepBoth => self.set(id, |i| {
                i.target = numbered(&i.target);
                i.state = UploadState::Waiting;
            }),
        }
        self.pump(console);
    }

    pub fn cancel(&self, id: u64) {
        self.set(id, |i| {
            if matches!(i.state, UploadState::Waiting | UploadState::Sending | UploadState::Exists) {
                i.state = UploadState::Cancelled;
            }
        });
        if let Some(live) = self.live.with_value(|l| l.get(&id).map(|l| l.xhr.clone())) {
            let _ = live.abort();
        }
    }

    pub fn cancel_all(&self) {
        for id in self.items.with_untracked(|i| i.iter().map(|i| i.id).collect::<Vec<_>>()) {
            self.cancel(id);
        }
    }

    pub fn retry(&self, console: Console, id: u64) {
        self.set(id, |i| i.state = UploadState::Waiting);
        self.pump(console);
    }

    /// Forgets what has ended.
    pub fn clear(&self) {
        let ended: Vec<u64> =
            self.items.with_untracked(|i| i.iter().filter(|i| !matches!(i.state, UploadState::Waiting | UploadState::Sending)).map(|i| i.id).collect());
        self.items.update(|i| {
            i.retain(|i| {
                let keep = !ended.contains(&i.id);
                if !keep {
                    i.sent.dispose();
                }
                keep
            })
        });
        self.files.update_value(|f| f.retain(|id, _| !ended.contains(id)));
    }
}

impl Default for Uploads {
    fn default() -> Self {
        Self::new()
    }
}

#[leptos::lazy]
fn queue(uploads: Uploads, console: Console, files: Vec<Picked>) {
    uploads.add_now(console, files);
}

#[leptos::lazy]
async fn queue_dropped(uploads: Uploads, console: Console, entries: Vec<web_sys::FileSystemEntry>) {
    let files = crate::console::dropped::files_under(entries).await;
    uploads.add_now(console, files);
}

pub fn use_uploads() -> Uploads {
    expect_context::<Uploads>()
}

/// A file to upload and where it goes below the folder shown (`2024/spring.png`).
pub struct Picked {
    pub file: web_sys::File,
    pub relative: String,
}

/// The files of a file list, from a picker (a folder picker's keep their folders).
pub fn files_of(list: &web_sys::FileList) -> Vec<Picked> {
    (0..list.length()).filter_map(|i| list.get(i)).map(|file| Picked { relative: relative_path(&file), file }).collect()
}

/// Where in the picked folder a file was (`photos/2024/a.jpg`), or its name.
fn relative_path(file: &web_sys::File) -> String {
    let relative = js_sys::Reflect::get(file, &JsValue::from_str("webkitRelativePath")).ok().and_then(|v| v.as_string()).unwrap_or_default();
    if relative.is_empty() {
        file.name()
    } else {
        relative
    }
}

/// The DAM path a file goes to; a name the DAM refuses is said at once.
fn target_of(folder: &DamPath, relative: &str) -> Result<DamPath, String> {
    let mut path = folder.clone();
    for name in relative.split('/').filter(|n| !n.is_empty()) {
        path = path.join(name).map_err(|e| format!("{relative}: {e}"))?;
    }
    Ok(path)
}

/// `a.jpg` → `a-1.jpg`, `a-1.jpg` → `a-2.jpg`: the next name to try for Keep Both.
fn numbered(path: &DamPath) -> DamPath {
    let name = path.name();
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    let (base, n) = match stem.rsplit_once('-') {
        Some((b, n)) if n.parse::<u32>().is_ok() => (b, n.parse::<u32>().unwrap_or(0) + 1),
        _ => (stem, 1),
    };
    path.parent().and_then(|p| p.join(&format!("{base}-{n}{ext}")).ok()).unwrap_or_else(|| path.clone())
}

/// The uploads of this session, once there are any: loaded with the upload code.
#[component]
pub fn UploadQueue() -> impl IntoView {
    let uploads = use_uploads();
    let any = Memo::new(move |_| uploads.items.with(|i| !i.is_empty()));
    move || any.get().then(|| Suspend::new(async { upload_queue_view().await }))
}

/// Built untracked, so the `Suspend` awaiting it does not build it again (see the rail).
#[leptos::lazy]
fn upload_queue_view() -> AnyView {
    untrack(|| view! { <Queue /> }.into_any())
}

/// Overall progress, then each file.
#[component]
fn Queue() -> impl IntoView {
    let uploads = use_uploads();
    let console = crate::console::state::use_console();
    let totals = move || {
        uploads.items.with(|items| {
            let counted: Vec<&UploadItem> = items.iter().filter(|i| !matches!(i.state, UploadState::Cancelled | UploadState::Skipped)).collect();
            let size: u64 = counted.iter().map(|i| i.size).sum();
            let sent: u64 = counted.iter().map(|i| if i.state == UploadState::Done { i.size } else { i.sent.get() }).sum();
            let done = counted.iter().filter(|i| i.state == UploadState::Done).count();
            (size, sent, done, counted.len())
        })
    };
    let summary = move || {
        let (size, sent, done, total) = totals();
        let seconds = ((js_sys::Date::now() - uploads.started.get()) / 1000.0).max(0.001);
        let speed = sent as f64 / seconds;
        let left = if speed > 0.0 && sent < size { format!(", about {} s left", ((size - sent) as f64 / speed).round() as u64) } else { String::new() };
        format!("{done} of {total} files, {} of {}, {}/s{left}", format_size(sent), format_size(size), format_size(speed as u64))
    };
    let exists = move || uploads.items.with(|i| i.iter().any(|i| i.state == UploadState::Exists));
    let active = move || uploads.items.with(|i| i.iter().any(|i| matches!(i.state, UploadState::Waiting | UploadState::Sending)));
    view! {
        <section class="uploads" aria-labelledby="uploads-title">
            <h2 id="uploads-title">"Uploads"</h2>
            <label class="overall">
                <span>{summary}</span>
                <progress max=move || totals().0.max(1).to_string() value=move || totals().1.to_string() aria-label="All uploads"></progress>
            </label>
            <div class="upload-actions">
                <Show when=active>
                    <button type="button" on:click=move |_| uploads.cancel_all()>"Cancel all"</button>
                </Show>
                <Show when=move || !active()>
                    <button type="button" on:click=move |_| uploads.clear()>"Clear"</button>
                </Show>
                <Show when=exists>
                    <span>"For every name that exists: "</span>
                    <button type="button" on:click=move |_| apply_to_all(uploads, console, Conflict::KeepBoth)>"Keep Both for all"</button>
                    <button type="button" on:click=move |_| apply_to_all(uploads, console, Conflict::Replace)>"Replace for all"</button>
                    <button type="button" on:click=move |_| apply_to_all(uploads, console, Conflict::Skip)>"Skip for all"</button>
                </Show>
            </div>
            <ul>
                <For each=move || uploads.items.get() key=|i| (i.id, i.state.clone(), i.target.clone()) let:item>
                    <UploadRow item=item />
                </For>
            </ul>
        </section>
    }
}

fn apply_to_all(uploads: Uploads, console: Console, choice: Conflict) {
    uploads.policy.set(Some(choice));
    for id in uploads.items.with_untracked(|i| i.iter().filter(|i| i.state == UploadState::Exists).map(|i| i.id).collect::<Vec<_>>()) {
        uploads.resolve(console, id, choice);
    }
}

/// Whether the folder shown holds `path` as a live copy.
fn is_live_copy(console: Console, path: &DamPath) -> bool {
    console.listing.with(|l| l.items.iter().any(|i| i.path() == path && i.asset().is_some_and(|a| a.live_copy)))
}

#[component]
fn UploadRow(item: UploadItem) -> impl IntoView {
    let uploads = use_uploads();
    let console = crate::console::state::use_console();
    let id = item.id;
    let target = StoredValue::new(item.target.clone());
    let label = item.label.clone();
    let state = match &item.state {
        UploadState::Waiting => "Waiting".to_owned(),
        UploadState::Sending => String::new(),
        UploadState::Done => {
            if item.replace {
                "Done: a new version".to_owned()
            } else {
                "Done".to_owned()
            }
        }
        UploadState::Failed(why) => format!("Failed: {why}"),
        UploadState::Cancelled => "Cancelled".to_owned(),
        UploadState::Exists => format!("{} exists already", item.target.name()),
        UploadState::Skipped => "Skipped".to_owned(),
    };
    let progress_label = format!("Upload of {label}");
    let (sending, sent, size) = (item.state == UploadState::Sending, item.sent, item.size);
    view! {
        <li class="upload" class:failed=matches!(item.state, UploadState::Failed(_))>
            <span class="upload-name">{label.clone()}</span>
            <progress max=item.size.max(1).to_string() value=move || item.sent.get().to_string() aria-label=progress_label></progress>
            <span class="upload-state">{move || if sending { format!("{} of {}", format_size(sent.get()), format_size(size)) } else { state.clone() }}</span>
            {match item.state {
                UploadState::Waiting | UploadState::Sending => view! {
                    <button type="button" aria-label=format!("Cancel {label}") on:click=move |_| uploads.cancel(id)>"Cancel"</button>
                }.into_any(),
                UploadState::Failed(_) | UploadState::Cancelled => view! {
                    <button type="button" aria-label=format!("Retry {label}") on:click=move |_| uploads.retry(console, id)>"Retry"</button>
                }.into_any(),
                UploadState::Exists => view! {
                    <button type="button" on:click=move |_| uploads.resolve(console, id, Conflict::KeepBoth)>"Keep Both"</button>
                    // A live copy's binary follows its source: it is not replaced (the
                    // server refuses it too, with the reason, where the console cannot tell).
                    <Show when=move || !target.with_value(|t| is_live_copy(console, t))>
                        <button type="button" on:click=move |_| uploads.resolve(console, id, Conflict::Replace)>"Replace"</button>
                    </Show>
                    <button type="button" on:click=move |_| uploads.resolve(console, id, Conflict::Skip)>"Skip"</button>
                }.into_any(),
                UploadState::Done | UploadState::Skipped => ().into_any(),
            }}
        </li>
    }
}
