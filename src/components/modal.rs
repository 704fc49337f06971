//! One dialog mechanism for every dialog: the native `<dialog>` opened with
//! `showModal()`. The browser makes the rest of the page inert, so focus stays in
//! the dialog, and puts it in the top layer above everything else (notifications
//! included); Escape asks the owner to close it; the first field takes focus on
//! opening, and focus goes back to the control that opened it on closing.

use leptos::html::Dialog;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What takes focus when a dialog opens: a field marked `autofocus`, else the
/// first field or button that can take it.
const FIRST_FIELD: &str = "[autofocus], input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), \
                           button:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])";

/// A modal dialog, shown while it is mounted. `on_close` runs on Escape; the
/// dialog's own buttons close it the same way, by changing the owner's state.
#[component]
pub fn Modal(
    /// The id of the element that names the dialog (its heading).
    #[prop(into)]
    labelled_by: String,
    on_close: Callback<()>,
    /// Extra classes beside `dialog`.
    #[prop(optional, into)]
    class: String,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    let opener = StoredValue::new_local(focused_element());
    dialog.on_load(move |el: web_sys::HtmlDialogElement| {
        if !el.open() {
            let _ = el.show_modal();
        }
        focus_first_field(&el);
    });
    on_cleanup(move || {
        // While the dialog is modal, everything else is inert and cannot take focus:
        // close it first, then give focus back.
        if let Some(el) = dialog.try_get_untracked().flatten() {
            el.close();
        }
        if let Some(el) = opener.try_get_value().flatten() {
            if el.is_connected() {
                let _ = el.focus();
            }
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class=format!("dialog {class}")
            aria-labelledby=labelled_by
            on:cancel=move |ev: leptos::ev::Event| {
                // The owner's state decides whether the dialog goes away.
                ev.prevent_default();
                on_close.run(());
            }
        >
            {children()}
        </dialog>
    }
}

/// The element that has focus, inside a shadow root too (a finder mounted in one):
/// the document only knows the shadow root's host.
fn focused_element() -> Option<web_sys::HtmlElement> {
    let mut focused = web_sys::window()?.document()?.active_element()?;
    while let Some(inner) = focused.shadow_root().and_then(|root| root.active_element()) {
        focused = inner;
    }
    focused.dyn_into().ok()
}

fn focus_first_field(dialog: &web_sys::HtmlDialogElement) {
    let first = dialog.query_selector(FIRST_FIELD).ok().flatten().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(field) = first {
        let _ = field.focus();
    }
}
