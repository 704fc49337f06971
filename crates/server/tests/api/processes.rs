//! Several `tessera-server` processes serving one deployment: one PostgreSQL database
//! and one bucket, real processes on their own ports, as behind a load balancer.

use crate::common::{jpeg, shared_storage};
use crate::process::{assets_config, Server};

/// The same deployment's config in two folders (each process keeps its own spool),
/// with `extra` tables.
fn two_configs(storage: &str, extra: &str) -> (tempfile::TempDir, [(std::path::PathBuf, String); 2]) {
    let dir = tempfile::TempDir::new().unwrap();
    let tables = format!("{storage}{extra}");
    let configs = ["a", "b"].map(|name| {
        let own = dir.path().join(name);
        std::fs::create_dir_all(&own).unwrap();
        assets_config(&own, &tables)
    });
    (dir, configs)
}

fn upload(server: &Server, (cookie, csrf): &(String, String), path: &str, bytes: &[u8]) -> u16 {
    let reply = ureq::put(&format!("{}/api/assets{path}", server.origin))
        .header("cookie", cookie)
        .header("x-csrf-token", csrf)
        .header("content-type", "image/jpeg")
        .config()
        .http_status_as_error(false)
        .build()
        .send(bytes)
        .unwrap();
    reply.status().as_u16()
}

fn create_folder(server: &Server, (cookie, csrf): &(String, String), path: &str) {
    ureq::post(&format!("{}/api/folders{path}", server.origin)).header("cookie", cookie).header("x-csrf-token", csrf).send_json(serde_json::json!({})).unwrap();
}

fn get_json(server: &Server, cookie: &str, uri: &str) -> (u16, serde_json::Value) {
    let mut reply = ureq::get(&format!("{}{uri}", server.origin)).header("cookie", cookie).config().http_status_as_error(false).build().call().unwrap();
    let status = reply.status().as_u16();
    (status, reply.body_mut().read_json().unwrap_or_default())
}

#[test]
#[ignore = "needs PostgreSQL and S3: cargo xtask test --suite storage"]
fn two_processes_serve_one_deployment() {
    let (_dir, [(config_a, origin_a), (config_b, origin_b)]) = two_configs(&shared_storage().0, "[jobs]\nworkers = 1\n");
    let a = Server::start(&config_a, &origin_a);
    let b = Server::start(&config_b, &origin_b);

    // A login through one process is a login on the other: sessions and CSRF tokens
    // live in the shared database.
    let login = a.login();
    let (status, me) = get_json(&b, &login.0, "/api/me");
    assert_eq!((status, me["user"].as_str()), (200, Some("ksaner")), "{me}");
    create_folder(&b, &login, "/content/dam/shared");
    assert_eq!(upload(&b, &login, "/content/dam/shared/harbour.jpg", &jpeg(640, 480)), 201);

    // Found and rendered whichever process asks; the bytes come from the shared bucket.
    let (_, found) = get_json(&a, &login.0, "/api/search?q=harbour");
    assert_eq!(found["assets"][0]["path"], "/content/dam/shared/harbour.jpg", "{found}");
    assert_eq!(a.processing_state("/content/dam/shared/harbour.jpg", &login.0), "done");
    let thumbnail = ureq::get(&format!("{origin_a}/api/renditions/thumbnail-319/content/dam/shared/harbour.jpg")).header("cookie", &login.0).call().unwrap();
    assert_eq!(thumbnail.headers().get("content-type").unwrap(), "image/png");

    // Logging out through one process ends the session on both.
    ureq::post(&format!("{origin_b}/api/logout")).header("cookie", &login.0).header("x-csrf-token", &login.1).send_empty().unwrap();
    assert_eq!(get_json(&a, &login.0, "/api/me").0, 401);
}

#[test]
#[ignore = "needs PostgreSQL and S3: cargo xtask test --suite storage"]
fn a_job_whose_process_died_is_taken_over_when_its_lease_runs_out() {
    let (storage, url) = shared_storage();
    let (_dir, [(config_a, origin_a), (config_b, origin_b)]) = two_configs(&storage, "[jobs]\nworkers = 1\nlease_secs = 2\nretry_delay_secs = 0\n");
    let mut a = Server::start(&config_a, &origin_a);
    let login = a.login();
    create_folder(&a, &login, "/content/dam/jobs");
    let names: Vec<String> = (0..3).map(|i| format!("/content/dam/jobs/photo-{i}.jpg")).collect();
    for name in &names {
        assert_eq!(upload(&a, &login, name, &jpeg(1600, 1200)), 201);
    }
    a.kill_9();
    // The state a process leaves when it dies between claiming its jobs and finishing
    // them: running, claimed just now, by nobody alive.
    let running = std::thread::spawn(move || {
        let mut db = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        db.execute("UPDATE jobs SET state = 'running', attempts = 1, started_at = extract(epoch FROM now())::BIGINT", &[]).unwrap();
        db
    })
    .join()
    .unwrap();

    let b = Server::start(&config_b, &origin_b);
    for name in &names {
        assert_eq!(b.processing_state(name, &login.0), "done", "{name} was rendered by the process still alive");
    }
    let (_, asset) = get_json(&b, &login.0, &format!("/api/assets{}", names[0]));
    assert!(asset["renditions"].as_array().unwrap().iter().any(|r| r["name"] == "web-1280"), "{asset}");
    let stuck: i64 = std::thread::spawn(move || {
        let mut db = running;
        db.query_one("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')", &[]).unwrap().get(0)
    })
    .join()
    .unwrap();
    assert_eq!(stuck, 0, "no job is left stuck");
}

#[test]
#[ignore = "needs PostgreSQL and S3: cargo xtask test --suite storage"]
fn killing_one_process_during_uploads_loses_nothing_committed() {
    let (storage, url) = shared_storage();
    let (_dir, [(config_a, origin_a), (config_b, origin_b)]) = two_configs(&storage, "[jobs]\nworkers = 1\nlease_secs = 2\nretry_delay_secs = 0\n");
    let mut a = Server::start(&config_a, &origin_a);
    let b = Server::start(&config_b, &origin_b);
    let login = a.login();
    create_folder(&b, &login, "/content/dam/busy");

    // Uploads through one process, one after another, until it dies under them.
    let (sent, committed) = (std::sync::mpsc::channel::<String>(), std::sync::Arc::new(std::sync::Mutex::new(Vec::new())));
    let uploader = {
        let (origin, login, committed) = (origin_a.clone(), login.clone(), std::sync::Arc::clone(&committed));
        let sent = sent.0;
        std::thread::spawn(move || {
            let photo = jpeg(2400, 1800);
            for i in 0..200 {
                let path = format!("/content/dam/busy/photo-{i:03}.jpg");
                let reply = ureq::put(&format!("{origin}/api/assets{path}"))
                    .header("cookie", &login.0)
                    .header("x-csrf-token", &login.1)
                    .header("content-type", "image/jpeg")
                    .send(&photo[..]);
                match reply {
                    Ok(r) if r.status() == 201 => {
                        committed.lock().unwrap().push(path.clone());
                        let _ = sent.send(path);
                    }
                    _ => return,
                }
            }
        })
    };
    for _ in 0..4 {
        sent.1.recv_timeout(std::time::Duration::from_secs(60)).expect("uploads go through");
    }
    a.kill_9();
    uploader.join().unwrap();
    let committed = committed.lock().unwrap().clone();
    assert!(committed.len() >= 4, "{} uploads committed", committed.len());

    // Every upload that was answered 201 is there, whole, and rendered by the process
    // still alive; nothing the dead one was writing left a row without its bytes.
    let (_, listing) = get_json(&b, &login.0, "/api/folders/content/dam/busy");
    let listed: Vec<String> = listing["assets"].as_array().unwrap().iter().map(|a| a["path"].as_str().unwrap().to_owned()).collect();
    for path in &committed {
        assert!(listed.contains(path), "{path} was committed and is gone");
    }
    for path in &listed {
        assert_eq!(b.processing_state(path, &login.0), "done", "{path}");
        let original = ureq::get(&format!("{origin_b}/api/renditions/original{path}")).header("cookie", &login.0).call().unwrap();
        assert_eq!(original.headers().get("content-length").unwrap().to_str().unwrap(), jpeg(2400, 1800).len().to_string(), "{path}'s bytes are whole");
    }
    let stuck: i64 = std::thread::spawn(move || {
        let mut db = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        db.query_one("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')", &[]).unwrap().get(0)
    })
    .join()
    .unwrap();
    assert_eq!(stuck, 0, "no job is left stuck");
}
