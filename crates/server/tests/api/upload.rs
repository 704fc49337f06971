use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use futures_util::stream;

use crate::common::*;

async fn author_with_folder(app: &TestApp) -> Login {
    let login = app.login("ksaner").await;
    assert_eq!(app.create_folder("/content/dam/photos", &login).await.status, StatusCode::CREATED);
    login
}

fn rendition_href(asset: &serde_json::Value, name: &str) -> String {
    asset["renditions"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap_or_else(|| panic!("no {name}: {asset}"))["href"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn an_uploaded_image_gets_thumbnails_and_a_web_rendition() {
    let app = TestApp::assets();
    let login = author_with_folder(&app).await;
    let reply = app.upload("/content/dam/photos/wide.jpg?title=Wide%20shot", "image/jpeg", jpeg(1600, 800), &login).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let asset = reply.json();
    assert_eq!(asset["title"], "Wide shot");
    assert_eq!(asset["kind"], "image");
    assert_eq!(asset["orientation"], "landscape");
    assert_eq!(asset["created_by"], "ksaner");
    assert_eq!((asset["width"].as_u64(), asset["height"].as_u64()), (Some(1600), Some(800)));

    let asset = app.processed("/content/dam/photos/wide.jpg", &login).await;
    assert_eq!(asset["processing"]["state"], "done");
    let expected = [
        ("thumbnail-48", "image/png", (48, 24)),
        ("thumbnail-140", "image/png", (140, 70)),
        ("thumbnail-319", "image/png", (319, 160)),
        ("web-1280", "image/jpeg", (1280, 640)),
        ("original", "image/jpeg", (1600, 800)),
    ];
    for (name, mime, size) in expected {
        let reply = app.get(&rendition_href(&asset, name), Some(&login)).await;
        assert_eq!(reply.status, StatusCode::OK, "{name}");
        assert_eq!(reply.header("content-type"), Some(mime), "{name}");
        assert_eq!(decode_dimensions(&reply.body), size, "{name}");
    }

    let listing = app.get("/api/folders/content/dam/photos", Some(&login)).await.json();
    assert_eq!(listing["assets"][0]["path"], "/content/dam/photos/wide.jpg");

    let thumb_href = rendition_href(&asset, "thumbnail-319");
    let etag = app.get(&thumb_href, Some(&login)).await.header("etag").unwrap().to_owned();
    let again =
        app.send(axum::http::Request::get(&thumb_href).header("cookie", &login.cookie).header("if-none-match", &etag).body(Body::empty()).unwrap()).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn small_images_are_never_upscaled() {
    let app = TestApp::assets();
    let login = author_with_folder(&app).await;
    app.upload("/content/dam/photos/tiny.png", "image/png", png(30, 20), &login).await;
    let asset = app.processed("/content/dam/photos/tiny.png", &login).await;
    for name in ["thumbnail-319", "web-1280"] {
        let reply = app.get(&rendition_href(&asset, name), Some(&login)).await;
        assert_eq!(decode_dimensions(&reply.body), (30, 20), "{name}");
    }
}

#[tokio::test]
async fn the_renditions_are_turned_upright_by_the_exif_orientation() {
    let app = TestApp::assets();
    let login = author_with_folder(&app).await;
    let reply = app.upload("/content/dam/photos/turned.jpg", "image/jpeg", jpeg_with_orientation_6(300, 120), &login).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    assert_eq!((reply.json()["width"].as_u64(), reply.json()["height"].as_u64()), (Some(120), Some(300)));
    assert_eq!(reply.json()["orientation"], "portrait");
    app.processed("/content/dam/photos/turned.jpg", &login).await;
    let thumb = app.get("/api/renditions/thumbnail-319/content/dam/photos/turned.jpg", Some(&login)).await;
    assert_eq!(decode_dimensions(&thumb.body), (120, 300));
}

#[tokio::test]
async fn corrupt_image_bytes_are_stored_and_their_job_fails_with_the_reason() {
    let app = TestApp::assets();
    let login = author_with_folder(&app).await;
    let mut broken = jpeg(64, 64);
    broken.truncate(broken.len() / 3);
    let reply = app.upload("/content/dam/photos/broken.jpg", "image/jpeg", broken, &login).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let asset = app.processed("/content/dam/photos/broken.jpg", &login).await;
    assert_eq!(asset["processing"]["state"], "failed");
    let error = asset["processing"]["error"].as_str().unwrap();
    assert!(error.starts_with("the image cannot be decoded"), "{error}");
    assert_eq!(asset["renditions"].as_array().unwrap().len(), 1, "only the original");
    assert_eq!(app.repo.unfinished_jobs().await.unwrap(), 0, "retried, then given up");
    // The deployment goes on working.
    app.upload("/content/dam/photos/fine.jpg", "image/jpeg", jpeg(20, 20), &login).await;
    assert_eq!(app.processed("/content/dam/photos/fine.jpg", &login).await["processing"]["state"], "done");
}

#[tokio::test]
async fn identical_content_is_stored_once() {
    let app = TestApp::assets();
    let login = author_with_folder(&app).await;
    let bytes = jpeg(40, 30);
    assert_eq!(app.upload("/content/dam/photos/a.jpg", "image/jpeg", bytes.clone(), &login).await.status, StatusCode::CREATED);
    app.processed("/content/dam/photos/a.jpg", &login).await;
    let after_first = app.repo.blobs().count().await.unwrap();
    assert_eq!(app.upload("/content/dam/photos/b.jpg", "image/jpeg", bytes, &login).await.status, StatusCode::CREATED);
    app.processed("/content/dam/photos/b.jpg", &login).await;
    app.assert_nothing_left(after_first).await;
}

#[tokio::test]
async fn a_pdf_is_a_document_served_as_an_attachment() {
    let app = TestApp::assets();
    let login = author_with_folder(&app).await;
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let reply = app.upload("/content/dam/photos/sheet.pdf", "application/pdf", pdf.clone(), &login).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.json()["kind"], "document");
    let asset = app.processed("/content/dam/photos/sheet.pdf", &login).await;
    let thumb = app.get(&rendition_href(&asset, "thumbnail-319"), Some(&login)).await;
    assert_eq!(decode_dimensions(&thumb.body), (319, 319), "a thumbnail that shows the type");
    let original = app.get("/api/renditions/original/content/dam/photos/sheet.pdf", Some(&login)).await;
    assert_eq!(original.body, Bytes::from(pdf));
    assert!(original.header("content-disposition").unwrap().starts_with("attachment;"));
    assert_eq!(original.header("content-security-policy"), Some("default-src 'none'; sandbox"));
}

#[tokio::test]
async fn bytes_that_are_not_what_they_claim_are_refused_and_leave_nothing() {
    let app = TestApp::assets();
    let login = author_with_folder(&app).await;
    let cases = [
        ("/content/dam/photos/x.jpg", "image/jpeg", png(10, 10), StatusCode::UNSUPPORTED_MEDIA_TYPE, "type_mismatch"),
        ("/content/dam/photos/x.png", "image/png", b"<html><script>alert(1)</script>".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "type_mismatch"),
        ("/content/dam/photos/x.bin", "application/octet-stream", vec![0, 1, 2, 3], StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type"),
        ("/content/dam/photos/x.svg", "image/svg+xml", b"\xff\xd8\xff\xe0 not svg".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "type_mismatch"),
        ("/content/dam/photos/empty.jpg", "image/jpeg", Vec::new(), StatusCode::BAD_REQUEST, "empty_upload"),
        ("/content/dam/nowhere/x.jpg", "image/jpeg", jpeg(8, 8), StatusCode::NOT_FOUND, "parent_not_found"),
    ];
    for (path, mime, bytes, status, code) in cases {
        let reply = app.upload(path, mime, bytes, &login).await;
        assert_eq!((reply.status, reply.error_code().as_str()), (status, code), "{path}");
        assert!(!reply.json()["error"]["message"].as_str().unwrap().is_empty());
    }
    app.assert_nothing_left(0).await;
    let listing = app.get("/api/folders/content/dam/photos", Some(&login)).await.json();
    assert_eq!(listing["assets"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn paths_that_try_to_leave_the_dam_are_refused() {
    let app = TestApp::assets();
    let login = author_with_folder(&app).await;
    let long = "a".repeat(300);
    let paths = [
        "/content/dam/photos/../../../etc/passwd".to_owned(),
        "/content/dam/photos/%2e%2e/%2e%2e/x.jpg".to_owned(),
        "/content/dam/photos/..%2F..%2Fx.jpg".to_owned(),
        "/content/dam/photos/%252e%252e/x.jpg".to_owned(),
        "/content/dam/photos/a%5C..%5Cb.jpg".to_owned(),
        "/content/dam/photos/a%00.jpg".to_owned(),
        format!("/content/dam/photos/{long}.jpg"),
        "/etc/passwd".to_owned(),
        "/content/damage/x.jpg".to_owned(),
    ];
    for path in &paths {
        let reply = app.upload(path, "image/jpeg", jpeg(8, 8), &login).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}: {:?}", reply.body);
        assert_eq!(reply.error_code(), "bad_path", "{path}");
    }
    app.assert_nothing_left(0).await;
    let root = app.get("/api/folders/content/dam", Some(&login)).await.json();
    assert_eq!(root["folders"].as_array().unwrap().len(), 1, "only the photos folder exists");
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_while_streaming() {
    let app = TestApp::with_limits("[limits]\nmax_upload_bytes = 100000\n");
    let login = author_with_folder(&app).await;
    // No Content-Length: the limit must be enforced on the bytes as they arrive.
    let chunks = (0..50).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![0xAB; 10_000])));
    let reply = app.upload_body("/content/dam/photos/big.jpg", "image/jpeg", Body::from_stream(stream::iter(chunks)), &login).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.error_code(), "too_large");
    app.assert_nothing_left(0).await;

    // A declared Content-Length over the limit is refused before reading anything.
    let declared = app
        .send(
            authed(axum::http::Method::PUT, "/api/assets/content/dam/photos/big.jpg", &login)
                .header("content-type", "image/jpeg")
                .header("content-length", "100001")
                .body(Body::from(vec![0u8; 100_001]))
                .unwrap(),
        )
        .await;
    assert_eq!(declared.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_client_that_disconnects_mid_upload_leaves_nothing_behind() {
    let app = TestApp::assets();
    let login = author_with_folder(&app).await;
    let head = jpeg(64, 64)[..200].to_vec();
    let chunks = vec![Ok(Bytes::from(head)), Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "client went away"))];
    let reply = app.upload_body("/content/dam/photos/cut.jpg", "image/jpeg", Body::from_stream(stream::iter(chunks)), &login).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), "upload_interrupted");
    app.assert_nothing_left(0).await;
    assert_eq!(app.get("/api/assets/content/dam/photos/cut.jpg", Some(&login)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_existing_name_is_a_conflict_not_an_overwrite() {
    let app = TestApp::assets();
    let login = author_with_folder(&app).await;
    assert_eq!(app.upload("/content/dam/photos/a.jpg", "image/jpeg", jpeg(4, 4), &login).await.status, StatusCode::CREATED);
    app.processed("/content/dam/photos/a.jpg", &login).await;
    let blobs = app.repo.blobs().count().await.unwrap();
    let again = app.upload("/content/dam/photos/a.jpg", "image/jpeg", jpeg(5, 5), &login).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let folder_clash = app.create_folder("/content/dam/photos/a.jpg", &login).await;
    assert_eq!(folder_clash.status, StatusCode::CONFLICT);
    let asset = app.get("/api/assets/content/dam/photos/a.jpg", Some(&login)).await.json();
    assert_eq!(asset["width"], 4);
    app.assert_nothing_left(blobs).await;
}

#[tokio::test]
async fn an_image_over_the_pixel_limit_is_refused_before_decoding() {
    let app = TestApp::with_limits("[limits]\nmax_image_pixels = 5000\n");
    let login = author_with_folder(&app).await;
    let reply = app.upload("/content/dam/photos/bomb.jpg", "image/jpeg", jpeg(100, 100), &login).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.error_code(), "too_many_pixels");
    assert!(reply.json()["error"]["message"].as_str().unwrap().contains("10000 pixels"));
    app.assert_nothing_left(0).await;
}

#[tokio::test]
async fn originals_answer_range_requests() {
    let app = TestApp::assets();
    let login = author_with_folder(&app).await;
    let text: Vec<u8> = (0..1000u32).map(|i| b'a' + (i % 26) as u8).collect();
    app.upload("/content/dam/photos/long.txt", "text/plain", text.clone(), &login).await;
    let get = |range: &'static str| {
        let (app, login) = (&app, &login);
        async move {
            app.send(
                axum::http::Request::get("/api/renditions/original/content/dam/photos/long.txt")
                    .header("cookie", &login.cookie)
                    .header("range", range)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
        }
    };
    let part = get("bytes=100-109").await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.header("content-range"), Some("bytes 100-109/1000"));
    assert_eq!(part.body, Bytes::from(text[100..110].to_vec()));
    let tail = get("bytes=-5").await;
    assert_eq!(tail.body, Bytes::from(text[995..].to_vec()));
    let past = get("bytes=5000-").await;
    assert_eq!(past.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(past.header("content-range"), Some("bytes */1000"));
    let whole = app.get("/api/renditions/original/content/dam/photos/long.txt", Some(&login)).await;
    assert_eq!((whole.status, whole.header("accept-ranges")), (StatusCode::OK, Some("bytes")));
    assert_eq!(whole.body.len(), 1000);
}

#[tokio::test]
async fn svg_is_only_ever_a_document_to_download() {
    let app = TestApp::assets();
    let login = author_with_folder(&app).await;
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let reply = app.upload("/content/dam/photos/logo.svg", "image/svg+xml", svg, &login).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.json()["kind"], "document");
    let original = app.get("/api/renditions/original/content/dam/photos/logo.svg", Some(&login)).await;
    assert!(original.header("content-disposition").unwrap().starts_with("attachment;"));
    assert_eq!(original.header("content-security-policy"), Some("default-src 'none'; sandbox"));
    assert_eq!(original.header("x-content-type-options"), Some("nosniff"));
    let asset = app.processed("/content/dam/photos/logo.svg", &login).await;
    assert_eq!(asset["processing"]["state"], "done", "it gets a type thumbnail, never a rasterised SVG");
}

#[tokio::test]
async fn names_that_are_not_utf8_are_refused() {
    let app = TestApp::assets();
    let login = author_with_folder(&app).await;
    let reply = app.upload("/content/dam/photos/%FF%FE.jpg", "image/jpeg", jpeg(8, 8), &login).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), "bad_path");
    app.assert_nothing_left(0).await;
}

#[tokio::test]
async fn an_object_store_that_does_not_answer_is_503_and_keeps_nothing() {
    // Nothing listens on a port that was just free.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let app = TestApp::with_limits(&format!(
        "[blobs]\nstore = \"s3\"\nbucket = \"gone\"\nendpoint = \"http://127.0.0.1:{port}\"\naccess_key_id = \"key\"\nsecret_access_key = \"secret\"\n"
    ));
    let login = author_with_folder(&app).await;
    let reply = app.upload("/content/dam/photos/a.jpg", "image/jpeg", jpeg(40, 30), &login).await;
    assert_eq!((reply.status, reply.error_code().as_str()), (StatusCode::SERVICE_UNAVAILABLE, "store_unavailable"));
    assert_eq!(reply.header("retry-after"), Some("5"));
    assert!(!String::from_utf8_lossy(&reply.body).contains("secret"));
    assert_eq!(app.get("/api/assets/content/dam/photos/a.jpg", Some(&login)).await.status, StatusCode::NOT_FOUND, "no row without its blob");
    assert_eq!(app.repo.blobs().spool().files(), 0, "no spool file left");
}
