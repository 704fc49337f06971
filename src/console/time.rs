//! Times as the reader's browser writes them.

/// A Unix time in seconds, as a local date and time.
pub fn date_time(unix: i64) -> String {
    if unix <= 0 {
        return String::new();
    }
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED).as_string().unwrap_or_default()
}
