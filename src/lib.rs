//! The Tessera page editor, compiled to WebAssembly: a page with an Image component
//! and a side panel whose Content Finder browses the local and the remote DAM; and
//! that Content Finder alone, for developers' own pages ([`embed`]).
//!
//! Invariants: no server code here; every request to a deployment goes through
//! [`api`]; shared state travels by Leptos context ([`state::Editor`]), not props.

pub mod api;
pub mod components;
#[cfg(feature = "editor")]
pub mod connected;
#[cfg(feature = "console")]
pub mod console;
#[cfg(feature = "editor")]
pub mod edit_preview;
#[cfg(feature = "embed")]
pub mod embed;
pub mod finder;
#[cfg(feature = "editor")]
pub mod history;
#[cfg(feature = "editor")]
pub mod rich_text;
#[cfg(feature = "editor")]
pub mod state;

#[cfg(feature = "editor")]
use wasm_bindgen::prelude::*;

/// Mounts the editor into `root`. Called by `www/editor.js`.
#[cfg(feature = "editor")]
#[wasm_bindgen(js_name = mountEditor)]
pub fn mount_editor(root: web_sys::HtmlElement) {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to(root, components::app::App).forget();
}
