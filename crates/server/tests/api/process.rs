//! A real `tessera-server serve` process on a free loopback port, for what only a
//! process shows: memory, `kill -9`, files left on disk. Shared by the API tests and
//! the security suite.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::PASSWORD;

pub struct Server {
    child: Option<Child>,
    pub origin: String,
    pub config: PathBuf,
    pub log: PathBuf,
}

/// Writes an Assets deployment's config into `dir` with ksaner (authors), `tables`
/// appended.
pub fn assets_config(dir: &Path, tables: &str) -> (PathBuf, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let origin = format!("http://127.0.0.1:{port}");
    let hash = tessera_server::auth::hash_password(PASSWORD).unwrap();
    let config = dir.join("tessera.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\npublic_origin = \"{origin}\"\nroles = [\"assets\"]\ndata_dir = \"data\"\n{tables}\n\
             [[users]]\nname = \"ksaner\"\npassword_hash = \"{hash}\"\ngroups = [\"authors\"]\n"
        ),
    )
    .unwrap();
    (config, origin)
}

impl Server {
    pub fn start(config: &Path, origin: &str) -> Server {
        let log = config.with_file_name(format!("server-{}.log", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()));
        let child = Command::new(env!("CARGO_BIN_EXE_tessera-server"))
            .args(["serve", "--config"])
            .arg(config)
            .env("RUST_LOG", "info")
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server { child: Some(child), origin: origin.to_owned(), config: config.to_owned(), log };
        for _ in 0..600 {
            if ureq::get(&format!("{origin}/api/deployment")).call().is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the server did not start; its log:\n{}", server.log_text());
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// SIGKILL: no shutdown, nothing flushed, whatever was running stays as it was.
    pub fn kill_9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The peak resident memory of the process so far (VmHWM), in bytes.
    pub fn peak_memory(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.config.with_file_name("data")
    }

    /// The asset's `processing` state once its rendition job has ended (or after two
    /// minutes, still `pending`).
    pub fn processing_state(&self, path: &str, cookie: &str) -> String {
        let mut state = String::new();
        for _ in 0..2400 {
            let asset: serde_json::Value =
                ureq::get(&format!("{}/api/assets{path}", self.origin)).header("cookie", cookie).call().unwrap().body_mut().read_json().unwrap();
            state = asset["processing"]["state"].as_str().unwrap().to_owned();
            if state != "pending" {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        state
    }

    /// Logs in as ksaner: (cookie, CSRF token).
    pub fn login(&self) -> (String, String) {
        let mut r = ureq::post(&format!("{}/api/login", self.origin)).send_json(serde_json::json!({ "user": "ksaner", "password": PASSWORD })).unwrap();
        let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
        let me: serde_json::Value = r.body_mut().read_json().unwrap();
        (cookie, me["csrf_token"].as_str().unwrap().to_owned())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill_9();
    }
}

/// Files in the blob store's staging area.
pub fn staging_files(data: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(data.join("blobs").join("tmp")).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default()
}
