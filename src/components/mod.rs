//! One concept per file; shared state comes from [`crate::state::use_editor`] and
//! [`crate::finder::use_finder`]. Without the `editor` feature only the finder's own
//! components are built.

#[cfg(feature = "editor")]
pub mod app;
pub mod asset_card;
#[cfg(feature = "editor")]
pub mod component_browser;
#[cfg(feature = "editor")]
pub mod connected_config_page;
pub mod content_finder;
#[cfg(feature = "editor")]
pub mod download_component;
#[cfg(feature = "editor")]
pub mod image_component;
#[cfg(feature = "editor")]
pub mod image_editor;
#[cfg(feature = "editor")]
pub mod jobs_page;
pub mod login_dialog;
pub mod modal;
#[cfg(feature = "editor")]
pub mod notifications;
#[cfg(feature = "editor")]
pub mod page_canvas;
#[cfg(feature = "editor")]
pub mod pages_panel;
#[cfg(feature = "editor")]
pub mod properties_dialog;
#[cfg(feature = "editor")]
pub mod publish_dialog;
#[cfg(feature = "editor")]
pub mod references_dialog;
#[cfg(feature = "editor")]
pub mod shortcuts_dialog;
#[cfg(feature = "editor")]
pub mod side_panel;
#[cfg(feature = "editor")]
pub mod tabs;
#[cfg(feature = "editor")]
pub mod text_component;
#[cfg(feature = "editor")]
pub mod title_component;
#[cfg(feature = "editor")]
pub mod toolbar;
