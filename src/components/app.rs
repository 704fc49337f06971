use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::Client;
use crate::components::image_component::ImageComponent;
use crate::components::login_dialog::LoginDialog;
use crate::components::notifications::Notifications;
use crate::components::side_panel::SidePanel;
use crate::state::{Editor, Repository};

/// The whole editor: toolbar, side panel, the page, dialogs and notifications.
#[component]
pub fn App() -> impl IntoView {
    let editor = Editor::new(Repository::new(Some(Client::new(""))), Repository::new(None));
    provide_context(editor);
    spawn_local(connect(editor));
    let panel_open = RwSignal::new(true);

    view! {
        <div class="editor">
            <header class="toolbar">
                <button
                    type="button"
                    class="toolbar-button"
                    aria-pressed=move || panel_open.get().to_string()
                    aria-controls="side-panel"
                    on:click=move |_| panel_open.update(|o| *o = !*o)
                >
                    "Toggle Side Panel"
                </button>
                <h1 class="toolbar-title">"Tessera"</h1>
            </header>
            <div class="workspace">
                <Show when=move || panel_open.get()>
                    <SidePanel />
                </Show>
                <main class="page" aria-label="Page">
                    <ImageComponent />
                </main>
            </div>
            <LoginDialog />
            <Notifications />
        </div>
    }
}

/// Learns where the remote DAM is and who is already logged in on each side.
async fn connect(editor: Editor) {
    let local = Client::new("");
    match local.deployment().await {
        Ok(info) => {
            if let Some(url) = info.remote_dam_url {
                let remote = Client::new(url);
                if let Ok(me) = remote.me().await {
                    editor.remote.session.set(Some(me));
                }
                editor.remote.client.set(Some(remote));
            }
        }
        Err(e) => editor.notify(format!("Could not read this deployment's settings: {e}")),
    }
    if let Ok(me) = local.me().await {
        editor.local.session.set(Some(me));
    }
}
