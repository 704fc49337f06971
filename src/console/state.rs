//! The console's state, one value provided as context to its components.

use leptos::prelude::*;
use tessera_model::{AssetDto, CollectionDto, DamPath, FolderDto, MatchCount, Me, SearchQuery, SearchResults, Sort};

use crate::api::{ApiError, Client};

/// One thing in the folder shown: a sub-folder or an asset.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Folder(FolderDto),
    Asset(Box<AssetDto>),
}

impl Item {
    pub fn path(&self) -> &DamPath {
        match self {
            Item::Folder(f) => &f.path,
            Item::Asset(a) => &a.path,
        }
    }

    pub fn asset(&self) -> Option<&AssetDto> {
        match self {
            Item::Asset(a) => Some(a),
            Item::Folder(_) => None,
        }
    }
}

/// What the console shows beside the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// The folder in [`Console::folder`].
    Folder,
    /// What a search finds.
    Search(SearchQuery),
    Collection(i64),
    ShareLinks,
    /// Async Jobs: live copy folders being made or rolled out, and the like.
    Jobs,
    /// The Live Copy Overview of a source folder.
    LiveCopyOverview(DamPath),
}

impl Place {
    /// Whether it is a page of its own rather than a list of items ([`Browse`]).
    ///
    /// [`Browse`]: crate::console::browse::Browse
    pub fn is_page(&self) -> bool {
        matches!(self, Place::ShareLinks | Place::Jobs | Place::LiveCopyOverview(_))
    }
}

/// What the place shown holds, as last loaded.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// The heading: the folder's or collection's title, or "Search results".
    pub title: String,
    /// The collection shown, with what the viewer may do with it.
    pub collection: Option<CollectionDto>,
    /// The query for the next page of assets, when there is one (a folder or a search).
    pub next: Option<SearchQuery>,
    /// How many assets there are in all, when the server counted them.
    pub total: Option<MatchCount>,
    pub items: Vec<Item>,
    pub loading: bool,
    pub error: Option<ApiError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewMode {
    Cards,
    List,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Modified,
    Size,
}

impl SortKey {
    pub fn parse(s: &str) -> SortKey {
        match s {
            "modified" => SortKey::Modified,
            "size" => SortKey::Size,
            _ => SortKey::Name,
        }
    }

    /// The same order asked of the server, so pages arrive already in it.
    pub fn search_sort(self) -> Sort {
        match self {
            SortKey::Name => Sort::Name,
            SortKey::Modified => Sort::Modified,
            SortKey::Size => Sort::Size,
        }
    }
}

/// How many assets a page of a folder or a search brings.
pub const PAGE: u32 = 100;

/// What the rail beside the folder shows for the selected asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rail {
    Closed,
    Properties,
    References,
    Timeline,
}

/// The dialog open, if any.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    CreateFolder,
    CheckIn(DamPath),
    CreateVersion(DamPath),
    Delete {
        paths: Vec<DamPath>,
        refusal: Option<String>,
    },
    MoveOrCopy {
        paths: Vec<DamPath>,
        copy: MoveOrCopy,
    },
    Rename(DamPath),
    Share(Vec<DamPath>),
    AddToCollection(Vec<DamPath>),
    SaveSearch(SearchQuery),
    /// Create Live Copy, of the item given or of one picked in the dialog.
    CreateLiveCopy(Option<DamPath>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveOrCopy {
    Move,
    Copy,
}

/// A message for everyone, screen readers included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

#[derive(Clone, Copy)]
pub struct Console {
    pub client: StoredValue<Client>,
    pub me: RwSignal<Option<Me>>,
    /// Whether the deployment has said who is logged in.
    pub checked: RwSignal<bool>,
    /// Whether this deployment also serves the page editor.
    pub has_editor: RwSignal<bool>,
    pub folder: RwSignal<DamPath>,
    pub place: RwSignal<Place>,
    pub listing: RwSignal<Listing>,
    pub view: RwSignal<ViewMode>,
    pub sort: RwSignal<SortKey>,
    pub selection: RwSignal<Vec<DamPath>>,
    /// Where a Shift range starts.
    pub anchor: RwSignal<Option<DamPath>>,
    pub rail: RwSignal<Rail>,
    pub dialog: RwSignal<Option<Dialog>>,
    pub status: RwSignal<Option<Status>>,
    /// Bumped to load the folder again.
    pub reload: RwSignal<u64>,
}

impl Console {
    pub fn new() -> Self {
        Console {
            client: StoredValue::new(Client::new("")),
            me: RwSignal::new(None),
            checked: RwSignal::new(false),
            has_editor: RwSignal::new(false),
            folder: RwSignal::new(DamPath::root()),
            place: RwSignal::new(Place::Folder),
            listing: RwSignal::new(Listing::default()),
            view: RwSignal::new(ViewMode::Cards),
            sort: RwSignal::new(SortKey::Name),
            selection: RwSignal::new(Vec::new()),
            anchor: RwSignal::new(None),
            rail: RwSignal::new(Rail::Closed),
            dialog: RwSignal::new(None),
            status: RwSignal::new(None),
            reload: RwSignal::new(0),
        }
    }

    pub fn client(&self) -> Client {
        self.client.get_value()
    }

    pub fn say(&self, text: impl Into<String>) {
        self.status.set(Some(Status { text: text.into(), error: false }));
    }

    pub fn fail(&self, error: &ApiError) {
        if error.is_unauthenticated() {
            self.me.set(None);
        }
        self.status.set(Some(Status { text: error.to_string(), error: true }));
    }

    pub fn refresh(&self) {
        self.reload.update(|n| *n += 1);
    }

    pub fn open(&self, folder: DamPath) {
        self.go(Place::Folder);
        self.folder.set(folder);
    }

    /// Opens the folder holding `path` with it selected.
    pub fn reveal(&self, path: &DamPath) {
        if let Some(parent) = path.parent() {
            self.open(parent);
            self.selection.set(vec![path.clone()]);
            self.anchor.set(Some(path.clone()));
        }
    }

    /// Shows a search, a collection or the share links, starting with no selection.
    pub fn go(&self, place: Place) {
        self.selection.set(Vec::new());
        self.anchor.set(None);
        self.place.set(place);
    }

    /// The items in the order shown.
    pub fn sorted_items(&self) -> Vec<Item> {
        let mut items = self.listing.with(|l| l.items.clone());
        let key = self.sort.get();
        items.sort_by(|a, b| {
            let folders_first = matches!(b, Item::Folder(_)).cmp(&matches!(a, Item::Folder(_)));
            folders_first.then_with(|| match (key, a.asset(), b.asset()) {
                (SortKey::Modified, Some(x), Some(y)) => y.modified_at.cmp(&x.modified_at),
                (SortKey::Size, Some(x), Some(y)) => y.size.cmp(&x.size),
                _ => caseless(a.path().name()).cmp(caseless(b.path().name())),
            })
        });
        items
    }

    pub fn is_selected(&self, path: &DamPath) -> bool {
        self.selection.with(|s| s.contains(path))
    }

    /// The selected assets (not folders), in the order shown.
    pub fn selected_assets(&self) -> Vec<AssetDto> {
        let selection = self.selection.get();
        self.sorted_items().into_iter().filter(|i| selection.contains(i.path())).filter_map(|i| i.asset().cloned()).collect()
    }

    /// The one asset selected, when exactly one is.
    pub fn single_asset(&self) -> Option<AssetDto> {
        let assets = self.selected_assets();
        (assets.len() == 1 && self.selection.with(Vec::len) == 1).then(|| assets.into_iter().next()).flatten()
    }

    /// The one item selected, folder or asset, when exactly one is.
    pub fn single_item(&self) -> Option<Item> {
        let selection = self.selection.get();
        let [one] = selection.as_slice() else { return None };
        self.listing.with(|l| l.items.iter().find(|i| i.path() == one).cloned())
    }

    /// A click: alone, with Ctrl/Cmd (toggle), with Shift (range from the anchor).
    pub fn click(&self, path: &DamPath, toggle: bool, range: bool) {
        let items = self.sorted_items();
        let position = |p: &DamPath| items.iter().position(|i| i.path() == p);
        match (range, self.anchor.get_untracked().and_then(|a| position(&a)), position(path)) {
            (true, Some(from), Some(to)) => {
                let (lo, hi) = (from.min(to), from.max(to));
                let span: Vec<DamPath> = items[lo..=hi].iter().map(|i| i.path().clone()).collect();
                if toggle {
                    self.selection.update(|s| s.extend(span.into_iter().filter(|p| !s.contains(p)).collect::<Vec<_>>()));
                } else {
                    self.selection.set(span);
                }
            }
            _ if toggle => {
                self.selection.update(|s| match s.iter().position(|p| p == path) {
                    Some(i) => {
                        s.remove(i);
                    }
                    None => s.push(path.clone()),
                });
                self.anchor.set(Some(path.clone()));
            }
            _ => {
                self.selection.set(vec![path.clone()]);
                self.anchor.set(Some(path.clone()));
            }
        }
    }

    /// Selects everything shown. Of a folder read a page at a time that is what has
    /// been loaded so far, and the status says so.
    pub fn select_all(&self) {
        let items = self.sorted_items();
        self.selection.set(items.iter().map(|i| i.path().clone()).collect());
        let (more, total) = self.listing.with_untracked(|l| (l.next.is_some(), l.total));
        if more {
            let loaded = items.iter().filter(|i| i.asset().is_some()).count();
            let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
            self.say(format!("Selected the {loaded} assets loaded{of}; load more results to select more."));
        }
    }

    pub fn is_administrator(&self) -> bool {
        self.me.with(|m| m.as_ref().is_some_and(|m| m.groups.iter().any(|g| g == "administrators")))
    }
}

impl Default for Console {
    fn default() -> Self {
        Self::new()
    }
}

/// Puts `path` in `chosen` (a list of checked boxes) or takes it out.
pub fn choose(chosen: RwSignal<Vec<DamPath>>, path: &DamPath, on: bool) {
    chosen.update(|c| {
        c.retain(|p| p != path);
        if on {
            c.push(path.clone());
        }
    });
}

pub fn use_console() -> Console {
    expect_context::<Console>()
}

/// Loads the place shown whenever it, the session or a reload asks.
pub fn load_listing(console: Console) {
    Effect::new(move |_| {
        let place = console.place.get();
        let folder = console.folder.get();
        let sort = console.sort.get();
        console.reload.track();
        if console.me.with(Option::is_none) || place.is_page() {
            return;
        }
        console.listing.update(|l| l.loading = true);
        let client = console.client();
        leptos::task::spawn_local(async move {
            let loaded = load(&client, &place, &folder, sort).await;
            if console.place.get_untracked() != place || console.folder.get_untracked() != folder || console.sort.get_untracked() != sort {
                return;
            }
            match loaded {
                Ok(listing) => {
                    console.listing.set(listing);
                    // The first screen is painted: for whoever measures how soon.
                    crate::finder::mark_after_paint("tessera-console-ready");
                    // What is gone leaves the selection.
                    let shown: Vec<DamPath> = console.listing.with_untracked(|l| l.items.iter().map(|i| i.path().clone()).collect());
                    console.selection.update(|s| s.retain(|p| shown.contains(p)));
                }
                Err(e) => {
                    console.fail(&e);
                    console.listing.set(Listing { error: Some(e), ..Default::default() });
                }
            }
        });
    });
}

fn assets(list: Vec<AssetDto>) -> impl Iterator<Item = Item> {
    list.into_iter().map(|a| Item::Asset(Box::new(a)))
}

async fn load(client: &Client, place: &Place, folder: &DamPath, sort: SortKey) -> Result<Listing, ApiError> {
    Ok(match place {
        Place::Folder | Place::ShareLinks | Place::Jobs | Place::LiveCopyOverview(_) => {
            // Sub-folders all at once, assets a page at a time: a folder may hold 10,000.
            let query = SearchQuery { in_folder: Some(folder.clone()), sort: Some(sort.search_sort()), limit: Some(PAGE), ..Default::default() };
            // Both requests in flight at once: the first screen waits for the slower only.
            let (tree, found) = futures_util::future::join(client.tree(folder, 1), client.search(&query)).await;
            let tree = tree?;
            let found = found?;
            let next = next_page(&query, &found);
            Listing {
                title: tree.folder.title.clone(),
                total: found.count(),
                items: tree.children.into_iter().map(|c| Item::Folder(c.folder)).chain(assets(found.assets)).collect(),
                next,
                ..Default::default()
            }
        }
        Place::Search(query) => {
            // In the console's order, so that later pages continue the ones shown.
            let query = &SearchQuery { sort: Some(sort.search_sort()), ..query.clone() };
            let found = client.search(query).await?;
            let title = match found.count() {
                Some(n) => format!("Search results ({n})"),
                None => "Search results".to_owned(),
            };
            Listing { title, total: found.count(), next: next_page(query, &found), items: assets(found.assets).collect(), ..Default::default() }
        }
        Place::Collection(id) => {
            let contents = client.collection(*id).await?;
            Listing {
                title: contents.collection.title.clone(),
                items: assets(contents.assets).collect(),
                collection: Some(contents.collection),
                ..Default::default()
            }
        }
    })
}

/// The query for the page after `found`, when there is one.
pub fn next_page(query: &SearchQuery, found: &SearchResults) -> Option<SearchQuery> {
    found.next_cursor.clone().map(|cursor| SearchQuery { cursor: Some(cursor), ..query.clone() })
}

/// A name's bytes with ASCII letters folded to lower case: the order the catalog
/// sorts names in (SQLite's `NOCASE`), so pages loaded later fall into place.
fn caseless(name: &str) -> impl Iterator<Item = u8> + '_ {
    name.bytes().map(|b| b.to_ascii_lowercase())
}
