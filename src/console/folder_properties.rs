//! A folder's Properties in the rail: its name and title, and its MSM sections: the
//! Live Copy section when it is a live copy folder, the Live Copy Source section when
//! it has live copies.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::FolderDto;

use crate::console::live_copy::{LiveCopySection, Node};
use crate::console::live_copy_source::LiveCopySourceSection;
use crate::console::properties_tabs::PropertiesTabs;
use crate::console::state::use_console;

#[component]
pub fn FolderProperties(folder: FolderDto) -> impl IntoView {
    let console = use_console();
    let tie = RwSignal::new(None::<tessera_model::msm::LiveCopyDto>);
    {
        let (client, path) = (console.client(), folder.path.clone());
        spawn_local(async move {
            match client.live_copy(&path).await {
                Ok(found) => tie.set(found),
                Err(e) => console.fail(&e),
            }
        });
    }
    let copies = RwSignal::new(0usize);
    let (copy_path, source_path) = (folder.path.clone(), folder.path.clone());
    view! {
        <PropertiesTabs
            is_live_copy=Signal::derive(move || tie.with(Option::is_some))
            is_source=Signal::derive(move || copies.get() > 0)
            basic=Box::new(move || view! {
                <dl class="facts">
                    <dt>"Name"</dt><dd>{folder.path.name().to_owned()}</dd>
                    <dt>"Title"</dt><dd>{folder.title.clone()}</dd>
                    <dt>"Path"</dt><dd>{folder.path.to_string()}</dd>
                </dl>
            }.into_any())
            live_copy=Box::new(move || view! {
                <LiveCopySection path=copy_path node=Node::Folder tie=tie on_changed=Callback::new(move |_| console.refresh()) />
            }.into_any())
            source=Box::new(move || view! { <LiveCopySourceSection path=source_path kind=Node::Folder count=copies /> }.into_any())
        />
    }
}
