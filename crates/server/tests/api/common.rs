//! An in-process deployment for the API tests: a real data directory with SQLite and
//! blobs on disk, the real router, requests sent with `tower::ServiceExt::oneshot`.

#![allow(dead_code)]

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tempfile::TempDir;
use tessera_repo::Repo;
use tessera_server::{app, auth, state, Settings};
use tower::ServiceExt;

pub const EDITOR_ORIGIN: &str = "http://localhost:4502";
pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub router: Router,
    pub repo: Repo,
    pub dir: TempDir,
    config: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    pub fn error_code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or_default().to_owned()
    }

    pub fn error_message(&self) -> String {
        self.json()["error"]["message"].as_str().unwrap_or_default().to_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A logged-in session: the cookie and the CSRF token.
pub struct Login {
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    /// An Assets deployment whose allow-list holds the editor's origin, with an
    /// author, a dam-user and an administrator.
    pub fn assets() -> TestApp {
        Self::with_limits("")
    }

    pub fn with_limits(limits: &str) -> TestApp {
        Self::with_config("", limits)
    }

    /// A Sites deployment (whose remote DAM is not running: these tests do not need it).
    pub fn sites() -> TestApp {
        Self::with_roles("sites", "[connected_assets]\nremote_dam_url = \"http://127.0.0.1:4503\"\n[editor]\nwww_dir = \"www\"\npkg_dir = \"pkg\"\n")
    }

    /// A Sites deployment whose Connected Assets fetch from `dam_url` as ksaner, with
    /// more `[connected_assets]` keys in `extra`.
    pub fn sites_connected_to(dam_url: &str, extra: &str) -> TestApp {
        Self::with_roles(
            "sites",
            &format!(
                "[connected_assets]\nremote_dam_url = \"{dam_url}\"\ndistributor_user = \"ksaner\"\ndistributor_password = \"{PASSWORD}\"\n\
                 local_sites_url = \"{EDITOR_ORIGIN}\"\n{extra}\n[editor]\nwww_dir = \"www\"\npkg_dir = \"pkg\"\n"
            ),
        )
    }

    /// Serves this deployment over real HTTP on a free loopback port; returns its
    /// origin. The server stops with the test's runtime.
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let router = self.router.clone();
        tokio::spawn(async move { axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await });
        origin
    }

    pub async fn send_json(&self, method: Method, uri: &str, login: &Login, body: serde_json::Value) -> Reply {
        self.send(authed(method, uri, login).header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_string())).unwrap()).await
    }

    /// `top` holds top-level keys, `tables` extra tables.
    pub fn with_config(top: &str, limits: &str) -> TestApp {
        Self::with_roles_and("assets", top, limits)
    }

    fn with_roles(role: &str, tables: &str) -> TestApp {
        Self::with_roles_and(role, "", tables)
    }

    fn with_roles_and(role: &str, top: &str, limits: &str) -> TestApp {
        let dir = TempDir::new().unwrap();
        let hash = auth::hash_password(PASSWORD).unwrap();
        let users: String = [("ksaner", "authors"), ("ana", "authors"), ("viewer", "dam-users"), ("admin", "administrators")]
            .iter()
            .map(|(n, g)| format!("[[users]]\nname = \"{n}\"\npassword_hash = \"{hash}\"\ngroups = [\"{g}\"]\n"))
            .collect();
        let text = format!(
            "listen = \"127.0.0.1:0\"\npublic_origin = \"http://127.0.0.1:4503\"\nroles = [\"{role}\"]\ndata_dir = \"data\"\n{top}\n\
             [cors]\nallowed_origins = [\"{EDITOR_ORIGIN}\"]\n[jobs]\nworkers = 1\nretry_delay_secs = 0\n{}\n{limits}\n{users}",
            if top.contains("[blobs]") || limits.contains("[blobs]") { String::new() } else { blob_store_table() } + &catalog_table()
        );
        let settings = Settings::parse(&text, dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
        let jobs = settings.jobs;
        let state = state(settings).unwrap();
        state.repo.start_workers(jobs).unwrap();
        let repo = state.repo.clone();
        TestApp { router: app(state), repo, dir, config: text }
    }

    /// The same deployment started again over the same data directory, as after a
    /// stop: background work (rendition and Connected Assets jobs) resumes.
    pub async fn restart(self) -> (TestApp, usize) {
        let TestApp { dir, config, .. } = self;
        let settings = Settings::parse(&config, dir.path()).unwrap();
        let state = state(settings).unwrap();
        let resumed = tessera_server::app::start_background_work(&state).await.unwrap();
        let repo = state.repo.clone();
        (TestApp { router: app(state), repo, dir, config }, resumed)
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        Reply { status: parts.status, headers: parts.headers, body }
    }

    pub async fn login(&self, user: &str) -> Login {
        let reply = self.send(login_request(user, PASSWORD)).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let cookie = reply.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
        Login { cookie, csrf: reply.json()["csrf_token"].as_str().unwrap().to_owned() }
    }

    pub async fn get(&self, uri: &str, login: Option<&Login>) -> Reply {
        let mut req = Request::get(uri);
        if let Some(l) = login {
            req = req.header(header::COOKIE, &l.cookie);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn create_folder(&self, path: &str, login: &Login) -> Reply {
        self.send(
            authed(Method::POST, &format!("/api/folders{path}"), login)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"title\":null}"))
                .unwrap(),
        )
        .await
    }

    pub async fn upload(&self, path: &str, mime: &str, bytes: Vec<u8>, login: &Login) -> Reply {
        self.upload_body(path, mime, Body::from(bytes), login).await
    }

    pub async fn upload_body(&self, path: &str, mime: &str, body: Body, login: &Login) -> Reply {
        self.send(authed(Method::PUT, &format!("/api/assets{path}"), login).header(header::CONTENT_TYPE, mime).body(body).unwrap()).await
    }

    /// Waits until the asset's rendition job has finished, one way or the other.
    pub async fn processed(&self, path: &str, login: &Login) -> serde_json::Value {
        for _ in 0..1500 {
            let asset = self.get(&format!("/api/assets{path}"), Some(login)).await.json();
            if asset["processing"]["state"] != "pending" {
                return asset;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("the renditions of {path} were not made within 30 s");
    }

    /// The deployment's PostgreSQL database, when its catalog is there.
    pub fn database_url(&self) -> Option<String> {
        let storage = self.config.split("[storage]").nth(1)?;
        storage.lines().find_map(|l| l.strip_prefix("url = \"")).and_then(|rest| rest.strip_suffix('"')).map(str::to_owned)
    }

    /// Asserts that the data directory holds no trace of an upload: no temporary
    /// files and exactly `blobs` stored blobs.
    pub async fn assert_nothing_left(&self, blobs: usize) {
        assert_eq!(self.repo.blobs().spool().files(), 0, "spool files left behind");
        assert_eq!(self.repo.blobs().count().await.unwrap(), blobs, "unexpected stored blobs");
    }
}

/// Blobs on disk in the data directory, or, when `cargo xtask test --suite storage`
/// names an S3 server, in its bucket under a prefix of this deployment's own.
fn blob_store_table() -> String {
    let (Ok(endpoint), Ok(bucket)) = (std::env::var("TESSERA_TEST_S3_ENDPOINT"), std::env::var("TESSERA_TEST_S3_BUCKET")) else {
        return String::new();
    };
    let mut noise = [0u8; 6];
    getrandom::fill(&mut noise).unwrap();
    format!("[blobs]\nstore = \"s3\"\nbucket = \"{bucket}\"\nendpoint = \"{endpoint}\"\nprefix = \"api-{}\"\n", hex::encode(noise))
}

/// The catalog in SQLite in the data directory, or, when `cargo xtask test --suite
/// storage` names a PostgreSQL server, in a database of this deployment's own there.
fn catalog_table() -> String {
    fresh_database_url().map(|url| format!("[storage]\nbackend = \"postgres\"\nurl = \"{url}\"\npool_size = 4\n")).unwrap_or_default()
}

/// A new, empty database on the PostgreSQL server `cargo xtask test --suite storage`
/// started, when it did.
pub fn fresh_database_url() -> Option<String> {
    let admin_url = std::env::var("TESSERA_TEST_POSTGRES_URL").ok()?;
    let mut noise = [0u8; 6];
    getrandom::fill(&mut noise).unwrap();
    let database = format!("api_{}", hex::encode(noise));
    let create = format!("CREATE DATABASE {database}");
    let admin = admin_url.clone();
    // The synchronous client runs its own runtime, so not on the test's.
    std::thread::spawn(move || postgres::Client::connect(&admin, postgres::NoTls).and_then(|mut c| c.batch_execute(&create)))
        .join()
        .unwrap()
        .unwrap_or_else(|e| panic!("creating a database for the test: {e}"));
    let (server, _) = admin_url.rsplit_once('/').expect("TESSERA_TEST_POSTGRES_URL ends with /database");
    Some(format!("{server}/{database}"))
}

/// `[storage]` and `[blobs]` for a deployment of several processes, and its database's
/// URL: a database and a bucket prefix of its own on the servers `cargo xtask test
/// --suite storage` started.
pub fn shared_storage() -> (String, String) {
    let blobs = blob_store_table();
    let url = fresh_database_url().filter(|_| !blobs.is_empty()).expect("needs PostgreSQL and S3: cargo xtask test --suite storage");
    (format!("[storage]\nbackend = \"postgres\"\nurl = \"{url}\"\npool_size = 4\n{blobs}"), url)
}

pub fn login_request(user: &str, password: &str) -> Request<Body> {
    Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(serde_json::json!({ "user": user, "password": password }).to_string()))
        .unwrap()
}

pub fn authed(method: Method, uri: &str, login: &Login) -> axum::http::request::Builder {
    Request::builder().method(method).uri(uri).header(header::COOKIE, &login.cookie).header("x-csrf-token", &login.csrf)
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
    out
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(width, height, |x, _| image::Rgba([200, 10, (x % 256) as u8, 255]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

/// A JPEG whose EXIF says "rotate 90° clockwise to display" (orientation 6).
pub fn jpeg_with_orientation_6(width: u32, height: u32) -> Vec<u8> {
    let plain = jpeg(width, height);
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec(); // big-endian TIFF header, IFD at 8
    tiff.extend_from_slice(&[0, 1]); // one entry
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation, SHORT, 1, value 6
    tiff.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let len = (app1.len() + 2) as u16;
    let mut out = plain[..2].to_vec(); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

pub fn decode_dimensions(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).unwrap();
    (img.width(), img.height())
}
