//! An asset's Properties in the rail: title, description, free properties and tags
//! (picked from the taxonomy), saved with `If-Match` so a change someone else made
//! meanwhile is a conflict, never overwritten; then what cannot be edited: name,
//! type, size, lock, Connected Assets origin and the renditions to download.

use std::collections::BTreeMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::{AssetDto, Description, MetadataPatch, Properties as FreeProperties, TagDto, TagId, Title};

use crate::api::ApiError;
use crate::console::live_copy::{inherits, InheritanceToggle, LiveCopySection, Node};
use crate::console::live_copy_source::LiveCopySourceSection;
use crate::console::properties_tabs::PropertiesTabs;
use crate::console::state::use_console;
use crate::console::time::date_time;
use tessera_model::msm::InheritedField;
use tessera_model::page::format_size;

/// One free property as edited: its row keeps its identity while its name changes.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: u32,
    /// The name it had when the asset was loaded; `None` for a row added since.
    loaded_as: Option<String>,
    name: RwSignal<String>,
    value: RwSignal<String>,
}

/// What the form edits, as last loaded or saved.
#[derive(Clone, Copy)]
struct Form {
    title: RwSignal<String>,
    description: RwSignal<String>,
    rows: RwSignal<Vec<Row>>,
    next_row: StoredValue<u32>,
    tags: RwSignal<Vec<TagId>>,
    /// The tags the asset had when loaded: they are sent only when changed.
    saved_tags: StoredValue<Vec<TagId>>,
    /// The state the form began from: a save against another state is refused.
    etag: RwSignal<Option<String>>,
}

impl Form {
    fn new(asset: &AssetDto) -> Form {
        let form = Form {
            title: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            rows: RwSignal::new(Vec::new()),
            next_row: StoredValue::new(0),
            tags: RwSignal::new(Vec::new()),
            saved_tags: StoredValue::new(Vec::new()),
            etag: RwSignal::new(None),
        };
        form.fill(asset, None);
        form
    }

    fn fill(&self, asset: &AssetDto, etag: Option<String>) {
        self.title.set(asset.title.clone());
        self.description.set(asset.description.clone());
        self.rows.set(Vec::new());
        for (name, value) in &asset.properties {
            self.push_row(Some(name), value);
        }
        self.tags.set(asset.tags.clone());
        self.saved_tags.set_value(asset.tags.clone());
        self.etag.set(etag);
    }

    /// A row for a property as loaded (`Some` name), or an empty new one.
    fn push_row(&self, loaded: Option<&str>, value: &str) {
        let id = self.next_row.get_value();
        self.next_row.set_value(id + 1);
        let name = RwSignal::new(loaded.unwrap_or_default().to_owned());
        self.rows.update(|r| r.push(Row { id, loaded_as: loaded.map(str::to_owned), name, value: RwSignal::new(value.to_owned()) }));
    }

    /// The metadata change the form asks for, or what is wrong with it.
    fn patch(&self) -> Result<MetadataPatch, String> {
        let title = Title::parse(&self.title.get_untracked()).map_err(|e| e.to_string())?;
        let description = Description::parse(&self.description.get_untracked()).map_err(|e| e.to_string())?;
        let mut raw = BTreeMap::new();
        for row in self.rows.get_untracked() {
            let (name, value) = (row.name.get_untracked().trim().to_owned(), row.value.get_untracked());
            if name.is_empty() && value.is_empty() {
                continue;
            }
            if raw.insert(name.clone(), value).is_some() {
                return Err(format!("The property {name} is there twice."));
            }
        }
        let properties = FreeProperties::parse(raw).map_err(|e| e.to_string())?;
        Ok(MetadataPatch { title: Some(title), description: Some(description), properties: Some(properties) })
    }
}

#[component]
pub fn Properties(asset: AssetDto) -> impl IntoView {
    let console = use_console();
    let form = Form::new(&asset);
    let taxonomy = RwSignal::new(Vec::<TagDto>::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Nothing is typed before the fresh state and its entity tag are in: a late
    // answer would overwrite what was typed, or leave an old tag to save against.
    let loaded = RwSignal::new(false);
    let path = asset.path.clone();
    let reload = {
        let path = path.clone();
        move || {
            let (client, path) = (console.client(), path.clone());
            spawn_local(async move {
                match client.asset(&path).await {
                    Ok((fresh, tag)) => {
                        form.fill(&fresh, tag);
                        loaded.set(true);
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
                if let Ok(tags) = client.tags().await {
                    taxonomy.set(tags);
                }
            });
        }
    };
    reload();
    // The live copy's tie, when the asset is one: its inherited fields follow the source.
    let tie = RwSignal::new(None::<tessera_model::msm::LiveCopyDto>);
    {
        let (client, path) = (console.client(), path.clone());
        spawn_local(async move {
            match client.live_copy(&path).await {
                Ok(found) => tie.set(found),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    }
    let title_inherits = move || inherits(tie, &InheritedField::Title);
    let description_inherits = move || inherits(tie, &InheritedField::Description);
    let reload_form = Callback::new({
        let reload = reload.clone();
        move |_| reload()
    });
    let submit = {
        let path = path.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let patch = match form.patch() {
                Ok(p) => p,
                Err(e) => {
                    error.set(Some(e));
                    return;
                }
            };
            let (client, me, path) = (console.client(), console.me.get_untracked(), path.clone());
            let tags = form.tags.get_untracked();
            let tags_changed = tags != form.saved_tags.get_value();
            busy.set(true);
            spawn_local(async move {
                let Some(me) = me else { return };
                let saved: Result<_, ApiError> = async {
                    let (mut asset, mut etag) = client.update_metadata(&path, &patch, form.etag.get_untracked().as_deref(), &me).await?;
                    // Each step names the state the one before left, so nothing in between is lost.
                    if tags_changed {
                        (asset, etag) = client.set_asset_tags(&path, tags, etag.as_deref(), &me).await?;
                    }
                    Ok((asset, etag))
                }
                .await;
                match saved {
                    Ok((asset, etag)) => {
                        form.fill(&asset, etag);
                        error.set(None);
                        console.say("The properties are saved.");
                        console.refresh();
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
                busy.set(false);
            });
        }
    };
    let client = console.client();
    let renditions = asset.renditions.clone();
    let copies = RwSignal::new(0usize);
    let (copy_path, source_path) = (asset.path.clone(), asset.path.clone());
    view! {
        <PropertiesTabs
            is_live_copy=Signal::derive(move || tie.with(Option::is_some))
            is_source=Signal::derive(move || copies.get() > 0)
            live_copy=Box::new(move || view! { <LiveCopySection path=copy_path node=Node::Asset tie=tie on_changed=reload_form /> }.into_any())
            source=Box::new(move || view! { <LiveCopySourceSection path=source_path kind=Node::Asset count=copies /> }.into_any())
            basic=Box::new(move || view! {
        <form class="properties" on:submit=submit aria-busy=move || (!loaded.get()).to_string()>
            <fieldset class="plain" disabled=move || !loaded.get()>
            <div class="inherited">
                <label>"Title" <input type="text" required readonly=title_inherits prop:value=move || form.title.get() on:input=move |e| form.title.set(event_target_value(&e)) /></label>
                <InheritanceToggle path=path.clone() field=InheritedField::Title tie=tie on_reenabled=reload_form />
            </div>
            <div class="inherited">
                <label>"Description" <textarea rows="4" readonly=description_inherits prop:value=move || form.description.get() on:input=move |e| form.description.set(event_target_value(&e))></textarea></label>
                <InheritanceToggle path=path.clone() field=InheritedField::Description tie=tie on_reenabled=reload_form />
            </div>
            <TagPicker tags=form.tags taxonomy=taxonomy locked=Signal::derive(move || inherits(tie, &InheritedField::Tags)) />
            <InheritanceToggle path=path.clone() field=InheritedField::Tags tie=tie on_reenabled=reload_form />
            <FreePropertiesEditor form=form path=path.clone() tie=tie on_reenabled=reload_form />
            </fieldset>
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="submit" class="primary" disabled=move || busy.get() || !loaded.get()>"Save"</button>
        </form>
        <dl class="facts">
            <dt>"Name"</dt><dd>{asset.path.name().to_owned()}</dd>
            <dt>"Type"</dt><dd>{asset.mime.clone()}</dd>
            <dt>"Size"</dt><dd>{format_size(asset.size)}</dd>
            <dt>"Modified"</dt><dd>{format!("{} by {}", date_time(asset.modified_at), asset.modified_by)}</dd>
            {asset.checked_out.clone().map(|c| view! { <dt>"Checked out"</dt><dd>{format!("by {} since {}", c.by, date_time(c.at))}</dd> })}
            {asset.connected.clone().map(|c| view! { <dt>"Connected Assets origin"</dt><dd>{format!("{}{}", c.dam_url, c.path)}</dd> })}
        </dl>
        <h3>"Renditions"</h3>
        <InheritanceToggle path=asset.path.clone() field=InheritedField::Binary tie=tie on_reenabled=reload_form />
        <ul class="renditions">
            {renditions.into_iter().map(|r| {
                let size = r.size.map(format_size).unwrap_or_default();
                let dims = r.width.zip(r.height).map(|(w, h)| format!(", {w} × {h}")).unwrap_or_default();
                let label = format!("Download {}", r.name);
                view! { <li><a href=client.url(&r.href) download aria-label=label>{r.name.clone()}</a>{format!(" ({size}{dims})")}</li> }
            }).collect_view()}
        </ul>
            }.into_any())
        />
    }
}

/// The asset's tags, each removable, and a choice of the taxonomy's other tags.
#[component]
fn TagPicker(tags: RwSignal<Vec<TagId>>, taxonomy: RwSignal<Vec<TagDto>>, locked: Signal<bool>) -> impl IntoView {
    let title_of = move |tag: &TagId| taxonomy.with(|t| t.iter().find(|d| &d.tag == tag).map(|d| d.title.clone())).unwrap_or_else(|| tag.to_string());
    let offered = move || taxonomy.with(|all| tags.with(|mine| all.iter().filter(|d| !mine.contains(&d.tag)).cloned().collect::<Vec<_>>()));
    let add = move |e: leptos::ev::Event| {
        let value = event_target_value(&e);
        if let Ok(tag) = TagId::parse(&value) {
            tags.update(|t| t.push(tag));
        }
        if let Some(select) = e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok()) {
            select.set_value("");
        }
    };
    view! {
        // A live copy's inherited tags are its source's: nothing here changes them.
        <fieldset class="tags" disabled=move || locked.get()>
            <legend>"Tags"</legend>
            <ul>
                <For each=move || tags.get() key=|t| t.clone() let:tag>
                    {
                        // The taxonomy may arrive after the asset: titles follow it.
                        let (shown, named, gone) = (tag.clone(), tag.clone(), tag.clone());
                        view! {
                            <li class="tag">
                                <span>{move || title_of(&shown)}</span>
                                <button type="button" aria-label=move || format!("Remove tag {}", title_of(&named)) on:click=move |_| tags.update(|t| t.retain(|x| x != &gone))>"×"</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <label>"Add tag"
                <select on:change=add>
                    <option value="">"Choose a tag…"</option>
                    <For each=offered key=|d| d.tag.clone() let:d>
                        <option value=d.tag.to_string()>{format!("{} ({})", d.title, d.tag)}</option>
                    </For>
                </select>
            </label>
        </fieldset>
    }
}

/// Free properties: a name and a value per row, added and removed at will; on a
/// live copy, a property it inherits is read-only until its inheritance is cancelled.
#[component]
fn FreePropertiesEditor(
    form: Form,
    path: tessera_model::DamPath,
    tie: RwSignal<Option<tessera_model::msm::LiveCopyDto>>,
    on_reenabled: Callback<()>,
) -> impl IntoView {
    view! {
        <fieldset class="free-properties">
            <legend>"Properties"</legend>
            <For each=move || form.rows.get() key=|r| r.id let:row>
                {
                    let id = row.id;
                    // Named by position until the row has a name of its own.
                    let position = move || form.rows.with(|r| r.iter().position(|x| x.id == id).unwrap_or(0) + 1);
                    let called = move || {
                        let name = row.name.get();
                        if name.trim().is_empty() { format!("property {}", position()) } else { name }
                    };
                    let field = row.loaded_as.clone().map(InheritedField::Property);
                    let locked = {
                        let field = field.clone();
                        move || field.as_ref().is_some_and(|f| inherits(tie, f))
                    };
                    let (name_locked, remove_locked) = (locked.clone(), locked.clone());
                    view! {
                        <div class="property-row">
                            <input type="text" aria-label=move || format!("Name of property {}", position()) placeholder="name" readonly=name_locked prop:value=move || row.name.get() on:input=move |e| row.name.set(event_target_value(&e)) />
                            <input type="text" aria-label=move || format!("Value of {}", called()) placeholder="value" readonly=locked prop:value=move || row.value.get() on:input=move |e| row.value.set(event_target_value(&e)) />
                            <button type="button" aria-label=move || format!("Remove {}", called()) disabled=remove_locked on:click=move |_| form.rows.update(|r| r.retain(|x| x.id != id))>"×"</button>
                            {field.map(|field| view! { <InheritanceToggle path=path.clone() field=field tie=tie on_reenabled=on_reenabled /> })}
                        </div>
                    }
                }
            </For>
            <button type="button" on:click=move |_| form.push_row(None, "")>"Add property"</button>
        </fieldset>
    }
}
