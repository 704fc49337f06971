//! Pages of a Sites deployment: `/api/pages`, versioned saves with `If-Match`,
//! moves, and publishing.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use tessera_model::page::{render_html, AssetState, PublishReport, PublishedAsset, PublishedAssetState};
use tessera_model::ErrorBody;
use tessera_model::RenditionName;
use tessera_model::{AssetRef, Component, CreatePage, DamPath, MovePage, PageContent, PageDto, PagePath, PageSummary};
use tessera_repo::{BlobHash, OutputFormat, RepoError};

use crate::auth::{authorize, authorize_all, Action, Principal};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPagePath};
use crate::state::AppState;

fn etag(version: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"v{version}\"")).unwrap_or_else(|_| HeaderValue::from_static("\"v0\""))
}

fn with_etag(status: StatusCode, page: PageDto) -> Response {
    let tag = etag(page.version);
    let mut r = (status, Json(page)).into_response();
    r.headers_mut().insert(header::ETAG, tag);
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[utoipa::path(
    get,
    path = "/pages",
    tag = "Pages",
    summary = "Every page of this Sites deployment",
    responses((status = 200, description = "OK", body = Vec<PageSummary>), (status = 401, body = ErrorBody))
)]
pub async fn list(State(state): State<AppState>, Extension(principal): Extension<Principal>) -> Result<Json<Vec<PageSummary>>, AppError> {
    let root = PagePath::parse("/content/site").map_err(|e| AppError::Internal(e.to_string()))?;
    authorize(&state, &principal, Action::Read, &root)?;
    Ok(Json(state.repo.pages().await?))
}

#[utoipa::path(
    post,
    path = "/pages/{path}",
    tag = "Pages",
    summary = "Create a page below an existing one",
    params(ApiPagePath),
    request_body = CreatePage,
    responses((status = 201, description = "Created", body = PageDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn create(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPagePath(path): ApiPagePath,
    ApiJson(req): ApiJson<CreatePage>,
) -> Result<Response, AppError> {
    let caller = authorize(&state, &principal, Action::Write, &path)?;
    tessera_model::page::check_page_title(&req.title).map_err(|e| AppError::bad_request("bad_title", e))?;
    let page = state.repo.create_page(&path, req.title.trim(), caller.name()).await?;
    Ok(with_etag(StatusCode::CREATED, page))
}

#[utoipa::path(
    get,
    path = "/pages/{path}",
    tag = "Pages",
    summary = "A page, with its version in ETag",
    params(ApiPagePath),
    responses((status = 200, description = "OK", body = PageDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn get(State(state): State<AppState>, Extension(principal): Extension<Principal>, ApiPagePath(path): ApiPagePath) -> Result<Response, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    Ok(with_etag(StatusCode::OK, state.repo.page(&path).await?))
}

/// Saves a page. `If-Match: "v<version>"` is required: a save based on an older
/// version is refused with 412 and nothing is overwritten.
#[utoipa::path(
    put,
    path = "/pages/{path}",
    tag = "Pages",
    summary = "Save a page; If-Match must name the version it was based on",
    params(ApiPagePath, crate::extract::IfMatch),
    request_body = PageContent,
    responses((status = 200, description = "OK", body = PageDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody))
)]
pub async fn save(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPagePath(path): ApiPagePath,
    headers: HeaderMap,
    ApiJson(content): ApiJson<PageContent>,
) -> Result<Response, AppError> {
    let caller = authorize(&state, &principal, Action::Write, &path)?;
    let Some(if_match) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return Err(AppError::refused(StatusCode::PRECONDITION_REQUIRED, "if_match_required", "Send the version you edited in If-Match: \"v<version>\"."));
    };
    let expected = if_match
        .trim()
        .strip_prefix("\"v")
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| AppError::bad_request("bad_if_match", "If-Match must be a page version such as \"v3\"."))?;
    let before = state.repo.page(&path).await?.components;
    check_new_assets(&state, &principal, &before, &content.components).await?;
    let page = state.repo.save_page(&path, expected, content, caller.name()).await?;
    tracing::info!(%path, version = page.version, "page saved");
    report_usage(&state, &path, &before, &page.components).await;
    Ok(with_etag(StatusCode::OK, page))
}

#[utoipa::path(
    delete,
    path = "/pages/{path}",
    tag = "Pages",
    summary = "Delete a page and the pages below it",
    params(ApiPagePath),
    responses((status = 204, description = "Done"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn delete(State(state): State<AppState>, Extension(principal): Extension<Principal>, ApiPagePath(path): ApiPagePath) -> Result<StatusCode, AppError> {
    authorize(&state, &principal, Action::Write, &path)?;
    let mut gone = Vec::new();
    for summary in state.repo.pages().await?.into_iter().filter(|p| p.path == path || p.path.is_below(&path)) {
        gone.push((summary.path.clone(), state.repo.page(&summary.path).await?.components));
    }
    state.repo.delete_page(&path).await?;
    for (page, components) in gone {
        report_usage(&state, &page, &components, &[]).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/page-move/{path}",
    tag = "Pages",
    summary = "Move a page and the pages below it",
    params(ApiPagePath),
    request_body = MovePage,
    responses((status = 204, description = "Done"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn move_page(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPagePath(from): ApiPagePath,
    ApiJson(req): ApiJson<MovePage>,
) -> Result<StatusCode, AppError> {
    authorize_all(&state, &principal, Action::Write, &[(&from).into(), (&req.to).into()])?;
    state.repo.move_page(&from, &req.to).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A save may only add assets the saver could open: every local asset the page did
/// not use before goes through the one authorization check as the saver, and one they
/// may not read is refused exactly like one that does not exist. A remote asset must
/// come from this deployment's remote DAM. Components the save leaves as they were
/// are not checked again, so anyone who may edit the page can still save it.
async fn check_new_assets(state: &AppState, principal: &Principal, before: &[Component], after: &[Component]) -> Result<(), AppError> {
    let used_before = |asset: &AssetRef| before.iter().filter_map(|c| c.body.asset()).any(|b| b.path == asset.path && b.repository == asset.repository);
    let remote_dam = state.remote_dam_url();
    for asset in after.iter().filter_map(|c| c.body.asset()).filter(|a| !used_before(a)) {
        match &asset.repository {
            Some(origin) if remote_dam.as_deref() == Some(origin.as_str()) => {}
            Some(origin) => {
                return Err(AppError::bad_request(
                    "unknown_repository",
                    format!("{origin:?} is not this deployment's remote DAM; drag the asset from the Content Finder again."),
                ))
            }
            // A copy in the mount point may still be on its way: the fetch made its path.
            None if in_mount_point(state, &asset.path) => {
                authorize(state, principal, Action::Read, &asset.path)?;
            }
            None => {
                let exists = authorize(state, principal, Action::Read, &asset.path).is_ok() && state.repo.asset(&asset.path).await.is_ok();
                if !exists {
                    return Err(AppError::refused(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "unknown_asset",
                        format!("The page uses {}, which does not exist.", asset.path),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Tells the remote DAM about the fetched copies a page started or stopped using. The
/// page change itself has succeeded; a failure here only means the jobs were not
/// recorded, which is logged.
async fn report_usage(state: &AppState, page: &PagePath, before: &[tessera_model::Component], after: &[tessera_model::Component]) {
    let Some(connected) = &state.connected else {
        return;
    };
    if let Err(e) = crate::connected::report_usage_change(connected, &state.repo, page, before, after).await {
        tracing::error!(%page, error = %e, "recording reference reports failed");
    }
}

/// `GET /api/publish/...`: every asset the page uses, before publishing it.
#[utoipa::path(
    get,
    path = "/publish/{path}",
    tag = "Pages",
    summary = "The assets a page uses, before publishing",
    params(ApiPagePath),
    responses((status = 200, description = "OK", body = PublishReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn plan(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPagePath(path): ApiPagePath,
) -> Result<Json<PublishReport>, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    let page = state.repo.page(&path).await?;
    let (_, assets) = resolve_for(&state, &principal, &page, Urls::Published).await?;
    Ok(Json(PublishReport { url: path.public_url(), version: page.version, published_at: page.published_at, assets }))
}

/// `POST /api/publish/...`: renders the saved page to HTML at its public URL.
#[utoipa::path(
    post,
    path = "/publish/{path}",
    tag = "Pages",
    summary = "Publish the saved page at /content/<site>/<page>.html",
    params(ApiPagePath),
    responses((status = 200, description = "OK", body = PublishReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn publish(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiPagePath(path): ApiPagePath,
) -> Result<Json<PublishReport>, AppError> {
    authorize(&state, &principal, Action::Write, &path)?;
    let page = state.repo.page(&path).await?;
    let (resolved, assets) = resolve_for(&state, &principal, &page, Urls::Published).await?;
    let content = page.content();
    let lookup = |id: &str, _: &AssetRef| resolved.iter().find(|r| r.component == id).and_then(|r| r.published.clone());
    let html = render_html(&state.settings.public_origin, &path, &content, &lookup);
    let blobs: Vec<(BlobHash, String)> = resolved.into_iter().flat_map(|r| r.blobs).collect();
    let published_at = state.repo.publish_page(&path, page.version, html, blobs).await?;
    tracing::info!(%path, version = page.version, "page published");
    Ok(Json(PublishReport { url: path.public_url(), version: page.version, published_at: Some(published_at), assets }))
}

/// `GET /api/preview/...`: the saved page rendered as publishing would render it,
/// for its authors only; local images come from the DAM's own (logged-in) URLs.
#[utoipa::path(
    get,
    path = "/preview/{path}",
    tag = "Pages",
    summary = "The saved page rendered as publishing would, for its authors",
    params(ApiPagePath),
    responses((status = 200, description = "HTML", content_type = "text/html"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn preview(State(state): State<AppState>, Extension(principal): Extension<Principal>, ApiPagePath(path): ApiPagePath) -> Result<Response, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    let page = state.repo.page(&path).await?;
    let (resolved, _) = resolve_for(&state, &principal, &page, Urls::Preview).await?;
    let content = page.content();
    let lookup = |id: &str, _: &AssetRef| resolved.iter().find(|r| r.component == id).and_then(|r| r.published.clone());
    let html = render_html(&state.settings.public_origin, &path, &content, &lookup);
    let remote = state.remote_dam_url().unwrap_or_default();
    let csp = format!("default-src 'none'; img-src 'self' {remote}; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'");
    let mut r = (StatusCode::OK, html).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'")));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// Where a rendered page's images come from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Urls {
    /// Public, content-addressed: `/published/...`.
    Published,
    /// The DAM's own URLs, which the logged-in author may read.
    Preview,
}

/// A component's asset, resolved for rendering.
struct Resolved {
    component: String,
    published: Option<PublishedAsset>,
    blobs: Vec<(BlobHash, String)>,
}

/// Resolves every asset of the page as `principal` sees it: a local asset they may not
/// read resolves exactly as one that does not exist, so neither its bytes, its
/// description nor its existence reaches a preview, a publish plan or a published page.
async fn resolve_for(state: &AppState, principal: &Principal, page: &PageDto, urls: Urls) -> Result<(Vec<Resolved>, Vec<PublishedAssetState>), AppError> {
    let mut resolved = Vec::new();
    let mut report = Vec::new();
    for c in &page.components {
        let Some(asset) = c.body.asset() else {
            continue;
        };
        let image_edit = match &c.body {
            tessera_model::ComponentBody::Image(i) => Some(&i.edit),
            _ => None,
        };
        let (published, blobs, state_name) = match &asset.repository {
            None => match readable_asset(state, principal, &asset.path).await {
                // A copy whose original is still on its way publishes empty, like a
                // failed fetch: its edited images are made from the original.
                Ok(record) if record.connected.is_some() && !record.renditions.iter().any(|r| r.name == RenditionName::Original) => {
                    (None, Vec::new(), AssetState::Fetching)
                }
                Ok(record) => {
                    let (mut p, b) = match urls {
                        Urls::Published => publish_local(&record, |r| format!("/published/{}", r.blob)),
                        Urls::Preview => publish_local(&record, |r| tessera_model::api_url(&format!("renditions/{}", r.name), &record.path)),
                    };
                    if let (Some(edit), Some(w), Some(h)) = (image_edit, record.width, record.height) {
                        let key = state.repo.remember_edit(edit).await?;
                        let original = record.renditions.iter().find(|r| r.name == RenditionName::Original).map(|r| r.blob.to_string()).unwrap_or_default();
                        let published_image = |width: u32, format: OutputFormat| format!("/published/image/{original}/{key}/{width}.{}", format.extension());
                        let url = |width: u32| match urls {
                            Urls::Published => published_image(width, OutputFormat::Jpeg),
                            Urls::Preview => format!("{}?edit={key}&w={width}", tessera_model::api_url("image", &record.path)),
                        };
                        let widths = &state.settings.images.widths;
                        let full = if edit.is_identity() {
                            between_renditions(&mut p, w, widths, url);
                            w
                        } else {
                            edited_srcset(&mut p, edit, (w, h), widths, url);
                            edit.crop_pixels(w, h).2
                        };
                        // Previews stay JPEG: they show what is published, not how light it is.
                        if urls == Urls::Published {
                            p.webp_srcset = up_to(widths, full).map(|(asked, got)| (published_image(asked, OutputFormat::WebP), got)).collect();
                        }
                    }
                    (Some(p), b, if record.connected.is_some() { AssetState::Fetched } else { AssetState::Local })
                }
                Err(RepoError::NotFound(_)) if in_mount_point(state, &asset.path) => (None, Vec::new(), AssetState::Failed),
                Err(RepoError::NotFound(_)) => (None, Vec::new(), AssetState::Missing),
                Err(e) => return Err(e.into()),
            },
            Some(_) => (Some(publish_remote(asset)), Vec::new(), AssetState::Remote),
        };
        report.push(PublishedAssetState {
            component: c.id.clone(),
            title: asset.title.clone(),
            path: asset.path.to_string(),
            repository: asset.repository.clone(),
            state: state_name,
        });
        resolved.push(Resolved { component: c.id.clone(), published, blobs });
    }
    Ok((resolved, report))
}

/// The asset, if `principal` may read it; [`RepoError::NotFound`] otherwise, as if
/// it were not there.
async fn readable_asset(state: &AppState, principal: &Principal, path: &DamPath) -> Result<tessera_repo::AssetRecord, RepoError> {
    if authorize(state, principal, Action::Read, path).is_err() {
        return Err(RepoError::NotFound(path.clone()));
    }
    state.repo.asset(path).await
}

fn in_mount_point(state: &AppState, path: &tessera_model::DamPath) -> bool {
    state.connected.as_ref().is_some_and(|c| tessera_model::access::is_within(path, &c.mount_point()))
}

/// Points an image at its edited versions: every allowed width up to the crop's own
/// width (or the smallest allowed one, rendered no wider than the crop).
fn edited_srcset(p: &mut PublishedAsset, edit: &tessera_model::edit::EditState, (w, h): (u32, u32), widths: &[u32], url: impl Fn(u32) -> String) {
    let (_, _, cw, ch) = edit.crop_pixels(w, h);
    let mut chosen: Vec<u32> = widths.iter().copied().filter(|x| *x <= cw).collect();
    if chosen.is_empty() {
        chosen.push(widths[0]);
    }
    p.srcset = chosen.iter().map(|x| (url(*x), (*x).min(cw))).collect();
    let largest = chosen.iter().copied().filter(|x| *x <= 1280).max().unwrap_or(chosen[0]);
    p.src = url(largest);
    let shown = largest.min(cw);
    p.width = Some(shown);
    p.height = Some(((u64::from(ch) * u64::from(shown) + u64::from(cw) / 2) / u64::from(cw)) as u32);
}

/// The policy's widths below `full`, then the first one at or above it, rendered no
/// wider than `full`: (the width asked for, the width it comes in).
fn up_to(widths: &[u32], full: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
    let below = widths.iter().copied().take_while(move |w| *w < full).map(|w| (w, w));
    let reaching = widths.iter().copied().find(|w| *w >= full).map(|w| (w, full));
    below.chain(reaching)
}

/// An unedited image keeps its renditions (the web rendition stays its `src`); the
/// policy's widths the renditions leave out are offered as renders of the original
/// without edits, so a phone does not download the 1280-pixel rendition.
fn between_renditions(p: &mut PublishedAsset, original_width: u32, widths: &[u32], url: impl Fn(u32) -> String) {
    // A rendition within a tenth of a policy width stands in for it.
    let covered = |width: u32, srcset: &[(String, u32)]| srcset.iter().any(|(_, w)| w.abs_diff(width) * 10 <= width);
    for &width in widths.iter().filter(|w| **w < original_width) {
        if !covered(width, &p.srcset) {
            p.srcset.push((url(width), width));
        }
    }
    p.srcset.sort_by_key(|(_, w)| *w);
}

/// A local asset as its current DAM record has it, each rendition at `url`: by
/// content hash when published, the DAM's own URL in a preview.
fn publish_local(record: &tessera_repo::AssetRecord, url: impl Fn(&tessera_repo::RenditionRecord) -> String) -> (PublishedAsset, Vec<(BlobHash, String)>) {
    let find = |name: RenditionName| record.renditions.iter().find(|r| r.name == name);
    let mut srcset = Vec::new();
    let mut blobs = Vec::new();
    for name in [RenditionName::Thumbnail319, RenditionName::Web1280] {
        if let Some(r) = find(name) {
            srcset.push((url(r), r.width.unwrap_or(0)));
            blobs.push((r.blob.clone(), r.mime.clone()));
        }
    }
    let original = find(RenditionName::Original);
    if let Some(o) = original {
        blobs.push((o.blob.clone(), o.mime.clone()));
    }
    let src = find(RenditionName::Web1280).or(original).map(&url).unwrap_or_default();
    let dam_alt = if record.description.trim().is_empty() { record.title.clone() } else { record.description.clone() };
    let published = PublishedAsset {
        srcset,
        src,
        width: record.width,
        height: record.height,
        dam_alt,
        download_url: original.map(&url).unwrap_or_default(),
        ..PublishedAsset::default()
    };
    (published, blobs)
}

/// A remote asset, shown from the remote DAM until Connected Assets copies it here.
fn publish_remote(asset: &AssetRef) -> PublishedAsset {
    let mut srcset = Vec::new();
    for (name, width) in [(RenditionName::Thumbnail319, 319), (RenditionName::Web1280, 1280)] {
        if let Some(url) = asset.url(&[name]) {
            srcset.push((url, asset.width.map_or(width, |w| w.min(width))));
        }
    }
    PublishedAsset {
        src: asset.url(&[RenditionName::Web1280, RenditionName::Original]).unwrap_or_default(),
        srcset,
        width: asset.width,
        height: asset.height,
        dam_alt: asset.dam_alt().to_owned(),
        download_url: asset.url(&[RenditionName::Original]).unwrap_or_default(),
        ..PublishedAsset::default()
    }
}
