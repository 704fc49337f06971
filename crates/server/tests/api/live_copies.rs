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
    assert!(matches!(app.repo.create_live_copy(&p("/content/dam/master"), &p("/content/dam/copy"), None, "ksaner").await, Err(RepoError::BadQuery(_))));

    // The source changes: a new binary, a title, a property.
    let reply =
        app.send_json(Method::PATCH, "/api/assets/content/dam/master/hero.png", &login, json!({ "title": "Hero", "properties": { "sku": "H-2" } })).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let uri = "/api/versions/content/dam/master/hero.png";
    let reply = app.send(authed(Method::POST, uri, &login).header("content-type", "image/png").body(axum::body::Body::from(png(20, 40))).unwrap()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    app.processed("/content/dam/master/hero.png", &login).await;

    // fr keeps its own title (inheritance cancelled); en is suspended.
    app.repo.cancel_inheritance(&fr, InheritedField::Title).await.unwrap();
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
