use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::PagePath;

use crate::api::Client;
use crate::components::app::open_page;
use crate::state::use_editor;

/// The site's pages: open one, add a page below the open one, rename or delete it.
#[component]
pub fn PagesPanel() -> impl IntoView {
    let editor = use_editor();
    let name = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let refresh = move || {
        spawn_local(async move {
            match Client::new("").pages().await {
                Ok(p) => editor.pages.set(p),
                Err(e) => editor.notify(format!("Could not list the pages: {e}")),
            }
        })
    };
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(me) = editor.local.session.get_untracked() else {
            return;
        };
        let parent = editor.page_path.get_untracked();
        let path = match &parent {
            Some(p) => p.join(&name.get_untracked()),
            None => PagePath::parse(&format!("/content/{}", name.get_untracked())),
        };
        let path = match path {
            Ok(p) => p,
            Err(e) => return editor.notify(e.to_string()),
        };
        let t = title.get_untracked();
        spawn_local(async move {
            match Client::new("").create_page(&path, &t, &me).await {
                Ok(_) => {
                    name.set(String::new());
                    title.set(String::new());
                    refresh();
                    open_page(editor, path).await;
                }
                Err(e) => editor.notify(format!("Could not create the page: {e}")),
            }
        });
    };
    let delete = move |_| {
        let (Some(path), Some(me)) = (editor.page_path.get_untracked(), editor.local.session.get_untracked()) else {
            return;
        };
        let confirmed = web_sys::window().and_then(|w| w.confirm_with_message(&format!("Delete {path} and the pages below it?")).ok()).unwrap_or(false);
        if !confirmed {
            return;
        }
        spawn_local(async move {
            match Client::new("").delete_page(&path, &me).await {
                Ok(()) => {
                    editor.page_path.set(None);
                    refresh();
                }
                Err(e) => editor.notify(format!("Could not delete the page: {e}")),
            }
        });
    };
    let rename = move |_| {
        let (Some(path), Some(me)) = (editor.page_path.get_untracked(), editor.local.session.get_untracked()) else {
            return;
        };
        let Some(new_name) = web_sys::window().and_then(|w| w.prompt_with_message_and_default("New name in the URL", path.name()).ok().flatten()) else {
            return;
        };
        let to = match path.parent() {
            Some(parent) => parent.join(&new_name),
            None => PagePath::parse(&format!("/content/{new_name}")),
        };
        let to = match to {
            Ok(t) => t,
            Err(e) => return editor.notify(e.to_string()),
        };
        spawn_local(async move {
            match Client::new("").move_page(&path, &to, &me).await {
                Ok(()) => {
                    refresh();
                    open_page(editor, to).await;
                }
                Err(e) => editor.notify(format!("Could not rename the page: {e}")),
            }
        });
    };

    view! {
        <section class="pages-panel" aria-label="Pages">
            <ul class="page-tree" aria-label="Site pages">
                <For each=move || editor.pages.get() key=|p| p.path.clone() let:page>
                    {
                        let depth = page.path.as_str().matches('/').count().saturating_sub(2);
                        let path = page.path.clone();
                        let current = {
                            let path = path.clone();
                            move || editor.page_path.get().as_ref() == Some(&path)
                        };
                        view! {
                            <li style=format!("padding-left: {}rem", depth as f32 * 0.9)>
                                <button
                                    type="button"
                                    class="link-button"
                                    aria-current=move || current().then_some("page")
                                    on:click=move |_| spawn_local(open_page(editor, path.clone()))
                                >
                                    {page.title.clone()}
                                </button>
                                <span class="page-path">{page.path.name().to_owned()}</span>
                            </li>
                        }
                    }
                </For>
            </ul>
            <div class="page-actions">
                <button type="button" disabled=move || editor.page_path.get().is_none() on:click=rename>"Rename page"</button>
                <button type="button" disabled=move || editor.page_path.get().is_none() on:click=delete>"Delete page"</button>
            </div>
            <form class="new-page" on:submit=create aria-label="New page">
                <h2>{move || if editor.page_path.get().is_some() { "New page below this one" } else { "New site" }}</h2>
                <label>"Title" <input type="text" required bind:value=title /></label>
                <label>"Name in the URL" <input type="text" required pattern="[a-z0-9][a-z0-9_\\-]*" bind:value=name /></label>
                <button type="submit" class="primary">"Create page"</button>
            </form>
        </section>
    }
}
