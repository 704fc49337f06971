//! One concept per file; shared state comes from [`crate::state::use_editor`].

pub mod app;
pub mod asset_card;
pub mod content_finder;
pub mod image_component;
pub mod login_dialog;
pub mod notifications;
pub mod side_panel;
