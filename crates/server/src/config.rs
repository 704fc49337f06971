//! The deployment's TOML config file, parsed and validated into [`Settings`].
//!
//! Every problem is reported with the key it concerns, so a bad file fails at start
//! with a message that says what to fix.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("{path}: `{key}`: {problem}")]
    Invalid { path: PathBuf, key: String, problem: String },
}

/// A deployment's roles: a Sites deployment hosts pages and the editor; an Assets
/// deployment serves its DAM to Sites deployments on other sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Sites,
    Assets,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Sites => "sites",
            Role::Assets => "assets",
        }
    }
}

/// The groups the seeds name; permissions are granted to groups.
pub const GROUPS: &[&str] = &["administrators", "authors", "dam-users"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    listen: String,
    public_origin: String,
    roles: Vec<Role>,
    data_dir: PathBuf,
    #[serde(default)]
    cors: RawCors,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    session: RawSession,
    #[serde(default)]
    users: Vec<RawUser>,
    connected_assets: Option<RawConnected>,
    /// A blob folder shared with other deployments (the "datastore shared with
    /// Connected Assets"): the same as `[blobs]` with `dir` and `shared = true`.
    blobs_dir: Option<PathBuf>,
    blobs: Option<RawBlobs>,
    storage: Option<RawStorage>,
    editor: Option<RawEditor>,
    #[serde(default)]
    jobs: RawJobs,
    /// Folders anyone may read without logging in.
    #[serde(default)]
    public_paths: Vec<String>,
    #[serde(default)]
    images: RawImages,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawImages {
    widths: Vec<u32>,
    quality: u8,
    max_concurrent_renders: usize,
    queue: usize,
    /// Extra crop shapes for the image editor, as "width:height".
    aspect_presets: Vec<String>,
}

impl Default for RawImages {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        RawImages { widths: vec![320, 640, 960, 1280, 1920], quality: 82, max_concurrent_renders: cores, queue: 32, aspect_presets: Vec::new() }
    }
}

/// The image policy: which widths edited images come in, and how they are made.
#[derive(Debug, Clone)]
pub struct ImagePolicy {
    /// Ascending.
    pub widths: Vec<u32>,
    pub quality: u8,
    pub max_concurrent_renders: usize,
    /// Renders that may wait for a slot before more get 503.
    pub queue: usize,
    /// Crop shapes added to the editor's built-in presets: (width, height).
    pub aspect_presets: Vec<(u32, u32)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJobs {
    /// Rendition workers; half the cores, at least one, when not set.
    workers: Option<usize>,
    max_attempts: Option<u32>,
    retry_delay_secs: Option<i64>,
    /// Seconds before another process of the deployment takes over a job.
    lease_secs: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCors {
    #[serde(default)]
    allowed_origins: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawLimits {
    max_upload_bytes: u64,
    max_image_pixels: u64,
    /// Pixels that renders may hold decoded at once, across workers.
    render_pixels: u64,
    /// Password checks that run at once; each holds argon2's working memory.
    login_checks: usize,
    /// Password checks that may wait; more logins get 429.
    login_queue: usize,
}

impl Default for RawLimits {
    fn default() -> Self {
        let d = tessera_repo::UploadLimits::default();
        let login = LoginLimits::default();
        RawLimits {
            max_upload_bytes: d.max_bytes,
            max_image_pixels: d.max_pixels,
            render_pixels: d.render_pixels,
            login_checks: login.concurrent_checks,
            login_queue: login.queue,
        }
    }
}

/// How many password checks run and wait at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    pub concurrent_checks: usize,
    pub queue: usize,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits { concurrent_checks: 2, queue: 32 }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawSession {
    ttl_minutes: u64,
}

impl Default for RawSession {
    fn default() -> Self {
        RawSession { ttl_minutes: 8 * 60 }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUser {
    name: String,
    password_hash: String,
    #[serde(default)]
    groups: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConnected {
    #[serde(default = "default_title")]
    title: String,
    remote_dam_url: String,
    #[serde(default)]
    distributor_user: String,
    #[serde(default)]
    distributor_password: String,
    #[serde(default = "default_mount_point")]
    mount_point: String,
    /// This deployment's public origin when not set.
    local_sites_url: Option<String>,
    #[serde(default = "default_threshold")]
    threshold_bytes: u64,
    #[serde(default)]
    shared_datastore: bool,
    /// The DAM's host name may resolve to private addresses (an intranet DAM).
    #[serde(default)]
    private_network: bool,
}

fn default_title() -> String {
    "Connected Assets".into()
}

fn default_mount_point() -> String {
    "/content/dam/connected".into()
}

fn default_threshold() -> u64 {
    20 * 1024 * 1024
}

/// The Connected Assets configuration of a Sites deployment: from the config file,
/// then as the administrator page changes it.
#[derive(Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct ConnectedSettings {
    pub title: String,
    /// The remote DAM's origin.
    pub remote_dam_url: String,
    pub distributor_user: String,
    pub distributor_password: String,
    pub mount_point: tessera_model::DamPath,
    pub local_sites_url: String,
    pub threshold_bytes: u64,
    pub shared_datastore: bool,
}

impl std::fmt::Debug for ConnectedSettings {
    // Never prints the password, so a logged configuration leaks nothing.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectedSettings")
            .field("title", &self.title)
            .field("remote_dam_url", &self.remote_dam_url)
            .field("distributor_user", &self.distributor_user)
            .field("mount_point", &self.mount_point)
            .field("local_sites_url", &self.local_sites_url)
            .field("threshold_bytes", &self.threshold_bytes)
            .field("shared_datastore", &self.shared_datastore)
            .finish_non_exhaustive()
    }
}

impl ConnectedSettings {
    /// Checks a configuration from the file or the administrator page and writes its
    /// origins as browsers send them; the error names the field to fix.
    pub fn validated(mut self) -> Result<Self, (&'static str, String)> {
        if self.title.trim().is_empty() || self.title.len() > 200 {
            return Err(("title", "must have 1 to 200 bytes".into()));
        }
        self.remote_dam_url = parse_origin(&self.remote_dam_url).map_err(|p| ("remote_dam_url", p))?;
        self.local_sites_url = parse_origin(&self.local_sites_url).map_err(|p| ("local_sites_url", p))?;
        if self.mount_point.is_root() {
            return Err(("mount_point", "must be a folder under /content/dam, not /content/dam itself".into()));
        }
        if self.distributor_user.len() > 64 || self.distributor_password.len() > 1024 {
            return Err(("distributor_user", "the user name has at most 64 bytes and the password at most 1024".into()));
        }
        if self.threshold_bytes == 0 {
            return Err(("threshold_bytes", "must be greater than 0".into()));
        }
        Ok(self)
    }
}

#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Backend {
    #[default]
    Sqlite,
    Postgres,
}

/// `[storage]`: where the catalog lives.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStorage {
    #[serde(default)]
    backend: Backend,
    url: Option<String>,
    pool_size: Option<u32>,
}

/// Where the catalog lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// `tessera.sqlite3` in the data directory: the embedded default.
    Sqlite,
    Postgres {
        url: DatabaseUrl,
        pool_size: u32,
    },
}

/// A PostgreSQL URL, which may hold a password: never printed whole.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(pub String);

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&tessera_repo_postgres::redacted(&self.0))
    }
}

fn storage_settings(raw: Option<RawStorage>) -> Result<Storage, Problem> {
    let Some(raw) = raw else {
        return Ok(Storage::Sqlite);
    };
    match raw.backend {
        Backend::Sqlite => match (raw.url, raw.pool_size) {
            (Some(_), _) => Err(Problem::key("storage.url", "only backend = \"postgres\" has a URL; SQLite lives in the data directory")),
            (_, Some(_)) => Err(Problem::key("storage.pool_size", "only backend = \"postgres\" has a pool")),
            (None, None) => Ok(Storage::Sqlite),
        },
        Backend::Postgres => {
            let url =
                raw.url.ok_or_else(|| Problem::key("storage.url", "is required for backend = \"postgres\" (postgres://user:password@host:port/database)"))?;
            tessera_repo_postgres::check_url(&url).map_err(|why| Problem::key("storage.url", why))?;
            let pool_size = raw.pool_size.unwrap_or(16);
            if !(1..=1000).contains(&pool_size) {
                return Err(Problem::key("storage.pool_size", "must be from 1 to 1000"));
            }
            Ok(Storage::Postgres { url: DatabaseUrl(url), pool_size })
        }
    }
}

#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum StoreKind {
    #[default]
    Disk,
    S3,
}

/// `[blobs]`: where blobs are stored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlobs {
    #[serde(default)]
    store: StoreKind,
    /// Other deployments store their blobs here too, so none is ever deleted.
    #[serde(default)]
    shared: bool,
    /// Disk: the folder (`blobs/` in the data directory when not set).
    dir: Option<PathBuf>,
    bucket: Option<String>,
    prefix: Option<String>,
    endpoint: Option<String>,
    region: Option<String>,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
}

fn blob_settings(raw: RawBlobs, base: &Path) -> Result<tessera_repo::Blobs, Problem> {
    let store_use = if raw.shared { tessera_repo::StoreUse::Shared } else { tessera_repo::StoreUse::OwnedByThisDeployment };
    if raw.store == StoreKind::Disk {
        let s3_key = [("bucket", &raw.bucket), ("prefix", &raw.prefix), ("endpoint", &raw.endpoint), ("region", &raw.region)]
            .into_iter()
            .chain([("access_key_id", &raw.access_key_id), ("secret_access_key", &raw.secret_access_key)])
            .find(|(_, v)| v.is_some());
        if let Some((key, _)) = s3_key {
            return Err(Problem::key(format!("blobs.{key}"), "only a store = \"s3\" has this key"));
        }
        return Ok(tessera_repo::Blobs::Disk { dir: raw.dir.map(|d| base.join(d)), store_use });
    }
    if raw.dir.is_some() {
        return Err(Problem::key("blobs.dir", "only a store = \"disk\" has a folder; an S3 store has `bucket` and `prefix`"));
    }
    let bucket = raw.bucket.ok_or_else(|| Problem::key("blobs.bucket", "is required for store = \"s3\""))?;
    let valid_bucket = (3..=63).contains(&bucket.len())
        && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
        && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !valid_bucket {
        return Err(Problem::key("blobs.bucket", format!("{bucket:?} is not a bucket name (3 to 63 lowercase letters, digits, dots and hyphens)")));
    }
    let prefix = raw.prefix.unwrap_or_default().trim_matches('/').to_owned();
    if prefix.split('/').any(|p| p == "." || p == "..") || prefix.contains("//") || prefix.contains('\\') {
        return Err(Problem::key("blobs.prefix", format!("{prefix:?} is not a prefix such as \"tessera/blobs\"")));
    }
    let endpoint = raw.endpoint.map(|e| parse_origin(&e).map_err(|p| Problem::key("blobs.endpoint", p))).transpose()?;
    let region = raw.region.unwrap_or_else(|| "us-east-1".to_owned());
    if region.is_empty() || !region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(Problem::key("blobs.region", format!("{region:?} is not a region such as \"us-east-1\"")));
    }
    match (&raw.access_key_id, &raw.secret_access_key) {
        (Some(_), None) => return Err(Problem::key("blobs.secret_access_key", "is required with access_key_id")),
        (None, Some(_)) => return Err(Problem::key("blobs.access_key_id", "is required with secret_access_key")),
        _ => {}
    }
    let settings = tessera_repo::S3Settings { bucket, prefix, endpoint, region, access_key_id: raw.access_key_id, secret_access_key: raw.secret_access_key };
    Ok(tessera_repo::Blobs::S3 { settings, store_use })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEditor {
    www_dir: PathBuf,
    pkg_dir: PathBuf,
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    /// `scheme://host[:port]`, as browsers send it in `Origin`.
    pub public_origin: String,
    pub roles: Vec<Role>,
    pub data_dir: PathBuf,
    pub allowed_origins: Vec<String>,
    pub limits: tessera_repo::UploadLimits,
    pub login: LoginLimits,
    pub session_ttl_secs: i64,
    pub users: Vec<User>,
    /// For a Sites deployment: Connected Assets as the config file has it.
    pub connected: Option<ConnectedSettings>,
    /// Where a DAM host name may resolve to; only the config file sets it.
    pub dam_network: crate::connected::DamNetwork,
    pub blobs: tessera_repo::Blobs,
    pub storage: Storage,
    pub editor: Option<EditorFiles>,
    pub jobs: tessera_repo::JobSettings,
    pub public_paths: Vec<tessera_model::DamPath>,
    pub images: ImagePolicy,
}

#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub password_hash: String,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EditorFiles {
    pub www_dir: PathBuf,
    pub pkg_dir: PathBuf,
}

impl Settings {
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Settings::parse(&text, base).map_err(|e| e.at(path))
    }

    /// Parses config text; relative paths in it are taken from `base`.
    pub fn parse(text: &str, base: &Path) -> Result<Settings, Problem> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| Problem::Syntax(e.to_string()))?;
        let listen = raw.listen.parse().map_err(|_| Problem::key("listen", format!("{:?} is not an address such as 127.0.0.1:4502", raw.listen)))?;
        let public_origin = parse_origin(&raw.public_origin).map_err(|p| Problem::key("public_origin", p))?;
        if raw.roles.is_empty() {
            return Err(Problem::key("roles", "name at least one role: \"sites\", \"assets\" or both"));
        }
        let allowed_origins = raw
            .cors
            .allowed_origins
            .iter()
            .enumerate()
            .map(|(i, o)| parse_origin(o).map_err(|p| Problem::key(format!("cors.allowed_origins[{i}]"), p)))
            .collect::<Result<Vec<_>, _>>()?;
        if raw.limits.max_upload_bytes == 0 {
            return Err(Problem::key("limits.max_upload_bytes", "must be greater than 0"));
        }
        if raw.limits.render_pixels == 0 {
            return Err(Problem::key("limits.render_pixels", "must be greater than 0"));
        }
        if raw.limits.login_checks == 0 {
            return Err(Problem::key("limits.login_checks", "must be greater than 0"));
        }
        if raw.limits.max_image_pixels == 0 {
            return Err(Problem::key("limits.max_image_pixels", "must be greater than 0"));
        }
        if raw.session.ttl_minutes == 0 || raw.session.ttl_minutes > 60 * 24 * 30 {
            return Err(Problem::key("session.ttl_minutes", "must be between 1 and 43200 (30 days)"));
        }
        let users = raw.users.into_iter().enumerate().map(|(i, u)| validate_user(i, u)).collect::<Result<Vec<_>, _>>()?;
        if let Some(dup) = users.iter().enumerate().find(|(i, u)| users[..*i].iter().any(|v| v.name == u.name)) {
            return Err(Problem::key(format!("users[{}].name", dup.0), format!("{:?} is listed twice", dup.1.name)));
        }
        let is_sites = raw.roles.contains(&Role::Sites);
        let dam_network = match &raw.connected_assets {
            Some(c) if c.private_network => crate::connected::DamNetwork::PrivateAllowed,
            _ => crate::connected::DamNetwork::PublicOnly,
        };
        let connected = match (raw.connected_assets, is_sites) {
            (Some(c), true) => Some(connected_settings(c, &public_origin)?),
            (None, true) => return Err(Problem::key("connected_assets.remote_dam_url", "is required for a deployment with the \"sites\" role")),
            (Some(_), false) => return Err(Problem::key("connected_assets", "only a deployment with the \"sites\" role has this table")),
            (None, false) => None,
        };
        let storage = storage_settings(raw.storage)?;
        let blobs = match (raw.blobs_dir, raw.blobs) {
            (Some(_), Some(_)) => return Err(Problem::key("blobs_dir", "say where blobs go once: in `[blobs]` (dir and shared = true) or in blobs_dir")),
            (Some(dir), None) => tessera_repo::Blobs::Disk { dir: Some(base.join(dir)), store_use: tessera_repo::StoreUse::Shared },
            (None, Some(raw)) => blob_settings(raw, base)?,
            (None, None) => tessera_repo::Blobs::OWN,
        };
        let editor = match (raw.editor, is_sites) {
            (Some(e), true) => Some(EditorFiles { www_dir: base.join(e.www_dir), pkg_dir: base.join(e.pkg_dir) }),
            (None, true) => return Err(Problem::key("editor", "is required for a deployment with the \"sites\" role (www_dir, pkg_dir)")),
            // An Assets deployment serves the Assets console from the same files.
            (Some(e), false) => Some(EditorFiles { www_dir: base.join(e.www_dir), pkg_dir: base.join(e.pkg_dir) }),
            (None, false) => None,
        };
        let defaults = tessera_repo::JobSettings::default();
        let jobs = tessera_repo::JobSettings {
            workers: raw.jobs.workers.unwrap_or(defaults.workers),
            max_attempts: raw.jobs.max_attempts.unwrap_or(defaults.max_attempts),
            retry_delay_secs: raw.jobs.retry_delay_secs.unwrap_or(defaults.retry_delay_secs),
            lease_secs: raw.jobs.lease_secs.unwrap_or(defaults.lease_secs),
        };
        if jobs.workers == 0 || jobs.workers > 64 {
            return Err(Problem::key("jobs.workers", "must be between 1 and 64"));
        }
        if jobs.max_attempts == 0 || jobs.max_attempts > 10 {
            return Err(Problem::key("jobs.max_attempts", "must be between 1 and 10"));
        }
        if !(0..=3600).contains(&jobs.retry_delay_secs) {
            return Err(Problem::key("jobs.retry_delay_secs", "must be between 0 and 3600"));
        }
        if !(2..=86_400).contains(&jobs.lease_secs) {
            return Err(Problem::key("jobs.lease_secs", "must be between 2 and 86400"));
        }
        let public_paths = raw
            .public_paths
            .iter()
            .enumerate()
            .map(|(i, p)| tessera_model::DamPath::parse(p).map_err(|e| Problem::key(format!("public_paths[{i}]"), format!("{p:?}: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let mut widths = raw.images.widths.clone();
        widths.sort_unstable();
        widths.dedup();
        if widths.is_empty() || widths.len() > 16 || widths.iter().any(|w| !(16..=8192).contains(w)) {
            return Err(Problem::key("images.widths", "list 1 to 16 widths from 16 to 8192 pixels"));
        }
        if !(1..=100).contains(&raw.images.quality) {
            return Err(Problem::key("images.quality", "must be from 1 to 100"));
        }
        if raw.images.max_concurrent_renders == 0 {
            return Err(Problem::key("images.max_concurrent_renders", "must be at least 1"));
        }
        let aspect_presets = raw
            .images
            .aspect_presets
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let parsed = p.split_once(':').and_then(|(w, h)| Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?)));
                match parsed {
                    Some((w, h)) if (1..=100).contains(&w) && (1..=100).contains(&h) => Ok((w, h)),
                    _ => Err(Problem::key(format!("images.aspect_presets[{i}]"), format!("{p:?} is not a shape such as \"21:9\" (sizes from 1 to 100)"))),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let images = ImagePolicy {
            aspect_presets,
            widths,
            quality: raw.images.quality,
            max_concurrent_renders: raw.images.max_concurrent_renders,
            queue: raw.images.queue,
        };
        Ok(Settings {
            images,
            public_paths,
            jobs,
            listen,
            public_origin,
            roles: raw.roles,
            data_dir: base.join(raw.data_dir),
            allowed_origins,
            limits: tessera_repo::UploadLimits {
                max_bytes: raw.limits.max_upload_bytes,
                max_pixels: raw.limits.max_image_pixels,
                render_pixels: raw.limits.render_pixels,
            },
            login: LoginLimits { concurrent_checks: raw.limits.login_checks, queue: raw.limits.login_queue },
            session_ttl_secs: raw.session.ttl_minutes as i64 * 60,
            users,
            connected,
            dam_network,
            blobs,
            storage,
            editor,
        })
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }
}

fn connected_settings(c: RawConnected, public_origin: &str) -> Result<ConnectedSettings, Problem> {
    let settings = ConnectedSettings {
        title: c.title,
        remote_dam_url: c.remote_dam_url,
        distributor_user: c.distributor_user,
        distributor_password: c.distributor_password,
        mount_point: tessera_model::DamPath::parse(&c.mount_point)
            .map_err(|e| Problem::key("connected_assets.mount_point", format!("{:?}: {e}", c.mount_point)))?,
        local_sites_url: c.local_sites_url.unwrap_or_else(|| public_origin.to_owned()),
        threshold_bytes: c.threshold_bytes,
        shared_datastore: c.shared_datastore,
    };
    settings.validated().map_err(|(key, problem)| Problem::key(format!("connected_assets.{key}"), problem))
}

fn validate_user(i: usize, u: RawUser) -> Result<User, Problem> {
    if u.name.is_empty() || u.name.len() > 64 || !u.name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c)) {
        return Err(Problem::key(format!("users[{i}].name"), "use 1 to 64 letters, digits, `-`, `_`, `.` or `@`"));
    }
    match argon2::PasswordHash::new(&u.password_hash) {
        Ok(h) if h.algorithm.as_str() == "argon2id" => {}
        _ => return Err(Problem::key(format!("users[{i}].password_hash"), "is not an argon2id hash; make one with `tessera-server hash-password`")),
    }
    if let Some(g) = u.groups.iter().find(|g| !GROUPS.contains(&g.as_str())) {
        return Err(Problem::key(format!("users[{i}].groups"), format!("unknown group {g:?} (known: {})", GROUPS.join(", "))));
    }
    Ok(User { name: u.name, password_hash: u.password_hash, groups: u.groups })
}

/// A config problem before the file's path is known.
#[derive(Debug)]
pub enum Problem {
    Syntax(String),
    Key { key: String, problem: String },
}

impl Problem {
    fn key(key: impl Into<String>, problem: impl Into<String>) -> Problem {
        Problem::Key { key: key.into(), problem: problem.into() }
    }

    fn at(self, path: &Path) -> ConfigError {
        match self {
            Problem::Syntax(message) => ConfigError::Syntax { path: path.to_owned(), message },
            Problem::Key { key, problem } => ConfigError::Invalid { path: path.to_owned(), key, problem },
        }
    }
}

/// Normalises an exact web origin: `http` or `https`, a host, an optional port, and
/// nothing else. Default ports are dropped because browsers drop them in `Origin`.
pub fn parse_origin(raw: &str) -> Result<String, String> {
    let explain = |why: &str| format!("{raw:?} is not an origin such as https://sites.example.com:4502 ({why})");
    if raw.contains('*') {
        return Err(explain("wildcards are not allowed; list each origin"));
    }
    let (scheme, rest) = raw.split_once("://").ok_or_else(|| explain("no scheme"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(explain("the scheme must be http or https"));
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
        return Err(explain("only a host and a port may follow the scheme"));
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, _)) if !h.ends_with(']') && h.contains(':') => (rest, None), // bare IPv6, no port
        Some((h, p)) => (h, Some(p.parse::<u16>().map_err(|_| explain("the port is not a number from 0 to 65535"))?)),
        None => (rest, None),
    };
    if host.is_empty() {
        return Err(explain("the host is empty"));
    }
    let host = host.to_ascii_lowercase();
    let default_port = if scheme == "http" { 80 } else { 443 };
    Ok(match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$3Q1tWxHnJ1n8CpV4Z7oJ6qN8hY6m4b5oV4xg1b6d2wM";

    fn assets_config(extra: &str) -> String {
        format!("listen = \"127.0.0.1:4503\"\npublic_origin = \"http://127.0.0.1:4503\"\nroles = [\"assets\"]\ndata_dir = \"data\"\n{extra}")
    }

    fn problem_key(text: &str) -> String {
        match Settings::parse(text, Path::new("/srv")) {
            Err(Problem::Key { key, .. }) => key,
            Err(Problem::Syntax(m)) => format!("syntax: {m}"),
            Ok(_) => "accepted".into(),
        }
    }

    #[test]
    fn a_complete_assets_config_is_accepted() {
        let text = assets_config(&format!(
            "[cors]\nallowed_origins = [\"http://localhost:4502/\"]\n[[users]]\nname = \"ksaner\"\npassword_hash = \"{HASH}\"\ngroups = [\"authors\"]\n"
        ));
        let s = Settings::parse(&text, Path::new("/srv")).unwrap();
        assert_eq!(s.allowed_origins, ["http://localhost:4502"]);
        assert_eq!(s.data_dir, Path::new("/srv/data"));
        assert_eq!(s.user("ksaner").unwrap().groups, ["authors"]);
        assert!(s.has_role(Role::Assets) && !s.has_role(Role::Sites));
    }

    #[test]
    fn each_bad_key_is_named() {
        assert_eq!(problem_key(&assets_config("").replace("127.0.0.1:4503\"\npublic", "nowhere\"\npublic")), "listen");
        assert_eq!(problem_key(&assets_config("[cors]\nallowed_origins = [\"*\"]")), "cors.allowed_origins[0]");
        assert_eq!(problem_key(&assets_config("[cors]\nallowed_origins = [\"http://a.example/path\"]")), "cors.allowed_origins[0]");
        assert_eq!(problem_key(&assets_config("[[users]]\nname = \"a\"\npassword_hash = \"plaintext\"")), "users[0].password_hash");
        assert_eq!(problem_key(&assets_config(&format!("[[users]]\nname = \"a\"\npassword_hash = \"{HASH}\"\ngroups = [\"autors\"]"))), "users[0].groups");
        assert_eq!(problem_key(&assets_config("[limits]\nmax_upload_bytes = 0")), "limits.max_upload_bytes");
        assert_eq!(problem_key(&assets_config("[images]\naspect_presets = [\"21:9\", \"wide\"]")), "images.aspect_presets[1]");
        assert_eq!(problem_key(&assets_config("[images]\nwidths = [5]")), "images.widths");
        assert_eq!(problem_key(&assets_config("[connected_assets]\nremote_dam_url = \"http://x\"")), "connected_assets");
        let sites = assets_config("").replace("[\"assets\"]", "[\"sites\"]");
        assert_eq!(problem_key(&sites), "connected_assets.remote_dam_url");
    }

    #[test]
    fn blob_stores_are_checked_key_by_key() {
        let s3 = |rest: &str| assets_config(&format!("[blobs]\nstore = \"s3\"\n{rest}"));
        assert_eq!(problem_key(&s3("")), "blobs.bucket");
        assert_eq!(problem_key(&s3("bucket = \"Bad_Name\"")), "blobs.bucket");
        assert_eq!(problem_key(&s3("bucket = \"media\"\nendpoint = \"ftp://x\"")), "blobs.endpoint");
        assert_eq!(problem_key(&s3("bucket = \"media\"\nprefix = \"a/../b\"")), "blobs.prefix");
        assert_eq!(problem_key(&s3("bucket = \"media\"\naccess_key_id = \"k\"")), "blobs.secret_access_key");
        assert_eq!(problem_key(&s3("bucket = \"media\"\ndir = \"x\"")), "blobs.dir");
        assert_eq!(problem_key(&assets_config("[blobs]\nbucket = \"media\"")), "blobs.bucket", "a disk store has no bucket");
        assert_eq!(problem_key(&assets_config("blobs_dir = \"shared\"\n[blobs]\nshared = true")), "blobs_dir");
        assert!(problem_key(&s3("bucket = \"media\"\nstore_kind = 1")).starts_with("syntax:"));

        let parsed =
            Settings::parse(&s3("bucket = \"media\"\nprefix = \"/tessera/\"\nendpoint = \"http://127.0.0.1:8333/\"\nshared = true"), Path::new("/srv"))
                .unwrap();
        let expected = tessera_repo::S3Settings {
            bucket: "media".into(),
            prefix: "tessera".into(),
            endpoint: Some("http://127.0.0.1:8333".into()),
            region: "us-east-1".into(),
            access_key_id: None,
            secret_access_key: None,
        };
        assert_eq!(parsed.blobs, tessera_repo::Blobs::S3 { settings: expected, store_use: tessera_repo::StoreUse::Shared });
        let disk = Settings::parse(&assets_config("[blobs]\ndir = \"media\""), Path::new("/srv")).unwrap();
        assert_eq!(disk.blobs, tessera_repo::Blobs::Disk { dir: Some("/srv/media".into()), store_use: tessera_repo::StoreUse::OwnedByThisDeployment });
    }

    #[test]
    fn syntax_and_unknown_keys_are_reported_with_their_name() {
        let msg = problem_key(&assets_config("lisen = 1"));
        assert!(msg.starts_with("syntax:") && msg.contains("lisen"), "{msg}");
        let msg = problem_key("listen = \"127.0.0.1:1\"");
        assert!(msg.contains("public_origin"), "{msg}");
    }

    #[test]
    fn origins_are_normalised_exactly() {
        assert_eq!(parse_origin("HTTP://LocalHost:4502/").unwrap(), "http://localhost:4502");
        assert_eq!(parse_origin("https://a.example:443").unwrap(), "https://a.example");
        assert_eq!(parse_origin("http://[::1]:8080").unwrap(), "http://[::1]:8080");
        assert!(parse_origin("ftp://a.example").is_err());
        assert!(parse_origin("http://a.example:99999").is_err());
        assert!(parse_origin("http://user@a.example").is_err());
        assert!(parse_origin("a.example").is_err());
    }
}
