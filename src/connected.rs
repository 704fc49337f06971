//! Connected Assets in the editor: a remote asset dropped on a component is fetched
//! into the mount point by the Sites server, and the component uses that local,
//! read-only copy from then on.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::connected::{mount_path, FetchResult, OriginalTransfer};
use tessera_model::{AssetDragPayload, AssetRef, ComponentBody, DamPath};

use crate::api::Client;
use crate::state::{Editor, NoticeAction, NoticeKind};

/// A fetch the author is waiting for, or one that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchState {
    Fetching,
    Failed(String),
}

impl Editor {
    /// The component refers to the copy at once; its renditions arrive with the fetch.
    pub(crate) fn drop_remote(&self, id: &str, payload: &AssetDragPayload, mount: &DamPath) {
        let (Some(page), Some(me)) = (self.page_path.get_untracked(), self.local.session.get_untracked()) else {
            return;
        };
        let Some(local) = mount_path(mount, &payload.asset.path) else {
            return self.notify(format!("{} cannot be copied into {mount}.", payload.asset.path));
        };
        let mut copy = AssetRef::from_payload(payload, &payload.repository);
        copy.path = local.clone();
        copy.renditions.clear();
        if !self.put_asset(id, copy) {
            return;
        }
        self.fetches.update(|f| {
            f.insert(local.clone(), FetchState::Fetching);
        });
        let editor = *self;
        let (remote, title) = (payload.asset.path.clone(), payload.asset.title.clone());
        let retry = {
            let (id, payload, mount) = (id.to_owned(), payload.clone(), mount.clone());
            NoticeAction { label: "Retry", run: Callback::new(move |_| editor.drop_remote(&id, &payload, &mount)) }
        };
        spawn_local(async move {
            match Client::new("").fetch_remote(&remote, &page, &me).await {
                Ok(result) => editor.fetched(result),
                Err(e) => {
                    editor.fetches.update(|f| {
                        f.insert(local, FetchState::Failed(e.to_string()));
                    });
                    editor.announce(NoticeKind::Error, format!("\u{201c}{title}\u{201d} was not fetched from the remote DAM. {e}"), Some(retry));
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

    /// What to show for an asset whose copy has no renditions (yet).
    pub fn fetch_note(&self, asset: &AssetRef) -> String {
        match self.fetches.with(|f| f.get(&asset.path).cloned()) {
            Some(FetchState::Fetching) => format!("Fetching \u{201c}{}\u{201d} from the remote DAM\u{2026}", asset.title),
            Some(FetchState::Failed(why)) => format!("\u{201c}{}\u{201d} was not fetched: {why}", asset.title),
            None => format!("\u{201c}{}\u{201d} is not in the DAM. Drag it onto this component again to fetch it.", asset.title),
        }
    }
}
