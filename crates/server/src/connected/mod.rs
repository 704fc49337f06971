//! Connected Assets, the Sites side: the configuration, the server-to-server client
//! of the remote DAM, fetching remote assets into the mount point, and the jobs that
//! bring large originals and report references.

mod fetch;
mod network;
mod remote;

use std::sync::{Arc, RwLock};

use tessera_model::connected::ConnectedConfigDto;
use tessera_model::DamPath;
use tessera_repo::Repo;

use crate::config::ConnectedSettings;

pub use fetch::{fetch, report_usage_change, resume_job, FetchError, Fetched, FETCH_BUDGET};
pub use network::{dam_url, DamNetwork};
pub use remote::{test_connection, RemoteDam, RemoteError};

/// The key the administrator page's configuration is stored under.
const SETTINGS_KEY: &str = "connected_assets";

/// A Sites deployment's Connected Assets: what the administrator configured and the
/// client that talks to the remote DAM as the DAM distributor.
pub struct Connected {
    settings: RwLock<ConnectedSettings>,
    pub remote: RemoteDam,
}

impl Connected {
    /// The config file's settings, unless the administrator page changed them since.
    pub fn load(file: ConnectedSettings, network: DamNetwork, repo: &Repo) -> anyhow::Result<Arc<Connected>> {
        let settings = match repo.setting_at_start(SETTINGS_KEY)? {
            Some(json) => serde_json::from_str(&json).map_err(|e| anyhow::anyhow!("the stored Connected Assets configuration is unreadable: {e}"))?,
            None => file,
        };
        Ok(Arc::new(Connected { settings: RwLock::new(settings), remote: RemoteDam::new(network)? }))
    }

    /// A copy of the whole configuration, for work that uses much of it (a fetch).
    pub fn settings(&self) -> ConnectedSettings {
        self.settings.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The mount point: every request's authorization asks, so nothing else is copied.
    pub fn mount_point(&self) -> DamPath {
        self.settings.read().unwrap_or_else(|p| p.into_inner()).mount_point.clone()
    }

    pub fn remote_dam_url(&self) -> String {
        self.settings.read().unwrap_or_else(|p| p.into_inner()).remote_dam_url.clone()
    }

    /// Stores and applies a new configuration; the DAM distributor logs in again.
    pub async fn replace(&self, settings: ConnectedSettings, repo: &Repo) -> Result<(), tessera_repo::RepoError> {
        let json = serde_json::to_string(&settings).map_err(|e| tessera_repo::RepoError::Internal(e.to_string()))?;
        repo.set_setting(SETTINGS_KEY, &json).await?;
        *self.settings.write().unwrap_or_else(|p| p.into_inner()) = settings;
        self.remote.forget_session();
        Ok(())
    }

    /// The configuration as the administrator page shows it: no password.
    pub fn dto(&self) -> ConnectedConfigDto {
        let s = self.settings();
        ConnectedConfigDto {
            distributor_password_set: !s.distributor_password.is_empty(),
            title: s.title,
            remote_dam_url: s.remote_dam_url,
            distributor_user: s.distributor_user,
            mount_point: s.mount_point,
            local_sites_url: s.local_sites_url,
            threshold_bytes: s.threshold_bytes,
            shared_datastore: s.shared_datastore,
        }
    }
}
