//! The standing security suite: what an attacker or an unlucky operator would try,
//! against the real router in process and against real server processes.
//!
//! The sweeps read the served OpenAPI document, so operations added later are swept
//! without anyone remembering to add them here.

#[path = "../api/common.rs"]
mod common;

mod blobs;
mod connected;
mod links;
mod logins;
#[path = "../api/process.rs"]
mod process;
mod scope;
mod sweeps;
