//! The Content Finder for developers' own pages: `mountFinder(element, options)` and
//! the handle it returns. Each mounted finder has its own state, its own element
//! ids, and nothing on `window` or `document`, so several can share a page and
//! `unmount()` leaves nothing behind.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::components::content_finder::ContentFinder;
use crate::components::login_dialog::LoginDialog;
use crate::finder::{Finder, FinderEvent, FinderOptions, Repository, Theme};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A MIME pattern such as "image/*" or "application/pdf". */
export type MimePattern = string;

export interface FinderOptions {
  /** This site's DAM (its origin); "" for the page's own origin; null for none. */
  repository?: string | null;
  /** A remote DAM (Connected Assets), by its origin. */
  remoteRepository?: string | null;
  /** A folder the user cannot leave, e.g. "/content/dam/brand". */
  root?: string;
  /** The folder shown first; inside root. */
  initialFolder?: string | null;
  /** Only assets of these types are shown; all when empty. */
  accept?: MimePattern[];
  selection?: "single" | "multiple";
  /** Which filters show: the search box, images/documents, document types. */
  filters?: ("search" | "type" | "doctype")[];
  theme?: "light" | "dark";
  /** Replacements for the finder's words: search, logIn, local, remote, nothingHere, loadMore. */
  strings?: Record<string, string>;
}

/** What a drag out of the finder carries as "application/vnd.tessera.asset+json", and what its events carry. */
export interface AssetPayload {
  /** The origin of the DAM that holds the asset. */
  repository: string;
  path: string;
  title: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  /** Absolute URL of each rendition: original, web-1280, thumbnail-319, thumbnail-140, thumbnail-48. */
  renditions: Record<string, string>;
  /** The whole asset record, as the DAM's API returns it. */
  asset: Record<string, unknown>;
}

export interface FinderEvents {
  selectionchange: AssetPayload[];
  selectionconfirm: AssetPayload[];
  dragstart: AssetPayload;
  loginrequired: { repository: string };
  error: { message: string };
}

export type FinderEventName = keyof FinderEvents;
"#;

/// Parses options from a JavaScript object, saying what is wrong with them.
fn options_from(value: &JsValue) -> Result<FinderOptions, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(FinderOptions::default());
    }
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(JsError::new("The finder's options must be a plain object.").into());
    }
    let options: FinderOptions = serde_wasm_bindgen::from_value(value.clone()).map_err(|e| JsError::new(&format!("The finder's options: {e}")))?;
    options.check().map_err(|e| JsError::new(&e))?;
    Ok(options)
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

    /// Changes options while mounted; the finder shows the new root, filters, theme
    /// and words at once.
    #[wasm_bindgen(js_name = setOptions)]
    pub fn set_options(&self, options: JsValue) -> Result<(), JsValue> {
        self.still_mounted()?;
        let options = options_from(&options)?;
        self.finder.open(options.initial_folder.clone().unwrap_or_else(|| options.root.clone()));
        self.finder.options.set(options);
        self.finder.connect_repositories();
        Ok(())
    }

    /// Calls `listener(detail)` on each `event`; returns a function that stops it.
    pub fn on(&self, event: &str, listener: js_sys::Function) -> js_sys::Function {
        self.listeners.borrow_mut().push((event.to_owned(), listener.clone()));
        let listeners = Rc::downgrade(&self.listeners);
        Closure::once_into_js(move || {
            if let Some(listeners) = listeners.upgrade() {
                listeners.borrow_mut().retain(|(_, l)| l != &listener);
            }
        })
        .unchecked_into()
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
