use leptos::prelude::*;

use crate::components::modal::Modal;
use crate::state::use_editor;

/// Every keyboard shortcut of the editor: (keys, what they do).
const SHORTCUTS: &[(&str, &str)] = &[
    ("?", "Show this list"),
    ("Ctrl+S", "Save the page"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z or Ctrl+Y", "Redo"),
    ("Tab, Shift+Tab", "Move between controls"),
    ("Left, Right, Home, End", "Move between tabs"),
    ("Enter or Space on a component", "Choose it as the target for assets"),
    ("Alt+Up, Alt+Down on a component", "Move it up or down"),
    ("Delete on a component", "Delete it"),
    ("Enter on an asset", "Place it into the chosen component"),
    ("Space on an asset", "Select it"),
    ("Escape", "Close the open dialog"),
];

/// The "Keyboard shortcuts" dialog, opened with `?` or the toolbar's button.
#[component]
pub fn ShortcutsDialog() -> impl IntoView {
    let editor = use_editor();
    let close = move || editor.shortcuts_open.set(false);
    move || {
        editor.shortcuts_open.get().then(|| {
            view! {
                <Modal labelled_by="shortcuts-title" class="wide" on_close=Callback::new(move |_| close())>
                    <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                    <table class="shortcuts">
                        <thead>
                            <tr>
                                <th scope="col">"Keys"</th>
                                <th scope="col">"Does"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {SHORTCUTS
                                .iter()
                                .map(|(keys, what)| view! { <tr><td><kbd>{*keys}</kbd></td><td>{*what}</td></tr> })
                                .collect_view()}
                        </tbody>
                    </table>
                    <div class="dialog-buttons">
                        <button type="button" class="primary" on:click=move |_| close()>"Close"</button>
                    </div>
                </Modal>
            }
        })
    }
}
