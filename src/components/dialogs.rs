//! The editor's dialogs, none of which the editor needs to be interactive. The login
//! is a lazily loaded module (see the `split` feature) asked for when a login is
//! first wanted. The others (Properties, the image editor, Publish, References, Add
//! to Collection, the keyboard shortcuts) are one module asked for once the editor has
//! settled, so it arrives while the author looks at the page, or at the latest when
//! one of them first opens.

use leptos::prelude::*;

use crate::components::collect_dialog::CollectDialog;
use crate::components::deferred::wanted_once;
use crate::components::image_editor::ImageEditor;
use crate::components::login_dialog::LoginDialog;
use crate::components::properties_dialog::PropertiesDialog;
use crate::components::publish_dialog::PublishDialog;
use crate::components::references_dialog::ReferencesDialog;
use crate::components::shortcuts_dialog::ShortcutsDialog;
use crate::state::{use_editor, Editor};

#[component]
pub fn Dialogs() -> impl IntoView {
    let editor = use_editor();
    let login = wanted_once(move || editor.finder.login_for.with(Option::is_some));
    let others = wanted_once(move || editor.settled.get() || a_dialog_is_open(editor));
    view! {
        {move || login.get().then(|| Suspend::new(login_view()))}
        {move || others.get().then(|| Suspend::new(dialogs_view()))}
    }
}

fn a_dialog_is_open(editor: Editor) -> bool {
    editor.properties_for.with(Option::is_some)
        || editor.image_edit_for.with(Option::is_some)
        || editor.publish_open.get()
        || editor.references_for.with(Option::is_some)
        || editor.collect_for.with(Option::is_some)
        || editor.shortcuts_open.get()
}

/// Built untracked, like the others.
#[cfg_attr(feature = "split", leptos::lazy)]
async fn login_view() -> AnyView {
    untrack(|| view! { <LoginDialog /> }.into_any())
}

/// Built untracked: the `Suspend` awaiting it would otherwise follow the signals the
/// dialogs read as they are built, and build them all again when one changes.
#[cfg_attr(feature = "split", leptos::lazy)]
async fn dialogs_view() -> AnyView {
    untrack(|| {
        view! {
            <PropertiesDialog />
            <ImageEditor />
            <PublishDialog />
            <ReferencesDialog />
            <CollectDialog />
            <ShortcutsDialog />
        }
        .into_any()
    })
}
