//! A moment as the author reads it: in the browser's locale and time zone, short;
//! the full timestamp (with seconds and zone) on hover, and machine-readable in
//! `datetime`.

use leptos::prelude::*;

#[component]
pub fn LocalTime(unix_seconds: i64) -> impl IntoView {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_seconds as f64 * 1000.0));
    let shown: String = date.to_locale_string("default", &style("medium", "short")).into();
    let title: String = date.to_locale_string("default", &style("full", "long")).into();
    let iso: String = date.to_iso_string().into();
    view! { <time datetime=iso title=title>{shown}</time> }
}

/// `Intl.DateTimeFormat` options with a date style and a time style.
fn style(date: &str, time: &str) -> js_sys::Object {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &date.into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &time.into());
    options
}
