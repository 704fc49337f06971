//! One concept per file; shared state comes from [`crate::state::use_editor`] and
//! [`crate::finder::use_finder`]. Without the `editor` feature only the finder's own
//! components are built.

#[cfg(feature = "editor")]
pub mod app;
pub mod asset_card;
#[cfg(feature = "editor")]
pub mod collect_dialog;
#[cfg(feature = "editor")]
pub mod component_browser;
#[cfg(feature = "editor")]
pub mod connected_config_page;
pub mod content_finder;
#[cfg(feature = "editor")]
pub mod copy_status;
#[cfg(feature = "editor")]
pub mod deferred;
#[cfg(feature = "editor")]
pub mod dialogs;
#[cfg(feature = "editor")]
pub mod download_component;
pub mod icon;
#[cfg(feature = "editor")]
pub mod image_component;
#[cfg(feature = "editor")]
pub mod image_editor;
#[cfg(feature = "editor")]
pub mod jobs_page;
#[cfg(feature = "editor")]
pub mod local_time;
pub mod login_dialog;
#[cfg(any(feature = "editor", feature = "console"))]
pub mod menu_button;
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
pub mod segmented;
#[cfg(feature = "editor")]
pub mod shortcuts_dialog;
#[cfg(feature = "editor")]
pub mod side_panel;
#[cfg(any(feature = "editor", feature = "console"))]
pub mod tabs;
#[cfg(feature = "editor")]
pub mod text_component;
#[cfg(feature = "editor")]
pub mod title_component;
#[cfg(feature = "editor")]
pub mod toolbar;
pub mod type_filters;
