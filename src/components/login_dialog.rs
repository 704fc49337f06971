use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::modal::Modal;
use crate::finder::use_finder;
use crate::finder::{Source, Strings};

/// Asks for a DAM user's name and password and logs in to that DAM.
#[component]
pub fn LoginDialog() -> impl IntoView {
    let finder = use_finder();
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let close = move || {
        finder.login_for.set(None);
        password.set(String::new());
        error.set(None);
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(source) = finder.login_for.get_untracked() else {
            return;
        };
        let repo = finder.repository(source);
        let Some(client) = repo.client_untracked() else {
            return;
        };
        let (name, secret) = (user.get_untracked(), password.get_untracked());
        busy.set(true);
        spawn_local(async move {
            match client.login(&name, &secret).await {
                Ok(me) => {
                    repo.session.set(Some(me));
                    if source == Source::Remote {
                        finder.source.set(source);
                        finder.open_start();
                    }
                    close();
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };

    move || {
        let source = finder.login_for.get()?;
        let text = move |key: Strings| finder.options.with_untracked(|o| o.text(key));
        let (title, target) = match source {
            Source::Remote => (text(Strings::LogIn), finder.remote.client_untracked()),
            Source::Local => (text(Strings::LogInLocal), finder.local.client_untracked()),
        };
        let target = target.map(|c| c.base().to_owned()).filter(|b| !b.is_empty());
        Some(view! {
            // Logging in to this deployment is the way into the editor: Escape leaves it open.
            <Modal labelled_by=finder.element_id("login-title") on_close=Callback::new(move |_| if source == Source::Remote { close() })>
                    <h2 id=finder.element_id("login-title")>{title}</h2>
                    {target.map(|t| view! { <p class="dialog-note">{finder.options.with_untracked(|o| o.text_with(Strings::Dam, &[("dam", &t)]))}</p> })}
                    <form on:submit=submit>
                        <label>
                            {text(Strings::UserName)}
                            <input type="text" name="user" autocomplete="username" required bind:value=user autofocus />
                        </label>
                        <label>
                            {text(Strings::Password)}
                            <input type="password" name="password" autocomplete="current-password" required bind:value=password />
                        </label>
                        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                        <div class="dialog-buttons">
                            {(source == Source::Remote).then(|| view! { <button type="button" on:click=move |_| close()>{text(Strings::Cancel)}</button> })}
                            <button type="submit" class="primary" disabled=move || busy.get()>{text(Strings::LogInButton)}</button>
                        </div>
                    </form>

            </Modal>
        })
    }
}
