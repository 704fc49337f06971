//! A folder's Properties in the rail: its name and title, and its MSM sections: the
//! Live Copy section when it is a live copy folder, the Live Copy Source section when
//! it has live copies.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::FolderDto;

use crate::console::live_copy::{LiveCopySection, Node};
use crate::console::live_copy_source::LiveCopySourceSection;
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
    view! {
        <dl class="facts">
            <dt>"Name"</dt><dd>{folder.path.name().to_owned()}</dd>
            <dt>"Title"</dt><dd>{folder.title.clone()}</dd>
            <dt>"Path"</dt><dd>{folder.path.to_string()}</dd>
        </dl>
        <LiveCopySection path=folder.path.clone() node=Node::Folder tie=tie on_changed=Callback::new(move |_| console.refresh()) />
        <LiveCopySourceSection path=folder.path.clone() kind=Node::Folder />
    }
}
