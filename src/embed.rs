//! The Content Finder for developers' own pages: `mountFinder(element, options)` and
//! the handle it returns. Each mounted finder has its own state, its own element
//! ids, and nothing on `window` or `document`, so several can share a page and
//! `unmount()` leaves nothing behind. The package's types are written once, by hand,
//! in `www/finder.d.ts`: `on()` typed per event, which wasm-bindgen cannot say.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::components::content_finder::ContentFinder;
use crate::components::login_dialog::LoginDialog;
use crate::finder::{Finder, FinderEvent, FinderOptions, Repository, Theme};

/// What a host page gets for the options it leaves out. A host page is not a
/// Tessera deployment unless it says so: no local DAM (rather than one at the page's
/// own origin).
fn host_defaults() -> FinderOptions {
    FinderOptions { repository: None, ..FinderOptions::default() }
}

/// The options a host page gets for what it leaves out, as `<tessera-finder>` reads
/// an absent attribute.
#[wasm_bindgen(js_name = finderDefaults)]
pub fn finder_defaults() -> JsValue {
    to_js(&host_defaults())
}

/// Parses options from a JavaScript object, saying what is wrong with them; without
/// `repository`, the finder has no local DAM.
fn options_from(value: &JsValue) -> Result<FinderOptions, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(host_defaults());
    }
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(JsError::new("The finder's options must be a plain object.").into());
    }
    let mut options: FinderOptions = serde_wasm_bindgen::from_value(value.clone()).map_err(|e| JsError::new(&format!("The finder's options: {e}")))?;
    if !js_sys::Reflect::has(value, &JsValue::from_str("repository")).unwrap_or(false) {
        options.repository = None;
    }
    options.check().map_err(|e| JsError::new(&e))?;
    Ok(options)
}

/// `current` with what `patch` names changed: `setOptions` leaves the rest as it was,
/// and merges `strings` key by key.
fn merged(current: &FinderOptions, patch: &JsValue) -> Result<FinderOptions, JsValue> {
    if !patch.is_object() || js_sys::Array::is_array(patch) {
        return Err(JsError::new("The finder's options must be a plain object.").into());
    }
    // A fresh copy of the current options, so assigning into it changes nothing else.
    let base: js_sys::Object = to_js(current).unchecked_into();
    let strings: js_sys::Object = js_sys::Reflect::get(&base, &"strings".into())?.unchecked_into();
    js_sys::Object::assign(&strings, &strings_of(patch)?);
    let out = js_sys::Object::assign(&base, &patch.clone().unchecked_into());
    js_sys::Reflect::set(&out, &"strings".into(), &strings)?;
    options_from(&out)
}

/// The `strings` a patch names, or an empty object.
fn strings_of(patch: &JsValue) -> Result<js_sys::Object, JsValue> {
    let strings = js_sys::Reflect::get(patch, &"strings".into())?;
    if strings.is_undefined() || strings.is_null() {
        return Ok(js_sys::Object::new());
    }
    if !strings.is_object() || js_sys::Array::is_array(&strings) {
        return Err(JsError::new("The finder's options: `strings` must be an object of words by key.").into());
    }
    Ok(strings.unchecked_into())
}

fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    crate::api::encode(value).unwrap_or(JsValue::NULL)
}

/// The JavaScript value an event hands its listeners.
fn detail(event: &FinderEvent) -> JsValue {
    match event {
        FinderEvent::SelectionChanged(chosen) | FinderEvent::SelectionConfirmed(chosen) => to_js(chosen),
        FinderEvent::DragStarted(payload) => to_js(payload),
        FinderEvent::LoginRequired(repository) => to_js(&std::collections::BTreeMap::from([("repository", repository)])),
        FinderEvent::Error(message) => to_js(&std::collections::BTreeMap::from([("message", message)])),
    }
}

thread_local! {
    static MOUNTED: Cell<u32> = const { Cell::new(0) };
}

type Listeners = Rc<RefCell<Vec<(String, js_sys::Function)>>>;

/// A mounted Content Finder.
#[wasm_bindgen]
pub struct FinderHandle {
    mounted: Option<Box<dyn Any>>,
    finder: Finder,
    listeners: Listeners,
}

#[wasm_bindgen]
impl FinderHandle {
    /// Removes the finder: its DOM, its state, its listeners.
    pub fn unmount(&mut self) {
        self.listeners.borrow_mut().clear();
        self.mounted.take();
    }

    /// Changes the options it names while mounted, keeping the others; the finder
    /// shows the new root, filters, theme and words at once. It opens the start
    /// folder again only when `root` or `initialFolder` changed.
    #[wasm_bindgen(js_name = setOptions)]
    pub fn set_options(&self, patch: JsValue) -> Result<(), JsValue> {
        self.still_mounted()?;
        let current = self.finder.options.get_untracked();
        let options = merged(&current, &patch)?;
        let moved = (&options.root, &options.initial_folder) != (&current.root, &current.initial_folder);
        self.finder.options.set(options);
        if moved {
            self.finder.open_start();
        }
        self.finder.connect_repositories();
        Ok(())
    }

    /// Calls `listener(detail)` on each `event`; returns a function that stops it.
    /// An event the finder does not have is refused, with the names it has.
    pub fn on(&self, event: &str, listener: js_sys::Function) -> Result<js_sys::Function, JsValue> {
        if !FinderEvent::NAMES.contains(&event) {
            return Err(JsError::new(&format!("The finder has no event {event:?}; its events are {}.", FinderEvent::NAMES.join(", "))).into());
        }
        self.listeners.borrow_mut().push((event.to_owned(), listener.clone()));
        let listeners = Rc::downgrade(&self.listeners);
        Ok(Closure::once_into_js(move || {
            if let Some(listeners) = listeners.upgrade() {
                listeners.borrow_mut().retain(|(_, l)| l != &listener);
            }
        })
        .unchecked_into())
    }

    /// The assets selected now.
    pub fn selection(&self) -> Result<JsValue, JsValue> {
        self.still_mounted()?;
        Ok(to_js(&self.finder.selection.get_untracked()))
    }
}

impl FinderHandle {
    fn still_mounted(&self) -> Result<(), JsValue> {
        match self.mounted {
            Some(_) => Ok(()),
            None => Err(JsError::new("This finder has been unmounted.").into()),
        }
    }
}

/// The finder's styles (`www/finder.css`), for a finder mounted in a shadow root,
/// where the page's own style sheets do not reach.
#[wasm_bindgen(js_name = finderStyles)]
pub fn finder_styles() -> String {
    include_str!("../www/finder.css").to_owned()
}

/// Mounts a Content Finder into `element`; see `FinderOptions` for `options`.
#[wasm_bindgen(js_name = mountFinder)]
pub fn mount_finder(element: web_sys::HtmlElement, options: JsValue) -> Result<FinderHandle, JsValue> {
    console_error_panic_hook::set_once();
    let options = options_from(&options)?;
    let number = MOUNTED.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    let listeners: Listeners = Rc::default();
    let finder_cell = Rc::new(RefCell::new(None::<Finder>));
    let mounted = {
        let (listeners, finder_cell) = (Rc::clone(&listeners), Rc::clone(&finder_cell));
        leptos::mount::mount_to(element, move || {
            let finder = Finder::new(Repository::new(None), Repository::new(None), options.clone(), format!("tessera-finder-{number}"));
            finder.connect_repositories();
            finder.listen(move |event| {
                let detail = detail(event);
                // A copy, so a listener may unsubscribe while it is called.
                let targets: Vec<js_sys::Function> = listeners.borrow().iter().filter(|(name, _)| name == event.name()).map(|(_, l)| l.clone()).collect();
                if targets.is_empty() {
                    return;
                }
                // Listeners run after the finder's own handler has returned, so one may
                // unmount the finder without pulling the handler out from under itself.
                let call = Closure::once_into_js(move || {
                    for listener in targets {
                        let _ = listener.call1(&JsValue::NULL, &detail);
                    }
                });
                if let Some(window) = web_sys::window() {
                    window.queue_microtask(call.unchecked_ref());
                }
            });
            provide_context(finder);
            *finder_cell.borrow_mut() = Some(finder);
            let theme = move || match finder.options.with(|o| o.theme) {
                Theme::Light => "tessera-finder-root tessera-finder theme-light",
                Theme::Dark => "tessera-finder-root tessera-finder theme-dark",
            };
            view! {
                <div class=theme>
                    <ContentFinder />
                    <LoginDialog />
                </div>
            }
        })
    };
    let finder = finder_cell.borrow_mut().take().ok_or_else(|| JsError::new("the finder did not start"))?;
    Ok(FinderHandle { mounted: Some(Box::new(mounted)), finder, listeners })
}
