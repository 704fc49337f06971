//! A menu button as the WAI-ARIA menu button pattern has it: the button opens a
//! menu of actions; Down, Up, Home and End move between them, Enter or a click runs
//! one, Escape closes the menu and gives focus back to the button, and Tab or a
//! click elsewhere closes it.

use leptos::ev::{FocusEvent, KeyboardEvent};
use leptos::html::{Button, Ul};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::icon::{Icon, IconKind};

/// What a menu item does.
#[derive(Clone)]
pub enum MenuAction {
    Run(Callback<()>),
    /// Goes to an address; `new_tab` for what opens beside the editor.
    Go {
        href: Signal<String>,
        new_tab: NewTab,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NewTab {
    Yes,
    No,
}

#[derive(Clone)]
pub struct MenuItem {
    pub label: &'static str,
    /// What a toolbar shows instead of the label where room is short; the label
    /// stays the accessible name.
    pub glyph: Option<&'static str>,
    pub enabled: Signal<bool>,
    pub action: MenuAction,
}

impl MenuItem {
    pub fn run(label: &'static str, enabled: Signal<bool>, run: Callback<()>) -> Self {
        MenuItem { label, glyph: None, enabled, action: MenuAction::Run(run) }
    }

    pub fn go(label: &'static str, href: Signal<String>, new_tab: NewTab) -> Self {
        MenuItem { label, glyph: None, enabled: Signal::stored(true), action: MenuAction::Go { href, new_tab } }
    }

    pub fn with_glyph(self, glyph: &'static str) -> Self {
        MenuItem { glyph: Some(glyph), ..self }
    }
}

/// How the button that opens a menu shows itself.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub enum MenuFace {
    /// The menu icon, its label for screen readers only: where room is short.
    #[default]
    Icon,
    /// The label as text, with a caret.
    Label,
}

#[component]
pub fn MenuButton(#[prop(into)] label: String, #[prop(into)] id: String, items: Signal<Vec<MenuItem>>, #[prop(optional)] face: MenuFace) -> impl IntoView {
    let open = RwSignal::new(false);
    let button = NodeRef::<Button>::new();
    let menu = NodeRef::<Ul>::new();
    let close_and_return = move || {
        open.set(false);
        if let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    };
    let open_at = move |position: Position| {
        open.set(true);
        // Shown at once rather than by the next render, so the item has focus before
        // the next key arrives (Enter then Down moves to the second item).
        if let Some(m) = menu.get_untracked() {
            let _ = m.remove_attribute("hidden");
        }
        focus_item(menu, position, None);
    };
    let on_button_key = move |ev: KeyboardEvent| match ev.key().as_str() {
        "ArrowDown" | "Enter" | " " => {
            ev.prevent_default();
            open_at(Position::First);
        }
        "ArrowUp" => {
            ev.prevent_default();
            open_at(Position::Last);
        }
        _ => {}
    };
    let on_menu_key = move |ev: KeyboardEvent| {
        let position = match ev.key().as_str() {
            "ArrowDown" => Position::Next,
            "ArrowUp" => Position::Previous,
            "Home" => Position::First,
            "End" => Position::Last,
            "Escape" => {
                ev.prevent_default();
                ev.stop_propagation();
                return close_and_return();
            }
            "Tab" => return open.set(false),
            _ => return,
        };
        ev.prevent_default();
        let current = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        focus_item(menu, position, current);
    };
    // Focus leaving the menu (a click elsewhere, Tab) closes it.
    let on_focus_out = move |ev: FocusEvent| {
        let stays = ev.related_target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()).zip(menu.get_untracked()).is_some_and(|(n, m)| m.contains(Some(&n)));
        if !stays {
            open.set(false);
        }
    };
    let menu_id = format!("{id}-menu");
    view! {
        <div class="menu-button">
            <button
                type="button"
                class="toolbar-button"
                id=id.clone()
                node_ref=button
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                aria-controls=menu_id.clone()
                on:click=move |_| if open.get_untracked() { open.set(false) } else { open_at(Position::First) }
                on:keydown=on_button_key
            >
                {match face {
                    MenuFace::Icon => view! { <Icon kind=IconKind::Menu /><span class="visually-hidden">{label}</span> }.into_any(),
                    MenuFace::Label => view! { {label}<span aria-hidden="true">" ▾"</span> }.into_any(),
                }}
            </button>
            <ul role="menu" id=menu_id aria-labelledby=id class="menu" node_ref=menu hidden=move || !open.get() on:keydown=on_menu_key on:focusout=on_focus_out>
                {move || items.get().into_iter().map(|item| menu_entry(item, Callback::new(move |()| close_and_return()))).collect_view()}
            </ul>
        </div>
    }
}

fn menu_entry(item: MenuItem, done: Callback<()>) -> impl IntoView {
    let enabled = item.enabled;
    let entry = match item.action {
        MenuAction::Run(run) => view! {
            <button
                type="button"
                role="menuitem"
                tabindex="-1"
                aria-disabled=move || (!enabled.get()).to_string()
                on:click=move |_| if enabled.get_untracked() {
                    done.run(());
                    run.run(());
                }
            >
                {item.label}
            </button>
        }
        .into_any(),
        MenuAction::Go { href, new_tab } => view! {
            <a role="menuitem" tabindex="-1" href=href target=(new_tab == NewTab::Yes).then_some("_blank")>{item.label}</a>
        }
        .into_any(),
    };
    view! { <li role="none">{entry}</li> }
}

#[derive(Clone, Copy)]
enum Position {
    First,
    Last,
    Next,
    Previous,
}

/// Moves focus within the menu, wrapping around, as the pattern does.
fn focus_item(menu: NodeRef<Ul>, position: Position, current: Option<web_sys::Element>) {
    let Some(menu) = menu.get_untracked() else {
        return;
    };
    let Ok(list) = menu.query_selector_all("[role=menuitem]") else {
        return;
    };
    let items: Vec<web_sys::HtmlElement> = (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect();
    if items.is_empty() {
        return;
    }
    let now = current.and_then(|c| items.iter().position(|i| **i == c));
    let last = items.len() - 1;
    let next = match (position, now) {
        (Position::First, _) | (Position::Next, None) => 0,
        (Position::Last, _) | (Position::Previous, None) => last,
        (Position::Next, Some(i)) => {
            if i == last {
                0
            } else {
                i + 1
            }
        }
        (Position::Previous, Some(i)) => {
            if i == 0 {
                last
            } else {
                i - 1
            }
        }
    };
    let _ = items[next].focus();
}
