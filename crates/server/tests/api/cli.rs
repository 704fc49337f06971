//! The `tessera-server` binary itself: a bad config fails at start, naming the key.

use std::process::Command;

use crate::process::{assets_config, Server};

fn serve(config: &str) -> (bool, String) {
    let dir = tempfile::TempDir::new().unwrap();
    let file = dir.path().join("tessera.toml");
    std::fs::write(&file, config).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tessera-server")).args(["serve", "--config"]).arg(&file).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

const BASE: &str = "listen = \"127.0.0.1:0\"\npublic_origin = \"http://127.0.0.1:4503\"\nroles = [\"assets\"]\ndata_dir = \"data\"\n";

#[test]
fn a_bad_config_fails_at_start_with_the_key_and_the_problem() {
    let (ok, err) = serve(&format!("{BASE}[cors]\nallowed_origins = [\"*\"]\n"));
    assert!(!ok);
    assert!(err.contains("cors.allowed_origins[0]") && err.contains("wildcards are not allowed"), "{err}");

    let (ok, err) = serve(&BASE.replace("roles = [\"assets\"]", "roles = [\"sites\"]"));
    assert!(!ok);
    assert!(err.contains("connected_assets.remote_dam_url") && err.contains("required"), "{err}");

    let (ok, err) = serve(&format!("{BASE}max_upload = 3\n"));
    assert!(!ok);
    assert!(err.contains("unknown field `max_upload`"), "{err}");
}

#[test]
fn hash_password_prints_an_argon2id_hash() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tessera-server"))
        .arg("hash-password")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"s3cret\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let hash = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(tessera_server::auth::verify_password("s3cret", hash.trim()));
    assert!(!tessera_server::auth::verify_password("s3cret\n", hash.trim()));
}

#[test]
fn rendition_jobs_survive_a_killed_server() {
    let dir = tempfile::TempDir::new().unwrap();
    let (config, origin) = assets_config(dir.path(), "[jobs]\nworkers = 1\nretry_delay_secs = 0\n");
    let names: Vec<String> = (0..6).map(|i| format!("/content/dam/batch/photo-{i}.jpg")).collect();
    {
        let server = Server::start(&config, &origin);
        let (cookie, csrf) = server.login();
        ureq::post(&format!("{origin}/api/folders/content/dam/batch"))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .send_json(serde_json::json!({}))
            .unwrap();
        let photo = crate::common::jpeg(2400, 1600);
        for name in &names {
            ureq::put(&format!("{origin}/api/assets{name}"))
                .header("cookie", &cookie)
                .header("x-csrf-token", &csrf)
                .header("content-type", "image/jpeg")
                .send(&photo[..])
                .unwrap();
        }
        // SIGKILL: no graceful shutdown, jobs left queued or running.
        drop(server);
    }
    let server = Server::start(&config, &origin);
    let (cookie, _) = server.login();
    for name in &names {
        assert_eq!(server.processing_state(name, &cookie), "done", "{name}");
    }
}

#[test]
fn migrate_copies_a_deployment_whose_copy_then_serves_it() {
    let dir = tempfile::TempDir::new().unwrap();
    let (from, to) = (dir.path().join("from"), dir.path().join("to"));
    std::fs::create_dir_all(&from).unwrap();
    std::fs::create_dir_all(&to).unwrap();
    let (config, origin) = assets_config(&from, "[jobs]\nworkers = 1\n");
    let thumbnail = |origin: &str, cookie: &str| {
        let mut reply = ureq::get(&format!("{origin}/api/renditions/thumbnail-319/content/dam/trip/lake.jpg")).header("cookie", cookie).call().unwrap();
        reply.body_mut().read_to_vec().unwrap()
    };
    let before = {
        let server = Server::start(&config, &origin);
        let (cookie, csrf) = server.login();
        ureq::post(&format!("{origin}/api/folders/content/dam/trip"))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .send_json(serde_json::json!({}))
            .unwrap();
        for name in ["lake.jpg", "hills.jpg"] {
            ureq::put(&format!("{origin}/api/assets/content/dam/trip/{name}"))
                .header("cookie", &cookie)
                .header("x-csrf-token", &csrf)
                .header("content-type", "image/jpeg")
                .send(&crate::common::jpeg(900, 600)[..])
                .unwrap();
            assert_eq!(server.processing_state(&format!("/content/dam/trip/{name}"), &cookie), "done");
        }
        thumbnail(&origin, &cookie)
    };
    // To PostgreSQL and S3 when the storage suite runs, else to another folder.
    let servers = ["TESSERA_TEST_POSTGRES_URL", "TESSERA_TEST_S3_ENDPOINT"].iter().all(|v| std::env::var(v).is_ok());
    let tables = if servers { crate::common::shared_storage().0 } else { String::new() };
    let (copy_config, copy_origin) = assets_config(&to, &tables);
    let out = Command::new(env!("CARGO_BIN_EXE_tessera-server")).args(["migrate", "--from"]).arg(&config).arg("--to").arg(&copy_config).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(report.contains("2 assets") && report.contains("every one verified"), "{report}");

    let copy = Server::start(&copy_config, &copy_origin);
    let (cookie, _) = copy.login();
    assert_eq!(copy.processing_state("/content/dam/trip/hills.jpg", &cookie), "done", "renditions came along");
    assert_eq!(thumbnail(&copy_origin, &cookie), before, "the same bytes");
    let found: serde_json::Value =
        ureq::get(&format!("{copy_origin}/api/search?q=lake")).header("cookie", &cookie).call().unwrap().body_mut().read_json().unwrap();
    assert_eq!(found["total"], 1, "{found}");
    drop(copy);

    // And back, to a blob folder and SQLite.
    let back_dir = dir.path().join("back");
    std::fs::create_dir_all(&back_dir).unwrap();
    let (back_config, back_origin) = assets_config(&back_dir, "");
    let out = Command::new(env!("CARGO_BIN_EXE_tessera-server")).args(["migrate", "--from"]).arg(&copy_config).arg("--to").arg(&back_config).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let back = Server::start(&back_config, &back_origin);
    let (cookie, _) = back.login();
    assert_eq!(thumbnail(&back_origin, &cookie), before, "the same bytes, back again");
    // The same storage twice is refused.
    let again = Command::new(env!("CARGO_BIN_EXE_tessera-server")).args(["migrate", "--from"]).arg(&config).arg("--to").arg(&config).output().unwrap();
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("same storage"));
}
