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
