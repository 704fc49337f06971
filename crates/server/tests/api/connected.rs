//! Connected Assets between two real deployments talking HTTP on loopback: an
//! Assets deployment (the remote DAM) and a Sites deployment fetching from it.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

const SAMPLE: &str = "/content/dam/samples/lake.jpg";

/// A DAM with one processed image in /samples and two tags on it, served over HTTP.
async fn dam_with_image(width: u32, height: u32) -> (TestApp, String, Login) {
    let dam = TestApp::assets();
    let author = dam.login("ksaner").await;
    assert_eq!(dam.create_folder("/content/dam/samples", &author).await.status, StatusCode::CREATED);
    assert_eq!(dam.upload(SAMPLE, "image/jpeg", jpeg(width, height), &author).await.status, StatusCode::CREATED);
    for tag in ["places:water/lakes", "mood:calm"] {
        assert_eq!(dam.send_json(Method::POST, "/api/tags", &author, json!({ "tag": tag, "title": null })).await.status, StatusCode::CREATED);
    }
    let tags = json!({ "tags": ["places:water/lakes", "mood:calm"] });
    assert_eq!(dam.send_json(Method::PUT, &format!("/api/asset-tags{SAMPLE}"), &author, tags).await.status, StatusCode::OK);
    assert_eq!(dam.processed(SAMPLE, &author).await["processing"]["state"], "done");
    let url = dam.serve().await;
    (dam, url, author)
}

async fn fetch(sites: &TestApp, login: &Login, remote: &str) -> Reply {
    sites.send_json(Method::POST, "/api/connected-assets/fetch", login, json!({ "remote_path": remote, "page_path": "/content/we-retail/en" })).await
}

/// Saves `content` as `version` + 1 of `page`, which must succeed.
async fn save(sites: &TestApp, login: &Login, page: &str, version: u64, content: serde_json::Value) {
    let request = authed(Method::PUT, page, login)
        .header("content-type", "application/json")
        .header("if-match", format!("\"v{version}\""))
        .body(axum::body::Body::from(content.to_string()))
        .unwrap();
    let reply = sites.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
}

async fn jobs(sites: &TestApp, login: &Login, state: &str) -> Vec<serde_json::Value> {
    sites.get(&format!("/api/jobs?state={state}"), Some(login)).await.json().as_array().unwrap().clone()
}

async fn wait_for_no_active_jobs(sites: &TestApp, login: &Login) {
    for _ in 0..500 {
        if jobs(sites, login, "active").await.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("jobs still active after 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_remote_asset_is_copied_read_only_into_the_mount_point_with_its_renditions() {
    let (dam, dam_url, dam_author) = dam_with_image(800, 600).await;
    let sites = TestApp::sites_connected_to(&dam_url, "");
    let author = sites.login("ksaner").await;
    // Only one of the two tags exists here, with the same hierarchy.
    sites.send_json(Method::POST, "/api/tags", &author, json!({ "tag": "places:water/lakes", "title": null })).await;
    sites.send_json(Method::POST, "/api/tags", &author, json!({ "tag": "calm", "title": null })).await;

    let reply = fetch(&sites, &author, SAMPLE).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let result = reply.json();
    assert_eq!(result["asset"]["path"], "/content/dam/connected/samples/lake.jpg");
    assert_eq!(result["original"], "copied");
    assert_eq!(result["dropped_tags"], 1);
    assert_eq!(result["asset"]["tags"], json!(["places:water/lakes"]));
    assert_eq!(result["asset"]["connected"]["path"], SAMPLE);
    assert_eq!(result["asset"]["connected"]["dam_url"], dam_url);

    let remote = dam.get(&format!("/api/assets{SAMPLE}"), Some(&dam_author)).await.json();
    let names = |a: &serde_json::Value| {
        let mut n: Vec<String> = a["renditions"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_owned()).collect();
        n.sort();
        n
    };
    assert_eq!(names(&result["asset"]), names(&remote), "every rendition came, the original among them");
    let transferred: u64 = remote["renditions"].as_array().unwrap().iter().map(|r| r["size"].as_u64().unwrap()).sum();
    assert_eq!(result["bytes_transferred"], transferred);
    for r in result["asset"]["renditions"].as_array().unwrap() {
        let local = sites.get(r["href"].as_str().unwrap(), Some(&author)).await;
        assert_eq!(local.status, StatusCode::OK);
        assert_eq!(Some(local.body.len() as u64), r["size"].as_u64());
    }

    // Found by local search, marked as connected.
    let found = sites.get("/api/search?q=lake", Some(&author)).await.json();
    assert_eq!(found["assets"][0]["path"], "/content/dam/connected/samples/lake.jpg");
    assert_eq!(found["assets"][0]["connected"]["path"], SAMPLE);

    // Read-only: metadata, uploads over it, moves out of and into the mount point.
    let copy = "/content/dam/connected/samples/lake.jpg";
    let admin = sites.login("admin").await;
    let patch = sites.send_json(Method::PATCH, &format!("/api/assets{copy}"), &admin, json!({ "title": "Renamed" })).await;
    assert_eq!((patch.status, patch.error_code().as_str()), (StatusCode::FORBIDDEN, "read_only_copy"));
    assert!(patch.json()["error"]["message"].as_str().unwrap().contains("read-only"));
    let over = sites.upload(copy, "image/jpeg", jpeg(10, 10), &author).await;
    assert_eq!(over.status, StatusCode::FORBIDDEN);
    let out = sites.send_json(Method::POST, &format!("/api/move{copy}"), &author, json!({ "to": "/content/dam/lake.jpg" })).await;
    assert_eq!(out.status, StatusCode::FORBIDDEN);
    assert_eq!(sites.upload("/content/dam/mine.jpg", "image/jpeg", jpeg(10, 10), &author).await.status, StatusCode::CREATED);
    let into = sites.send_json(Method::POST, "/api/move/content/dam/mine.jpg", &author, json!({ "to": "/content/dam/connected/mine.jpg" })).await;
    assert_eq!(into.status, StatusCode::FORBIDDEN);
    assert_eq!(sites.get(&format!("/api/assets{copy}"), Some(&author)).await.json()["title"], "lake.jpg", "nothing changed");

    // Saving a page that uses the copy tells the DAM which page on which Sites
    // deployment uses it; saving it without the copy takes that back.
    let page = "/api/pages/content/we-retail/en";
    assert_eq!(sites.send_json(Method::POST, "/api/pages/content/we-retail", &author, json!({ "title": "We.Retail" })).await.status, StatusCode::CREATED);
    assert_eq!(sites.send_json(Method::POST, page, &author, json!({ "title": "English" })).await.status, StatusCode::CREATED);
    let used = &result["asset"];
    let with_copy = json!({ "title": "English", "components": [{ "id": "i1", "type": "image", "asset": {
        "repository": null, "path": copy, "title": used["title"], "mime": used["mime"], "size": used["size"],
        "width": used["width"], "height": used["height"], "renditions": used["renditions"] } }] });
    save(&sites, &author, page, 1, with_copy).await;
    wait_for_no_active_jobs(&sites, &author).await;
    let refs = dam.get(&format!("/api/references{SAMPLE}"), Some(&dam_author)).await.json();
    assert_eq!(refs["total"], 1, "{refs}");
    assert_eq!(refs["by_deployment"][0]["sites_url"], EDITOR_ORIGIN);
    assert_eq!(refs["by_deployment"][0]["pages"], json!(["/content/we-retail/en"]));
    let done = jobs(&sites, &author, "success").await;
    assert!(done.iter().any(|j| j["kind"] == "fetch" && j["local_path"] == copy && j["ended_at"].is_number()));
    assert!(done.iter().any(|j| j["kind"] == "reference" && j["page_path"] == "/content/we-retail/en"));
    let moved = dam.send_json(Method::POST, &format!("/api/move{SAMPLE}"), &dam_author, json!({ "to": "/content/dam/lake.jpg" })).await;
    assert_eq!(moved.status, StatusCode::CONFLICT, "the DAM warns before moving an asset a Sites page uses");
    assert!(moved.json()["error"]["message"].as_str().unwrap().contains(EDITOR_ORIGIN), "{:?}", moved.body);

    save(&sites, &author, page, 2, json!({ "title": "English", "components": [] })).await;
    wait_for_no_active_jobs(&sites, &author).await;
    assert_eq!(dam.get(&format!("/api/references{SAMPLE}"), Some(&dam_author)).await.json()["total"], 0);

    // Dropping it again fetches it again and updates the same copy.
    let retitled = dam.send_json(Method::PATCH, &format!("/api/assets{SAMPLE}"), &dam_author, json!({ "title": "Mountain lake" })).await;
    assert_eq!(retitled.status, StatusCode::OK);
    let again = fetch(&sites, &author, SAMPLE).await.json();
    assert_eq!(again["asset"]["title"], "Mountain lake");
    assert_eq!(again["bytes_transferred"], 0, "unchanged renditions are already in the store");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_original_above_the_threshold_follows_in_a_job_with_progress() {
    let (_dam, dam_url, _) = dam_with_image(1600, 1200).await;
    let sites = TestApp::sites_connected_to(&dam_url, "threshold_bytes = 1000");
    let author = sites.login("ksaner").await;
    let result = fetch(&sites, &author, SAMPLE).await.json();
    assert_eq!(result["original"], "pending");
    let names: Vec<&str> = result["asset"]["renditions"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(!names.contains(&"original") && names.contains(&"web-1280"), "the renditions came now: {names:?}");

    wait_for_no_active_jobs(&sites, &author).await;
    let done = jobs(&sites, &author, "success").await;
    let job = done.iter().find(|j| j["kind"] == "original").expect("an original job");
    assert_eq!(job["bytes_done"], job["bytes_total"]);
    let copy = sites.get("/api/assets/content/dam/connected/samples/lake.jpg", Some(&author)).await.json();
    let original = copy["renditions"].as_array().unwrap().iter().find(|r| r["name"] == "original").expect("the original arrived");
    assert_eq!(original["size"], job["bytes_total"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_distributor_without_read_permission_gets_a_clear_failure_and_nothing_is_stored() {
    let (dam, dam_url, _) = dam_with_image(64, 48).await;
    let admin = dam.login("admin").await;
    let deny = json!({ "group": "authors", "access": "none" });
    assert_eq!(dam.send_json(Method::PUT, "/api/permissions/content/dam/samples", &admin, deny).await.status, StatusCode::NO_CONTENT);
    let sites = TestApp::sites_connected_to(&dam_url, "");
    let author = sites.login("ksaner").await;

    let reply = fetch(&sites, &author, SAMPLE).await;
    assert_eq!((reply.status, reply.error_code().as_str()), (StatusCode::NOT_FOUND, "remote_not_found"));
    assert!(reply.json()["error"]["message"].as_str().unwrap().contains("may not read it"));
    let failed = jobs(&sites, &author, "failed").await;
    assert_eq!(failed.len(), 1);
    assert!(failed[0]["error"].as_str().unwrap().contains("may not read it"));
    assert_eq!(sites.get("/api/folders/content/dam/connected", Some(&author)).await.status, StatusCode::NOT_FOUND, "no folder either");
    sites.assert_nothing_left(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dam_that_stops_answering_is_given_up_after_five_seconds() {
    // A DAM that accepts connections and then says nothing.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let sites = TestApp::sites_connected_to(&url, "");
    let author = sites.login("ksaner").await;
    let reply = fetch(&sites, &author, SAMPLE).await;
    assert_eq!((reply.status, reply.error_code().as_str()), (StatusCode::GATEWAY_TIMEOUT, "fetch_timeout"));
    let message = reply.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("5 seconds") && message.contains("again to retry"), "{message}");
    assert_eq!(jobs(&sites, &author, "failed").await.len(), 1);
    sites.assert_nothing_left(0).await;
}

#[tokio::test]
async fn the_configuration_never_shows_the_password_and_only_administrators_change_it() {
    let sites = TestApp::sites_connected_to("http://127.0.0.1:9", "");
    let admin = sites.login("admin").await;
    let config = sites.get("/api/connected-assets/config", Some(&admin)).await;
    assert_eq!(config.status, StatusCode::OK);
    assert!(!String::from_utf8_lossy(&config.body).contains(PASSWORD));
    assert_eq!(config.json()["distributor_password_set"], true);
    assert_eq!(config.json()["mount_point"], "/content/dam/connected");

    let author = sites.login("ksaner").await;
    assert_eq!(sites.get("/api/connected-assets/config", Some(&author)).await.status, StatusCode::FORBIDDEN);
    let mut update = json!({
        "title": "Brand DAM", "remote_dam_url": "http://127.0.0.1:4999", "distributor_user": "distributor",
        "mount_point": "/content/dam/remote", "local_sites_url": EDITOR_ORIGIN, "threshold_bytes": 5_000_000, "shared_datastore": false
    });
    assert_eq!(sites.send_json(Method::PUT, "/api/connected-assets/config", &author, update.clone()).await.status, StatusCode::FORBIDDEN);
    let saved = sites.send_json(Method::PUT, "/api/connected-assets/config", &admin, update.clone()).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    assert_eq!(saved.json()["distributor_password_set"], true, "an absent password keeps the stored one");
    assert_eq!(sites.get("/api/deployment", None).await.json()["remote_dam_url"], "http://127.0.0.1:4999");

    update["mount_point"] = json!("/content/dam");
    let bad = sites.send_json(Method::PUT, "/api/connected-assets/config", &admin, update.clone()).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.json()["error"]["message"].as_str().unwrap().starts_with("mount_point"));
    update["mount_point"] = json!("/content/dam/remote");
    update["remote_dam_url"] = json!("ftp://x");
    assert_eq!(sites.send_json(Method::PUT, "/api/connected-assets/config", &admin, update).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(sites.get("/api/connected-assets/config", Some(&admin)).await.json()["title"], "Brand DAM", "a refused change changes nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_connection_reports_reachability_authentication_and_cors_separately() {
    let (_dam, dam_url, _) = dam_with_image(16, 16).await;
    let sites = TestApp::sites_connected_to(&dam_url, "");
    let admin = sites.login("admin").await;
    let report = sites.send_json(Method::POST, "/api/connected-assets/test", &admin, json!({})).await.json();
    assert_eq!([&report["reachable"]["ok"], &report["authenticated"]["ok"], &report["cors"]["ok"]], [true, true, true], "{report}");

    // Another Sites URL is not on the DAM's allow-list; a wrong password is refused.
    let update = json!({
        "title": "DAM", "remote_dam_url": dam_url, "distributor_user": "ksaner", "distributor_password": "wrong",
        "mount_point": "/content/dam/connected", "local_sites_url": "http://elsewhere.example", "threshold_bytes": 1000, "shared_datastore": false
    });
    assert_eq!(sites.send_json(Method::PUT, "/api/connected-assets/config", &admin, update).await.status, StatusCode::OK);
    let report = sites.send_json(Method::POST, "/api/connected-assets/test", &admin, json!({})).await.json();
    assert_eq!([&report["reachable"]["ok"], &report["authenticated"]["ok"], &report["cors"]["ok"]], [true, false, false], "{report}");
    assert!(report["cors"]["message"].as_str().unwrap().contains("http://elsewhere.example"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_left_active_by_a_stop_are_taken_up_again_at_start() {
    let (dam, dam_url, dam_author) = dam_with_image(1600, 1200).await;
    let sites = TestApp::sites_connected_to(&dam_url, "threshold_bytes = 1000");
    let author = sites.login("ksaner").await;
    assert_eq!(fetch(&sites, &author, SAMPLE).await.json()["original"], "pending");
    wait_for_no_active_jobs(&sites, &author).await;

    // What a stop in the middle leaves: an original still to bring, and a fetch the
    // author was waiting for.
    let remote = dam.get(&format!("/api/assets{SAMPLE}"), Some(&dam_author)).await.json();
    let original = remote["renditions"].as_array().unwrap().iter().find(|r| r["name"] == "original").unwrap().clone();
    let copy = tessera_model::DamPath::parse("/content/dam/connected/samples/lake.jpg").unwrap();
    let remote_path = tessera_model::DamPath::parse(SAMPLE).unwrap();
    let detail = json!({ "href": original["href"], "sha256": original["sha256"], "size": original["size"], "mime": original["mime"],
                         "width": original["width"], "height": original["height"] });
    let job = |kind, detail: Option<String>| tessera_repo::NewJob {
        kind,
        remote_path: remote_path.clone(),
        local_path: copy.clone(),
        page_path: None,
        bytes_total: original["size"].as_u64(),
        detail,
    };
    let interrupted_original = sites.repo.create_job(job(tessera_model::connected::JobKind::Original, Some(detail.to_string()))).await.unwrap();
    let interrupted_fetch = sites.repo.create_job(job(tessera_model::connected::JobKind::Fetch, None)).await.unwrap();

    let (sites, resumed) = sites.restart().await;
    assert_eq!(resumed, 2);
    let author = sites.login("ksaner").await;
    wait_for_no_active_jobs(&sites, &author).await;
    let done = jobs(&sites, &author, "success").await;
    let redone = done.iter().find(|j| j["id"] == interrupted_original).expect("the original job ran again and succeeded");
    assert_eq!(redone["bytes_done"], original["size"]);
    let failed = jobs(&sites, &author, "failed").await;
    let lost = failed.iter().find(|j| j["id"] == interrupted_fetch).expect("the interrupted fetch is failed");
    assert!(lost["error"].as_str().unwrap().contains("again to retry"));
}
