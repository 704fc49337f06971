use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::PagePath;

use crate::api::Client;
use crate::components::connected_config_page::ConnectedConfigPage;
use crate::components::dialogs::Dialogs;
use crate::components::jobs_page::JobsPage;
use crate::components::notifications::Notifications;
use crate::components::page_canvas::PageCanvas;
use crate::components::side_panel::SidePanel;
use crate::components::toolbar::{save, Toolbar};
use crate::state::{Editor, Repository, Source};

/// The whole editor: toolbar, side panel, the page, dialogs and notifications.
#[component]
pub fn App() -> impl IntoView {
    let editor = Editor::new(Repository::new(Some(Client::new(""))), Repository::new(None));
    provide_context(editor);
    provide_context(editor.finder);
    editor.listen_to_finder();
    let checked = RwSignal::new(false);
    // A drawer on a narrow screen starts closed, so the page is what shows first.
    let panel_open = RwSignal::new(!crate::components::side_panel::is_narrow());
    spawn_local(connect(editor, checked));

    // Once someone is logged in here, load the site's pages and open one.
    Effect::new(move |_| {
        if editor.local.session.get().is_some() && View::from_location() == View::Editor {
            spawn_local(open_initial_page(editor));
        }
    });
    let _shortcuts = window_event_listener(ev::keydown, move |e| shortcut(editor, e));
    let before_unload = window_event_listener(ev::beforeunload, move |e| {
        if editor.is_dirty() {
            e.prevent_default();
        }
    });
    on_cleanup(move || before_unload.remove());

    view! {
        <div class="editor">
            <Toolbar panel_open=panel_open />
            <Show
                when=move || editor.local.session.get().is_some()
                fallback=move || view! {
                    <main class="welcome" aria-label="Welcome">
                        <p>{move || if checked.get() { "Log in to edit pages." } else { "Loading…" }}</p>
                    </main>
                }
            >
                {match View::from_location() {
                    View::Editor => view! {
                        <div class="workspace">
                            <SidePanel open=panel_open />
                            <PageCanvas />
                        </div>
                    }.into_any(),
                    View::Page(page) => Suspend::new(page_view(page)).into_any(),
                }}
            </Show>
            <Dialogs />
            <Notifications />
        </div>
    }
}

/// Async Jobs or the Connected Assets configuration: pages of their own, whose code
/// the page editor never needs (a lazily loaded module, see the `split` feature).
/// Built untracked, like the dialogs (`dialogs.rs`).
#[cfg_attr(feature = "split", leptos::lazy)]
async fn page_view(page: EditorPage) -> AnyView {
    untrack(|| match page {
        EditorPage::Jobs => view! { <JobsPage /> }.into_any(),
        EditorPage::ConnectedConfig => view! { <ConnectedConfigPage /> }.into_any(),
    })
}

/// What the editor's address shows: the page editor, or one of its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Editor,
    Page(EditorPage),
}

/// A page of the editor's own beside the page editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorPage {
    Jobs,
    ConnectedConfig,
}

impl View {
    pub fn from_location() -> View {
        let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
        match path.as_str() {
            "/editor/jobs" => View::Page(EditorPage::Jobs),
            "/editor/connected-assets" => View::Page(EditorPage::ConnectedConfig),
            _ => View::Editor,
        }
    }
}

/// Learns this deployment's origin and remote DAM, and who is already logged in.
async fn connect(editor: Editor, checked: RwSignal<bool>) {
    let local = Client::new("");
    match local.deployment().await {
        Ok(info) => {
            editor.own_origin.set(info.origin);
            editor.aspect_presets.set(info.aspect_presets);
            editor.mount_point.set(info.mount_point);
            editor.finder.options.update(|o| o.remote_repository = info.remote_dam_url);
            editor.finder.connect_repositories();
        }
        Err(e) => editor.notify(format!("Could not read this deployment's settings: {e}")),
    }
    let answer = local.session().await;
    editor.local.take_session_answer(&answer);
    if !matches!(answer, Ok(Some(_))) {
        editor.finder.login_for.set(Some(Source::Local));
    }
    checked.set(true);
}

/// Opens the page named in `?page=`, else the first page of the site; the editor has
/// settled once that page is painted, or once there is none to open.
async fn open_initial_page(editor: Editor) {
    open_first_page(editor).await;
    crate::finder::after_paint(move || editor.settled.set(true));
}

async fn open_first_page(editor: Editor) {
    let client = Client::new("");
    let pages = match client.pages().await {
        Ok(p) => p,
        Err(e) => return editor.notify(format!("Could not list the pages: {e}")),
    };
    editor.pages.set(pages.clone());
    if editor.page_path.get_untracked().is_some() {
        return;
    }
    let wanted = page_from_location().or_else(|| pages.iter().find(|p| p.path.parent().is_some()).or(pages.first()).map(|p| p.path.clone()));
    if let Some(path) = wanted {
        open_page(editor, path).await;
    }
}

fn page_from_location() -> Option<PagePath> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    PagePath::parse(&params.get("page")?).ok()
}

/// The page this tab last opened, so Async Jobs and the configuration page lead back
/// to it.
pub fn last_page() -> Option<PagePath> {
    let stored = web_sys::window()?.session_storage().ok()??.get_item(LAST_PAGE).ok()??;
    PagePath::parse(&stored).ok()
}

const LAST_PAGE: &str = "tessera-last-page";

fn remember_page(path: &PagePath) {
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = storage.set_item(LAST_PAGE, path.as_str());
    }
}

pub async fn open_page(editor: Editor, path: PagePath) {
    match Client::new("").page(&path).await {
        Ok(page) => {
            remember_page(&path);
            editor.load_page(page);
            crate::state::mark_after_paint("tessera-page-ready");
            if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("/editor?page={path}")));
            }
        }
        Err(e) => editor.notify(format!("Could not open {path}: {e}")),
    }
}

fn shortcut(editor: Editor, e: web_sys::KeyboardEvent) {
    if e.key() == "?" && !(e.ctrl_key() || e.meta_key() || e.alt_key()) && !typing_into(&e) {
        editor.shortcuts_open.set(true);
        e.prevent_default();
        return;
    }
    if !(e.ctrl_key() || e.meta_key()) || editor.page_path.get_untracked().is_none() {
        return;
    }
    match e.key().to_lowercase().as_str() {
        "z" if e.shift_key() => editor.redo(),
        "z" => editor.undo(),
        "y" => editor.redo(),
        "s" => spawn_local(save(editor)),
        _ => return,
    }
    e.prevent_default();
}

/// Whether the key goes into a text field (where `?` is a character, not a shortcut).
fn typing_into(e: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    let Some(target) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else { return false };
    target.is_content_editable() || matches!(target.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
}
