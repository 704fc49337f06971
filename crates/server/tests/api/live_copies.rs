//! MSM for Assets in the repository, over a real deployment's catalog and blobs:
//! Create Live Copy, Synchronize and Rollout, local modifications, Suspend, Reset,
//! Detach. (The HTTP operations and the console come on top of these.)

use axum::http::{Method, StatusCode};
use serde_json::json;
use tessera_model::msm::{InheritedField, Skipped};
use tessera_model::{DamPath, Title};
use tessera_repo::live_copies::Suspension;
use tessera_repo::RepoError;

use crate::common::*;

fn p(raw: &str) -> DamPath {
    DamPath::parse(raw).unwrap()
}

async fn retitle(app: &TestApp, path: &str, title: &str, login: &Login) {
    let reply = app.send_json(Method::PATCH, &format!("/api/assets{path}"), login, json!({ "title": title })).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
}

#[tokio::test]
async fn live_copies_follow_their_source_field_by_field() {
    let app = TestApp::assets();
    let login = app.login("ksaner").await;
    for folder in ["/content/dam/master", "/content/dam/en", "/content/dam/fr"] {
        assert_eq!(app.create_folder(folder, &login).await.status, StatusCode::CREATED);
    }
    assert_eq!(app.upload("/content/dam/master/hero.png", "image/png", png(40, 20), &login).await.status, StatusCode::CREATED);
    app.processed("/content/dam/master/hero.png", &login).await;
    let (source, en, fr) = (p("/content/dam/master/hero.png"), p("/content/dam/en/hero.png"), p("/content/dam/fr/hero.png"));

    // Create Live Copy: the source's blobs, a title of its own if given.
    app.repo.create_live_copy(&source, &en, None, "ksaner").await.unwrap();
    app.repo.create_live_copy(&source, &fr, Some(Title::parse("Héros").unwrap()), "ksaner").await.unwrap();
    let (s, e) = (app.repo.asset(&source).await.unwrap(), app.repo.asset(&en).await.unwrap());
    assert_eq!(s.renditions.iter().map(|r| &r.blob).collect::<Vec<_>>(), e.renditions.iter().map(|r| &r.blob).collect::<Vec<_>>(), "no bytes copied");
    assert_eq!(app.repo.asset(&fr).await.unwrap().title, "Héros");
    assert!(matches!(app.repo.create_live_copy(&source, &en, None, "ksaner").await, Err(RepoError::AlreadyExists(_))));
    let inside = app.repo.create_live_copy(&p("/content/dam/master"), &p("/content/dam/master/copy"), None, "ksaner").await;
    assert!(matches!(inside, Err(RepoError::BadQuery(_))), "a live copy inside its own source: {inside:?}");

    // The source changes: a new binary, a title, a property.
    let reply =
        app.send_json(Method::PATCH, "/api/assets/content/dam/master/hero.png", &login, json!({ "title": "Hero", "properties": { "sku": "H-2" } })).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let uri = "/api/versions/content/dam/master/hero.png";
    let reply = app.send(authed(Method::POST, uri, &login).header("content-type", "image/png").body(axum::body::Body::from(png(20, 40))).unwrap()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    app.processed("/content/dam/master/hero.png", &login).await;

    // fr keeps its own title (inheritance cancelled); en is suspended.
    let cancelled = app.repo.live_relationship(&fr).await.unwrap().relationship.cancelled;
    assert!(cancelled.contains(&InheritedField::Title), "a title given at creation is a local modification");
    app.repo.set_suspension(&en, Suspension::Suspend).await.unwrap();
    assert!(matches!(app.repo.synchronize(&en, "ksaner").await, Err(RepoError::Suspended(_))));
    let outcome = app.repo.rollout(&source, None, "ana").await.unwrap();
    assert_eq!(outcome.updated, std::slice::from_ref(&fr));
    assert_eq!(outcome.skipped, [(en.clone(), Skipped::Suspended)]);

    let (s, f) = (app.repo.asset(&source).await.unwrap(), app.repo.asset(&fr).await.unwrap());
    assert_eq!((f.title.as_str(), f.properties.get("sku").map(String::as_str)), ("Héros", Some("H-2")), "local title kept, property inherited");
    let original = |a: &tessera_repo::AssetRecord| a.renditions.iter().find(|r| r.name == tessera_model::RenditionName::Original).unwrap().blob.clone();
    assert_eq!(original(&f), original(&s), "the new binary, as the source's blob");
    assert_eq!((f.width, f.height), (Some(20), Some(40)));
    assert_eq!(app.repo.versions(&fr).await.unwrap().len(), 2, "the rolled-out binary is a version of the live copy");
    let stamp = app.repo.live_relationship(&fr).await.unwrap().relationship.last_rollout.unwrap();
    assert_eq!(stamp.by, "ana");
    assert_eq!(app.repo.asset(&en).await.unwrap().title, "hero.png", "a suspended live copy receives nothing");

    // A second rollout has nothing to change; Resume, then Synchronize pulls.
    app.repo.set_suspension(&en, Suspension::Resume).await.unwrap();
    assert_eq!(app.repo.synchronize(&en, "ksaner").await.unwrap(), [InheritedField::Binary, InheritedField::Title, InheritedField::Property("sku".into())]);
    assert!(app.repo.synchronize(&en, "ksaner").await.unwrap().is_empty());

    // Re-enabling one field takes the source's value at once; Reset takes them all.
    retitle(&app, "/content/dam/fr/hero.png", "Héros local", &login).await;
    app.repo.cancel_inheritance(&fr, InheritedField::Property("sku".into())).await.unwrap();
    retitle(&app, "/content/dam/master/hero.png", "Hero v3", &login).await;
    app.repo.reenable_inheritance(&fr, InheritedField::Title, "ksaner").await.unwrap();
    assert_eq!(app.repo.asset(&fr).await.unwrap().title, "Hero v3");
    assert_eq!(app.repo.live_relationship(&fr).await.unwrap().relationship.cancelled.len(), 1);
    app.repo.reset_live_copy(&fr, "ksaner").await.unwrap();
    assert!(app.repo.live_relationship(&fr).await.unwrap().relationship.cancelled.is_empty());

    // Detach: standalone for good.
    app.repo.detach(&fr).await.unwrap();
    assert!(matches!(app.repo.detach(&fr).await, Err(RepoError::NotALiveCopy(_))));
    assert!(matches!(app.repo.synchronize(&fr, "ksaner").await, Err(RepoError::NotALiveCopy(_))));
    assert_eq!(app.repo.rollout(&source, None, "ana").await.unwrap().updated, std::slice::from_ref(&en));

    // A live copy's binary follows its source: no new version, check-out or restore,
    // each refused with the reason, and nothing changes.
    let versions_before = app.repo.versions(&en).await.unwrap().len();
    let body = || axum::body::Body::from(png(8, 8));
    let replaced =
        app.send(authed(Method::POST, "/api/versions/content/dam/en/hero.png", &login).header("content-type", "image/png").body(body()).unwrap()).await;
    let checked_out = app.send(authed(Method::POST, "/api/checkout/content/dam/en/hero.png", &login).body(axum::body::Body::empty()).unwrap()).await;
    let restored = app.send_json(Method::POST, "/api/restore/content/dam/en/hero.png", &login, json!({ "version": 1, "comment": "" })).await;
    for reply in [replaced, checked_out, restored] {
        assert_eq!((reply.status, reply.error_code().as_str()), (StatusCode::CONFLICT, "live_copy"), "{:?}", reply.body);
        assert!(reply.error_message().contains("Live Copy of /content/dam/master/hero.png"), "{}", reply.error_message());
    }
    assert_eq!(app.repo.versions(&en).await.unwrap().len(), versions_before);
    assert!(app.repo.asset(&en).await.unwrap().checked_out.is_none());
    // Detached, it is an asset like any other again.
    let reply = app.send(authed(Method::POST, "/api/versions/content/dam/fr/hero.png", &login).header("content-type", "image/png").body(body()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);

    // A deleted source leaves its live copies standing, their source missing.
    let reply = app.send(authed(Method::DELETE, "/api/assets/content/dam/master/hero.png", &login).body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{:?}", reply.body);
    assert!(app.repo.live_relationship(&en).await.unwrap().source_missing);
    assert!(matches!(app.repo.synchronize(&en, "ksaner").await, Err(RepoError::SourceMissing(_))));
    assert_eq!(app.repo.asset(&en).await.unwrap().title, "Hero v3", "as the last rollout left it");
}

async fn post(app: &TestApp, uri: &str, login: &Login, body: serde_json::Value) -> Reply {
    app.send_json(Method::POST, uri, login, body).await
}

#[tokio::test]
async fn the_msm_operations_over_http_check_every_end_they_read_or_write() {
    let app = TestApp::assets();
    let admin = app.login("admin").await;
    for folder in ["/content/dam/master", "/content/dam/en", "/content/dam/secret"] {
        assert_eq!(app.create_folder(folder, &admin).await.status, StatusCode::CREATED);
    }
    assert_eq!(app.upload("/content/dam/master/hero.png", "image/png", png(40, 20), &admin).await.status, StatusCode::CREATED);
    assert_eq!(app.upload("/content/dam/secret/plan.png", "image/png", png(10, 10), &admin).await.status, StatusCode::CREATED);
    let body = json!({ "group": "authors", "access": "none" }).to_string();
    let denied = app
        .send(
            authed(Method::PUT, "/api/permissions/content/dam/secret", &admin)
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(denied.status, StatusCode::NO_CONTENT);
    let body = json!({ "group": "dam-users", "access": "read" }).to_string();
    let read_only = app
        .send(
            authed(Method::PUT, "/api/permissions/content/dam/en", &admin)
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(read_only.status, StatusCode::NO_CONTENT);
    let (author, viewer) = (app.login("ksaner").await, app.login("viewer").await);

    // Create Live Copy: the source must be readable, the destination writable.
    let hidden = post(&app, "/api/live-copies", &author, json!({ "source": "/content/dam/secret/plan.png", "destination": "/content/dam/en/plan.png" })).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "a source the caller cannot read is not there");
    let create = json!({ "source": "/content/dam/master/hero.png", "destination": "/content/dam/en/hero.png", "title": "Hero (EN)" });
    assert_eq!(post(&app, "/api/live-copies", &viewer, create.clone()).await.status, StatusCode::FORBIDDEN);
    let blank = json!({ "source": "/content/dam/master/hero.png", "destination": "/content/dam/en/hero.png", "title": "  " });
    assert_eq!(post(&app, "/api/live-copies", &author, blank).await.status, StatusCode::BAD_REQUEST);
    let made = post(&app, "/api/live-copies", &author, create.clone()).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
    let dto = made.json();
    assert_eq!(
        (dto["source"].as_str(), dto["config"].as_str(), dto["status"].as_str()),
        (Some("/content/dam/master/hero.png"), Some("standard"), Some("in_sync"))
    );
    assert_eq!(post(&app, "/api/live-copies", &author, create).await.status, StatusCode::CONFLICT, "the destination is taken");

    // Status follows the source; Rollout by a caller who may write every live copy.
    let patch = json!({ "title": "Hero v2", "properties": { "sku": "H-2" } });
    assert_eq!(app.send_json(Method::PATCH, "/api/assets/content/dam/master/hero.png", &author, patch).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/live-copies/content/dam/en/hero.png", Some(&viewer)).await.json()["status"], "out_of_sync");
    let listed = app.get("/api/live-copies-of/content/dam/master/hero.png", Some(&viewer)).await.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(post(&app, "/api/rollout/content/dam/master/hero.png", &viewer, json!({})).await.status, StatusCode::FORBIDDEN);
    let compared = app.get("/api/compare-with-source/content/dam/en/hero.png", Some(&author)).await;
    assert_eq!(compared.status, StatusCode::OK, "{:?}", compared.body);
    let compared = compared.json();
    assert_eq!(
        compared["differences"],
        json!([
            { "field": "title", "source": "Hero v2", "live_copy": "Hero (EN)", "difference": "local_modification" },
            { "field": "property:sku", "source": "H-2", "live_copy": "", "difference": "not_rolled_out" }
        ])
    );
    let preview = post(&app, "/api/rollout-preview/content/dam/master/hero.png", &author, json!({})).await.json();
    assert_eq!(preview["live_copies"][0]["fields"], json!(["property:sku"]), "{preview}");
    assert_eq!(preview["live_copies"][0]["kept"], json!(["title"]), "its own title stays: {preview}");
    let rolled = post(&app, "/api/rollout/content/dam/master/hero.png", &author, json!({})).await;
    assert_eq!(rolled.status, StatusCode::OK, "{:?}", rolled.body);
    assert_eq!(rolled.json()["updated"], json!(["/content/dam/en/hero.png"]));
    let en = app.get("/api/assets/content/dam/en/hero.png", Some(&author)).await.json();
    assert_eq!((en["title"].as_str(), en["properties"]["sku"].as_str()), (Some("Hero (EN)"), Some("H-2")), "its own title from the start, the rest inherited");
    let too_many: Vec<String> = (0..1001).map(|i| format!("/content/dam/en/{i}.png")).collect();
    assert_eq!(post(&app, "/api/rollout/content/dam/master/hero.png", &author, json!({ "live_copies": too_many })).await.status, StatusCode::BAD_REQUEST);

    // A copy of a live copy is another live copy of the same source, alone or in a folder.
    let copied = post(&app, "/api/copy/content/dam/en/hero.png", &author, json!({ "to": "/content/dam/en/hero-2.png" })).await;
    assert!(copied.status.is_success(), "{:?}", copied.body);
    let copy = app.get("/api/live-copies/content/dam/en/hero-2.png", Some(&author)).await;
    assert_eq!((copy.status, copy.json()["source"].as_str()), (StatusCode::OK, Some("/content/dam/master/hero.png")));
    assert_eq!(copy.json()["cancelled"], json!(["title"]), "its local modifications stay its own");
    let copied = post(&app, "/api/copy/content/dam/en", &admin, json!({ "to": "/content/dam/en-gb" })).await;
    assert!(copied.status.is_success(), "{:?}", copied.body);
    assert_eq!(app.get("/api/live-copies/content/dam/en-gb/hero.png", Some(&author)).await.json()["source"], "/content/dam/master/hero.png");
    let listed = app.get("/api/live-copies-of/content/dam/master/hero.png", Some(&admin)).await.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(4), "en, en/hero-2, en-gb, en-gb/hero-2");
    for extra in ["/content/dam/en/hero-2.png", "/content/dam/en-gb"] {
        let gone = app.send(authed(Method::DELETE, &format!("/api/assets{extra}"), &admin).body(axum::body::Body::empty()).unwrap()).await;
        let gone = if gone.status == StatusCode::NO_CONTENT {
            gone
        } else {
            app.send(authed(Method::DELETE, &format!("/api/folders{extra}"), &admin).body(axum::body::Body::empty()).unwrap()).await
        };
        assert_eq!(gone.status, StatusCode::NO_CONTENT, "{extra}: {:?}", gone.body);
    }

    // Suspend, Synchronize refused; Resume; inheritance by field; Reset; Detach.
    assert_eq!(post(&app, "/api/suspend/content/dam/en/hero.png", &author, json!(null)).await.json()["status"], "suspended");
    let refused = post(&app, "/api/synchronize/content/dam/en/hero.png", &author, json!(null)).await;
    assert_eq!((refused.status, refused.error_code().as_str()), (StatusCode::CONFLICT, "suspended"));
    assert_eq!(post(&app, "/api/resume/content/dam/en/hero.png", &author, json!(null)).await.status, StatusCode::OK);
    let cancel =
        app.send(authed(Method::DELETE, "/api/inheritance/content/dam/en/hero.png?field=description", &author).body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!((cancel.status, cancel.json()["cancelled"].clone()), (StatusCode::OK, json!(["title", "description"])));
    let unknown =
        app.send(authed(Method::DELETE, "/api/inheritance/content/dam/en/hero.png?field=colour", &author).body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!((unknown.status, unknown.error_code().as_str()), (StatusCode::BAD_REQUEST, "bad_field"));
    let reenable =
        app.send(authed(Method::PUT, "/api/inheritance/content/dam/en/hero.png?field=title", &author).body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!((reenable.status, reenable.json()["cancelled"].clone()), (StatusCode::OK, json!(["description"])));
    assert_eq!(post(&app, "/api/reset/content/dam/en/hero.png", &author, json!(null)).await.status, StatusCode::OK);
    let not_live = post(&app, "/api/synchronize/content/dam/master/hero.png", &author, json!(null)).await;
    assert_eq!((not_live.status, not_live.error_code().as_str()), (StatusCode::CONFLICT, "not_a_live_copy"));
    let detach = |login: &Login| authed(Method::DELETE, "/api/live-copies/content/dam/en/hero.png", login).body(axum::body::Body::empty()).unwrap();
    assert_eq!(app.send(detach(&viewer)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.send(detach(&author)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/live-copies/content/dam/en/hero.png", Some(&author)).await.status, StatusCode::CONFLICT);
}

/// Waits for a job of the Async Jobs page to end; returns it.
async fn job_ended(app: &TestApp, id: &serde_json::Value, login: &Login) -> serde_json::Value {
    for _ in 0..600 {
        let jobs = app.get("/api/jobs", Some(login)).await.json();
        let job = jobs.as_array().unwrap().iter().find(|j| j["id"] == *id).cloned();
        match job {
            Some(job) if job["state"] != "active" => return job,
            _ => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    }
    panic!("job {id} did not end");
}

async fn title_of(app: &TestApp, path: &str, login: &Login) -> String {
    app.get(&format!("/api/assets{path}"), Some(login)).await.json()["title"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn live_copy_folders_follow_their_source_folder_with_all_children() {
    let app = TestApp::assets();
    let login = app.login("ksaner").await;
    for folder in ["/content/dam/master", "/content/dam/master/sub"] {
        assert_eq!(app.create_folder(folder, &login).await.status, StatusCode::CREATED);
    }
    for asset in ["/content/dam/master/hero.png", "/content/dam/master/logo.png", "/content/dam/master/sub/deep.png"] {
        assert_eq!(app.upload(asset, "image/png", png(16, 16), &login).await.status, StatusCode::CREATED);
        app.processed(asset, &login).await;
    }

    // Bad requests change nothing.
    let inside = post(&app, "/api/live-copies", &login, json!({ "source": "/content/dam/master", "destination": "/content/dam/master/sub/copy" })).await;
    assert_eq!(inside.status, StatusCode::BAD_REQUEST, "{:?}", inside.body);
    assert_eq!(app.get("/api/folders/content/dam/master/sub/copy", Some(&login)).await.status, StatusCode::NOT_FOUND);
    let asset_children = json!({ "source": "/content/dam/master/hero.png", "destination": "/content/dam/hero.png", "include_children": true });
    assert_eq!(post(&app, "/api/live-copies", &login, asset_children).await.status, StatusCode::BAD_REQUEST);

    // Create Live Copy of a folder: its children are made in a job, each tied to its own source.
    let made = post(&app, "/api/live-copies", &login, json!({ "source": "/content/dam/master", "destination": "/content/dam/en", "title": "English" })).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
    let job = job_ended(&app, &made.json()["job"], &login).await;
    assert_eq!(
        (job["state"].as_str(), job["kind"].as_str(), job["bytes_done"].as_u64(), job["bytes_total"].as_u64()),
        (Some("success"), Some("live_copy"), Some(3), Some(3)),
        "{job}"
    );
    let deep = app.get("/api/live-copies/content/dam/en/sub/deep.png", Some(&login)).await.json();
    assert_eq!((deep["source"].as_str(), deep["status"].as_str()), (Some("/content/dam/master/sub/deep.png"), Some("in_sync")), "{deep}");
    assert_eq!(app.get("/api/live-copies/content/dam/en/sub", Some(&login)).await.json()["source"], "/content/dam/master/sub");
    assert_eq!(app.get("/api/folders/content/dam/en", Some(&login)).await.json()["folder"]["title"], "English");
    assert_eq!(app.get("/api/live-copies/content/dam/en", Some(&login)).await.json()["status"], "in_sync");
    // Listings mark live copies, folders and assets, and nothing else.
    let root = app.get("/api/folders/content/dam", Some(&login)).await.json();
    let marked = |list: &serde_json::Value, key: &str| -> Vec<String> {
        list[key].as_array().unwrap().iter().filter(|f| f["live_copy"] == true).map(|f| f["name"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(marked(&root, "folders"), ["en"]);
    assert_eq!(marked(&app.get("/api/folders/content/dam/en", Some(&login)).await.json(), "assets"), ["hero.png", "logo.png"]);
    assert!(marked(&app.get("/api/folders/content/dam/master", Some(&login)).await.json(), "assets").is_empty());
    let found = app.get("/api/search?q=hero&folder=/content/dam/en", Some(&login)).await.json();
    assert_eq!(found["assets"][0]["live_copy"], true, "{found}");
    // Without its children: an empty live copy folder, out of sync until rolled out.
    let bare =
        post(&app, "/api/live-copies", &login, json!({ "source": "/content/dam/master", "destination": "/content/dam/bare", "include_children": false })).await;
    assert_eq!(
        (bare.status, bare.json()["job"].is_null(), bare.json()["status"].as_str()),
        (StatusCode::CREATED, true, Some("out_of_sync")),
        "{:?}",
        bare.body
    );

    // The source folder changes: a title, an asset added, one deleted; one live copy is suspended.
    retitle(&app, "/content/dam/master/hero.png", "Hero v2", &login).await;
    retitle(&app, "/content/dam/master/sub/deep.png", "Deep v2", &login).await;
    assert_eq!(app.upload("/content/dam/master/new.png", "image/png", png(8, 8), &login).await.status, StatusCode::CREATED);
    app.processed("/content/dam/master/new.png", &login).await;
    let gone = app.send(authed(Method::DELETE, "/api/assets/content/dam/master/logo.png", &login).body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(post(&app, "/api/suspend/content/dam/en/sub/deep.png", &login, json!({})).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/live-copies/content/dam/en", Some(&login)).await.json()["status"], "out_of_sync");

    // The preview says what the rollout will do, and does nothing.
    let preview = post(&app, "/api/rollout-preview/content/dam/master", &login, json!({})).await;
    assert_eq!(preview.status, StatusCode::OK, "{:?}", preview.body);
    let preview = preview.json();
    let en = preview["live_copies"].as_array().unwrap().iter().find(|c| c["path"] == "/content/dam/en").unwrap().clone();
    assert_eq!(en["fields"], json!(["title"]), "{en}");
    assert_eq!(
        (en["assets_changed"].as_u64(), en["created"].clone(), en["removed"].clone()),
        (Some(1), json!(["/content/dam/en/new.png"]), json!(["/content/dam/en/logo.png"]))
    );
    assert_eq!(en["skipped"], json!([{ "path": "/content/dam/en/sub/deep.png", "reason": "suspended" }]));
    let bare = preview["live_copies"].as_array().unwrap().iter().find(|c| c["path"] == "/content/dam/bare").unwrap().clone();
    assert_eq!(bare["created_count"], 4, "hero.png, new.png, sub and sub/deep.png: {bare}");
    assert_eq!(title_of(&app, "/content/dam/en/hero.png", &login).await, "hero.png", "a preview changes nothing");
    assert_eq!(app.get("/api/assets/content/dam/en/logo.png", Some(&login)).await.status, StatusCode::OK);

    // Rollout Source and all Children: one job per live copy folder.
    let rolled = post(&app, "/api/rollout/content/dam/master", &login, json!({})).await;
    assert_eq!(rolled.status, StatusCode::OK, "{:?}", rolled.body);
    let rolled = rolled.json();
    assert_eq!(rolled["updated"], json!(["/content/dam/bare", "/content/dam/en"]));
    for id in rolled["jobs"].as_array().unwrap() {
        assert_eq!(job_ended(&app, id, &login).await["state"], "success");
    }
    assert_eq!(title_of(&app, "/content/dam/en/hero.png", &login).await, "Hero v2");
    assert_eq!(app.get("/api/live-copies/content/dam/en/new.png", Some(&login)).await.json()["source"], "/content/dam/master/new.png");
    assert_eq!(app.get("/api/assets/content/dam/en/logo.png", Some(&login)).await.status, StatusCode::NOT_FOUND, "gone from the source, gone here");
    assert_eq!(title_of(&app, "/content/dam/en/sub/deep.png", &login).await, "deep.png", "a suspended live copy receives nothing");
    assert_eq!(title_of(&app, "/content/dam/bare/sub/deep.png", &login).await, "Deep v2", "the bare folder received everything");
    let en = app.get("/api/live-copies/content/dam/en", Some(&login)).await.json();
    assert_eq!((en["status"].as_str(), en["last_rollout"]["by"].as_str()), (Some("in_sync"), Some("ksaner")), "{en}");

    // The Live Copy Overview: every live copy asset below the source's live copy folders.
    let overview = app.get("/api/live-copy-overview/content/dam/master", Some(&login)).await.json();
    assert_eq!(overview["live_copy_folders"], json!(["/content/dam/bare", "/content/dam/en"]));
    let status_of = |overview: &serde_json::Value| -> Vec<(String, String)> {
        let rows = overview["live_copies"].as_array().unwrap().iter();
        rows.map(|r| (r["path"].as_str().unwrap().to_owned(), r["status"].as_str().unwrap().to_owned())).collect()
    };
    let rows = status_of(&overview);
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(rows.contains(&("/content/dam/en/sub/deep.png".into(), "suspended".into())), "{rows:?}");
    assert!(rows.contains(&("/content/dam/en/hero.png".into(), "in_sync".into())), "{rows:?}");
    let bare_only = app.get("/api/live-copy-overview/content/dam/master?folder=/content/dam/bare", Some(&login)).await.json();
    assert!(status_of(&bare_only).iter().all(|(p, _)| p.starts_with("/content/dam/bare/")) && status_of(&bare_only).len() == 3);
    assert_eq!(app.get("/api/live-copy-overview/content/dam/master/hero.png", Some(&login)).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/api/live-copy-overview/content/dam/nowhere", Some(&login)).await.status, StatusCode::NOT_FOUND);

    // A live copy of a live copy follows its own source only.
    let nested = post(&app, "/api/live-copies", &login, json!({ "source": "/content/dam/en", "destination": "/content/dam/en-gb" })).await;
    assert_eq!(job_ended(&app, &nested.json()["job"], &login).await["state"], "success");
    retitle(&app, "/content/dam/master/hero.png", "Hero v3", &login).await;
    let refused = post(&app, "/api/rollout/content/dam/master", &login, json!({ "live_copies": ["/content/dam/en", "/content/dam/en-gb"] })).await;
    assert_eq!((refused.status, refused.error_code().as_str()), (StatusCode::CONFLICT, "not_a_direct_live_copy"), "{:?}", refused.body);
    assert_eq!(title_of(&app, "/content/dam/en/hero.png", &login).await, "Hero v2", "a refused rollout changes nothing");
    let rolled = post(&app, "/api/rollout/content/dam/master", &login, json!({ "live_copies": ["/content/dam/en"] })).await.json();
    for id in rolled["jobs"].as_array().unwrap() {
        job_ended(&app, id, &login).await;
    }
    assert_eq!(title_of(&app, "/content/dam/en/hero.png", &login).await, "Hero v3");
    assert_eq!(title_of(&app, "/content/dam/en-gb/hero.png", &login).await, "Hero v2");

    // Synchronize pulls a folder the same way; not while suspended. Fields are per asset.
    let synced = post(&app, "/api/synchronize/content/dam/en-gb", &login, json!({})).await;
    assert_eq!(synced.status, StatusCode::OK, "{:?}", synced.body);
    job_ended(&app, &synced.json()["job"], &login).await;
    assert_eq!(title_of(&app, "/content/dam/en-gb/hero.png", &login).await, "Hero v3");
    assert_eq!(post(&app, "/api/suspend/content/dam/en-gb", &login, json!({})).await.status, StatusCode::OK);
    assert_eq!(post(&app, "/api/synchronize/content/dam/en-gb", &login, json!({})).await.status, StatusCode::CONFLICT);
    let cancel = app.send(authed(Method::DELETE, "/api/inheritance/content/dam/en?field=title", &login).body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!(cancel.status, StatusCode::BAD_REQUEST, "{:?}", cancel.body);
    let uri = "/api/inheritance/content/dam/en/hero.png?field=property:nothing";
    let unknown = app.send(authed(Method::DELETE, uri, &login).body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "a property neither side has: {:?}", unknown.body);

    // A copy of a live copy folder is another live copy folder of the same source, children and all.
    let copied = post(&app, "/api/copy/content/dam/en", &login, json!({ "to": "/content/dam/en-us" })).await;
    assert!(copied.status.is_success(), "{:?}", copied.body);
    assert_eq!(app.get("/api/live-copies/content/dam/en-us", Some(&login)).await.json()["source"], "/content/dam/master");
    assert_eq!(app.get("/api/live-copies/content/dam/en-us/sub/deep.png", Some(&login)).await.json()["source"], "/content/dam/master/sub/deep.png");

    // Detaching a live copy folder makes it and everything below it standalone.
    let detached = app.send(authed(Method::DELETE, "/api/live-copies/content/dam/en-us", &login).body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!(detached.status, StatusCode::NO_CONTENT, "{:?}", detached.body);
    for path in ["/content/dam/en-us", "/content/dam/en-us/hero.png", "/content/dam/en-us/sub", "/content/dam/en-us/sub/deep.png"] {
        assert_eq!(app.get(&format!("/api/live-copies{path}"), Some(&login)).await.error_code(), "not_a_live_copy", "{path}");
    }
    assert_eq!(
        app.get("/api/live-copies/content/dam/en/sub/deep.png", Some(&login)).await.status,
        StatusCode::OK,
        "the folder it was copied from keeps its ties"
    );
}

/// The assets a deployment's catalog holds directly in `folder`, and how many of them
/// are tied to a source, read from its SQLite file with the server stopped.
fn assets_and_ties(data: &std::path::Path, folder: &str) -> (usize, usize) {
    use tessera_repo::live_copies::LiveCopyCatalog;
    use tessera_repo::Catalog;
    let catalog = tessera_repo_sqlite::SqliteCatalog::open(&data.join("tessera.sqlite3")).unwrap();
    let (_, assets) = catalog.children(&p(folder)).unwrap();
    let ties = catalog.live_copies_in(&p(folder)).unwrap();
    (assets.len(), ties.iter().filter(|(path, _)| assets.iter().any(|a| &a.path == path)).count())
}

#[test]
fn a_folder_live_copy_of_10000_assets_cut_short_by_kill_9_is_finished_after_a_restart() {
    use crate::process::{assets_config, Server};
    const ASSETS: usize = 10_000;
    let dir = tempfile::TempDir::new().unwrap();
    let (config, origin) = assets_config(dir.path(), "");
    let mut server = Server::start(&config, &origin);
    let login = server.login();
    let send = |method: &str, uri: &str, body: serde_json::Value| {
        let mut reply = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{origin}{uri}"))
            .header("cookie", &login.0)
            .header("x-csrf-token", &login.1)
            .header("content-type", "application/json")
            .body(body.to_string())
            .map(|r| ureq::run(r).unwrap())
            .unwrap();
        reply.body_mut().read_json::<serde_json::Value>().unwrap_or_default()
    };
    send("POST", "/api/folders/content/dam/master", json!({}));
    let uploaded = ureq::put(&format!("{origin}/api/assets/content/dam/master/seed-00000.png"))
        .header("cookie", &login.0)
        .header("x-csrf-token", &login.1)
        .header("content-type", "image/png")
        .send(&png(8, 8)[..]);
    assert_eq!(uploaded.unwrap().status(), 201);
    assert_eq!(server.processing_state("/content/dam/master/seed-00000.png", &login.0), "done");
    server.kill_9();

    // The source folder grows to 10,000 assets sharing the seed's blob, straight into the catalog.
    {
        use tessera_repo::Catalog;
        let catalog = tessera_repo_sqlite::SqliteCatalog::open(&server.data_dir().join("tessera.sqlite3")).unwrap();
        let seed = catalog.asset(&p("/content/dam/master/seed-00000.png")).unwrap().unwrap();
        let more: Vec<tessera_repo::AssetRecord> =
            (1..ASSETS).map(|i| tessera_repo::AssetRecord { path: p(&format!("/content/dam/master/seed-{i:05}.png")), ..seed.clone() }).collect();
        for batch in more.chunks(1000) {
            catalog.import_assets(batch).unwrap();
        }
    }

    let mut server = Server::start(&config, &origin);
    let made = send("POST", "/api/live-copies", json!({ "source": "/content/dam/master", "destination": "/content/dam/en" }));
    let job = made["job"].as_i64().unwrap_or_else(|| panic!("{made}"));
    let job_now = || {
        let jobs = send("GET", "/api/jobs", serde_json::Value::Null);
        jobs.as_array().unwrap().iter().find(|j| j["id"] == job).cloned().unwrap()
    };
    // Killed half-way: once some, not all, of the live copies are made.
    let mut seen = json!(null);
    for _ in 0..6000 {
        seen = job_now();
        let done = seen["bytes_done"].as_u64().unwrap();
        if done > 0 || seen["state"] != "active" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!((seen["state"].as_str(), seen["bytes_total"].as_u64()), (Some("active"), Some(ASSETS as u64)), "{seen}");
    server.kill_9();
    let (made_before, tied_before) = assets_and_ties(&server.data_dir(), "/content/dam/en");
    assert!(made_before < ASSETS, "the kill came before the end: {made_before} made");
    assert_eq!(made_before, tied_before, "each live copy made is tied: nothing half made");

    // The restarted process takes the job up again and finishes it.
    let mut server = Server::start(&config, &origin);
    let mut ended = json!(null);
    for _ in 0..6000 {
        ended = job_now();
        if ended["state"] != "active" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!((ended["state"].as_str(), ended["bytes_done"].as_u64()), (Some("success"), Some(ASSETS as u64)), "{ended}");
    server.kill_9();
    assert_eq!(assets_and_ties(&server.data_dir(), "/content/dam/en"), (ASSETS, ASSETS), "every asset once, each tied");
}
