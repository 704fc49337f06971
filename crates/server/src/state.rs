use std::sync::Arc;

use tessera_repo::Repo;

use crate::config::Settings;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub repo: Repo,
    /// A real argon2id hash to verify against when the user name is unknown, so a
    /// wrong name takes as long to refuse as a wrong password.
    pub decoy_hash: Arc<String>,
}
