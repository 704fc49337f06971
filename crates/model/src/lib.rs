//! Types and pure logic shared by the editor (wasm32) and the server.
//!
//! Invariant: no I/O and no dependency on axum, SQLite, Leptos or web-sys. The wire
//! format is defined here once, so both sides agree on it by construction.

pub mod access;
pub mod api;
pub mod compare;
pub mod connected;
pub mod edit;
pub mod metadata;
pub mod mime;
pub mod msm;
#[cfg(feature = "openapi")]
mod openapi;
pub mod page;
pub mod path;
pub mod published;
pub mod rendition;
pub mod search;
pub mod tag;
mod wire;

pub use access::{Access, PermissionRule, Policy, SetPermission};
pub use api::*;
pub use metadata::{Description, MetadataError, MetadataPatch, Properties, PropertyName, Title};
pub use mime::{sniff, AssetKind, Sniffed};
pub use page::{AssetRef, Component, ComponentBody, CreatePage, MovePage, PageContent, PageDto, PagePath, PageSummary};
pub use path::{DamPath, PathError, DAM_ROOT};
pub use rendition::RenditionName;
pub use search::{DocType, MatchCount, Order, SearchQuery, SearchResults, Sort, COUNT_LIMIT};
pub use tag::{TagError, TagId};
