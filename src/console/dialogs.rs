//! The console's dialogs, each a native modal `<dialog>` ([`Modal`]): Create Folder,
//! Check In, Delete (with the references that guard it), Move and Copy (with a
//! destination picker), Share Link, Add to Collection.

use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::{api_url, CollectionDto, DamPath, FolderTree};

use crate::api::{ApiError, CollectInto};
use crate::components::modal::Modal;
use crate::console::create_live_copy::CreateLiveCopyDialog;
use crate::console::state::{use_console, Console, Dialog, MoveOrCopy};

#[component]
pub fn Dialogs() -> impl IntoView {
    let console = use_console();
    move || console.dialog.get().map(|d| Suspend::new(async move { dialog_view(d).await }))
}

/// The open dialog, its code loaded the first time one opens; built untracked, like
/// the rail's content, so the `Suspend` awaiting it does not build it again.
#[leptos::lazy]
fn dialog_view(dialog: Dialog) -> AnyView {
    untrack(|| match dialog {
        Dialog::CreateFolder => view! { <CreateFolderDialog /> }.into_any(),
        Dialog::CheckIn(path) => view! { <NewVersionDialog path=path way=NewVersion::CheckIn /> }.into_any(),
        Dialog::CreateVersion(path) => view! { <NewVersionDialog path=path way=NewVersion::CreateVersion /> }.into_any(),
        Dialog::Delete { paths, refusal } => view! { <DeleteDialog paths=paths refusal=refusal /> }.into_any(),
        Dialog::MoveOrCopy { paths, copy } => view! { <MoveDialog paths=paths copy=copy /> }.into_any(),
        Dialog::Rename(path) => view! { <RenameDialog path=path /> }.into_any(),
        Dialog::Share(paths) => view! { <ShareDialog paths=paths /> }.into_any(),
        Dialog::AddToCollection(paths) => view! { <CollectionDialog paths=paths /> }.into_any(),
        Dialog::SaveSearch(query) => view! { <SaveSearchDialog query=query /> }.into_any(),
        Dialog::CreateLiveCopy(source) => view! { <CreateLiveCopyDialog source=source /> }.into_any(),
    })
}

pub(crate) fn close(console: Console) -> Callback<()> {
    Callback::new(move |_| console.dialog.set(None))
}

/// Runs `work` with the session; its error stays in the dialog.
pub(crate) fn act<F>(
    console: Console,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    work: impl FnOnce(crate::api::Client, tessera_model::Me) -> F + 'static,
) where
    F: std::future::Future<Output = Result<String, ApiError>> + 'static,
{
    let Some(me) = console.me.get_untracked() else {
        return;
    };
    busy.set(true);
    let client = console.client();
    spawn_local(async move {
        match work(client, me).await {
            Ok(done) => {
                console.dialog.set(None);
                console.say(done);
                console.refresh();
            }
            Err(e) => {
                if e.is_unauthenticated() {
                    console.me.set(None);
                }
                error.set(Some(e.to_string()));
            }
        }
        busy.set(false);
    });
}

#[component]
fn CreateFolderDialog() -> impl IntoView {
    let console = use_console();
    let name = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let path = match console.folder.get_untracked().join(name.get_untracked().trim()) {
            Ok(p) => p,
            Err(e) => {
                error.set(Some(e.to_string()));
                return;
            }
        };
        let title = Some(title.get_untracked()).filter(|t| !t.trim().is_empty());
        act(console, error, busy, move |client, me| async move {
            let folder = client.create_folder(&path, title, &me).await?;
            Ok(format!("The folder {} is created.", folder.title))
        });
    };
    view! {
        <Modal labelled_by="create-folder-title" on_close=close(console)>
            <form on:submit=submit>
                <h2 id="create-folder-title">"Create Folder"</h2>
                <label>"Name" <input type="text" required autofocus prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) /></label>
                <label>"Title (optional)" <input type="text" prop:value=move || title.get() on:input=move |e| title.set(event_target_value(&e)) /></label>
                <p class="error" role="alert">{move || error.get()}</p>
                <div class="buttons">
                    <button type="button" on:click=move |_| console.dialog.set(None)>"Cancel"</button>
                    <button type="submit" class="primary" disabled=move || busy.get()>"Create"</button>
                </div>
            </form>
        </Modal>
    }
}

/// The two ways a DAM user sends a new binary of an asset with a label and comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewVersion {
    /// By the holder of the check-out, which it ends.
    CheckIn,
    /// By anyone who may write the asset while nobody else holds it.
    CreateVersion,
}

impl NewVersion {
    fn action(self) -> &'static str {
        match self {
            NewVersion::CheckIn => "Check In",
            NewVersion::CreateVersion => "Create Version",
        }
    }

    fn endpoint(self) -> &'static str {
        match self {
            NewVersion::CheckIn => "checkin",
            NewVersion::CreateVersion => "versions",
        }
    }

    fn done(self, number: u32) -> String {
        match self {
            NewVersion::CheckIn => format!("Checked in as version {number}."),
            NewVersion::CreateVersion => format!("Version {number} is created."),
        }
    }
}

#[component]
fn NewVersionDialog(path: DamPath, way: NewVersion) -> impl IntoView {
    let console = use_console();
    let file = NodeRef::<Input>::new();
    let label = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let name = path.name().to_owned();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(picked) = file.get_untracked().and_then(|f| f.files()).and_then(|l| l.get(0)) else {
            error.set(Some(format!("Choose the file to {}.", way.action().to_lowercase())));
            return;
        };
        let query = format!(
            "?label={}&comment={}",
            tessera_model::api::percent_encode(label.get_untracked().trim()),
            tessera_model::api::percent_encode(comment.get_untracked().trim())
        );
        let url = format!("{}{query}", api_url(way.endpoint(), &path));
        act(console, error, busy, move |client, me| async move {
            let v = client.send_file(&url, &picked, &me).await?;
            Ok(way.done(v.number))
        });
    };
    view! {
        <Modal labelled_by="new-version-title" on_close=close(console)>
            <form on:submit=submit>
                <h2 id="new-version-title">{format!("{} {name}", way.action())}</h2>
                <label>"File" <input node_ref=file type="file" required autofocus /></label>
                <label>"Label (optional)" <input type="text" maxlength="64" prop:value=move || label.get() on:input=move |e| label.set(event_target_value(&e)) /></label>
                <label>"Comment (optional)" <textarea rows="3" maxlength="1024" prop:value=move || comment.get() on:input=move |e| comment.set(event_target_value(&e))></textarea></label>
                <p class="error" role="alert">{move || error.get()}</p>
                <div class="buttons">
                    <button type="button" on:click=move |_| console.dialog.set(None)>"Cancel"</button>
                    <button type="submit" class="primary" disabled=move || busy.get()>{way.action()}</button>
                </div>
            </form>
        </Modal>
    }
}

/// Whether a path is a folder of the listing shown (else an asset).
fn is_folder(console: Console, path: &DamPath) -> bool {
    console.listing.with_untracked(|l| l.items.iter().any(|i| matches!(i, crate::console::state::Item::Folder(f) if f.path == *path)))
}

#[component]
fn DeleteDialog(paths: Vec<DamPath>, refusal: Option<String>) -> impl IntoView {
    let console = use_console();
    let error = RwSignal::new(refusal.clone());
    let busy = RwSignal::new(false);
    let forced = refusal.is_some();
    let count = paths.len();
    let names = paths.iter().map(|p| p.name().to_owned()).collect::<Vec<_>>().join(", ");
    let go = move |_| {
        let paths = paths.clone();
        let kinds: Vec<(&'static str, DamPath)> = paths.iter().map(|p| (if is_folder(console, p) { "folders" } else { "assets" }, p.clone())).collect();
        let Some(me) = console.me.get_untracked() else { return };
        busy.set(true);
        let client = console.client();
        spawn_local(async move {
            for (kind, path) in &kinds {
                match client.delete_node(kind, path, forced, &me).await {
                    Ok(()) => {}
                    Err(ApiError::Refused { code, message, .. }) if code == "referenced" && !forced => {
                        // The references guard it: say so, and ask again to force.
                        console.refresh();
                        console.dialog.set(Some(Dialog::Delete { paths: vec![path.clone()], refusal: Some(message) }));
                        busy.set(false);
                        return;
                    }
                    Err(e) => {
                        error.set(Some(e.to_string()));
                        console.refresh();
                        busy.set(false);
                        return;
                    }
                }
            }
            console.dialog.set(None);
            console.selection.set(Vec::new());
            console.say(format!("{} item(s) deleted.", kinds.len()));
            console.refresh();
            busy.set(false);
        });
    };
    view! {
        <Modal labelled_by="delete-title" on_close=close(console)>
            <h2 id="delete-title">{if forced { "Delete anyway?".to_owned() } else { format!("Delete {count} item(s)?") }}</h2>
            <p>{names}</p>
            <p class="error" role="alert">{move || error.get()}</p>
            <div class="buttons">
                <button type="button" on:click=move |_| console.dialog.set(None)>"Cancel"</button>
                <button type="button" class="danger" disabled=move || busy.get() on:click=go>{if forced { "Delete anyway" } else { "Delete" }}</button>
            </div>
        </Modal>
    }
}

/// Folders of the tree, depth first, as (path, indented label).
/// Every folder a destination picker offers (eight levels deep), each with its title
/// indented by its depth, filled in once the tree has been read.
pub(crate) fn folder_choices(console: Console) -> RwSignal<Vec<(DamPath, String)>> {
    let folders = RwSignal::new(Vec::new());
    let client = console.client();
    spawn_local(async move {
        if let Ok(tree) = client.tree(&DamPath::root(), 8).await {
            let mut out = Vec::new();
            flatten(&tree, 0, &mut out);
            folders.set(out);
        }
    });
    folders
}

fn flatten(tree: &FolderTree, depth: usize, out: &mut Vec<(DamPath, String)>) {
    out.push((tree.folder.path.clone(), format!("{}{}", "— ".repeat(depth), tree.folder.title)));
    for child in &tree.children {
        flatten(child, depth + 1, out);
    }
}

/// A new name in the same folder: a move that the references guard as any move.
#[component]
fn RenameDialog(path: DamPath) -> impl IntoView {
    let console = use_console();
    let old_name = path.name().to_owned();
    let name = RwSignal::new(old_name.clone());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let force = RwSignal::new(false);
    let submit = {
        let old_name = old_name.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let new_name = name.get_untracked().trim().to_owned();
            let to = match path.parent().map(|parent| parent.join(&new_name)) {
                Some(Ok(to)) => to,
                Some(Err(e)) => {
                    error.set(Some(e.to_string()));
                    return;
                }
                None => {
                    error.set(Some("The DAM's root cannot be renamed.".into()));
                    return;
                }
            };
            let (from, forced, old_name) = (path.clone(), force.get_untracked(), old_name.clone());
            act(console, error, busy, move |client, me| async move {
                client.move_node(&from, &to, forced, &me).await?;
                Ok(format!("{old_name} is renamed {new_name}."))
            });
        }
    };
    view! {
        <Modal labelled_by="rename-title" on_close=close(console)>
            <form on:submit=submit>
                <h2 id="rename-title">{format!("Rename {old_name}")}</h2>
                <label>"Name" <input type="text" required autofocus prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) /></label>
                <label class="check"><input type="checkbox" prop:checked=move || force.get() on:change=move |e| force.set(event_target_checked(&e)) />"Rename even if pages use it"</label>
                <p class="error" role="alert">{move || error.get()}</p>
                <div class="buttons">
                    <button type="button" on:click=move |_| console.dialog.set(None)>"Cancel"</button>
                    <button type="submit" class="primary" disabled=move || busy.get()>"Rename"</button>
                </div>
            </form>
        </Modal>
    }
}

#[component]
fn MoveDialog(paths: Vec<DamPath>, copy: MoveOrCopy) -> impl IntoView {
    let console = use_console();
    let folders = folder_choices(console);
    let destination = RwSignal::new(console.folder.get_untracked().to_string());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let force = RwSignal::new(false);
    let verb = if copy == MoveOrCopy::Copy { "Copy" } else { "Move" };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Ok(to_folder) = DamPath::parse(&destination.get_untracked()) else {
            error.set(Some("Choose a destination folder.".into()));
            return;
        };
        let paths = paths.clone();
        let forced = force.get_untracked();
        act(console, error, busy, move |client, me| async move {
            for from in &paths {
                let to = to_folder.join(from.name()).map_err(|e| ApiError::Unexpected(e.to_string()))?;
                match copy {
                    MoveOrCopy::Copy => client.copy_node(from, &to, &me).await?,
                    MoveOrCopy::Move => client.move_node(from, &to, forced, &me).await?,
                }
            }
            Ok(format!("{} item(s) {}.", paths.len(), if copy == MoveOrCopy::Copy { "copied" } else { "moved" }))
        });
    };
    view! {
        <Modal labelled_by="move-title" on_close=close(console)>
            <form on:submit=submit>
                <h2 id="move-title">{verb}</h2>
                <label>
                    "Destination folder"
                    <select autofocus on:change=move |e| destination.set(event_target_value(&e))>
                        <For each=move || folders.get() key=|(p, _)| p.clone() let:folder>
                            {
                                let value = folder.0.to_string();
                                let selected = value == destination.get_untracked();
                                view! { <option value=value selected=selected>{folder.1}</option> }
                            }
                        </For>
                    </select>
                </label>
                <Show when=move || copy == MoveOrCopy::Move>
                    <label class="check"><input type="checkbox" prop:checked=move || force.get() on:change=move |e| force.set(event_target_checked(&e)) />"Move even if pages use them"</label>
                </Show>
                <p class="error" role="alert">{move || error.get()}</p>
                <div class="buttons">
                    <button type="button" on:click=move |_| console.dialog.set(None)>"Cancel"</button>
                    <button type="submit" class="primary" disabled=move || busy.get()>{verb}</button>
                </div>
            </form>
        </Modal>
    }
}

#[component]
fn ShareDialog(paths: Vec<DamPath>) -> impl IntoView {
    let console = use_console();
    let days = RwSignal::new(7u32);
    let url = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let count = paths.len();
    let paths = StoredValue::new(paths);
    let select_all = |e: leptos::ev::FocusEvent| event_target::<web_sys::HtmlInputElement>(&e).select();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (Some(me), paths, days) = (console.me.get_untracked(), paths.get_value(), days.get_untracked()) else { return };
        busy.set(true);
        let client = console.client();
        spawn_local(async move {
            match client.share_link(paths, days, &me).await {
                Ok(link) => url.set(link.url),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <Modal labelled_by="share-title" on_close=close(console)>
            <h2 id="share-title">"Share Link"</h2>
            <Show
                when=move || url.with(Option::is_some)
                fallback=move || view! {
                    <form on:submit=submit>
                        <p>{format!("Anyone with the link may download {count} asset(s), without an account.")}</p>
                        <label>"Expires after (days)" <input type="number" min="1" max="365" required autofocus prop:value=move || days.get().to_string() on:input=move |e| days.set(event_target_value(&e).parse().unwrap_or(7)) /></label>
                        <p class="error" role="alert">{move || error.get()}</p>
                        <div class="buttons">
                            <button type="button" on:click=move |_| console.dialog.set(None)>"Cancel"</button>
                            <button type="submit" class="primary" disabled=move || busy.get()>"Create link"</button>
                        </div>
                    </form>
                }
            >
                <label>"Link" <input type="text" readonly prop:value=move || url.get().unwrap_or_default() on:focus=select_all /></label>
                <p>"This link is shown once. Copy it now; you can revoke it later."</p>
                <div class="buttons"><button type="button" class="primary" on:click=move |_| console.dialog.set(None)>"Done"</button></div>
            </Show>
        </Modal>
    }
}

#[component]
fn CollectionDialog(paths: Vec<DamPath>) -> impl IntoView {
    let console = use_console();
    let collections = RwSignal::new(Vec::<CollectionDto>::new());
    let chosen = RwSignal::new(None::<i64>);
    let new_title = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    {
        let client = console.client();
        spawn_local(async move {
            if let Ok(editable) = client.editable_collections().await {
                chosen.set(editable.first().map(|c| c.id));
                collections.set(editable);
            }
        });
    }
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(into) = collections.with_untracked(|all| CollectInto::from_choice(chosen.get_untracked(), &new_title.get_untracked(), all)) else {
            error.set(Some("Choose a collection, or name a new one.".into()));
            return;
        };
        let paths = paths.clone();
        act(console, error, busy, move |client, me| async move {
            let count = paths.len();
            let title = client.collect(into, paths, &me).await?;
            Ok(format!("{count} asset(s) added to the collection {title}."))
        });
    };
    view! {
        <Modal labelled_by="collection-title" on_close=close(console)>
            <form on:submit=submit>
                <h2 id="collection-title">"Add to Collection"</h2>
                <label>
                    "Collection"
                    <select autofocus on:change=move |e| chosen.set(event_target_value(&e).parse().ok())>
                        <For each=move || collections.get() key=|c| c.id let:c>
                            <option value=c.id.to_string()>{c.title.clone()}</option>
                        </For>
                    </select>
                </label>
                <label>"Or a new collection" <input type="text" maxlength="256" prop:value=move || new_title.get() on:input=move |e| new_title.set(event_target_value(&e)) /></label>
                <p class="error" role="alert">{move || error.get()}</p>
                <div class="buttons">
                    <button type="button" on:click=move |_| console.dialog.set(None)>"Cancel"</button>
                    <button type="submit" class="primary" disabled=move || busy.get()>"Add"</button>
                </div>
            </form>
        </Modal>
    }
}

/// A search kept as a collection that stays current: it lists what the search finds
/// whenever it is opened.
#[component]
fn SaveSearchDialog(query: tessera_model::SearchQuery) -> impl IntoView {
    let console = use_console();
    let title = RwSignal::new(query.q.clone().unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (query, title) = (query.clone(), title.get_untracked().trim().to_owned());
        act(console, error, busy, move |client, me| async move {
            let saved = client.save_search(&title, &query, &me).await?;
            console.go(crate::console::state::Place::Collection(saved.id));
            Ok(format!("The search is saved as the collection {}.", saved.title))
        });
    };
    view! {
        <Modal labelled_by="save-search-title" on_close=close(console)>
            <form on:submit=submit>
                <h2 id="save-search-title">"Save as Collection"</h2>
                <p>"The collection lists what this search finds, whenever it is opened."</p>
                <label>"Title" <input type="text" required maxlength="256" autofocus prop:value=move || title.get() on:input=move |e| title.set(event_target_value(&e)) /></label>
                <p class="error" role="alert">{move || error.get()}</p>
                <div class="buttons">
                    <button type="button" on:click=move |_| console.dialog.set(None)>"Cancel"</button>
                    <button type="submit" class="primary" disabled=move || busy.get()>"Save"</button>
                </div>
            </form>
        </Modal>
    }
}
