//! The editor's shared state, provided once as context by the app.

use leptos::prelude::*;
use tessera_model::edit::EditState;
use tessera_model::page::{Alt, DownloadBody, ImageBody, Paragraph, TextBody, TitleBody};
use tessera_model::{AssetDragPayload, AssetKind, AssetRef, Component, ComponentBody, DamPath, PageContent, PageDto, PagePath, PageSummary};

pub use crate::finder::{mark_after_paint, Repository, Source};
use crate::finder::{Finder, FinderEvent, FinderOptions};
use crate::history::History;

/// How a notification speaks: information and successes politely and briefly,
/// errors at once and until the author closes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Success,
    Error,
}

/// A button on a notification that does something about it ("Retry").
#[derive(Clone)]
pub struct NoticeAction {
    pub label: &'static str,
    pub run: Callback<()>,
}

#[derive(Clone)]
pub struct Notice {
    pub id: u64,
    pub kind: NoticeKind,
    pub text: String,
    pub action: Option<NoticeAction>,
}

/// The kinds of component the component browser offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentKind {
    Title,
    Text,
    Image,
    Download,
}

impl ComponentKind {
    pub const ALL: [ComponentKind; 4] = [ComponentKind::Title, ComponentKind::Text, ComponentKind::Image, ComponentKind::Download];

    pub fn label(self) -> &'static str {
        match self {
            ComponentKind::Title => "Title",
            ComponentKind::Text => "Text",
            ComponentKind::Image => "Image",
            ComponentKind::Download => "Download",
        }
    }

    pub fn empty(self) -> ComponentBody {
        match self {
            ComponentKind::Title => ComponentBody::Title(TitleBody { text: String::new(), level: 2 }),
            ComponentKind::Text => ComponentBody::Text(TextBody { paragraphs: vec![Paragraph::default()] }),
            ComponentKind::Image => ComponentBody::Image(ImageBody::default()),
            ComponentKind::Download => ComponentBody::Download(DownloadBody::default()),
        }
    }
}

/// Puts an asset into a component, or says why it does not fit there. A new image
/// resets the image's edits but keeps its alt settings, caption and link.
pub fn apply_asset(body: &mut ComponentBody, asset: AssetRef) -> Result<(), String> {
    match body {
        ComponentBody::Image(image) => {
            if asset.kind() != AssetKind::Image {
                return Err(format!("\u{201c}{}\u{201d} is a document, not an image: the Image component only takes images.", asset.title));
            }
            image.asset = Some(asset);
            image.edit = EditState::default();
            Ok(())
        }
        ComponentBody::Download(download) => {
            if asset.kind() == AssetKind::Image {
                return Err(format!("\u{201c}{}\u{201d} is an image: the Download component takes documents. Put it in an Image component.", asset.title));
            }
            download.asset = Some(asset);
            Ok(())
        }
        other => Err(format!("The {} component takes no assets; drop it on an Image or Download component.", other.label())),
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Editor {
    pub local: Repository,
    pub remote: Repository,
    /// The side panel's Content Finder, which also owns the login dialog's target.
    pub finder: Finder,
    /// This deployment's origin: assets from it are local.
    pub own_origin: RwSignal<String>,
    pub notices: RwSignal<Vec<Notice>>,
    next_notice: StoredValue<u64>,

    pub pages: RwSignal<Vec<PageSummary>>,
    pub page_path: RwSignal<Option<PagePath>>,
    pub version: RwSignal<u64>,
    pub content: RwSignal<PageContent>,
    /// The content as last loaded or saved, to tell unsaved changes.
    pub saved: RwSignal<PageContent>,
    pub selected: RwSignal<Option<String>>,
    /// Set when a save found a newer version on the server.
    pub conflict: RwSignal<Option<String>>,
    history: StoredValue<History>,
    /// (can undo, can redo), for the toolbar.
    pub history_state: RwSignal<(bool, bool)>,
    pub publish_open: RwSignal<bool>,
    pub shortcuts_open: RwSignal<bool>,
    /// Component whose properties dialog is open.
    pub properties_for: RwSignal<Option<String>>,
    /// Image component whose image editor is open.
    pub image_edit_for: RwSignal<Option<String>>,
    /// Crop shapes the deployment's image policy adds: (width, height).
    pub aspect_presets: RwSignal<Vec<(u32, u32)>>,
    /// Where Connected Assets copies remote assets, for a Sites deployment.
    pub mount_point: RwSignal<Option<DamPath>>,
    /// The asset whose References dialog is open: its DAM, path and title.
    pub references_for: RwSignal<Option<(Source, DamPath, String)>>,
    /// The asset whose Add to Collection dialog is open: its DAM, path and title.
    pub collect_for: RwSignal<Option<(Source, DamPath, String)>>,
    /// Fetches of remote assets into the mount point, by the copy's path.
    pub fetches: RwSignal<std::collections::HashMap<DamPath, crate::connected::FetchState>>,
    /// Whether the editor has painted the page it opened with, or found none to
    /// open: the parts it loads lazily (`components::deferred`) are asked for from
    /// then on, so none of them delays the page.
    pub settled: RwSignal<bool>,
}

impl Editor {
    pub fn new(local: Repository, remote: Repository) -> Self {
        Editor {
            local,
            remote,
            finder: Finder::new(local, remote, FinderOptions::default(), "finder".into()),
            own_origin: RwSignal::new(String::new()),
            notices: RwSignal::new(Vec::new()),
            next_notice: StoredValue::new(0),
            pages: RwSignal::new(Vec::new()),
            page_path: RwSignal::new(None),
            version: RwSignal::new(0),
            content: RwSignal::new(PageContent::default()),
            saved: RwSignal::new(PageContent::default()),
            selected: RwSignal::new(None),
            conflict: RwSignal::new(None),
            history: StoredValue::new(History::default()),
            history_state: RwSignal::new((false, false)),
            publish_open: RwSignal::new(false),
            shortcuts_open: RwSignal::new(false),
            properties_for: RwSignal::new(None),
            image_edit_for: RwSignal::new(None),
            aspect_presets: RwSignal::new(Vec::new()),
            mount_point: RwSignal::new(None),
            references_for: RwSignal::new(None),
            collect_for: RwSignal::new(None),
            fetches: RwSignal::new(Default::default()),
            settled: RwSignal::new(false),
        }
    }

    pub fn repository(&self, source: Source) -> Repository {
        self.finder.repository(source)
    }

    /// What the page editor does with its Content Finder's events: a confirmed asset
    /// goes into the selected component.
    pub fn listen_to_finder(&self) {
        let editor = *self;
        // Errors show in the finder itself; logins through its dialog.
        self.finder.listen(move |event| {
            if let FinderEvent::SelectionConfirmed(chosen) = event {
                if let Some(first) = chosen.first() {
                    editor.place_in_selected(first);
                }
            }
        });
    }

    /// Something went wrong: said at once, kept until closed.
    pub fn notify(&self, text: impl Into<String>) {
        self.announce(NoticeKind::Error, text.into(), None);
    }

    /// Something the author may like to know; it goes away by itself.
    pub fn inform(&self, text: impl Into<String>) {
        self.announce(NoticeKind::Info, text.into(), None);
    }

    /// Something finished well; it goes away by itself.
    pub fn succeed(&self, text: impl Into<String>) {
        self.announce(NoticeKind::Success, text.into(), None);
    }

    pub fn announce(&self, kind: NoticeKind, text: String, action: Option<NoticeAction>) {
        let id = self.next_notice.get_value();
        self.next_notice.set_value(id + 1);
        self.notices.update(|n| n.push(Notice { id, kind, text, action }));
    }

    pub fn dismiss(&self, id: u64) {
        self.notices.update(|n| n.retain(|x| x.id != id));
    }

    fn refresh_history_state(&self) {
        let (u, r) = self.history.with_value(|h| (h.can_undo(), h.can_redo()));
        self.history_state.set((u, r));
    }

    /// One undoable step: remembers the content before `f` changes it.
    pub fn edit(&self, f: impl FnOnce(&mut PageContent)) {
        let before = self.content.get_untracked();
        self.history.update_value(|h| h.record(before));
        self.content.update(f);
        self.refresh_history_state();
    }

    /// Marks the start of a run of small changes (typing) that undo takes back at once.
    pub fn begin_typing(&self) {
        let before = self.content.get_untracked();
        self.history.update_value(|h| h.record(before));
        self.refresh_history_state();
    }

    /// A change inside a typing run: no step of its own.
    pub fn type_change(&self, f: impl FnOnce(&mut PageContent)) {
        self.content.update(f);
    }

    pub fn undo(&self) {
        let current = self.content.get_untracked();
        if let Some(previous) = self.history.try_update_value(|h| h.undo(current)).flatten() {
            self.content.set(previous);
        }
        self.refresh_history_state();
    }

    pub fn redo(&self) {
        let current = self.content.get_untracked();
        if let Some(next) = self.history.try_update_value(|h| h.redo(current)).flatten() {
            self.content.set(next);
        }
        self.refresh_history_state();
    }

    pub fn is_dirty(&self) -> bool {
        self.content.with(|c| self.saved.with(|s| c != s))
    }

    pub fn load_page(&self, page: PageDto) {
        let content = page.content();
        self.page_path.set(Some(page.path));
        self.version.set(page.version);
        self.saved.set(content.clone());
        self.content.set(content);
        self.selected.set(None);
        self.conflict.set(None);
        // What was said about the last page is not about this one.
        self.notices.set(Vec::new());
        self.history.update_value(History::clear);
        self.refresh_history_state();
    }

    pub fn mark_saved(&self, page: &PageDto) {
        self.version.set(page.version);
        self.saved.set(page.content());
        self.conflict.set(None);
    }

    /// Adds a component after the selected one (or at the end) and selects it.
    pub fn add_component(&self, kind: ComponentKind) {
        let id = new_component_id();
        let component = Component { id: id.clone(), body: kind.empty() };
        let after = self.selected.get_untracked();
        self.edit(|c| {
            let at = after.and_then(|s| c.components.iter().position(|x| x.id == s)).map_or(c.components.len(), |i| i + 1);
            c.components.insert(at, component);
        });
        self.selected.set(Some(id));
    }

    pub fn remove_component(&self, id: &str) {
        self.edit(|c| c.components.retain(|x| x.id != id));
        if self.selected.get_untracked().as_deref() == Some(id) {
            self.selected.set(None);
        }
    }

    /// Moves component `id` to just before `before` (or to the end).
    pub fn move_component(&self, id: &str, before: Option<&str>) {
        if before == Some(id) {
            return;
        }
        self.edit(|c| {
            let Some(from) = c.components.iter().position(|x| x.id == id) else {
                return;
            };
            let moving = c.components.remove(from);
            let at = before.and_then(|b| c.components.iter().position(|x| x.id == b)).unwrap_or(c.components.len());
            c.components.insert(at, moving);
        });
    }

    /// Moves component `id` one place up (`-1`) or down (`1`).
    pub fn shift_component(&self, id: &str, by: isize) {
        self.edit(|c| {
            let Some(from) = c.components.iter().position(|x| x.id == id) else {
                return;
            };
            let to = from as isize + by;
            if to >= 0 && (to as usize) < c.components.len() {
                c.components.swap(from, to as usize);
            }
        });
    }

    /// Puts `asset` into component `id` as one undo step; a refusal is a notification.
    pub fn put_asset(&self, id: &str, asset: AssetRef) -> bool {
        let body = self.content.with_untracked(|c| c.components.iter().find(|x| x.id == id).map(|x| x.body.clone()));
        let Some(mut body) = body else { return false };
        match apply_asset(&mut body, asset) {
            Ok(()) => {
                self.update_component(id, |b| *b = body);
                self.selected.set(Some(id.to_owned()));
                true
            }
            Err(why) => {
                self.notify(why);
                false
            }
        }
    }

    pub fn update_component(&self, id: &str, f: impl FnOnce(&mut ComponentBody)) {
        self.edit(|c| {
            if let Some(x) = c.components.iter_mut().find(|x| x.id == id) {
                f(&mut x.body);
            }
        });
    }

    /// Drops an asset on component `id`; a refusal is shown as a notification.
    pub fn drop_asset(&self, id: &str, payload: &AssetDragPayload) {
        let own = self.own_origin.get_untracked();
        if let Some(mount) = self.mount_point.get_untracked().filter(|_| !payload.repository.is_empty() && payload.repository != own) {
            return self.drop_remote(id, payload, &mount);
        }
        let asset = AssetRef::from_payload(payload, &own);
        self.put_asset(id, asset);
    }

    /// Enter on an asset in the Content Finder: into the component the author chose
    /// (by clicking it, or Enter on it), never into one focus merely passed through.
    pub fn place_in_selected(&self, payload: &AssetDragPayload) {
        match self.selected.get_untracked() {
            Some(id) => self.drop_asset(&id, payload),
            None => self.notify(NO_PLACEMENT_TARGET),
        }
    }

    /// "Image 2": the component's kind and its place among the page's components of
    /// that kind, as the Content Finder names the target of Enter.
    pub fn component_name(&self, id: &str) -> Option<String> {
        self.content.with(|c| {
            let kind = c.components.iter().find(|x| x.id == id)?.body.label();
            let nth = c.components.iter().filter(|x| x.body.label() == kind).position(|x| x.id == id)? + 1;
            Some(format!("{kind} {nth}"))
        })
    }
}

pub const NO_PLACEMENT_TARGET: &str =
    "Select an Image or Download component first (click it, or press Enter on it), then press Enter on an asset to place it there.";

pub fn new_component_id() -> String {
    format!("c{:x}{:x}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e9) as u64)
}

pub fn use_editor() -> Editor {
    expect_context::<Editor>()
}

/// Alt text as the editor shows it before rendering resolves "from the DAM".
pub fn preview_alt(image: &ImageBody) -> String {
    match (&image.alt, &image.asset) {
        (Alt::Text { text }, _) => text.clone(),
        (Alt::Decorative, _) => String::new(),
        (Alt::Dam, Some(a)) => a.dam_alt().to_owned(),
        (Alt::Dam, None) => String::new(),
    }
}
