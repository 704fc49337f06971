//! One concept per file; shared state comes from [`crate::state::use_editor`].

pub mod app;
pub mod asset_card;
pub mod component_browser;
pub mod connected_config_page;
pub mod content_finder;
pub mod download_component;
pub mod image_component;
pub mod image_editor;
pub mod jobs_page;
pub mod login_dialog;
pub mod notifications;
pub mod page_canvas;
pub mod pages_panel;
pub mod properties_dialog;
pub mod publish_dialog;
pub mod references_dialog;
pub mod side_panel;
pub mod text_component;
pub mod title_component;
pub mod toolbar;
