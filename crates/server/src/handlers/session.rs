//! `/api/login`, `/api/logout`, `/api/me`.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{AppendHeaders, IntoResponse};
use axum::{Extension, Json};
use tessera_model::{LoginRequest, Me};
use tessera_repo::{unix_now, SessionRecord};

use crate::auth::{cleared_login_cookie, login_cookie, random_token, token_hash, verify_password, Principal};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::state::AppState;

/// One message for a wrong name and a wrong password alike.
const BAD_CREDENTIALS: &str = "The user name or password is not correct.";

pub async fn login(State(state): State<AppState>, ApiJson(req): ApiJson<LoginRequest>) -> Result<impl IntoResponse, AppError> {
    if req.user.len() > 256 || req.password.len() > 1024 {
        return Err(AppError::refused(StatusCode::UNAUTHORIZED, "invalid_credentials", BAD_CREDENTIALS));
    }
    let user = state.settings.user(&req.user).cloned();
    let hash = user.as_ref().map_or_else(|| state.decoy_hash.as_str().to_owned(), |u| u.password_hash.clone());
    let password = req.password;
    let matches =
        tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.map_err(|e| AppError::Internal(format!("password check failed: {e}")))?;
    let user = match (user, matches) {
        (Some(user), true) => user,
        _ => return Err(AppError::refused(StatusCode::UNAUTHORIZED, "invalid_credentials", BAD_CREDENTIALS)),
    };
    let token = random_token();
    let session = SessionRecord {
        token_hash: token_hash(&token),
        user: user.name.clone(),
        csrf_token: random_token(),
        expires_at: unix_now() + state.settings.session_ttl_secs,
    };
    state.repo.create_session(session.clone()).await?;
    tracing::info!(user = %user.name, "logged in");
    let me = Me { user: user.name, groups: user.groups, csrf_token: session.csrf_token };
    Ok((AppendHeaders([(header::SET_COOKIE, login_cookie(&token, state.settings.session_ttl_secs))]), Json(me)))
}

pub async fn logout(State(state): State<AppState>, Extension(principal): Extension<Principal>) -> Result<impl IntoResponse, AppError> {
    if let Principal::User(user) = principal {
        state.repo.delete_session(&user.session.token_hash).await?;
    }
    Ok((StatusCode::NO_CONTENT, AppendHeaders([(header::SET_COOKIE, cleared_login_cookie())])))
}

pub async fn me(Extension(principal): Extension<Principal>) -> Result<Json<Me>, AppError> {
    match principal {
        Principal::User(u) => Ok(Json(Me { user: u.name, groups: u.groups, csrf_token: u.session.csrf_token })),
        Principal::Anonymous => Err(AppError::unauthenticated()),
    }
}
