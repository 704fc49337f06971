//! Connected Assets in the editor: a remote asset dropped on a component is fetched
//! into the mount point by the Sites server, and the component uses that local,
//! read-only copy from then on.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::connected::{mount_path, FetchResult, OriginalTransfer};
use tessera_model::{AssetDragPayload, AssetRef, ComponentBody, DamPath};

use crate::api::Client;
use crate::state::{Editor, NoticeAction, NoticeKind};

/// One asset to fetch: its path on the remote DAM, its copy's path here.
#[derive(Debug, Clone)]
struct Transfer {
    remote: DamPath,
    local: DamPath,
    title: String,
}

/// A fetch the author is waiting for, or one that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchState {
    Fetching,
    Failed(String),
}

impl Editor {
    /// The component refers to the copy at once; its renditions arrive with the fetch.
    /// A copy already fetched into the mount point stays in use, on the component and
    /// on the published page alike, until a new fetch replaces it.
    pub(crate) fn drop_remote(&self, id: &str, payload: &AssetDragPayload, mount: &DamPath) {
        let Some(local) = mount_path(mount, &payload.asset.path) else {
            return self.notify(format!("{} cannot be copied into {mount}.", payload.asset.path));
        };
        let copy = self.fetched_copy(&local).unwrap_or_else(|| {
            let mut placeholder = AssetRef::from_payload(payload, &payload.repository);
            placeholder.path = local.clone();
            placeholder.renditions.clear();
            placeholder.connected = None;
            placeholder
        });
        if self.put_asset(id, copy) {
            self.start_fetch(Transfer { remote: payload.asset.path.clone(), local, title: payload.asset.title.clone() });
        }
    }

    /// "Fetch again" on a Connected Assets copy: the components keep it, edits and
    /// all, and get the new renditions when they arrive.
    pub fn fetch_again(&self, copy: &AssetRef) {
        if let Some(origin) = &copy.connected {
            self.start_fetch(Transfer { remote: origin.path.clone(), local: copy.path.clone(), title: copy.title.clone() });
        }
    }

    /// The copy at `local` as a component of this page already shows it, renditions
    /// and all, if one does.
    fn fetched_copy(&self, local: &DamPath) -> Option<AssetRef> {
        self.content.with_untracked(|c| {
            c.components.iter().filter_map(|x| x.body.asset()).find(|a| a.path == *local && a.connected.is_some() && !a.renditions.is_empty()).cloned()
        })
    }

    fn start_fetch(&self, transfer: Transfer) {
        let (Some(page), Some(me)) = (self.page_path.get_untracked(), self.local.session.get_untracked()) else {
            return;
        };
        self.fetches.update(|f| {
            f.insert(transfer.local.clone(), FetchState::Fetching);
        });
        let editor = *self;
        let retry = {
            let transfer = transfer.clone();
            NoticeAction { label: "Retry", run: Callback::new(move |_| editor.start_fetch(transfer.clone())) }
        };
        spawn_local(async move {
            match Client::new("").fetch_remote(&transfer.remote, &page, &me).await {
                Ok(result) => editor.fetched(result),
                Err(e) => {
                    editor.fetches.update(|f| {
                        f.insert(transfer.local.clone(), FetchState::Failed(e.to_string()));
                    });
                    let kept = if editor.fetched_copy(&transfer.local).is_some() { " The copy fetched before stays in use." } else { "" };
                    editor.announce(
                        NoticeKind::Error,
                        format!("\u{201c}{}\u{201d} was not fetched from the remote DAM. {e}{kept}", transfer.title),
                        Some(retry),
                    );
                }
            }
        });
    }

    fn fetched(&self, result: FetchResult) {
        let title = result.asset.title.clone();
        let copy = AssetRef::from_payload(&AssetDragPayload::new("", result.asset), "");
        self.fetches.update(|f| {
            f.remove(&copy.path);
        });
        // Filling in the copy's renditions is part of the drop, not an undo step.
        self.type_change(|content| {
            for component in &mut content.components {
                let slot = match &mut component.body {
                    ComponentBody::Image(i) => &mut i.asset,
                    ComponentBody::Download(d) => &mut d.asset,
                    _ => continue,
                };
                if slot.as_ref().is_some_and(|a| a.path == copy.path) {
                    *slot = Some(copy.clone());
                }
            }
        });
        self.succeed(format!("\u{201c}{title}\u{201d} was fetched from the remote DAM."));
        if result.original == OriginalTransfer::Pending {
            self.inform(format!("The original of \u{201c}{title}\u{201d} is large: it is being fetched in the background. Async Jobs shows its progress."));
        }
        if result.dropped_tags > 0 {
            self.inform(format!("{} tag(s) of \u{201c}{title}\u{201d} do not exist here with the same hierarchy and were not copied.", result.dropped_tags));
        }
    }

    /// The fetch under way or failed for the copy at `path`, if any (tracked).
    pub fn fetch_state(&self, path: &DamPath) -> Option<FetchState> {
        self.fetches.with(|f| f.get(path).cloned())
    }

    /// What to show for an asset whose copy has no renditions (yet).
    pub fn fetch_note(&self, asset: &AssetRef) -> String {
        match self.fetch_state(&asset.path) {
            Some(FetchState::Fetching) => format!("Fetching \u{201c}{}\u{201d} from the remote DAM\u{2026}", asset.title),
            Some(FetchState::Failed(why)) => format!("\u{201c}{}\u{201d} was not fetched: {why}", asset.title),
            None => format!("\u{201c}{}\u{201d} is not in the DAM. Drag it onto this component again to fetch it.", asset.title),
        }
    }
}
