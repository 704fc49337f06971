//! A segmented control: a row of mutually exclusive options, shown joined, with the
//! chosen one filled. It is the WAI-ARIA radio group pattern: the chosen option is
//! the one stop in the Tab order, and the arrow keys move the choice and the focus.

use leptos::ev::KeyboardEvent;
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// `options` pairs each value with its label; `value` is the chosen one and
/// `on_change` is asked to change it.
#[component]
pub fn Segmented<T>(
    #[prop(into)] label: Signal<String>,
    options: Vec<(T, Signal<String>)>,
    #[prop(into)] value: Signal<T>,
    on_change: Callback<T>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let group = NodeRef::<Div>::new();
    let values: Vec<T> = options.iter().map(|(v, _)| *v).collect();
    let on_keydown = move |ev: KeyboardEvent| {
        let Some(now) = values.iter().position(|v| *v == value.get_untracked()) else {
            return;
        };
        let Some(next) = step(&ev.key(), now, values.len()) else {
            return;
        };
        ev.prevent_default();
        on_change.run(values[next]);
        focus_option(group, next);
    };
    view! {
        <div class="switch" role="radiogroup" aria-label=label node_ref=group on:keydown=on_keydown>
            {options
                .into_iter()
                .map(|(option, text)| {
                    let chosen = move || value.get() == option;
                    view! {
                        <button
                            type="button"
                            role="radio"
                            class="switch-option"
                            aria-checked=move || chosen().to_string()
                            tabindex=move || if chosen() { "0" } else { "-1" }
                            on:click=move |_| on_change.run(option)
                        >
                            {text}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// The option an arrow key moves to, wrapping around as radio groups do.
fn step(key: &str, now: usize, count: usize) -> Option<usize> {
    match key {
        "ArrowRight" | "ArrowDown" => Some((now + 1) % count),
        "ArrowLeft" | "ArrowUp" => Some((now + count - 1) % count),
        "Home" => Some(0),
        "End" => Some(count - 1),
        _ => None,
    }
}

fn focus_option(group: NodeRef<Div>, index: usize) {
    let Some(el) = group.get_untracked() else {
        return;
    };
    let options = el.query_selector_all("[role=radio]").ok();
    let option = options.and_then(|o| o.item(u32::try_from(index).ok()?)).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(option) = option {
        let _ = option.focus();
    }
}
