//! `tessera-server`: one deployment of Tessera, a thin HTTP layer over `tessera-repo`.
//!
//! Invariant: this crate never touches SQL or the data directory's files itself; it
//! asks the repository. Every handler makes exactly one call to [`auth::authorize`].

// The OpenAPI document is one large `json!` literal.
#![recursion_limit = "512"]

pub mod app;
pub mod auth;
pub mod config;
pub mod connected;
pub mod cors;
pub mod error;
pub mod extract;
pub mod handlers;
pub mod jobs;
pub mod migrate;
pub mod openapi;
pub mod password;
pub mod state;
pub mod throttle;

pub use app::{app, state};
pub use config::Settings;
