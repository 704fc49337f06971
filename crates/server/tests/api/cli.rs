//! The `tessera-server` binary itself: a bad config fails at start, naming the key.

use std::process::Command;

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

/// A running `tessera-server serve` process over real HTTP.
struct Process {
    child: std::process::Child,
}

impl Process {
    fn start(config: &std::path::Path, origin: &str) -> Process {
        let child =
            Command::new(env!("CARGO_BIN_EXE_tessera-server")).args(["serve", "--config"]).arg(config).stderr(std::process::Stdio::null()).spawn().unwrap();
        let process = Process { child };
        for _ in 0..300 {
            if ureq::get(&format!("{origin}/api/deployment")).call().is_ok() {
                return process;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the server did not start");
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn login(origin: &str) -> (String, String) {
    let mut r = ureq::post(&format!("{origin}/api/login")).send_json(serde_json::json!({ "user": "ksaner", "password": crate::common::PASSWORD })).unwrap();
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let me: serde_json::Value = r.body_mut().read_json().unwrap();
    (cookie, me["csrf_token"].as_str().unwrap().to_owned())
}

#[test]
fn rendition_jobs_survive_a_killed_server() {
    let dir = tempfile::TempDir::new().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let origin = format!("http://127.0.0.1:{port}");
    let hash = tessera_server::auth::hash_password(crate::common::PASSWORD).unwrap();
    let config = dir.path().join("tessera.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\npublic_origin = \"{origin}\"\nroles = [\"assets\"]\ndata_dir = \"data\"\n\
             [jobs]\nworkers = 1\nretry_delay_secs = 0\n[[users]]\nname = \"ksaner\"\npassword_hash = \"{hash}\"\ngroups = [\"authors\"]\n"
        ),
    )
    .unwrap();
    let names: Vec<String> = (0..6).map(|i| format!("/content/dam/batch/photo-{i}.jpg")).collect();
    {
        let server = Process::start(&config, &origin);
        let (cookie, csrf) = login(&origin);
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
    let _server = Process::start(&config, &origin);
    let (cookie, _) = login(&origin);
    let state = |name: &str| -> String {
        let asset: serde_json::Value =
            ureq::get(&format!("{origin}/api/assets{name}")).header("cookie", &cookie).call().unwrap().body_mut().read_json().unwrap();
        asset["processing"]["state"].as_str().unwrap().to_owned()
    };
    for name in &names {
        let mut last = String::new();
        for _ in 0..600 {
            last = state(name);
            if last != "pending" {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert_eq!(last, "done", "{name}");
    }
}
