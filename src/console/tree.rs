//! The folder tree: a disclosure navigation (each folder opens on its name, and
//! shows its sub-folders on its own toggle), loaded as it is expanded.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::{DamPath, FolderDto};

use crate::console::state::use_console;

#[component]
pub fn FolderTree() -> impl IntoView {
    let root = FolderDto { path: DamPath::root(), name: "dam".into(), title: "Assets".into(), live_copy: false };
    view! {
        <nav class="folder-tree" aria-label="Folders">
            <ul>
                <TreeNode folder=root expanded=true />
            </ul>
        </nav>
    }
}

#[component]
fn TreeNode(folder: FolderDto, #[prop(optional)] expanded: bool) -> AnyView {
    let console = use_console();
    let open = RwSignal::new(expanded);
    let children = RwSignal::new(None::<Vec<FolderDto>>);
    let path = folder.path.clone();
    // Children load when first shown, and again when the console reloads.
    Effect::new({
        let path = path.clone();
        move |_| {
            console.reload.track();
            if !open.get() || console.me.with(Option::is_none) {
                return;
            }
            let (client, path) = (console.client(), path.clone());
            spawn_local(async move {
                if let Ok(listing) = client.list_folder(&path).await {
                    children.set(Some(listing.folders));
                }
            });
        }
    });
    let current = {
        let path = path.clone();
        move || console.folder.with(|f| *f == path)
    };
    let title = folder.title.clone();
    let toggle_label = format!("Sub-folders of {title}");
    view! {
        <li>
            <div class="tree-row">
                <button type="button" class="tree-toggle" aria-expanded=move || open.get().to_string() aria-label=toggle_label on:click=move |_| open.update(|o| *o = !*o)>
                    {move || if open.get() { "▾" } else { "▸" }}
                </button>
                <a
                    href="#"
                    class="tree-folder"
                    aria-current=move || current().then_some("page")
                    on:click=move |e| {
                        e.prevent_default();
                        console.open(path.clone());
                        open.set(true);
                    }
                >
                    {title}
                </a>
            </div>
            <Show when=move || open.get() && children.with(|c| c.as_ref().is_some_and(|c| !c.is_empty()))>
                <ul>
                    <For each=move || children.get().unwrap_or_default() key=|f| f.path.clone() let:child>
                        <TreeNode folder=child />
                    </For>
                </ul>
            </Show>
        </li>
    }
    .into_any()
}
