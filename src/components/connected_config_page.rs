use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_model::connected::{CheckResult, ConnectedConfigDto, ConnectedConfigUpdate, ConnectionReport};
use tessera_model::DamPath;

use crate::api::Client;
use crate::state::use_editor;

/// Connected Assets Configuration, for administrators: the remote DAM, the DAM
/// distributor, the mount point and how originals travel; and Test connection.
#[component]
pub fn ConnectedConfigPage() -> impl IntoView {
    let config = RwSignal::new(None::<Result<ConnectedConfigDto, String>>);
    spawn_local(async move {
        config.set(Some(Client::new("").connected_config().await.map_err(|e| e.to_string())));
    });
    view! {
        <main class="config-page" aria-labelledby="config-title">
            <h2 id="config-title">"Connected Assets Configuration"</h2>
            {move || match config.get() {
                None => view! { <p role="status">"Loading…"</p> }.into_any(),
                Some(Err(why)) => view! { <p class="error" role="alert">{why}</p> }.into_any(),
                Some(Ok(c)) => view! { <ConfigForm config=c /> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn ConfigForm(config: ConnectedConfigDto) -> impl IntoView {
    let editor = use_editor();
    let title = RwSignal::new(config.title.clone());
    let remote = RwSignal::new(config.remote_dam_url.clone());
    let user = RwSignal::new(config.distributor_user.clone());
    let password = RwSignal::new(String::new());
    let mount = RwSignal::new(config.mount_point.to_string());
    let sites = RwSignal::new(config.local_sites_url.clone());
    let threshold = RwSignal::new(config.threshold_bytes.to_string());
    let shared = RwSignal::new(config.shared_datastore);
    let message = RwSignal::new(None::<Result<String, String>>);
    let report = RwSignal::new(None::<ConnectionReport>);
    let password_set = RwSignal::new(config.distributor_password_set);

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(me) = editor.local.session.get_untracked() else {
            return;
        };
        let mount_point = match DamPath::parse(&mount.get_untracked()) {
            Ok(p) => p,
            Err(e) => return message.set(Some(Err(format!("Mount point: {e}")))),
        };
        let Ok(threshold_bytes) = threshold.get_untracked().trim().parse::<u64>() else {
            return message.set(Some(Err("The threshold is a number of bytes.".into())));
        };
        let update = ConnectedConfigUpdate {
            title: title.get_untracked(),
            remote_dam_url: remote.get_untracked(),
            distributor_user: user.get_untracked(),
            distributor_password: Some(password.get_untracked()).filter(|p| !p.is_empty()),
            mount_point,
            local_sites_url: sites.get_untracked(),
            threshold_bytes,
            shared_datastore: shared.get_untracked(),
        };
        spawn_local(async move {
            match Client::new("").save_connected_config(&update, &me).await {
                Ok(c) => {
                    password.set(String::new());
                    password_set.set(c.distributor_password_set);
                    message.set(Some(Ok("Saved.".into())));
                }
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
        });
    };
    let test = move |_| {
        let Some(me) = editor.local.session.get_untracked() else {
            return;
        };
        report.set(None);
        spawn_local(async move {
            match Client::new("").test_connection(&me).await {
                Ok(r) => report.set(Some(r)),
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
        });
    };
    let text = |label: &'static str, value: RwSignal<String>, kind: &'static str| {
        view! { <label>{label}<input type=kind bind:value=value /></label> }
    };
    view! {
        <form class="config-form" on:submit=save>
            {text("Title", title, "text")}
            {text("Remote DAM URL", remote, "url")}
            <fieldset>
                <legend>"DAM distributor (technical user)"</legend>
                {text("User name", user, "text")}
                <label>
                    {move || if password_set.get() { "Password (stored; leave empty to keep it)" } else { "Password" }}
                    <input type="password" autocomplete="new-password" bind:value=password />
                </label>
            </fieldset>
            {text("Mount Point", mount, "text")}
            {text("Local Sites URL", sites, "url")}
            {text("Original Binary transfer optimization Threshold (bytes)", threshold, "number")}
            <label class="checkbox"><input type="checkbox" bind:checked=shared />"Datastore Shared with Connected Assets"</label>
            {move || message.get().map(|m| match m {
                Ok(t) => view! { <p role="status">{t}</p> }.into_any(),
                Err(t) => view! { <p class="error" role="alert">{t}</p> }.into_any(),
            })}
            <div class="dialog-buttons">
                <button type="button" on:click=test>"Test connection"</button>
                <button type="submit" class="primary">"Save"</button>
            </div>
        </form>
        {move || report.get().map(|r| view! {
            <section aria-labelledby="test-title" class="connection-report">
                <h3 id="test-title">"Connection test"</h3>
                <ul>
                    {check("Reachable", r.reachable)}
                    {check("Authentication", r.authenticated)}
                    {check("CORS", r.cors)}
                </ul>
            </section>
        })}
    }
}

fn check(label: &'static str, c: CheckResult) -> impl IntoView {
    view! {
        <li class:ok=c.ok class:failed=!c.ok>
            <strong>{format!("{label}: {}", if c.ok { "OK" } else { "failed" })}</strong>" "{c.message}
        </li>
    }
}
