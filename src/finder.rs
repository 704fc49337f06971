//! One Content Finder's state, provided as context to its components: in the page
//! editor (one) and on developers' own pages (one per `mountFinder`), so finders on
//! one page never share anything.

use std::collections::BTreeMap;
use std::rc::Rc;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tessera_model::mime::{kind_of_mime, mime_matches};
use tessera_model::search::MimePattern;
use tessera_model::{AssetDragPayload, AssetKind, DamPath, DocType};

use crate::api::Client;
use tessera_model::Me;

/// Which DAM the Content Finder shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Local,
    Remote,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Local => "Local",
            Source::Remote => "Remote",
        }
    }
}

/// One DAM the editor can browse, and who is logged in to it.
#[derive(Debug, Clone, Copy)]
pub struct Repository {
    /// `None` until the deployment has said where its remote DAM is.
    pub client: RwSignal<Option<Client>>,
    pub session: RwSignal<Option<Me>>,
    /// Where asking the deployment who is logged in stands.
    pub question: RwSignal<SessionQuestion>,
}

/// Where asking a DAM who is logged in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionQuestion {
    /// Not answered yet: the finder asks the DAM nothing else meanwhile.
    Pending,
    /// Answered: `session` is who is logged in, or that nobody is.
    Answered,
    /// The question failed: the finder asks for what it shows, and says what went wrong.
    Failed,
}

impl Repository {
    pub fn new(client: Option<Client>) -> Self {
        Repository { client: RwSignal::new(client), session: RwSignal::new(None), question: RwSignal::new(SessionQuestion::Pending) }
    }

    /// Nobody is logged in, as the deployment itself said.
    pub fn known_anonymous(&self) -> bool {
        self.question.get() == SessionQuestion::Answered && self.session.with(Option::is_none)
    }

    pub fn client(&self) -> Option<Client> {
        self.client.get()
    }

    /// Takes the deployment's answer to who is logged in, or its failure.
    pub fn take_session_answer(&self, answer: &Result<Option<Me>, crate::api::ApiError>) {
        if let Ok(Some(me)) = answer {
            self.session.set(Some(me.clone()));
        }
        self.question.set(if answer.is_ok() { SessionQuestion::Answered } else { SessionQuestion::Failed });
    }

    /// Whether the deployment is still to say who is logged in.
    pub fn awaits_session(&self) -> bool {
        self.client.with(Option::is_some) && self.question.get() == SessionQuestion::Pending
    }

    pub fn client_untracked(&self) -> Option<Client> {
        self.client.get_untracked()
    }
}

/// How many assets may be selected at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SelectionMode {
    #[default]
    Single,
    Multiple,
}

/// The filters a finder shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Filter {
    /// The search box.
    Search,
    /// Images or documents.
    Type,
    /// PDF, Word, ...
    Doctype,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

/// What the finder's user sees and may do; the editor's defaults, or what a host
/// page passed to `mountFinder`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct FinderOptions {
    /// This deployment's DAM; empty for the page's own origin.
    pub repository: Option<String>,
    /// The remote DAM of Connected Assets, if any.
    pub remote_repository: Option<String>,
    /// A folder the user cannot leave.
    pub root: DamPath,
    /// The folder shown first; inside `root`.
    pub initial_folder: Option<DamPath>,
    /// MIME patterns such as `image/*` or `application/pdf`; empty: everything.
    pub accept: Vec<String>,
    pub selection: SelectionMode,
    pub filters: Vec<Filter>,
    pub theme: Theme,
    /// Replacements for the finder's words, by key (see [`Strings`]).
    pub strings: BTreeMap<String, String>,
}

impl Default for FinderOptions {
    fn default() -> Self {
        FinderOptions {
            repository: Some(String::new()),
            remote_repository: None,
            root: DamPath::root(),
            initial_folder: None,
            accept: Vec::new(),
            selection: SelectionMode::Single,
            filters: vec![Filter::Search, Filter::Type, Filter::Doctype],
            theme: Theme::Light,
            strings: BTreeMap::new(),
        }
    }
}

impl FinderOptions {
    /// A word of the finder's interface, as the host page may have replaced it.
    pub fn text(&self, key: Strings) -> String {
        self.strings.get(key.key()).cloned().unwrap_or_else(|| key.default_text().to_owned())
    }

    /// A word with its `{name}` placeholders filled in.
    pub fn text_with(&self, key: Strings, values: &[(&str, &str)]) -> String {
        values.iter().fold(self.text(key), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
    }

    /// Whether `accept` lets through assets of `kind` at all: the Type filter offers
    /// only those.
    pub fn offers_kind(&self, kind: AssetKind) -> bool {
        self.accept.is_empty() || self.accept.iter().any(|p| p == "*/*" || kind_of_mime(p) == kind)
    }

    /// Whether `accept` lets through any type of `doctype`.
    pub fn offers_doctype(&self, doctype: DocType) -> bool {
        self.accept.is_empty() || doctype.mimes().iter().any(|mime| self.accept.iter().any(|p| mime_matches(p, mime)))
    }

    pub fn shows(&self, filter: Filter) -> bool {
        self.filters.contains(&filter)
    }

    /// The folder shown first: `initial_folder`, or else `root`.
    pub fn start_folder(&self) -> DamPath {
        self.initial_folder.clone().unwrap_or_else(|| self.root.clone())
    }

    /// Options that cannot work together, said plainly for the host's developer.
    pub fn check(&self) -> Result<(), String> {
        if self.repository.is_none() && self.remote_repository.is_none() {
            return Err("Name at least one repository: `repository` (this site's DAM) or `remoteRepository`.".into());
        }
        if let Some(unknown) = self.strings.keys().find(|k| !Strings::ALL.iter().any(|s| s.key() == k.as_str())) {
            let keys: Vec<&str> = Strings::ALL.iter().map(|s| s.key()).collect();
            return Err(format!("`strings` has no word {unknown:?}; its words are {}.", keys.join(", ")));
        }
        // The DAM's search takes the same patterns; a wrong one is the host's to fix.
        MimePattern::parse_list(&self.accept.join(",")).map_err(|e| format!("`accept`: {e}"))?;
        if let Some(folder) = &self.initial_folder {
            if !tessera_model::access::is_within(folder, &self.root) {
                return Err(format!("`initialFolder` {folder} is outside `root` {}.", self.root));
            }
        }
        Ok(())
    }
}

/// The finder's words a host page can replace, by key. A `{name}` in a word is
/// filled in where it is shown (`{user}`, `{dam}`, `{error}`, `{title}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strings {
    Search,
    LogIn,
    LogInLocal,
    LogInButton,
    UserName,
    Password,
    Cancel,
    Dam,
    LoggedInAs,
    LogOut,
    LogOutFailed,
    RemoteLoginNeeded,
    LocalLoginNeeded,
    Repository,
    Local,
    Remote,
    NoRemote,
    Region,
    Breadcrumb,
    RootFolder,
    Loading,
    NothingHere,
    LoadMore,
    Type,
    AllTypes,
    Images,
    Documents,
    DocumentType,
    AnyDocument,
    TextDocuments,
    Image,
    Document,
    ConnectedCopy,
    LiveCopy,
    ConnectedBadge,
    LiveCopyBadge,
}

impl Strings {
    pub const ALL: [Strings; 36] = [
        Strings::Search,
        Strings::LogIn,
        Strings::LogInLocal,
        Strings::LogInButton,
        Strings::UserName,
        Strings::Password,
        Strings::Cancel,
        Strings::Dam,
        Strings::LoggedInAs,
        Strings::LogOut,
        Strings::LogOutFailed,
        Strings::RemoteLoginNeeded,
        Strings::LocalLoginNeeded,
        Strings::Repository,
        Strings::Local,
        Strings::Remote,
        Strings::NoRemote,
        Strings::Region,
        Strings::Breadcrumb,
        Strings::RootFolder,
        Strings::Loading,
        Strings::NothingHere,
        Strings::LoadMore,
        Strings::Type,
        Strings::AllTypes,
        Strings::Images,
        Strings::Documents,
        Strings::DocumentType,
        Strings::AnyDocument,
        Strings::TextDocuments,
        Strings::Image,
        Strings::Document,
        Strings::ConnectedCopy,
        Strings::LiveCopy,
        Strings::ConnectedBadge,
        Strings::LiveCopyBadge,
    ];

    /// The word's key in `strings`.
    pub fn key(self) -> &'static str {
        self.word().0
    }

    /// The word the finder shows unless the host replaces it.
    pub fn default_text(self) -> &'static str {
        self.word().1
    }

    /// The key and the default, side by side.
    fn word(self) -> (&'static str, &'static str) {
        match self {
            Strings::Search => ("search", "Search assets"),
            Strings::LogIn => ("logIn", "Log in to Connected Assets"),
            Strings::LogInLocal => ("logInLocal", "Log in to Tessera"),
            Strings::LogInButton => ("logInButton", "Log in"),
            Strings::UserName => ("userName", "User name"),
            Strings::Password => ("password", "Password"),
            Strings::Cancel => ("cancel", "Cancel"),
            Strings::Dam => ("dam", "DAM: {dam}"),
            Strings::LoggedInAs => ("loggedInAs", "Connected Assets: logged in as {user}"),
            Strings::LogOut => ("logOut", "Log out of Connected Assets"),
            Strings::LogOutFailed => ("logOutFailed", "Logging out of Connected Assets failed: {error}"),
            Strings::RemoteLoginNeeded => ("remoteLoginNeeded", "Log in to Connected Assets to browse the remote DAM."),
            Strings::LocalLoginNeeded => ("localLoginNeeded", "Log in to browse this deployment's assets."),
            Strings::Repository => ("repository", "Repository"),
            Strings::Local => ("local", "Local"),
            Strings::Remote => ("remote", "Remote"),
            Strings::NoRemote => ("noRemote", "This deployment has no remote DAM configured."),
            Strings::Region => ("region", "Content Finder"),
            Strings::Breadcrumb => ("breadcrumb", "Breadcrumb"),
            Strings::RootFolder => ("rootFolder", "Assets"),
            Strings::Loading => ("loading", "Loading…"),
            Strings::NothingHere => ("nothingHere", "Nothing here."),
            Strings::LoadMore => ("loadMore", "Load more"),
            Strings::Type => ("type", "Type"),
            Strings::AllTypes => ("allTypes", "All"),
            Strings::Images => ("images", "Images"),
            Strings::Documents => ("documents", "Documents"),
            Strings::DocumentType => ("documentType", "Document type"),
            Strings::AnyDocument => ("anyDocument", "Any"),
            Strings::TextDocuments => ("textDocuments", "Text"),
            Strings::Image => ("image", "{title} (image)"),
            Strings::Document => ("document", "{title} (document)"),
            Strings::ConnectedCopy => ("connectedCopy", "Connected: a read-only copy from {dam}"),
            Strings::LiveCopy => ("liveCopy", "Live Copy: kept in step with its source"),
            Strings::ConnectedBadge => ("connectedBadge", "Connected"),
            Strings::LiveCopyBadge => ("liveCopyBadge", "Live Copy"),
        }
    }
}

/// What a finder tells whoever embeds it.
#[derive(Debug, Clone, PartialEq)]
pub enum FinderEvent {
    SelectionChanged(Vec<AssetDragPayload>),
    /// Enter or a double click: the user chose these.
    SelectionConfirmed(Vec<AssetDragPayload>),
    DragStarted(Box<AssetDragPayload>),
    /// The repository (origin) needs a login before it shows anything.
    LoginRequired(String),
    Error(String),
}

impl FinderEvent {
    /// Every event's name, as JavaScript listeners name them.
    pub const NAMES: [&'static str; 5] = ["selectionchange", "selectionconfirm", "dragstart", "loginrequired", "error"];

    /// The event's name for JavaScript listeners.
    pub fn name(&self) -> &'static str {
        match self {
            FinderEvent::SelectionChanged(_) => "selectionchange",
            FinderEvent::SelectionConfirmed(_) => "selectionconfirm",
            FinderEvent::DragStarted(_) => "dragstart",
            FinderEvent::LoginRequired(_) => "loginrequired",
            FinderEvent::Error(_) => "error",
        }
    }
}

type Listener = Rc<dyn Fn(&FinderEvent)>;

#[derive(Clone, Copy)]
pub struct Finder {
    pub local: Repository,
    pub remote: Repository,
    pub source: RwSignal<Source>,
    pub folder: RwSignal<DamPath>,
    /// The DAM a login dialog is open for.
    pub login_for: RwSignal<Option<Source>>,
    pub options: RwSignal<FinderOptions>,
    pub selection: RwSignal<Vec<AssetDragPayload>>,
    /// Folder titles learnt from listings, so the breadcrumb shows "Acceptance"
    /// where the path says `acceptance`.
    pub folder_titles: RwSignal<std::collections::HashMap<DamPath, String>>,
    /// Prefix of this finder's element ids, unique on the page.
    pub id: StoredValue<String>,
    listener: StoredValue<Option<Listener>, LocalStorage>,
}

impl Finder {
    pub fn new(local: Repository, remote: Repository, options: FinderOptions, id: String) -> Finder {
        let folder = options.start_folder();
        let source = if options.repository.is_none() { Source::Remote } else { Source::Local };
        Finder {
            local,
            remote,
            source: RwSignal::new(source),
            folder: RwSignal::new(folder),
            login_for: RwSignal::new(None),
            options: RwSignal::new(options),
            selection: RwSignal::new(Vec::new()),
            folder_titles: RwSignal::new(Default::default()),
            id: StoredValue::new(id),
            listener: StoredValue::new_local(None),
        }
    }

    pub fn repository(&self, source: Source) -> Repository {
        match source {
            Source::Local => self.local,
            Source::Remote => self.remote,
        }
    }

    /// Points the repositories at the DAMs the options name, and learns who is
    /// logged in to each one that changed.
    pub fn connect_repositories(&self) {
        let (local, remote) = self.options.with_untracked(|o| (o.repository.clone(), o.remote_repository.clone()));
        for (repository, base) in [(self.local, local), (self.remote, remote)] {
            let client = base.map(Client::new);
            if repository.client.get_untracked() == client {
                continue;
            }
            repository.session.set(None);
            repository.question.set(SessionQuestion::Pending);
            repository.client.set(client.clone());
            if let Some(client) = client {
                leptos::task::spawn_local(async move {
                    repository.take_session_answer(&client.session().await);
                });
            }
        }
    }

    /// Whoever embeds the finder hears its events through this one function.
    pub fn listen(&self, listener: impl Fn(&FinderEvent) + 'static) {
        self.listener.set_value(Some(Rc::new(listener)));
    }

    pub fn emit(&self, event: FinderEvent) {
        if let Some(listener) = self.listener.get_value() {
            listener(&event);
        }
    }

    /// An element id unique to this finder.
    pub fn element_id(&self, name: &str) -> String {
        format!("{}-{name}", self.id.get_value())
    }

    /// Opens the folder the options start in: `initialFolder`, or else `root`.
    pub fn open_start(&self) {
        self.open(self.options.with_untracked(FinderOptions::start_folder));
    }

    /// Opens a folder, never above the root.
    pub fn open(&self, folder: DamPath) {
        let root = self.options.with_untracked(|o| o.root.clone());
        self.folder.set(if tessera_model::access::is_within(&folder, &root) { folder } else { root });
    }

    /// A click on an asset: selects it (single) or adds or removes it (multiple).
    pub fn toggle(&self, payload: AssetDragPayload) {
        let mode = self.options.with_untracked(|o| o.selection);
        self.selection.update(|s| match s.iter().position(|p| p.repository == payload.repository && p.path == payload.path) {
            Some(i) => {
                s.remove(i);
            }
            None if mode == SelectionMode::Single => *s = vec![payload],
            None => s.push(payload),
        });
        self.emit(FinderEvent::SelectionChanged(self.selection.get_untracked()));
    }

    pub fn is_selected(&self, repository: &str, path: &DamPath) -> bool {
        self.selection.with(|s| s.iter().any(|p| p.repository == repository && &p.path == path))
    }

    /// Enter or a double click on an asset: it (and in multiple mode the rest of
    /// the selection) is chosen.
    pub fn confirm(&self, payload: AssetDragPayload) {
        if !self.is_selected(&payload.repository, &payload.path) {
            self.toggle(payload);
        }
        self.emit(FinderEvent::SelectionConfirmed(self.selection.get_untracked()));
    }
}

impl std::fmt::Debug for Finder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Finder").field("id", &self.id.get_value()).finish_non_exhaustive()
    }
}

pub fn use_finder() -> Finder {
    expect_context::<Finder>()
}

/// Sets a Performance API mark once the browser has painted what was just rendered,
/// so measurements (`cargo xtask bench`) see what a person sees.
pub fn mark_after_paint(name: &'static str) {
    after_paint(move || {
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark(name);
        }
    });
}

/// Runs `then` once the browser has painted what was just rendered: a task queued
/// from an animation frame runs after that frame's paint.
pub fn after_paint(then: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(then, std::time::Duration::ZERO));
}
