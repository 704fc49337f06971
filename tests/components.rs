//! Editor components in a real browser (headless Chromium, via `cargo xtask test`):
//! drops arrive as synthetic DragEvents carrying a real DataTransfer.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use tessera::api::{ApiError, Client};
use tessera::components::image_component::ImageComponent;
use tessera::components::login_dialog::LoginDialog;
use tessera::components::notifications::Notifications;
use tessera::state::{Editor, Repository, Source};
use tessera_model::{AssetDragPayload, AssetDto, AssetKind, DamPath, RenditionLink, ASSET_DRAG_MIME};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{DataTransfer, DragEvent, DragEventInit, Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `view` with a fresh editor context into a new element of the document.
fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> (HtmlElement, Editor) {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let editor_slot = Rc::new(RefCell::new(None));
    let slot = Rc::clone(&editor_slot);
    leptos::mount::mount_to(root.clone(), move || {
        let editor = Editor::new(Repository::new(Some(Client::new(""))), Repository::new(Some(Client::new("http://dam.test"))));
        provide_context(editor);
        *slot.borrow_mut() = Some(editor);
        view()
    })
    .forget();
    let editor = editor_slot.borrow().expect("the view ran");
    (root, editor)
}

/// Lets Leptos apply pending updates to the DOM.
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0).unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

fn asset(title: &str, kind: AssetKind, mime: &str) -> AssetDragPayload {
    let path = DamPath::parse(&format!("/content/dam/samples/{title}")).unwrap();
    AssetDragPayload {
        repository: "http://dam.test".into(),
        asset: AssetDto {
            name: title.into(),
            path,
            title: title.into(),
            mime: mime.into(),
            kind,
            size: 1234,
            width: None,
            height: None,
            description: String::new(),
            orientation: None,
            created_by: "ksaner".into(),
            created_at: 0,
            modified_by: "ksaner".into(),
            modified_at: 0,
            properties: Default::default(),
            tags: Vec::new(),
            renditions: vec![RenditionLink { name: "thumbnail-319".into(), href: format!("/api/renditions/thumbnail-319/{title}") }],
            processing: tessera_model::ProcessingDto::Done,
        },
    }
}

fn drop_on(target: &Element, data: &[(&str, String)]) {
    let transfer = DataTransfer::new().unwrap();
    for (format, value) in data {
        transfer.set_data(format, value).unwrap();
    }
    for kind in ["dragenter", "dragover", "drop"] {
        let init = DragEventInit::new();
        init.set_bubbles(true);
        init.set_cancelable(true);
        init.set_data_transfer(Some(&transfer));
        let event = DragEvent::new_with_event_init_dict(kind, &init).unwrap();
        let not_cancelled = target.dispatch_event(&event).unwrap();
        if kind == "dragover" {
            assert!(!not_cancelled, "the Image component must accept the dragover, or browsers will not drop");
        }
    }
}

fn image_component(root: &HtmlElement) -> Element {
    root.query_selector("[aria-label='Image component']").unwrap().expect("the Image component is rendered")
}

fn notices(root: &HtmlElement) -> String {
    root.query_selector("[role='status']").unwrap().map(|n| n.text_content().unwrap_or_default()).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn dropping_an_image_shows_its_rendition() {
    let (root, editor) = mount(|| view! { <ImageComponent /> });
    let payload = asset("lake.jpg", AssetKind::Image, "image/jpeg");
    drop_on(&image_component(&root), &[(ASSET_DRAG_MIME, serde_json::to_string(&payload).unwrap())]);
    settle().await;
    let img = image_component(&root).query_selector("img").unwrap().expect("an image after the drop");
    assert_eq!(img.get_attribute("src").unwrap(), "http://dam.test/api/renditions/thumbnail-319/lake.jpg");
    assert_eq!(img.get_attribute("alt").unwrap(), "lake.jpg");
    assert_eq!(editor.image.get_untracked(), Some(payload));
}

#[wasm_bindgen_test]
async fn dropping_a_document_is_refused_with_the_reason() {
    let (root, editor) = mount(|| view! { <ImageComponent /> <Notifications /> });
    let image = asset("lake.jpg", AssetKind::Image, "image/jpeg");
    editor.image.set(Some(image.clone()));
    let pdf = asset("sheet.pdf", AssetKind::Document, "application/pdf");
    drop_on(&image_component(&root), &[(ASSET_DRAG_MIME, serde_json::to_string(&pdf).unwrap())]);
    settle().await;
    assert!(notices(&root).contains("is a document, not an image"), "{}", notices(&root));
    assert_eq!(editor.image.get_untracked(), Some(image), "the image already there stays");
}

#[wasm_bindgen_test]
async fn dropping_something_from_outside_the_finder_says_so() {
    let (root, editor) = mount(|| view! { <ImageComponent /> <Notifications /> });
    drop_on(&image_component(&root), &[("text/plain", "just some text".into())]);
    settle().await;
    assert!(notices(&root).contains("Only assets dragged from the Content Finder"), "{}", notices(&root));
    assert_eq!(editor.image.get_untracked(), None);
}

#[wasm_bindgen_test]
async fn the_login_dialog_is_named_and_its_fields_are_labelled() {
    let (root, editor) = mount(|| view! { <LoginDialog /> });
    assert!(root.query_selector("[role='dialog']").unwrap().is_none(), "closed until asked for");
    editor.login_for.set(Some(Source::Remote));
    settle().await;
    let dialog = root.query_selector("[role='dialog']").unwrap().expect("the dialog opens");
    let title_id = dialog.get_attribute("aria-labelledby").unwrap();
    let title = root.query_selector(&format!("#{title_id}")).unwrap().unwrap();
    assert_eq!(title.text_content().unwrap(), "Log in to Connected Assets");
    let labels: Vec<String> = (0..dialog.query_selector_all("label").unwrap().length())
        .map(|i| dialog.query_selector_all("label").unwrap().item(i).unwrap().text_content().unwrap())
        .collect();
    assert_eq!(labels, ["User name", "Password"]);
    assert!(dialog.query_selector("label input[type='password']").unwrap().is_some());
    assert!(notices(&root).is_empty());
}

#[wasm_bindgen_test]
fn an_unreachable_dam_is_explained() {
    let e = ApiError::Unreachable { base: "http://dam.test".into() };
    let text = e.to_string();
    assert!(text.contains("http://dam.test") && text.contains("allows this site"), "{text}");
    assert!(!e.is_unauthenticated());
    let refused = ApiError::Refused { status: 401, code: "not_logged_in".into(), message: "Log in to see this.".into() };
    assert!(refused.is_unauthenticated());
}
