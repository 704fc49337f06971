use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

/// 400 × 200: the left half red, the right half blue.
fn halves() -> Vec<u8> {
    let img = image::RgbImage::from_fn(400, 200, |x, _| if x < 200 { image::Rgb([220, 20, 20]) } else { image::Rgb([20, 20, 220]) });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
    out
}

async fn page_with_image(app: &TestApp, login: &Login, edit: serde_json::Value) -> Reply {
    let asset = app.processed("/content/dam/photos/halves.jpg", login).await;
    let asset_ref = json!({
        "repository": null, "path": asset["path"], "title": "Halves", "description": "", "mime": asset["mime"],
        "size": asset["size"], "width": asset["width"], "height": asset["height"], "renditions": asset["renditions"],
    });
    let body = json!({ "title": "Edited", "components": [{ "id": "i1", "type": "image", "asset": asset_ref, "edit": edit }] });
    let version = app.get("/api/pages/content/site", Some(login)).await.json()["version"].as_u64().unwrap();
    app.send(
        authed(Method::PUT, "/api/pages/content/site", login)
            .header("content-type", "application/json")
            .header("if-match", format!("\"v{version}\""))
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

async fn setup() -> (TestApp, Login) {
    let app = TestApp::sites();
    let login = app.login("ksaner").await;
    app.create_folder("/content/dam/photos", &login).await;
    app.upload("/content/dam/photos/halves.jpg", "image/jpeg", halves(), &login).await;
    let created = app
        .send(
            authed(Method::POST, "/api/pages/content/site", &login)
                .header("content-type", "application/json")
                .body(Body::from("{\"title\":\"Site\"}"))
                .unwrap(),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    (app, login)
}

async fn publish(app: &TestApp, login: &Login) -> String {
    let r = app.send(authed(Method::POST, "/api/publish/content/site", login).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    String::from_utf8(app.get("/content/site.html", None).await.body.to_vec()).unwrap()
}

fn mean_colour(bytes: &[u8]) -> [u8; 3] {
    let img = image::load_from_memory(bytes).unwrap().to_rgb8();
    let n = u64::from(img.width() * img.height());
    let sum = img.pixels().fold([0u64; 3], |s, p| [s[0] + u64::from(p[0]), s[1] + u64::from(p[1]), s[2] + u64::from(p[2])]);
    [(sum[0] / n) as u8, (sum[1] / n) as u8, (sum[2] / n) as u8]
}

#[tokio::test]
async fn a_turned_and_cropped_image_is_rendered_from_the_original_at_policy_widths() {
    let (app, login) = setup().await;
    // Turned a quarter clockwise the red left half is on top; keep the top half.
    let saved = page_with_image(&app, &login, json!({ "rotation": "90", "crop": { "x": 0.0, "y": 0.0, "w": 1.0, "h": 0.5 } })).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    let html = publish(&app, &login).await;
    assert!(html.contains("width=\"200\" height=\"200\""), "{html}");
    let src = html.split("src=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert!(src.starts_with("/published/image/") && src.ends_with("/320.jpg"), "{src}");
    // The <img>'s own srcset (JPEG); a WebP <source> comes before it.
    let srcset = html.split("<img ").nth(1).unwrap().split("srcset=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert_eq!(srcset.matches("w,").count() + 1, 1, "only widths up to the crop's 200 pixels, or the smallest: {srcset}");

    let image = app.get(&src, None).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(decode_dimensions(&image.body), (200, 200), "never upscaled past the crop");
    let [r, _, b] = mean_colour(&image.body);
    assert!(r > 180 && b < 60, "the red half: {:?}", mean_colour(&image.body));
    assert!(image.header("cache-control").unwrap().contains("immutable"));

    let etag = image.header("etag").unwrap().to_owned();
    let again = app.send(axum::http::Request::get(&src).header("if-none-match", &etag).body(Body::empty()).unwrap()).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED, "the second request is served from the cache");

    let other_width = src.rsplit_once('/').unwrap().0.to_owned() + "/333.jpg";
    assert_eq!(app.get(&other_width, None).await.status, StatusCode::NOT_FOUND, "only widths from the policy");
    let unknown_edit = format!("{}/0000000000000000/320.jpg", src.rsplitn(3, '/').nth(2).unwrap());
    assert_eq!(app.get(&unknown_edit, None).await.status, StatusCode::NOT_FOUND);

    let preview = String::from_utf8(app.get("/api/preview/content/site", Some(&login)).await.body.to_vec()).unwrap();
    let preview_src = preview.split("src=\"").nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&");
    assert!(preview_src.starts_with("/api/image/content/dam/photos/halves.jpg?edit="), "{preview_src}");
    let previewed = app.get(&preview_src, Some(&login)).await;
    assert_eq!(previewed.status, StatusCode::OK);
    assert_eq!(previewed.body, image.body, "the preview and the published page show the same picture");
    assert_eq!(app.get(&preview_src, None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn removing_every_edit_gives_back_the_original_renditions() {
    let (app, login) = setup().await;
    page_with_image(&app, &login, json!({ "rotation": "0" })).await;
    let html = publish(&app, &login).await;
    let asset = app.get("/api/assets/content/dam/photos/halves.jpg", Some(&login)).await.json();
    let web = app.get(asset["renditions"].as_array().unwrap().iter().find(|r| r["name"] == "web-1280").unwrap()["href"].as_str().unwrap(), Some(&login)).await;
    let src = html.split("src=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert!(src.starts_with("/published/") && !src.starts_with("/published/image/"), "{src}");
    assert_eq!(app.get(&src, None).await.body, web.body, "exactly the web rendition");
}

#[tokio::test]
async fn bad_edit_states_are_refused_with_a_clear_4xx() {
    let (app, login) = setup().await;
    for (edit, why) in [
        (json!({ "crop": { "x": 0.2, "y": 0.2, "w": 0.0, "h": 0.3 } }), "zero area"),
        (json!({ "crop": { "x": 0.8, "y": 0.0, "w": 0.5, "h": 0.3 } }), "outside"),
        (json!({ "focal": { "x": 1.5, "y": 0.2 } }), "focal outside"),
        (json!({ "version": 99 }), "newer format"),
    ] {
        let reply = page_with_image(&app, &login, edit).await;
        assert_eq!((reply.status, reply.error_code().as_str()), (StatusCode::BAD_REQUEST, "bad_metadata"), "{why}: {:?}", reply.body);
    }
    let reply = page_with_image(&app, &login, json!({ "rotation": "45" })).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "not a quarter turn");
}

#[tokio::test]
async fn the_image_policy_adds_aspect_presets_for_the_editor() {
    let app = TestApp::with_config("", "[images]\naspect_presets = [\"21:9\", \"2:1\"]\n");
    let info = app.get("/api/deployment", None).await.json();
    assert_eq!(info["aspect_presets"], json!([[21, 9], [2, 1]]));
}
