//! Request handlers, one module per resource.

pub mod collections;
pub mod connected;
pub mod dam;
pub mod delivery;
pub mod deployment;
pub mod editor;
pub mod images;
pub mod live_copies;
pub mod pages;
pub mod permissions;
pub mod public;
pub mod references;
pub mod search;
pub mod session;
pub mod shares;
pub mod tags;
pub mod versions;
