//! Editor components in a real browser (headless Chromium, via `cargo xtask test`):
//! drops arrive as synthetic DragEvents carrying a real DataTransfer.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use tessera::api::{ApiError, Client};
use tessera::components::login_dialog::LoginDialog;
use tessera::components::notifications::Notifications;
use tessera::components::page_canvas::PageCanvas;
use tessera::components::toolbar::Toolbar;
use tessera::finder::SelectionMode;
use tessera::history::{History, DEPTH};
use tessera::rich_text::{from_dom, to_html};
use tessera::state::{ComponentKind, Editor, Repository, Source};
use tessera_model::page::{Paragraph, Run, TextBody};
use tessera_model::{AssetDragPayload, AssetDto, AssetKind, ComponentBody, DamPath, PageContent, PageDto, PagePath, RenditionLink, ASSET_DRAG_MIME};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{DataTransfer, DragEvent, DragEventInit, Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `view` with a fresh editor context, holding an empty page, into the document.
fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> (HtmlElement, Editor) {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let editor_slot = Rc::new(RefCell::new(None));
    let slot = Rc::clone(&editor_slot);
    leptos::mount::mount_to(root.clone(), move || {
        let editor = Editor::new(Repository::new(Some(Client::new(""))), Repository::new(Some(Client::new("http://dam.test"))));
        editor.own_origin.set("http://sites.test".into());
        editor.load_page(PageDto {
            path: PagePath::parse("/content/site/en").unwrap(),
            version: 1,
            title: "English".into(),
            description: String::new(),
            components: Vec::new(),
            modified_by: "ksaner".into(),
            modified_at: 0,
            published_at: None,
        });
        provide_context(editor);
        provide_context(editor.finder);
        editor.listen_to_finder();
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
    AssetDragPayload::new(
        "http://dam.test",
        AssetDto {
            name: title.into(),
            path: DamPath::parse(&format!("/content/dam/samples/{title}")).unwrap(),
            title: title.into(),
            description: String::new(),
            mime: mime.into(),
            kind,
            size: 2_516_582,
            width: Some(1600),
            height: Some(900),
            orientation: None,
            created_by: "ksaner".into(),
            created_at: 0,
            modified_by: "ksaner".into(),
            modified_at: 0,
            properties: Default::default(),
            tags: Vec::new(),
            renditions: vec![RenditionLink {
                name: "web-1280".into(),
                href: format!("/api/renditions/web-1280/content/dam/samples/{title}"),
                sha256: None,
                size: None,
                mime: None,
                width: None,
                height: None,
            }],
            processing: tessera_model::ProcessingDto::Done,
            connected: None,
            checked_out: None,
            live_copy: false,
        },
    )
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
            assert!(!not_cancelled, "components must accept the dragover, or browsers will not drop");
        }
    }
}

fn component(root: &HtmlElement, label: &str) -> Element {
    root.query_selector(&format!("[aria-label='{label} component']")).unwrap().unwrap_or_else(|| panic!("no {label} component"))
}

fn notices(root: &HtmlElement) -> String {
    root.query_selector(".notifications").unwrap().map(|n| n.text_content().unwrap_or_default()).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn dropping_an_image_shows_its_web_rendition_and_resets_edits_but_not_alt() {
    let (root, editor) = mount(|| view! { <PageCanvas /> <Notifications /> });
    editor.add_component(ComponentKind::Image);
    settle().await;
    let id = editor.selected.get_untracked().unwrap();
    editor.update_component(&id, |b| {
        if let ComponentBody::Image(i) = b {
            i.edit.rotate_clockwise();
            i.alt = tessera_model::page::Alt::Decorative;
        }
    });
    drop_on(&component(&root, "Image"), &[(ASSET_DRAG_MIME, serde_json::to_string(&asset("lake.jpg", AssetKind::Image, "image/jpeg")).unwrap())]);
    settle().await;
    let img = component(&root, "Image").query_selector("img").unwrap().expect("an image after the drop");
    assert_eq!(img.get_attribute("src").unwrap(), "http://dam.test/api/renditions/web-1280/content/dam/samples/lake.jpg");
    let body = editor.content.get_untracked().components[0].body.clone();
    let ComponentBody::Image(image) = body else { panic!("not an image") };
    assert!(image.edit.is_identity(), "a new asset resets the edits");
    assert_eq!(image.alt, tessera_model::page::Alt::Decorative, "but keeps the alt settings");
    assert_eq!(image.asset.unwrap().repository.as_deref(), Some("http://dam.test"), "a remote asset");
}

#[wasm_bindgen_test]
async fn wrong_drops_are_refused_with_the_reason() {
    let (root, editor) = mount(|| view! { <PageCanvas /> <Notifications /> });
    editor.add_component(ComponentKind::Image);
    editor.add_component(ComponentKind::Title);
    settle().await;
    let pdf = serde_json::to_string(&asset("sheet.pdf", AssetKind::Document, "application/pdf")).unwrap();
    drop_on(&component(&root, "Image"), &[(ASSET_DRAG_MIME, pdf.clone())]);
    settle().await;
    assert!(notices(&root).contains("is a document, not an image"), "{}", notices(&root));
    drop_on(&component(&root, "Title"), &[(ASSET_DRAG_MIME, pdf)]);
    drop_on(&component(&root, "Image"), &[("text/plain", "just text".into())]);
    settle().await;
    assert!(notices(&root).contains("The Title component takes no assets"), "{}", notices(&root));
    assert!(notices(&root).contains("Only assets dragged from the Content Finder"), "{}", notices(&root));
    let has_asset = editor.content.get_untracked().components.iter().any(|c| c.body.asset().is_some());
    assert!(!has_asset, "nothing was placed");
}

#[wasm_bindgen_test]
async fn a_download_takes_any_asset_and_shows_its_size_with_one_decimal() {
    let (root, editor) = mount(|| view! { <PageCanvas /> });
    editor.add_component(ComponentKind::Download);
    settle().await;
    drop_on(&component(&root, "Download"), &[(ASSET_DRAG_MIME, serde_json::to_string(&asset("sheet.pdf", AssetKind::Document, "application/pdf")).unwrap())]);
    settle().await;
    let text = component(&root, "Download").text_content().unwrap();
    assert!(text.contains("sheet.pdf · PDF · 2.4 MB"), "{text}");
}

#[wasm_bindgen_test]
async fn undo_and_redo_walk_back_and_forth_through_edits() {
    let (root, editor) = mount(|| view! { <PageCanvas /> });
    for kind in [ComponentKind::Title, ComponentKind::Text, ComponentKind::Image] {
        editor.add_component(kind);
    }
    settle().await;
    assert_eq!(root.query_selector_all("[role='group'][data-component-id]").unwrap().length(), 3);
    editor.undo();
    editor.undo();
    settle().await;
    assert_eq!(root.query_selector_all("[role='group'][data-component-id]").unwrap().length(), 1);
    editor.redo();
    settle().await;
    assert_eq!(root.query_selector_all("[role='group'][data-component-id]").unwrap().length(), 2);
    editor.add_component(ComponentKind::Download);
    editor.redo();
    assert_eq!(editor.content.get_untracked().components.len(), 3, "a new edit clears what redo could bring back");
    assert!(editor.is_dirty());
}

#[wasm_bindgen_test]
fn history_reaches_back_at_least_fifty_steps() {
    let mut history = History::default();
    let page = |n: usize| PageContent { title: format!("v{n}"), ..PageContent::default() };
    for n in 0..60 {
        history.record(page(n));
    }
    let mut current = page(60);
    let mut steps = 0;
    while let Some(previous) = history.undo(current.clone()) {
        current = previous;
        steps += 1;
    }
    assert!(DEPTH >= 50 && steps == 60, "{steps} steps back");
    assert_eq!(current.title, "v0");
}

#[wasm_bindgen_test]
async fn a_conflict_is_shown_with_a_reload_button() {
    let (root, editor) = mount(|| view! { <Toolbar panel_open=RwSignal::new(true) /> });
    assert!(root.query_selector("[role='alert']").unwrap().is_none());
    editor.conflict.set(Some("the page was saved by admin after you opened it (it is now at version 3); reload to see their changes".into()));
    settle().await;
    let alert = root.query_selector("[role='alert']").unwrap().expect("the conflict is shown");
    let text = alert.text_content().unwrap();
    assert!(text.contains("This page was changed elsewhere") && text.contains("version 3"), "{text}");
    let button = alert.query_selector("button").unwrap().unwrap();
    assert_eq!(button.text_content().unwrap(), "Reload");
}

#[wasm_bindgen_test]
fn rich_text_survives_a_round_trip_through_the_dom() {
    let text = TextBody {
        paragraphs: vec![
            Paragraph {
                runs: vec![
                    Run { text: "Plain, ".into(), ..Default::default() },
                    Run { text: "bold".into(), bold: true, ..Default::default() },
                    Run { text: " & ".into(), ..Default::default() },
                    Run { text: "linked <x>".into(), italic: true, link: Some("https://example.com/?a=1&b=2".into()), ..Default::default() },
                ],
            },
            Paragraph { runs: vec![Run { text: "Second".into(), ..Default::default() }] },
        ],
    };
    let div = web_sys::window().unwrap().document().unwrap().create_element("div").unwrap();
    div.set_inner_html(&to_html(&text));
    assert_eq!(from_dom(&div), text);
    div.set_inner_html("<p>a <a href=\"javascript:alert(1)\">b</a></p>");
    assert_eq!(from_dom(&div).paragraphs[0].runs, vec![Run { text: "a b".into(), ..Default::default() }], "unsafe links are dropped");
}

#[wasm_bindgen_test]
async fn the_login_dialog_is_named_and_its_fields_are_labelled() {
    let (root, editor) = mount(|| view! { <LoginDialog /> });
    assert!(root.query_selector("dialog").unwrap().is_none(), "closed until asked for");
    editor.finder.login_for.set(Some(Source::Remote));
    settle().await;
    let dialog = root.query_selector("dialog").unwrap().expect("the dialog opens");
    assert!(dialog.matches(":modal").unwrap(), "a modal dialog: the page behind it is inert");
    let focused = web_sys::window().unwrap().document().unwrap().active_element().unwrap();
    assert_eq!(focused.get_attribute("name").as_deref(), Some("user"), "the first field has focus");
    let title_id = dialog.get_attribute("aria-labelledby").unwrap();
    let title = root.query_selector(&format!("#{title_id}")).unwrap().unwrap();
    assert_eq!(title.text_content().unwrap(), "Log in to Connected Assets");
    let labels: Vec<String> = (0..dialog.query_selector_all("label").unwrap().length())
        .map(|i| dialog.query_selector_all("label").unwrap().item(i).unwrap().text_content().unwrap())
        .collect();
    assert_eq!(labels, ["User name", "Password"]);
}

#[wasm_bindgen_test]
fn an_unreachable_dam_is_explained() {
    let e = ApiError::Unreachable { base: "http://dam.test".into() };
    let text = e.to_string();
    assert!(text.contains("http://dam.test") && text.contains("allows this site"), "{text}");
    let refused = ApiError::Refused { status: 401, code: "not_logged_in".into(), message: "Log in to see this.".into() };
    assert!(refused.is_unauthenticated());
}

#[wasm_bindgen_test]
async fn dragging_a_component_onto_another_moves_it_before_that_one() {
    let (root, editor) = mount(|| view! { <PageCanvas /> });
    for kind in [ComponentKind::Title, ComponentKind::Text, ComponentKind::Image] {
        editor.add_component(kind);
    }
    settle().await;
    let ids: Vec<String> = editor.content.get_untracked().components.iter().map(|c| c.id.clone()).collect();
    drop_on(&component(&root, "Title"), &[("application/vnd.tessera.component", ids[2].clone())]);
    settle().await;
    let labels: Vec<String> = (0..root.query_selector_all("[data-component-id]").unwrap().length())
        .map(|i| root.query_selector_all("[data-component-id]").unwrap().item(i).unwrap().unchecked_into::<Element>().get_attribute("aria-label").unwrap())
        .collect();
    assert_eq!(labels, ["Image component", "Title component", "Text component"]);
    editor.undo();
    assert_eq!(editor.content.get_untracked().components.iter().map(|c| c.id.clone()).collect::<Vec<_>>(), ids, "a move is one undo step");
}

fn click_button(root: &HtmlElement, text: &str) {
    let buttons = root.query_selector_all("button").unwrap();
    let button = (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .map(|n| n.unchecked_into::<HtmlElement>())
        .find(|b| b.text_content().unwrap_or_default() == text || b.get_attribute("aria-label").as_deref() == Some(text))
        .unwrap_or_else(|| panic!("no button {text:?}"));
    button.click();
}

#[wasm_bindgen_test]
async fn the_image_editor_applies_on_done_and_drops_its_changes_on_cancel() {
    use tessera::components::image_editor::ImageEditor;
    let (root, editor) = mount(|| view! { <PageCanvas /> <ImageEditor /> });
    editor.add_component(ComponentKind::Image);
    let id = editor.selected.get_untracked().unwrap();
    editor.drop_asset(&id, &asset("lake.jpg", AssetKind::Image, "image/jpeg"));
    let edit = |editor: &Editor| match &editor.content.get_untracked().components[0].body {
        ComponentBody::Image(i) => i.edit.clone(),
        _ => panic!("not an image"),
    };

    editor.image_edit_for.set(Some(id.clone()));
    settle().await;
    click_button(&root, "Rotate right");
    click_button(&root, "Cancel");
    settle().await;
    assert!(edit(&editor).is_identity(), "Cancel keeps the component as it was");

    editor.image_edit_for.set(Some(id.clone()));
    settle().await;
    click_button(&root, "Rotate right");
    click_button(&root, "Flip horizontally");
    click_button(&root, "Undo edit");
    click_button(&root, "Done");
    settle().await;
    let e = edit(&editor);
    assert_eq!((e.rotation.degrees(), e.flip_horizontal), (90, false), "undo inside the session took the flip back");
    assert!(root.query_selector("[aria-label='Edit image']").unwrap().is_some());
    editor.undo();
    assert!(edit(&editor).is_identity(), "the whole session is one step of the page's undo");
}

#[wasm_bindgen_test]
async fn a_finder_selects_one_or_many_and_tells_its_listener() {
    let (_root, editor) = mount(|| view! { <p>"finder"</p> });
    let finder = editor.finder;
    let heard = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let log = std::rc::Rc::clone(&heard);
    finder.listen(move |event| log.borrow_mut().push(event.name().to_owned()));
    let (a, b) = (asset("a.jpg", AssetKind::Image, "image/jpeg"), asset("b.jpg", AssetKind::Image, "image/jpeg"));

    finder.toggle(a.clone());
    finder.toggle(b.clone());
    assert_eq!(finder.selection.get_untracked(), vec![b.clone()], "single: the second replaces the first");
    finder.toggle(b.clone());
    assert!(finder.selection.get_untracked().is_empty(), "a second click deselects");

    finder.options.update(|o| o.selection = SelectionMode::Multiple);
    finder.toggle(a.clone());
    finder.toggle(b.clone());
    assert_eq!(finder.selection.get_untracked(), vec![a.clone(), b.clone()], "multiple: both");
    finder.confirm(a);
    assert_eq!(finder.selection.get_untracked().len(), 2, "confirming a selected asset keeps the others");
    assert_eq!(heard.borrow().last().map(String::as_str), Some("selectionconfirm"));
    assert_eq!(heard.borrow().iter().filter(|n| *n == "selectionchange").count(), 5);
}
