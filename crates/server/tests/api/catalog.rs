use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

async fn send_json(app: &TestApp, method: Method, uri: &str, login: &Login, body: serde_json::Value) -> Reply {
    app.send(authed(method, uri, login).header("content-type", "application/json").body(Body::from(body.to_string())).unwrap()).await
}

async fn seeded() -> (TestApp, Login) {
    let app = TestApp::assets();
    let login = app.login("ksaner").await;
    for folder in ["/content/dam/shoes", "/content/dam/shoes/running", "/content/dam/docs"] {
        assert_eq!(app.create_folder(folder, &login).await.status, StatusCode::CREATED);
    }
    let uploads = [
        ("/content/dam/shoes/running/trail-runner.jpg?title=Trail%20runner", "image/jpeg", jpeg(400, 200)),
        ("/content/dam/shoes/running/road-racer.jpg?title=Road%20racer", "image/jpeg", jpeg(200, 400)),
        ("/content/dam/shoes/boot.png?title=Winter%20boot", "image/png", png(300, 300)),
        ("/content/dam/docs/catalogue.pdf?title=Shoe%20catalogue", "application/pdf", b"%PDF-1.4\n%%EOF\n".to_vec()),
        ("/content/dam/docs/notes.txt?title=Fitting%20notes", "text/plain", b"laces and soles".to_vec()),
    ];
    for (path, mime, bytes) in uploads {
        assert_eq!(app.upload(path, mime, bytes, &login).await.status, StatusCode::CREATED, "{path}");
    }
    (app, login)
}

fn titles(reply: &Reply) -> Vec<String> {
    reply.json()["assets"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn metadata_is_editable_and_records_who_changed_it() {
    let (app, _) = seeded().await;
    let admin = app.login("admin").await;
    let reply = send_json(
        &app,
        Method::PATCH,
        "/api/assets/content/dam/shoes/boot.png",
        &admin,
        json!({ "description": "Lined for snow", "properties": { "sku": "B-100", "season": "winter" } }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let asset = reply.json();
    assert_eq!(asset["title"], "Winter boot", "absent fields stay");
    assert_eq!(asset["description"], "Lined for snow");
    assert_eq!(asset["properties"]["sku"], "B-100");
    assert_eq!(asset["modified_by"], "admin");
    assert_eq!(asset["created_by"], "ksaner");

    let unknown = send_json(&app, Method::PATCH, "/api/assets/content/dam/shoes/boot.png", &admin, json!({ "titel": "x" })).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused");
    let empty = send_json(&app, Method::PATCH, "/api/assets/content/dam/shoes/boot.png", &admin, json!({ "title": "  " })).await;
    assert_eq!((empty.status, empty.error_code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "bad_json"));
    assert!(empty.error_message().contains("The title must have 1 to 1024 bytes"), "{:?}", empty.body);
    let long = send_json(&app, Method::PATCH, "/api/assets/content/dam/shoes/boot.png", &admin, json!({ "properties": { "a b": "x" } })).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(long.error_message().contains("\"a b\" is not a property name"), "{:?}", long.body);
    assert_eq!(app.get("/api/assets/content/dam/shoes/boot.png", Some(&admin)).await.json()["title"], "Winter boot", "a refused patch changes nothing");
    let viewer = app.login("viewer").await;
    let denied = send_json(&app, Method::PATCH, "/api/assets/content/dam/shoes/boot.png", &viewer, json!({ "title": "x" })).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn search_finds_words_in_title_description_name_tags_and_path() {
    let (app, login) = seeded().await;
    let q = |s: &str| format!("/api/search?q={s}&sort=name");
    assert_eq!(titles(&app.get(&q("trail"), Some(&login)).await), ["Trail runner"]);
    assert_eq!(titles(&app.get(&q("racer.jpg"), Some(&login)).await), ["Road racer"], "file name");
    assert_eq!(titles(&app.get(&q("running"), Some(&login)).await), ["Road racer", "Trail runner"], "path");
    assert_eq!(titles(&app.get(&q("SHOE%20cat"), Some(&login)).await), ["Shoe catalogue"], "prefixes, any case");
    assert!(titles(&app.get(&q("nothing-like-this"), Some(&login)).await).is_empty());

    assert_eq!(
        send_json(&app, Method::POST, "/api/tags", &login, json!({ "tag": "products:shoes/running", "title": "Running shoes" })).await.status,
        StatusCode::CREATED
    );
    let tagged = send_json(&app, Method::PUT, "/api/asset-tags/content/dam/shoes/boot.png", &login, json!({ "tags": ["products:shoes/running"] })).await;
    assert_eq!(tagged.status, StatusCode::OK, "{:?}", tagged.body);
    assert_eq!(tagged.json()["tags"][0], "products:shoes/running");
    assert_eq!(titles(&app.get(&q("winter%20running"), Some(&login)).await), ["Winter boot"], "tag words are searchable");
    let by_tag = app.get("/api/search?tag=products:shoes", Some(&login)).await;
    assert_eq!(titles(&by_tag), ["Winter boot"], "a tag filter includes the tags under it");
    let tags = app.get("/api/tags", Some(&login)).await.json();
    let ids: Vec<&str> = tags.as_array().unwrap().iter().map(|t| t["tag"].as_str().unwrap()).collect();
    assert_eq!(ids, ["products:", "products:shoes", "products:shoes/running"]);

    let unknown = send_json(&app, Method::PUT, "/api/asset-tags/content/dam/shoes/boot.png", &login, json!({ "tags": ["products:hats"] })).await;
    assert_eq!((unknown.status, unknown.error_code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "unknown_tag"));
    let malformed = send_json(&app, Method::POST, "/api/tags", &login, json!({ "tag": "Products shoes" })).await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);

    let deleted = app.send(authed(Method::DELETE, "/api/tags/products:shoes", &login).body(Body::empty()).unwrap()).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(titles(&app.get(&q("running%20winter"), Some(&login)).await).is_empty(), "the index forgets deleted tags");
}

#[tokio::test]
async fn search_filters_combine() {
    let (app, login) = seeded().await;
    let get = |uri: &'static str| {
        let (app, login) = (&app, &login);
        async move { titles(&app.get(uri, Some(login)).await) }
    };
    // `name` sorts by file name: boot.png, road-racer.jpg, trail-runner.jpg.
    assert_eq!(get("/api/search?kind=image&sort=name").await, ["Winter boot", "Road racer", "Trail runner"]);
    assert_eq!(get("/api/search?kind=document&sort=name").await, ["Shoe catalogue", "Fitting notes"]);
    assert_eq!(get("/api/search?doctype=pdf").await, ["Shoe catalogue"]);
    assert_eq!(get("/api/search?mime=image/*&orientation=portrait").await, ["Road racer"]);
    assert_eq!(get("/api/search?orientation=square").await, ["Winter boot"]);
    assert_eq!(get("/api/search?folder=/content/dam/shoes&sort=name&order=desc").await, ["Trail runner", "Road racer", "Winter boot"]);
    assert_eq!(get("/api/search?folder=/content/dam/shoes/running&q=road").await, ["Road racer"]);
    assert_eq!(get("/api/search?modified_before=1000").await, Vec::<String>::new());
    assert_eq!(get("/api/search?sort=size&order=asc&kind=document").await, ["Shoe catalogue", "Fitting notes"]);

    let bad = app.get("/api/search?sort=colour", Some(&login)).await;
    assert_eq!((bad.status, bad.error_code().as_str()), (StatusCode::BAD_REQUEST, "bad_query"));
    let unknown = app.get("/api/search?colour=red", Some(&login)).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    let cursor = app.get("/api/search?cursor=zz", Some(&login)).await;
    assert_eq!((cursor.status, cursor.error_code().as_str()), (StatusCode::BAD_REQUEST, "bad_query"));
    assert_eq!(app.get("/api/search?q=boot", None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cursor_paging_stays_stable_while_assets_are_added() {
    let app = TestApp::assets();
    let login = app.login("ksaner").await;
    app.create_folder("/content/dam/p", &login).await;
    for i in 0..7 {
        app.upload(&format!("/content/dam/p/item-{i}.txt"), "text/plain", format!("item {i}").into_bytes(), &login).await;
    }
    let first = app.get("/api/search?folder=/content/dam/p&sort=name&limit=3", Some(&login)).await.json();
    assert_eq!(first["total"], 7);
    let mut seen: Vec<String> = first["assets"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap().to_owned()).collect();
    // New assets that sort before and after the current page arrive mid-way.
    app.upload("/content/dam/p/aaa.txt", "text/plain", b"new".to_vec(), &login).await;
    app.upload("/content/dam/p/item-35.txt", "text/plain", b"new".to_vec(), &login).await;
    let mut cursor = first["next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = cursor {
        let page = app.get(&format!("/api/search?folder=/content/dam/p&sort=name&limit=3&cursor={c}"), Some(&login)).await.json();
        assert!(page["total"].is_null(), "counted on the first page only");
        seen.extend(page["assets"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap().to_owned()));
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    let expected: Vec<String> = (0..7).map(|i| format!("item-{i}.txt")).collect();
    assert_eq!(seen, expected, "no repeats, no skips, nothing added after the first page");
}

#[tokio::test]
async fn referenced_assets_need_force_to_move_or_delete() {
    let (app, login) = seeded().await;
    let asset = "/content/dam/shoes/running/trail-runner.jpg";
    for (site, page) in [
        (None, "/content/site/en/home"),
        (Some("http://localhost:4502"), "/content/we-retail/en/men"),
        (Some("http://localhost:4502"), "/content/we-retail/en/women"),
    ] {
        let r = send_json(&app, Method::POST, &format!("/api/references{asset}"), &login, json!({ "sites_url": site, "page_path": page })).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    }
    let refs = app.get(&format!("/api/references{asset}"), Some(&login)).await.json();
    assert_eq!(refs["total"], 3);
    assert_eq!(refs["by_deployment"][1]["sites_url"], "http://localhost:4502");
    assert_eq!(refs["by_deployment"][1]["count"], 2);
    let folder_refs = app.get("/api/references/content/dam/shoes", Some(&login)).await.json();
    assert_eq!(folder_refs["total"], 3, "a folder counts the references of everything in it");

    let refused = app.send(authed(Method::DELETE, "/api/folders/content/dam/shoes", &login).body(Body::empty()).unwrap()).await;
    assert_eq!((refused.status, refused.error_code().as_str()), (StatusCode::CONFLICT, "referenced"));
    let message = refused.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("3 page(s)") && message.contains("1 on this deployment") && message.contains("2 on http://localhost:4502"), "{message}");
    let moved = send_json(&app, Method::POST, &format!("/api/move{asset}"), &login, json!({ "to": "/content/dam/docs/trail.jpg" })).await;
    assert_eq!(moved.status, StatusCode::CONFLICT);
    assert_eq!(app.get(&format!("/api/assets{asset}"), Some(&login)).await.status, StatusCode::OK, "nothing moved");

    let forced = send_json(&app, Method::POST, &format!("/api/move{asset}"), &login, json!({ "to": "/content/dam/docs/trail.jpg", "force": true })).await;
    assert_eq!(forced.status, StatusCode::NO_CONTENT);
    let found = app.get("/api/search?q=trail", Some(&login)).await.json();
    assert_eq!(found["assets"][0]["path"], "/content/dam/docs/trail.jpg", "the index follows the move");
    assert_eq!(app.get("/api/references/content/dam/docs/trail.jpg", Some(&login)).await.json()["total"], 3, "references follow too");

    let deleted = app.send(authed(Method::DELETE, "/api/folders/content/dam/shoes", &login).body(Body::empty()).unwrap()).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "nothing in it is referenced any more");
    assert_eq!(app.get("/api/assets/content/dam/shoes/boot.png", Some(&login)).await.status, StatusCode::NOT_FOUND);
    assert!(titles(&app.get("/api/search?q=winter", Some(&login)).await).is_empty());
}

#[tokio::test]
async fn folders_move_with_everything_in_them_and_deleting_frees_blobs() {
    let (app, login) = seeded().await;
    let r = send_json(&app, Method::POST, "/api/move/content/dam/shoes", &login, json!({ "to": "/content/dam/docs/footwear" })).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let tree = app.get("/api/tree/content/dam?depth=3", Some(&login)).await.json();
    assert_eq!(tree["children"][0]["folder"]["path"], "/content/dam/docs");
    assert_eq!(tree["children"][0]["children"][0]["folder"]["path"], "/content/dam/docs/footwear");
    assert_eq!(tree["children"][0]["children"][0]["children"][0]["folder"]["path"], "/content/dam/docs/footwear/running");
    let asset = app.get("/api/assets/content/dam/docs/footwear/running/road-racer.jpg", Some(&login)).await;
    assert_eq!(asset.status, StatusCode::OK);
    assert_eq!(app.get("/api/renditions/original/content/dam/docs/footwear/running/road-racer.jpg", Some(&login)).await.status, StatusCode::OK);

    let into_itself = send_json(&app, Method::POST, "/api/move/content/dam/docs", &login, json!({ "to": "/content/dam/docs/footwear/x" })).await;
    assert_eq!((into_itself.status, into_itself.error_code().as_str()), (StatusCode::BAD_REQUEST, "move_into_self"));
    let onto_existing = send_json(&app, Method::POST, "/api/move/content/dam/docs/notes.txt", &login, json!({ "to": "/content/dam/docs/catalogue.pdf" })).await;
    assert_eq!(onto_existing.status, StatusCode::CONFLICT);

    for path in [
        "/content/dam/docs/footwear/running/road-racer.jpg",
        "/content/dam/docs/footwear/running/trail-runner.jpg",
        "/content/dam/docs/footwear/boot.png",
        "/content/dam/docs/catalogue.pdf",
        "/content/dam/docs/notes.txt",
    ] {
        app.processed(path, &login).await;
    }
    let deleted = app.send(authed(Method::DELETE, "/api/folders/content/dam/docs", &login).body(Body::empty()).unwrap()).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    app.assert_nothing_left(0).await;
    let root = app.get("/api/folders/content/dam", Some(&login)).await.json();
    assert_eq!(root["folders"].as_array().unwrap().len(), 0);
    let root_delete = app.send(authed(Method::DELETE, "/api/folders/content/dam", &login).body(Body::empty()).unwrap()).await;
    assert_eq!(root_delete.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn uploads_can_create_their_folders() {
    let app = TestApp::assets();
    let login = app.login("ksaner").await;
    let reply = app.upload("/content/dam/import/2026/spring/a.jpg?parents=true", "image/jpeg", jpeg(8, 8), &login).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    assert_eq!(app.get("/api/folders/content/dam/import/2026/spring", Some(&login)).await.status, StatusCode::OK);
    let without = app.upload("/content/dam/other/b.jpg", "image/jpeg", jpeg(8, 8), &login).await;
    assert_eq!(without.status, StatusCode::NOT_FOUND, "without parents=true, the folder must exist");
}

#[tokio::test]
async fn two_uploads_to_the_same_path_at_once_one_wins() {
    let app = TestApp::assets();
    let login = app.login("ksaner").await;
    app.create_folder("/content/dam/race", &login).await;
    let (a, b) = tokio::join!(
        app.upload("/content/dam/race/x.jpg", "image/jpeg", jpeg(300, 200), &login),
        app.upload("/content/dam/race/x.jpg", "image/jpeg", jpeg(200, 300), &login),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    let winner = if a.status == StatusCode::CREATED { a.json() } else { b.json() };
    let stored = app.processed("/content/dam/race/x.jpg", &login).await;
    assert_eq!(stored["width"], winner["width"], "the stored asset is the winner's");
    assert_eq!(app.repo.blobs().spool().files(), 0);
}

async fn copy(app: &TestApp, login: &Login, from: &str, to: &str) -> Reply {
    app.send_json(Method::POST, &format!("/api/copy{from}"), login, json!({ "to": to })).await
}

#[tokio::test]
async fn copies_share_the_originals_blobs_and_outlive_them() {
    let (app, login) = seeded().await;
    // Every rendition job done first: only then does the blob count say what a copy adds.
    let seeded_assets = [
        "/content/dam/shoes/running/trail-runner.jpg",
        "/content/dam/shoes/running/road-racer.jpg",
        "/content/dam/shoes/boot.png",
        "/content/dam/docs/catalogue.pdf",
        "/content/dam/docs/notes.txt",
    ];
    for path in seeded_assets {
        app.processed(path, &login).await;
    }
    let blobs = app.repo.blobs().count().await.unwrap();
    assert_eq!(copy(&app, &login, "/content/dam/shoes", "/content/dam/shoes-2024").await.status, StatusCode::NO_CONTENT);
    assert_eq!(copy(&app, &login, "/content/dam/docs/notes.txt", "/content/dam/shoes-2024/notes.txt").await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.repo.blobs().count().await.unwrap(), blobs, "no byte was copied");

    let original = app.get("/api/assets/content/dam/shoes/running/trail-runner.jpg", Some(&login)).await.json();
    let copied = app.get("/api/assets/content/dam/shoes-2024/running/trail-runner.jpg", Some(&login)).await.json();
    let blobs_of = |a: &serde_json::Value| a["renditions"].as_array().unwrap().iter().map(|r| r["sha256"].clone()).collect::<Vec<_>>();
    assert_eq!(blobs_of(&copied), blobs_of(&original), "the same renditions");
    assert_eq!((copied["title"].as_str(), copied["processing"]["state"].as_str()), (Some("Trail runner"), Some("done")));
    let folder = app.get("/api/folders/content/dam/shoes-2024", Some(&login)).await.json();
    assert_eq!(folder["folder"]["title"], "shoes-2024", "a folder titled by its name takes the new name");
    assert_eq!(
        app.get("/api/versions/content/dam/shoes-2024/boot.png", Some(&login)).await.json().as_array().unwrap().len(),
        1,
        "a copy's history starts anew"
    );

    let refusals = [
        (copy(&app, &login, "/content/dam/shoes", "/content/dam/shoes-2024").await, StatusCode::CONFLICT),
        (copy(&app, &login, "/content/dam/shoes", "/content/dam/shoes/inner").await, StatusCode::BAD_REQUEST),
        (copy(&app, &login, "/content/dam/none", "/content/dam/x").await, StatusCode::NOT_FOUND),
        (copy(&app, &login, "/content/dam/shoes/boot.png", "/content/dam/nowhere/boot.png").await, StatusCode::NOT_FOUND),
        (copy(&app, &login, "/content/dam/shoes/boot.png", "/content/dam").await, StatusCode::BAD_REQUEST),
    ];
    for (reply, status) in refusals {
        assert_eq!(reply.status, status, "{:?}", reply.body);
    }
    let viewer = app.login("viewer").await;
    let refused = app.send_json(Method::POST, "/api/copy/content/dam/shoes/boot.png", &viewer, json!({ "to": "/content/dam/boot.png" })).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "copying writes");

    // The originals go; the copies keep the blobs alive.
    let deleted = app.send(authed(Method::DELETE, "/api/folders/content/dam/shoes", &login).body(Body::empty()).unwrap()).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let bytes = app.get("/api/renditions/thumbnail-140/content/dam/shoes-2024/running/trail-runner.jpg", Some(&login)).await;
    assert_eq!(bytes.status, StatusCode::OK);
}

#[tokio::test]
async fn a_metadata_change_begun_on_an_older_state_is_a_conflict_not_an_overwrite() {
    let (app, login) = seeded().await;
    let opened = app.get("/api/assets/content/dam/shoes/boot.png", Some(&login)).await;
    let tag = opened.header("etag").expect("an ETag").to_owned();
    let patch = |tag: &str, title: &str| {
        authed(Method::PATCH, "/api/assets/content/dam/shoes/boot.png", &login)
            .header("content-type", "application/json")
            .header("if-match", tag)
            .body(Body::from(json!({ "title": title }).to_string()))
            .unwrap()
    };
    let first = app.send(patch(&tag, "Mine")).await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    let newer = first.header("etag").unwrap().to_owned();
    assert_ne!(newer, tag);
    let stale = app.send(patch(&tag, "Theirs")).await;
    assert_eq!((stale.status, stale.error_code()), (StatusCode::PRECONDITION_FAILED, "stale_asset".to_owned()));
    assert_eq!(app.get("/api/assets/content/dam/shoes/boot.png", Some(&login)).await.json()["title"], "Mine", "nothing overwritten");
    assert_eq!(app.send(patch(&newer, "Ours")).await.status, StatusCode::OK);
}
