use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use tessera_model::page::{is_safe_link, Alt, Disposition};
use tessera_model::ComponentBody;

use crate::components::modal::Modal;
use crate::state::use_editor;

/// Properties of the Image or Download component it is opened for.
#[component]
pub fn PropertiesDialog() -> impl IntoView {
    let editor = use_editor();
    move || {
        let id = editor.properties_for.get()?;
        let body = editor.content.with_untracked(|c| c.components.iter().find(|x| x.id == id).map(|x| x.body.clone()))?;
        let close = move || editor.properties_for.set(None);
        let form = match body {
            ComponentBody::Image(image) => {
                let (mode, text) = match &image.alt {
                    Alt::Dam => ("dam", String::new()),
                    Alt::Text { text } => ("text", text.clone()),
                    Alt::Decorative => ("decorative", String::new()),
                };
                let mode = RwSignal::new(mode.to_owned());
                let alt_text = RwSignal::new(text);
                let caption = RwSignal::new(image.caption.clone());
                let link = RwSignal::new(image.link.clone().unwrap_or_default());
                // The dialog says what is wrong itself: nothing shows above it.
                let link_error = RwSignal::new(None::<&'static str>);
                let id = id.clone();
                let submit = move |ev: SubmitEvent| {
                    ev.prevent_default();
                    let link_value = link.get_untracked().trim().to_owned();
                    if !link_value.is_empty() && !is_safe_link(&link_value) {
                        link_error.set(Some("The link must start with https://, http://, mailto: or /."));
                        return;
                    }
                    let alt = match mode.get_untracked().as_str() {
                        "text" => Alt::Text { text: alt_text.get_untracked() },
                        "decorative" => Alt::Decorative,
                        _ => Alt::Dam,
                    };
                    editor.update_component(&id, |b| {
                        if let ComponentBody::Image(i) = b {
                            i.alt = alt;
                            i.caption = caption.get_untracked();
                            i.link = (!link_value.is_empty()).then_some(link_value);
                        }
                    });
                    close();
                };
                let radio = move |value: &'static str, label: &'static str| {
                    view! {
                        <label class="radio">
                            <input type="radio" name="alt-mode" value=value prop:checked=move || mode.get() == value on:change=move |_| mode.set(value.to_owned()) />
                            {label}
                        </label>
                    }
                };
                view! {
                    <form on:submit=submit>
                        <fieldset>
                            <legend>"Alternative text"</legend>
                            {radio("dam", "Take alt text from the DAM (description, else title)")}
                            {radio("text", "Alt text")}
                            {radio("decorative", "Decorative: no alt text")}
                            <label>
                                "Alt text"
                                <input type="text" bind:value=alt_text disabled=move || mode.get() != "text" />
                            </label>
                        </fieldset>
                        <label>"Caption" <input type="text" bind:value=caption /></label>
                        <label>"Link" <input type="text" placeholder="https://…" bind:value=link aria-invalid=move || link_error.get().map(|_| "true") /></label>
                        {move || link_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                        <div class="dialog-buttons">
                            <button type="button" on:click=move |_| close()>"Cancel"</button>
                            <button type="submit" class="primary">"Done"</button>
                        </div>
                    </form>
                }
                .into_any()
            }
            ComponentBody::Download(download) => {
                let title = RwSignal::new(download.title.clone().unwrap_or_default());
                let description = RwSignal::new(download.description.clone().unwrap_or_default());
                let inline = RwSignal::new(download.disposition == Disposition::Inline);
                let id = id.clone();
                let submit = move |ev: SubmitEvent| {
                    ev.prevent_default();
                    let (t, d) = (title.get_untracked(), description.get_untracked());
                    editor.update_component(&id, |b| {
                        if let ComponentBody::Download(x) = b {
                            x.title = (!t.trim().is_empty()).then_some(t);
                            x.description = (!d.trim().is_empty()).then_some(d);
                            x.disposition = if inline.get_untracked() { Disposition::Inline } else { Disposition::Attachment };
                        }
                    });
                    close();
                };
                view! {
                    <form on:submit=submit>
                        <label>"Title (empty: the asset's title)" <input type="text" bind:value=title /></label>
                        <label>"Description (empty: the asset's description)" <input type="text" bind:value=description /></label>
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || inline.get() on:change=move |ev| inline.set(event_target_checked(&ev)) />
                            "Open in the browser instead of downloading"
                        </label>
                        <div class="dialog-buttons">
                            <button type="button" on:click=move |_| close()>"Cancel"</button>
                            <button type="submit" class="primary">"Done"</button>
                        </div>
                    </form>
                }
                .into_any()
            }
            _ => return None,
        };
        Some(view! {
            <Modal labelled_by="properties-title" on_close=Callback::new(move |_| close())>
                    <h2 id="properties-title">"Properties"</h2>
                    {form}

            </Modal>
        })
    }
}
