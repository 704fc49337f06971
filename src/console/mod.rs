//! The Assets console at `/assets`: browse, upload, properties, check-out and
//! check-in, versions and timeline, collections and share links. Its own bundle
//! (the crate's `console` feature), so neither the editor nor a host page of the
//! finder loads it; every request goes through [`crate::api`].

mod address;
mod app;
mod browse;
mod compare;
mod create_live_copy;
mod dialogs;
mod dropped;
mod folder_properties;
mod jobs;
mod live_copy;
mod live_copy_references;
mod live_copy_source;
mod overview;
mod places;
mod properties;
mod properties_tabs;
mod rail;
mod selection_actions;
mod state;
mod time;
mod toolbar;
mod tree;
mod upload;

use wasm_bindgen::prelude::*;

/// Mounts the console into `root`. Called by `www/console.js`.
#[wasm_bindgen(js_name = mountConsole)]
pub fn mount_console(root: web_sys::HtmlElement) {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to(root, app::ConsoleApp).forget();
}
