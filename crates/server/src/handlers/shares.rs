//! Share links: a user shares assets they may read through a link that anyone may
//! open until it expires or is revoked. A wrong, expired or revoked token gets one
//! and the same 404, so guessing learns nothing.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Json};
use tessera_model::{DamPath, ErrorBody, NewShareLinkRequest, RenditionName, ShareLinkDto, ShareLinkState, SharedAsset, SharedAssets};
use tessera_repo::shares::{AdministratorOrNot, ShareLinkRecord, DEFAULT_SHARE_DAYS};
use tessera_repo::{unix_now, AssetRecord};

use crate::auth::{authorize, authorize_all, Action, Principal, Target};
use crate::error::AppError;
use crate::extract::parse_dam_path;
use crate::extract::ApiJson;
use crate::handlers::dam::serve_rendition;
use crate::state::AppState;

fn link_dto(link: ShareLinkRecord, url: Option<String>) -> ShareLinkDto {
    let state = match link.revoked_at {
        Some(_) => ShareLinkState::Revoked,
        None if link.is_valid_at(unix_now()) => ShareLinkState::Active,
        None => ShareLinkState::Expired,
    };
    ShareLinkDto { id: link.id, url, created_at: link.created_at, expires_at: link.expires_at, revoked_at: link.revoked_at, state, assets: link.assets }
}

#[utoipa::path(
    post,
    path = "/shares",
    tag = "Share links",
    summary = "Share assets the caller may read through a link anyone may open (7 days unless said otherwise); its URL is in this answer only",
    request_body = NewShareLinkRequest,
    responses((status = 201, description = "Created", body = ShareLinkDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn create(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiJson(req): ApiJson<NewShareLinkRequest>,
) -> Result<(StatusCode, Json<ShareLinkDto>), AppError> {
    let targets: Vec<Target<'_>> = req.paths.iter().map(Target::Dam).collect();
    if targets.is_empty() {
        return Err(AppError::bad_request("bad_query", "Share at least one asset."));
    }
    let caller = authorize_all(&state, &principal, Action::Read, &targets)?;
    if matches!(principal, Principal::Anonymous) {
        return Err(AppError::unauthenticated());
    }
    let (link, token) = state.repo.create_share_link(caller.name(), req.paths, req.days.unwrap_or(DEFAULT_SHARE_DAYS)).await?;
    tracing::info!(id = link.id, by = %caller.name(), assets = link.assets.len(), "share link created");
    let url = format!("{}/share/{token}", state.settings.public_origin.trim_end_matches('/'));
    Ok((StatusCode::CREATED, Json(link_dto(link, Some(url)))))
}

#[utoipa::path(
    get,
    path = "/shares",
    tag = "Share links",
    summary = "The caller's share links, newest first (never their tokens)",
    responses((status = 200, description = "OK", body = Vec<ShareLinkDto>), (status = 401, body = ErrorBody))
)]
pub async fn list(State(state): State<AppState>, Extension(principal): Extension<Principal>) -> Result<Json<Vec<ShareLinkDto>>, AppError> {
    let Principal::User(user) = &principal else {
        return Err(AppError::unauthenticated());
    };
    let links = state.repo.share_links_of(&user.name).await?;
    Ok(Json(links.into_iter().map(|l| link_dto(l, None)).collect()))
}

#[utoipa::path(
    delete,
    path = "/shares/{id}",
    tag = "Share links",
    summary = "Revoke a share link: the caller's own, or any (administrators)",
    params(("id" = i64, Path, description = "The link")),
    responses((status = 204, description = "Revoked"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn revoke(State(state): State<AppState>, Extension(principal): Extension<Principal>, Path(id): Path<i64>) -> Result<StatusCode, AppError> {
    let caller = authorize(&state, &principal, Action::Read, &DamPath::root())?;
    if matches!(principal, Principal::Anonymous) {
        return Err(AppError::unauthenticated());
    }
    let administrator = if caller.is_administrator() { AdministratorOrNot::Administrator } else { AdministratorOrNot::NotAdministrator };
    state.repo.revoke_share_link(id, caller.name(), administrator).await?;
    tracing::info!(id, by = %caller.name(), "share link revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// Where a shared asset's rendition is, under its link.
fn shared_href(token: &str, name: RenditionName, path: &DamPath) -> String {
    tessera_model::api_url(&format!("shared/{token}/{name}"), path)
}

fn shared_asset(token: &str, a: AssetRecord) -> SharedAsset {
    let thumbnail = a.renditions.iter().any(|r| r.name == RenditionName::Thumbnail319).then(|| shared_href(token, RenditionName::Thumbnail319, &a.path));
    SharedAsset {
        name: a.path.name().to_owned(),
        download: shared_href(token, RenditionName::Original, &a.path),
        thumbnail,
        title: a.title,
        mime: a.mime,
        size: a.size,
        width: a.width,
        height: a.height,
    }
}

async fn shared_assets(state: &AppState, token: &str) -> Result<SharedAssets, AppError> {
    let link = state.repo.open_share_link(token).await?;
    let mut assets = Vec::with_capacity(link.assets.len());
    for path in &link.assets {
        if let Ok(a) = state.repo.asset(path).await {
            assets.push(shared_asset(token, a));
        }
    }
    Ok(SharedAssets { expires_at: link.expires_at, assets })
}

#[utoipa::path(
    get,
    path = "/shared/{token}",
    tag = "Share links",
    summary = "What a share link opens, for anyone who has it; a wrong, expired or revoked link is the same 404",
    params(("token" = String, Path, description = "The link's token")),
    responses((status = 200, description = "OK", body = SharedAssets), (status = 404, body = ErrorBody))
)]
pub async fn open(State(state): State<AppState>, Path(token): Path<String>) -> Result<Json<SharedAssets>, AppError> {
    Ok(Json(shared_assets(&state, &token).await?))
}

#[utoipa::path(
    get,
    path = "/shared/{token}/{name}/{path}",
    tag = "Share links",
    summary = "A shared asset's rendition (original to download, thumbnails to look at), for anyone with the link",
    params(("token" = String, Path, description = "The link's token"), ("name" = RenditionName, Path, description = "Which rendition"), ("path" = String, Path, description = "The asset's path below /content/dam")),
    responses((status = 200, description = "The bytes"), (status = 206, description = "Part of the bytes"), (status = 304, description = "Not modified"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 416, body = ErrorBody))
)]
pub async fn download(
    State(state): State<AppState>,
    Path((token, name, raw)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let path = parse_dam_path(&raw)?;
    let name = RenditionName::parse(&name).ok_or(tessera_repo::RepoError::NoSuchShareLink)?;
    let asset = state.repo.shared_asset(&token, &path).await?;
    let rendition = asset.renditions.into_iter().find(|r| r.name == name).ok_or(tessera_repo::RepoError::NoSuchShareLink)?;
    serve_rendition(&state, &path, rendition, &headers).await
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// `GET /share/{token}`: the page a link opens, plain HTML that works without script.
pub async fn page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let (status, body) = match shared_assets(&state, &token).await {
        Ok(shared) => {
            let items: String = shared
                .assets
                .iter()
                .map(|a| {
                    let image = a.thumbnail.as_ref().map(|t| format!(r#"<img src="{}" alt="" width="160" height="160" loading="lazy">"#, escape(t))).unwrap_or_default();
                    format!(
                        r#"<li>{image}<span class="title">{}</span> <span class="meta">{} · {} KB</span> <a href="{}" download>Download <span class="visually-hidden">{}</span></a></li>"#,
                        escape(&a.title),
                        escape(&a.mime),
                        a.size.div_ceil(1024),
                        escape(&a.download),
                        escape(&a.name)
                    )
                })
                .collect();
            (
                StatusCode::OK,
                format!(
                    r#"<h1>Shared assets</h1><p>This link works until <time data-unix="{}">{}</time>.</p><ul>{items}</ul>"#,
                    shared.expires_at, shared.expires_at
                ),
            )
        }
        Err(_) => (
            StatusCode::NOT_FOUND,
            "<h1>This link is not valid</h1><p>It may have expired or been revoked. Ask the person who shared it for a new one.</p>".to_owned(),
        ),
    };
    let html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Shared assets – Tessera</title><style>body{{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d1d1d}}ul{{list-style:none;padding:0;display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr))}}li{{border:1px solid #ccc;border-radius:6px;padding:.75rem;display:flex;flex-direction:column;gap:.25rem}}img{{object-fit:contain;background:#f4f4f4;width:100%;height:10rem}}.meta{{color:#555;font-size:.875rem}}a{{color:#0b57d0}}.visually-hidden{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}}</style></head><body><main>{body}</main></body></html>"#
    );
    let mut response = (status, Html(html)).into_response();
    let h = response.headers_mut();
    // The token is in this page's address: it must not travel on in a Referer.
    h.insert(axum::http::header::REFERRER_POLICY, axum::http::HeaderValue::from_static("no-referrer"));
    h.insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    response
}
