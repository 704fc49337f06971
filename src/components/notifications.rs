use std::time::Duration;

use leptos::prelude::*;

use crate::state::{use_editor, Notice, NoticeKind};

/// How long information and successes stay, counted again after the pointer or
/// focus leaves them.
const SHOWN_FOR: Duration = Duration::from_secs(6);
/// Notifications shown at once; the rest wait behind "N more".
const AT_ONCE: usize = 3;

/// Notifications, newest last, in two live regions: information and successes are
/// announced politely, errors assertively. They sit below any open dialog (dialogs
/// are in the browser's top layer and show their own messages).
#[component]
pub fn Notifications() -> impl IntoView {
    let editor = use_editor();
    let expanded = RwSignal::new(false);
    let shown = move |errors: bool| {
        let all = editor.notices.get();
        let total = all.len();
        let visible: Vec<Notice> = if expanded.get() || total <= AT_ONCE { all } else { all.into_iter().skip(total - AT_ONCE).collect() };
        visible.into_iter().filter(|n| (n.kind == NoticeKind::Error) == errors).collect::<Vec<_>>()
    };
    let hidden = move || editor.notices.with(|n| n.len().saturating_sub(AT_ONCE));
    let some_hidden = move || !expanded.get() && hidden() != 0;
    view! {
        <section class="notifications" aria-label="Notifications">
            <Show when=some_hidden>
                <button type="button" class="notice-more" on:click=move |_| expanded.set(true)>
                    {move || format!("{} more", hidden())}
                </button>
            </Show>
            {region(shown, NoticeKind::Info)}
            {region(shown, NoticeKind::Error)}
        </section>
    }
}

/// The live region of one urgency: polite for information and successes,
/// assertive for errors.
fn region(shown: impl Fn(bool) -> Vec<Notice> + Copy + Send + Sync + 'static, kind: NoticeKind) -> impl IntoView {
    let errors = kind == NoticeKind::Error;
    let (role, live) = if errors { ("alert", "assertive") } else { ("status", "polite") };
    view! {
        <div role=role aria-live=live>
            <ul>
                <For each=move || shown(errors) key=|n| n.id let:notice>
                    <NoticeItem notice=notice />
                </For>
            </ul>
        </div>
    }
}

#[component]
fn NoticeItem(notice: Notice) -> impl IntoView {
    let editor = use_editor();
    let id = notice.id;
    let lasting = notice.kind == NoticeKind::Error;
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let stop = move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    let start = move || {
        stop();
        if !lasting {
            let handle = set_timeout_with_handle(move || editor.dismiss(id), SHOWN_FOR).ok();
            timer.set_value(handle);
        }
    };
    start();
    on_cleanup(stop);
    let (kind_class, kind_label) = match notice.kind {
        NoticeKind::Info => ("notice info", "Information"),
        NoticeKind::Success => ("notice success", "Done"),
        NoticeKind::Error => ("notice error", "Error"),
    };
    let action = notice.action.map(|a| {
        view! {
            <button type="button" class="notice-action" on:click=move |_| { editor.dismiss(id); a.run.run(()); }>
                {a.label}
            </button>
        }
    });
    view! {
        <li class=kind_class on:mouseenter=move |_| stop() on:mouseleave=move |_| start() on:focusin=move |_| stop() on:focusout=move |_| start()>
            <span class="visually-hidden">{format!("{kind_label}: ")}</span>
            <span class="notice-text">{notice.text}</span>
            {action}
            <button type="button" class="notice-close" aria-label="Dismiss notification" on:click=move |_| editor.dismiss(id)>
                "×"
            </button>
        </li>
    }
}
