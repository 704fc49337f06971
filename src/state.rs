//! The editor's shared state, provided once as context by the app.

use leptos::prelude::*;
use tessera_model::{AssetDragPayload, DamPath, Me};

use crate::api::Client;

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
}

impl Repository {
    pub fn new(client: Option<Client>) -> Self {
        Repository { client: RwSignal::new(client), session: RwSignal::new(None) }
    }

    pub fn client(&self) -> Option<Client> {
        self.client.get()
    }

    pub fn client_untracked(&self) -> Option<Client> {
        self.client.get_untracked()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub id: u64,
    pub text: String,
}

#[derive(Debug, Clone, Copy)]
pub struct Editor {
    pub local: Repository,
    pub remote: Repository,
    pub source: RwSignal<Source>,
    pub folder: RwSignal<DamPath>,
    /// The asset shown by the page's Image component.
    pub image: RwSignal<Option<AssetDragPayload>>,
    /// The DAM a login dialog is open for.
    pub login_for: RwSignal<Option<Source>>,
    pub notices: RwSignal<Vec<Notice>>,
    next_notice: StoredValue<u64>,
}

impl Editor {
    pub fn new(local: Repository, remote: Repository) -> Self {
        Editor {
            local,
            remote,
            source: RwSignal::new(Source::Local),
            folder: RwSignal::new(DamPath::root()),
            image: RwSignal::new(None),
            login_for: RwSignal::new(None),
            notices: RwSignal::new(Vec::new()),
            next_notice: StoredValue::new(0),
        }
    }

    pub fn repository(&self, source: Source) -> Repository {
        match source {
            Source::Local => self.local,
            Source::Remote => self.remote,
        }
    }

    pub fn notify(&self, text: impl Into<String>) {
        let id = self.next_notice.get_value();
        self.next_notice.set_value(id + 1);
        self.notices.update(|n| n.push(Notice { id, text: text.into() }));
    }

    pub fn dismiss(&self, id: u64) {
        self.notices.update(|n| n.retain(|x| x.id != id));
    }
}

pub fn use_editor() -> Editor {
    expect_context::<Editor>()
}
