//! Who is asking, and may they? Sessions behind the `login-token` cookie, CSRF tokens
//! for unsafe methods, and [`authorize`], the one permission check every handler makes.

use axum::extract::{OriginalUri, Request, State};
use axum::http::StatusCode;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tessera_model::{Access, DamPath, PagePath, Policy, CSRF_HEADER, LOGIN_COOKIE};
use tessera_repo::{unix_now, ReadScope, SessionRecord};

use crate::error::AppError;
pub use crate::password::{hash_password, verify_password};
use crate::state::AppState;

/// The caller of a request, put into the request's extensions by [`authenticate`].
#[derive(Debug, Clone)]
pub enum Principal {
    Anonymous,
    User(AuthenticatedUser),
}

#[derive(Debug, Clone)]
pub struct AuthenticatedUser {
    pub name: String,
    pub groups: Vec<String>,
    pub session: SessionRecord,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Write,
    /// Change permissions: administrators only.
    Administer,
}

/// Who passed authorization.
#[derive(Debug, Clone, Copy)]
pub enum Caller<'p> {
    Anonymous,
    User(&'p AuthenticatedUser),
}

impl Caller<'_> {
    /// Whether the caller is in the administrators group.
    pub fn is_administrator(&self) -> bool {
        matches!(self, Caller::User(u) if u.groups.iter().any(|g| g == "administrators"))
    }

    /// The name recorded as creator or modifier.
    pub fn name(&self) -> &str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::User(u) => &u.name,
        }
    }
}

/// What a request acts on.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Dam(&'a DamPath),
    Page(&'a PagePath),
}

impl std::fmt::Display for Target<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Dam(p) => p.fmt(f),
            Target::Page(p) => p.fmt(f),
        }
    }
}

impl<'a> From<&'a DamPath> for Target<'a> {
    fn from(p: &'a DamPath) -> Self {
        Target::Dam(p)
    }
}

impl<'a> From<&'a PagePath> for Target<'a> {
    fn from(p: &'a PagePath) -> Self {
        Target::Page(p)
    }
}

/// The one authorization decision, for a single target.
pub fn authorize<'p, 'a>(state: &AppState, principal: &'p Principal, action: Action, target: impl Into<Target<'a>>) -> Result<Caller<'p>, AppError> {
    authorize_all(state, principal, action, &[target.into()])
}

/// The one authorization decision: may `principal` do `action` on every one of
/// `targets`? Folder permissions of the caller's groups decide, inherited down the
/// tree; anonymous callers may read public folders and nothing else. What a caller
/// may not read answers 404, as if it were not there.
pub fn authorize_all<'p>(state: &AppState, principal: &'p Principal, action: Action, targets: &[Target<'_>]) -> Result<Caller<'p>, AppError> {
    let policy = policy(state);
    let user = match principal {
        Principal::User(user) => user,
        Principal::Anonymous => {
            let may = action == Action::Read && targets.iter().all(|t| matches!(t, Target::Dam(p) if policy.anonymous_access(p) >= Access::Read));
            return if may { Ok(Caller::Anonymous) } else { Err(AppError::unauthenticated()) };
        }
    };
    if action == Action::Administer {
        return if user.groups.iter().any(|g| g == "administrators") {
            Ok(Caller::User(user))
        } else {
            Err(AppError::forbidden("Only administrators may change permissions."))
        };
    }
    let read_only = state.connected.as_ref().map(|c| c.mount_point());
    for target in targets {
        if let (Action::Write, Target::Dam(path), Some(mount)) = (action, target, &read_only) {
            if tessera_model::access::is_within(path, mount) {
                return Err(AppError::refused(
                    StatusCode::FORBIDDEN,
                    "read_only_copy",
                    format!("{mount} holds read-only copies of remote assets: they cannot be changed, replaced or moved here. Drag an asset from the remote DAM again to update its copy."),
                ));
            }
        }
        let access = match target {
            Target::Dam(path) => policy.access(&user.groups, path),
            // Pages: every user reads, the groups that write the DAM write pages.
            Target::Page(_) => policy.access(&user.groups, &DamPath::root()).max(Access::Read),
        };
        if access == Access::None {
            return Err(AppError::refused(StatusCode::NOT_FOUND, "not_found", format!("{target} does not exist")));
        }
        if action == Action::Write && access < Access::Write {
            return Err(AppError::forbidden(format!("You may read {target} but not change it.")));
        }
    }
    Ok(Caller::User(user))
}

/// What the caller may read, for filtering lists and search results exactly as
/// [`authorize_all`] decides single requests.
pub fn read_scope(state: &AppState, principal: &Principal) -> ReadScope {
    let policy = policy(state);
    match principal {
        Principal::User(user) => ReadScope::for_groups(&policy, &user.groups),
        Principal::Anonymous => ReadScope::anonymous(&policy),
    }
}

fn policy(state: &AppState) -> Policy {
    Policy { rules: state.repo.permission_rules(), public: state.settings.public_paths.clone() }
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random number generator is available");
    hex::encode(bytes)
}

/// Sessions are stored by the SHA-256 of their token, never by the token itself.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn login_cookie(token: &str, max_age_secs: i64) -> String {
    // Partitioned (CHIPS): browsers that block third-party cookies still keep this one
    // for the cross-site calls from the Sites deployment's editor.
    format!("{LOGIN_COOKIE}={token}; HttpOnly; Secure; SameSite=None; Partitioned; Path=/; Max-Age={max_age_secs}")
}

pub fn cleared_login_cookie() -> String {
    login_cookie("", 0)
}

pub fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == LOGIN_COOKIE && !value.is_empty())
        .map(|(_, value)| value)
}

/// The one unsafe operation that needs no CSRF token.
pub const LOGIN_PATH: &str = "/api/login";

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Resolves the `login-token` cookie to a [`Principal`] and, for unsafe methods from
/// a logged-in session, requires the session's CSRF token in `x-csrf-token`.
pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Result<Response, AppError> {
    let principal = match cookie_token(request.headers()) {
        Some(token) => match state.repo.session(&token_hash(token), unix_now()).await? {
            Some(session) => match state.settings.user(&session.user) {
                Some(user) => Principal::User(AuthenticatedUser { name: user.name.clone(), groups: user.groups.clone(), session }),
                // The user was removed from the config since logging in.
                None => Principal::Anonymous,
            },
            None => Principal::Anonymous,
        },
        None => Principal::Anonymous,
    };
    // Logging in needs no token: there may be no session yet, and a session that
    // exists is replaced by the new one. The router is nested under /api, so the
    // request's own URI lacks the prefix: compare the one the client sent.
    let path = request.extensions().get::<OriginalUri>().map_or_else(|| request.uri().path(), |original| original.path());
    let exempt = path == LOGIN_PATH;
    if let Principal::User(user) = &principal {
        if is_unsafe(request.method()) && !exempt {
            let sent = request.headers().get(CSRF_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
            if !bool::from(sent.ct_eq(user.session.csrf_token.as_bytes())) {
                return Err(AppError::forbidden("The request is missing its CSRF token. Reload the page and try again.").with_code("csrf_token_invalid"));
            }
        }
    }
    request.extensions_mut().insert(principal);
    Ok(next.run(request).await)
}

impl AppError {
    fn with_code(self, new_code: &'static str) -> Self {
        match self {
            AppError::Refused { status, message, .. } => AppError::Refused { status, code: new_code, message },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_login_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; login-token=abc; b=2".parse().unwrap());
        assert_eq!(cookie_token(&headers), Some("abc"));
        headers.insert(header::COOKIE, "login-token=; x=1".parse().unwrap());
        assert_eq!(cookie_token(&headers), None);
    }

    #[test]
    fn the_cookie_is_partitioned_and_http_only() {
        let c = login_cookie("t", 60);
        for part in ["login-token=t", "HttpOnly", "Secure", "SameSite=None", "Partitioned", "Path=/", "Max-Age=60"] {
            assert!(c.split("; ").any(|p| p == part), "{part} missing from {c}");
        }
    }
}
