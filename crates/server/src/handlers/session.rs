//! `/api/login`, `/api/logout`, `/api/me`.

use std::net::SocketAddr;
use std::time::Duration;
use tessera_model::ErrorBody;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::{Extension, Json};
use tessera_model::{LoginRequest, Me, SessionStatus};
use tessera_repo::{unix_now, SessionRecord};

use crate::auth::{cleared_login_cookie, login_cookie, random_token, token_hash, Principal};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::state::AppState;
use crate::throttle::Attempt;

/// One message for a wrong name and a wrong password alike.
const BAD_CREDENTIALS: &str = "The user name or password is not correct.";

/// Logs in. A caller who already has a session gets a new one in its place: the old
/// token and CSRF token stop working. Failed attempts are throttled per account and
/// per address, and password checks wait in a bounded queue: both refuse with 429.
#[utoipa::path(
    post,
    path = "/login",
    tag = "Session",
    summary = "Log in; sets the login-token cookie",
    request_body = LoginRequest,
    responses((status = 200, description = "OK", body = Me), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody))
)]
pub async fn login(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, AppError> {
    if req.user.len() > 256 || req.password.len() > 1024 {
        return Err(AppError::refused(StatusCode::UNAUTHORIZED, "invalid_credentials", BAD_CREDENTIALS));
    }
    let attempt = Attempt::new(&req.user, client.map(|Extension(ConnectInfo(addr))| addr.ip()));
    if let Some(wait) = state.login_throttle.wait(&attempt) {
        return Ok(try_later("too_many_logins", "Too many failed logins. Wait a moment, then try again.", wait));
    }
    let user = state.settings.user(&req.user).cloned();
    let hash = user.as_ref().map_or_else(|| state.decoy_hash.as_str().to_owned(), |u| u.password_hash.clone());
    let Ok(matches) = state.passwords.verify(req.password, hash).await else {
        return Ok(try_later("login_busy", "The server is checking many logins right now. Try again in a moment.", Duration::from_secs(2)));
    };
    let user = match (user, matches) {
        (Some(user), true) => user,
        _ => {
            state.login_throttle.failed(&attempt);
            return Err(AppError::refused(StatusCode::UNAUTHORIZED, "invalid_credentials", BAD_CREDENTIALS));
        }
    };
    state.login_throttle.succeeded(&attempt);
    let token = random_token();
    let session = SessionRecord {
        token_hash: token_hash(&token),
        user: user.name.clone(),
        csrf_token: random_token(),
        expires_at: unix_now() + state.settings.session_ttl_secs,
    };
    state.repo.create_session(session.clone()).await?;
    if let Principal::User(previous) = &principal {
        state.repo.delete_session(&previous.session.token_hash).await?;
    }
    tracing::info!(user = %user.name, "logged in");
    let me = Me { user: user.name, groups: user.groups, csrf_token: session.csrf_token };
    Ok((AppendHeaders([(header::SET_COOKIE, login_cookie(&token, state.settings.session_ttl_secs))]), Json(me)).into_response())
}

/// 429 with `Retry-After` in whole seconds (at least one).
fn try_later(code: &'static str, message: &str, wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut r = AppError::refused(StatusCode::TOO_MANY_REQUESTS, code, message).into_response();
    r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    r
}

#[utoipa::path(
    post,
    path = "/logout",
    tag = "Session",
    summary = "End the session",
    responses((status = 204, description = "Done"), (status = 403, body = ErrorBody))
)]
pub async fn logout(State(state): State<AppState>, Extension(principal): Extension<Principal>) -> Result<impl IntoResponse, AppError> {
    if let Principal::User(user) = principal {
        state.repo.delete_session(&user.session.token_hash).await?;
    }
    Ok((StatusCode::NO_CONTENT, AppendHeaders([(header::SET_COOKIE, cleared_login_cookie())])))
}

#[utoipa::path(
    get,
    path = "/me",
    tag = "Session",
    summary = "The logged-in user",
    responses((status = 200, description = "OK", body = Me), (status = 401, body = ErrorBody))
)]
pub async fn me(Extension(principal): Extension<Principal>) -> Result<Json<Me>, AppError> {
    match principal {
        Principal::User(u) => Ok(Json(Me { user: u.name, groups: u.groups, csrf_token: u.session.csrf_token })),
        Principal::Anonymous => Err(AppError::unauthenticated()),
    }
}

/// `GET /api/session`: the logged-in user, or `null`; always 200.
#[utoipa::path(
    get,
    path = "/session",
    tag = "Session",
    summary = "Who is logged in: the user, or null (never 401)",
    responses((status = 200, description = "OK", body = SessionStatus))
)]
pub async fn status(Extension(principal): Extension<Principal>) -> Json<SessionStatus> {
    let user = match principal {
        Principal::User(u) => Some(Me { user: u.name, groups: u.groups, csrf_token: u.session.csrf_token }),
        Principal::Anonymous => None,
    };
    Json(SessionStatus { user })
}
