//! The server-to-server client of the remote DAM: logs in as the DAM distributor and
//! reads assets, downloads renditions into the blob store, reports references.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::TryStreamExt;
use reqwest::{Method, StatusCode};
use tessera_model::connected::{CheckResult, ConnectionReport};
use tessera_model::{api_url, AssetDto, DamPath, ErrorBody, LoginRequest, Me, ReferenceDto, CSRF_HEADER, LOGIN_COOKIE};
use tessera_repo::{BlobStore, RepoError, StagedBlob};

use super::network::{dam_url, resolver, DamNetwork};
use crate::config::ConnectedSettings;

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("The DAM distributor has no user name or password yet; an administrator sets them on the Connected Assets Configuration page.")]
    NotConfigured,
    #[error("The remote DAM at {url} cannot be reached ({reason}).")]
    Unreachable { url: String, reason: String },
    #[error("The remote DAM refused the DAM distributor's user name or password.")]
    BadCredentials,
    #[error("{path} does not exist on the remote DAM, or the DAM distributor may not read it.")]
    NotFound { path: DamPath },
    #[error("The remote DAM refused: {message} (HTTP {status}).")]
    Refused { status: u16, message: String },
    #[error("The remote DAM sent something unexpected: {0}")]
    BadResponse(String),
    #[error("The transfer from the remote DAM broke off: {0}")]
    Interrupted(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// A logged-in session of the DAM distributor on one remote DAM.
#[derive(Clone)]
struct Session {
    dam_url: String,
    user: String,
    cookie: String,
    csrf: String,
}

pub struct RemoteDam {
    http: reqwest::Client,
    session: Mutex<Option<Session>>,
}

/// One download: the bytes so far, for progress bars.
#[derive(Debug, Default)]
pub struct Progress(AtomicU64);

impl Progress {
    pub fn bytes(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

fn unreachable(url: &str, e: reqwest::Error) -> RemoteError {
    // reqwest's message names the URL but never a credential.
    let reason = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "connection refused".to_owned()
    } else {
        e.to_string()
    };
    RemoteError::Unreachable { url: url.to_owned(), reason }
}

async fn refusal(response: reqwest::Response) -> RemoteError {
    let status = response.status().as_u16();
    let message = match response.json::<ErrorBody>().await {
        Ok(body) => body.error.message,
        Err(_) => "no explanation given".to_owned(),
    };
    RemoteError::Refused { status, message }
}

impl RemoteDam {
    pub fn new(network: DamNetwork) -> anyhow::Result<RemoteDam> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .dns_resolver(resolver(network))
            // Redirects could carry the session cookie to another host.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("tessera-server/", env!("CARGO_PKG_VERSION"), " (Connected Assets)"))
            .build()?;
        Ok(RemoteDam { http, session: Mutex::new(None) })
    }

    pub fn forget_session(&self) {
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    async fn session(&self, s: &ConnectedSettings) -> Result<Session, RemoteError> {
        let cached = self.session.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(session) = cached.filter(|c| c.dam_url == s.remote_dam_url && c.user == s.distributor_user) {
            return Ok(session);
        }
        let session = self.log_in(s).await?;
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = Some(session.clone());
        Ok(session)
    }

    async fn log_in(&self, s: &ConnectedSettings) -> Result<Session, RemoteError> {
        if s.distributor_user.is_empty() || s.distributor_password.is_empty() {
            return Err(RemoteError::NotConfigured);
        }
        let url = format!("{}/api/login", s.remote_dam_url);
        let body = LoginRequest { user: s.distributor_user.clone(), password: s.distributor_password.clone() };
        let response = self.http.post(&url).json(&body).send().await.map_err(|e| unreachable(&s.remote_dam_url, e))?;
        match response.status() {
            StatusCode::OK => {}
            StatusCode::UNAUTHORIZED => return Err(RemoteError::BadCredentials),
            _ => return Err(refusal(response).await),
        }
        let cookie = response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.split(';').next().filter(|pair| pair.starts_with(&format!("{LOGIN_COOKIE}="))).map(str::to_owned))
            .ok_or_else(|| RemoteError::BadResponse("the login answer set no login-token cookie".into()))?;
        let me: Me = response.json().await.map_err(|e| RemoteError::BadResponse(format!("the login answer: {e}")))?;
        Ok(Session { dam_url: s.remote_dam_url.clone(), user: s.distributor_user.clone(), cookie, csrf: me.csrf_token })
    }

    /// Sends a request as the DAM distributor, logging in again once if the session
    /// has expired on the DAM.
    async fn send(&self, s: &ConnectedSettings, method: Method, href: &str, body: Option<&ReferenceDto>) -> Result<reqwest::Response, RemoteError> {
        for attempt in 0..2 {
            let session = self.session(s).await?;
            let url = dam_url(&s.remote_dam_url, href)?;
            let mut request = self.http.request(method.clone(), url).header(reqwest::header::COOKIE, &session.cookie);
            if method != Method::GET {
                request = request.header(CSRF_HEADER, &session.csrf);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request.send().await.map_err(|e| unreachable(&s.remote_dam_url, e))?;
            if response.status() == StatusCode::UNAUTHORIZED && attempt == 0 {
                self.forget_session();
                continue;
            }
            return Ok(response);
        }
        Err(RemoteError::BadCredentials)
    }

    pub async fn asset(&self, s: &ConnectedSettings, path: &DamPath) -> Result<AssetDto, RemoteError> {
        let response = self.send(s, Method::GET, &api_url("assets", path), None).await?;
        match response.status() {
            StatusCode::OK => response.json().await.map_err(|e| RemoteError::BadResponse(format!("the asset {path}: {e}"))),
            StatusCode::NOT_FOUND => Err(RemoteError::NotFound { path: path.clone() }),
            _ => Err(refusal(response).await),
        }
    }

    /// Streams one rendition into a staged blob; checks its size and, when the DAM
    /// gave one, its SHA-256.
    pub async fn download(
        &self,
        s: &ConnectedSettings,
        path: &DamPath,
        href: &str,
        expected: (Option<u64>, Option<&str>),
        blobs: &dyn BlobStore,
        progress: Arc<Progress>,
    ) -> Result<StagedBlob, RemoteError> {
        let response = self.send(s, Method::GET, href, None).await?;
        match response.status() {
            StatusCode::OK => {}
            StatusCode::NOT_FOUND => return Err(RemoteError::NotFound { path: path.clone() }),
            _ => return Err(refusal(response).await),
        }
        let limit = expected.0.or(response.content_length()).unwrap_or(u64::MAX);
        let stream = response
            .bytes_stream()
            .inspect_ok(|chunk| {
                progress.0.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            })
            .map_err(std::io::Error::other);
        let reader = tokio_util::io::StreamReader::new(stream);
        let pending = blobs.spool().receive(reader, limit, 0).await.map_err(|e| match e {
            RepoError::UploadInterrupted(e) => RemoteError::Interrupted(e.to_string()),
            RepoError::TooLarge { limit } => RemoteError::BadResponse(format!("{path}: more than the {limit} bytes announced")),
            other => RemoteError::Repo(other),
        })?;
        if expected.0.is_some_and(|size| size != pending.size()) {
            return Err(RemoteError::Interrupted(format!("{path}: {} of {} bytes arrived", pending.size(), expected.0.unwrap_or_default())));
        }
        if expected.1.is_some_and(|sha| sha != pending.hash().as_str()) {
            return Err(RemoteError::BadResponse(format!("{path}: the bytes do not match their SHA-256")));
        }
        Ok(pending)
    }

    /// Tells the DAM that a page of this Sites deployment uses (or no longer uses)
    /// one of its assets.
    pub async fn report_reference(&self, s: &ConnectedSettings, remote: &DamPath, page_path: &str, used: bool) -> Result<(), RemoteError> {
        let body = ReferenceDto { sites_url: Some(s.local_sites_url.clone()), page_path: page_path.to_owned() };
        let method = if used { Method::POST } else { Method::DELETE };
        let response = self.send(s, method, &api_url("references", remote), Some(&body)).await?;
        match response.status() {
            StatusCode::NO_CONTENT | StatusCode::OK => Ok(()),
            StatusCode::NOT_FOUND => Err(RemoteError::NotFound { path: remote.clone() }),
            _ => Err(refusal(response).await),
        }
    }
}

fn check(result: Result<String, String>) -> CheckResult {
    match result {
        Ok(message) => CheckResult { ok: true, message },
        Err(message) => CheckResult { ok: false, message },
    }
}

/// "Test connection": can this server reach the DAM, does the DAM accept the DAM
/// distributor, and will the DAM let authors' browsers on this site call it?
pub async fn test_connection(dam: &RemoteDam, s: &ConnectedSettings) -> ConnectionReport {
    let not_tried = || CheckResult { ok: false, message: "Not tried: the remote DAM cannot be reached.".into() };
    let reachable = match dam.http.get(format!("{}/api/deployment", s.remote_dam_url)).send().await {
        Ok(r) if r.status().is_success() => Ok(format!("{} answers.", s.remote_dam_url)),
        Ok(r) => Err(format!("{} answered HTTP {}.", s.remote_dam_url, r.status().as_u16())),
        Err(e) => Err(unreachable(&s.remote_dam_url, e).to_string()),
    };
    if reachable.is_err() {
        return ConnectionReport { reachable: check(reachable), authenticated: not_tried(), cors: not_tried() };
    }
    dam.forget_session();
    let authenticated = match dam.session(s).await {
        Ok(_) => Ok(format!("The DAM distributor {} is logged in.", s.distributor_user)),
        Err(e) => Err(e.to_string()),
    };
    let preflight = dam
        .http
        .request(Method::OPTIONS, format!("{}/api/search", s.remote_dam_url))
        .header(reqwest::header::ORIGIN, &s.local_sites_url)
        .header(reqwest::header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(reqwest::header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type, x-csrf-token")
        .send()
        .await;
    let cors = match preflight {
        Ok(r) => {
            let header = |name| r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let origin = header(reqwest::header::ACCESS_CONTROL_ALLOW_ORIGIN);
            let credentials = header(reqwest::header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
            if origin == s.local_sites_url && credentials == "true" {
                Ok(format!("The remote DAM allows {} with credentials.", s.local_sites_url))
            } else {
                Err(format!("The remote DAM does not allow {}: add it to the DAM's cors.allowed_origins.", s.local_sites_url))
            }
        }
        Err(e) => Err(unreachable(&s.remote_dam_url, e).to_string()),
    };
    ConnectionReport { reachable: check(reachable), authenticated: check(authenticated), cors: check(cors) }
}
