//! The DAM: folders, asset uploads and metadata, rendition delivery.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use futures_util::TryStreamExt;
use serde::Deserialize;
use tessera_model::api::percent_encode;
use tessera_model::mime::kind_of_mime;
use tessera_model::{
    api_url, AssetDto, AssetTags, CreateFolder, DamPath, FolderDto, FolderListing, FolderTree, MetadataPatch, MoveRequest, Orientation, ProcessingDto,
    RenditionLink,
};
use tessera_model::{ErrorBody, Title};
use tessera_repo::{AssetRecord, FolderRecord, Processing, Upload};
use tokio_util::io::{ReaderStream, StreamReader};

use crate::auth::{authorize, authorize_all, read_scope, Action, Principal};
use crate::error::AppError;
use crate::extract::{parse_dam_path, ApiDamPath, ApiJson, ApiQuery, AssetIfMatch, UploadBody};
use crate::handlers::delivery::{etag_matches, header_value};
use crate::state::AppState;

pub fn folder_dto(f: FolderRecord) -> FolderDto {
    FolderDto { name: f.path.name().to_owned(), path: f.path, title: f.title, live_copy: false }
}

pub fn asset_dto(a: AssetRecord) -> AssetDto {
    let renditions = a
        .renditions
        .iter()
        .map(|r| RenditionLink {
            name: r.name.to_string(),
            href: api_url(&format!("renditions/{}", r.name), &a.path),
            sha256: Some(r.blob.to_string()),
            size: Some(r.size),
            mime: Some(r.mime.clone()),
            width: r.width,
            height: r.height,
        })
        .collect();
    AssetDto {
        name: a.path.name().to_owned(),
        kind: kind_of_mime(&a.mime),
        orientation: a.width.zip(a.height).map(|(w, h)| Orientation::of(w, h)),
        path: a.path,
        title: a.title,
        description: a.description,
        mime: a.mime,
        size: a.size,
        width: a.width,
        height: a.height,
        created_by: a.created_by,
        created_at: a.created_at,
        modified_by: a.modified_by,
        modified_at: a.modified_at,
        properties: a.properties,
        tags: a.tags,
        renditions,
        processing: match a.processing {
            Processing::Pending => ProcessingDto::Pending,
            Processing::Done => ProcessingDto::Done,
            Processing::Failed(error) => ProcessingDto::Failed { error },
        },
        connected: a.connected,
        checked_out: a.checked_out.map(|c| tessera_model::CheckOutDto { by: c.by, at: c.at }),
        live_copy: a.live_copy,
    }
}

#[utoipa::path(
    get,
    path = "/folders/{path}",
    tag = "DAM",
    summary = "List a folder",
    params(ApiDamPath),
    responses((status = 200, description = "OK", body = FolderListing), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn list_folder(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
) -> Result<Json<FolderListing>, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    let scope = read_scope(&state, &principal);
    let (folder, folders, assets) = state.repo.list(&path).await?;
    let ties = live_copies_in(&state, &path).await?;
    let marked = |f: FolderRecord| FolderDto { live_copy: ties.contains(&f.path), ..folder_dto(f) };
    Ok(Json(FolderListing {
        folder: folder_dto(folder),
        folders: folders.into_iter().filter(|f| scope.allows(&f.path)).map(marked).collect(),
        assets: assets.into_iter().filter(|a| scope.allows(&a.path)).map(asset_dto).collect(),
    }))
}

#[utoipa::path(
    post,
    path = "/folders/{path}",
    tag = "DAM",
    summary = "Create a folder",
    params(ApiDamPath),
    request_body = CreateFolder,
    responses((status = 201, description = "Created", body = FolderDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn create_folder(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiJson(body): ApiJson<CreateFolder>,
) -> Result<(StatusCode, Json<FolderDto>), AppError> {
    authorize(&state, &principal, Action::Write, &path)?;
    let title = optional_title(body.title)?;
    let folder = state.repo.create_folder(&path, title.map(String::from)).await?;
    Ok((StatusCode::CREATED, Json(folder_dto(folder))))
}

#[utoipa::path(
    get,
    path = "/assets/{path}",
    tag = "DAM",
    summary = "An asset's metadata",
    params(ApiDamPath),
    responses((status = 200, description = "OK", body = AssetDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn asset(State(state): State<AppState>, Extension(principal): Extension<Principal>, ApiDamPath(path): ApiDamPath) -> Result<Response, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    Ok(with_asset_etag(asset_dto(state.repo.asset(&path).await?)))
}

/// An asset's entity tag: a digest of everything its answer says, so any change of
/// it (by anyone, in any second) gives another tag.
fn asset_etag(dto: &AssetDto) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(serde_json::to_vec(dto).unwrap_or_default());
    format!("\"a{}\"", hex::encode(&digest[..8]))
}

fn with_asset_etag(dto: AssetDto) -> Response {
    let tag = asset_etag(&dto);
    let mut r = Json(dto).into_response();
    r.headers_mut().insert(header::ETAG, header_value(&tag));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Refuses a change begun on another state of the asset than the current one.
async fn check_asset_unchanged(state: &AppState, path: &DamPath, headers: &HeaderMap) -> Result<(), AppError> {
    let Some(expected) = headers.get(header::IF_MATCH).map(|v| v.to_str().unwrap_or_default().trim().to_owned()) else {
        return Ok(());
    };
    let current = asset_dto(state.repo.asset(path).await?);
    if asset_etag(&current) != expected {
        return Err(AppError::refused(
            StatusCode::PRECONDITION_FAILED,
            "stale_asset",
            format!("{} changed after you opened it (last by {}); reload to see the changes, then make yours again.", current.title, current.modified_by),
        ));
    }
    Ok(())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The asset's title; its file name when absent.
    #[param(value_type = Option<Title>)]
    title: Option<String>,
    /// Create missing folders on the way, for uploads of whole folder hierarchies.
    #[serde(default)]
    parents: bool,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ForceQuery {
    #[serde(default)]
    force: bool,
}

#[utoipa::path(
    patch,
    path = "/assets/{path}",
    tag = "DAM",
    summary = "Edit title, description, free properties",
    params(ApiDamPath, AssetIfMatch),
    request_body = MetadataPatch,
    responses((status = 200, description = "OK", body = AssetDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn update_metadata(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<MetadataPatch>,
) -> Result<Response, AppError> {
    let user = authorize(&state, &principal, Action::Write, &path)?;
    check_asset_unchanged(&state, &path, &headers).await?;
    Ok(with_asset_etag(asset_dto(state.repo.update_metadata(&path, patch, user.name()).await?)))
}

#[utoipa::path(
    put,
    path = "/asset-tags/{path}",
    tag = "DAM",
    summary = "Replace an asset's tags",
    params(ApiDamPath, AssetIfMatch),
    request_body = AssetTags,
    responses((status = 200, description = "OK", body = AssetDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn set_tags(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AssetTags>,
) -> Result<Response, AppError> {
    let user = authorize(&state, &principal, Action::Write, &path)?;
    check_asset_unchanged(&state, &path, &headers).await?;
    Ok(with_asset_etag(asset_dto(state.repo.set_asset_tags(&path, body.tags, user.name()).await?)))
}

#[utoipa::path(
    delete,
    path = "/folders/{path}",
    tag = "DAM",
    summary = "Delete a folder with everything in it",
    params(ApiDamPath, ForceQuery),
    responses((status = 204, description = "Done"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 423, body = ErrorBody))
)]
pub async fn delete_folder(
    state: State<AppState>,
    principal: Extension<Principal>,
    path: ApiDamPath,
    query: ApiQuery<ForceQuery>,
) -> Result<StatusCode, AppError> {
    delete(state, principal, path, query).await
}

#[utoipa::path(
    delete,
    path = "/assets/{path}",
    tag = "DAM",
    summary = "Delete an asset",
    params(ApiDamPath, ForceQuery),
    responses((status = 204, description = "Done"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 423, body = ErrorBody))
)]
pub async fn delete_asset(
    state: State<AppState>,
    principal: Extension<Principal>,
    path: ApiDamPath,
    query: ApiQuery<ForceQuery>,
) -> Result<StatusCode, AppError> {
    delete(state, principal, path, query).await
}

/// The type a file's request declares in `Content-Type`, refused before its body is
/// read when its `Content-Length` is over the limit.
pub(crate) fn declared_file(state: &AppState, headers: &HeaderMap) -> Result<String, AppError> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AppError::refused(StatusCode::UNSUPPORTED_MEDIA_TYPE, "missing_content_type", "Declare the file's type in Content-Type."))?;
    let limit = state.settings.limits.max_bytes;
    let declared_len = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared_len.is_some_and(|n| n > limit) {
        return Err(tessera_repo::RepoError::TooLarge { limit }.into());
    }
    Ok(declared.to_owned())
}

/// A request body as the repository reads files: streamed, never buffered whole.
pub(crate) fn body_reader(body: Body) -> impl tokio::io::AsyncRead + Unpin {
    StreamReader::new(body.into_data_stream().map_err(std::io::Error::other))
}

/// A title given on creation: blank means none (the name stands in), anything else
/// must be a [`Title`].
fn optional_title(raw: Option<String>) -> Result<Option<Title>, AppError> {
    raw.filter(|t| !t.trim().is_empty()).map(|t| Title::parse(&t)).transpose().map_err(|e| AppError::bad_request("bad_title", e.to_string()))
}

/// Deletes an asset or a folder with everything in it; a referenced one only with
/// `force`. The same for both routes: a path names one or the other.
async fn delete(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiQuery(q): ApiQuery<ForceQuery>,
) -> Result<StatusCode, AppError> {
    let caller = authorize(&state, &principal, Action::Write, &path)?;
    state.repo.delete_node(&path, caller.name(), q.force).await?;
    tracing::info!(%path, force = q.force, "deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/move/content/dam/...` `{to, force}`: moves (or renames) an asset or folder.
#[utoipa::path(
    post,
    path = "/move/{path}",
    tag = "DAM",
    summary = "Move or rename an asset or folder",
    params(ApiDamPath),
    request_body = MoveRequest,
    responses((status = 204, description = "Done"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 423, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn move_node(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(from): ApiDamPath,
    ApiJson(req): ApiJson<MoveRequest>,
) -> Result<StatusCode, AppError> {
    let caller = authorize_all(&state, &principal, Action::Write, &[(&from).into(), (&req.to).into()])?;
    state.repo.move_node(&from, &req.to, caller.name(), req.force).await?;
    tracing::info!(%from, to = %req.to, "moved");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/copy/content/dam/...` `{to}`: copies an asset or a folder with everything in it.
#[utoipa::path(
    post,
    path = "/copy/{path}",
    tag = "DAM",
    summary = "Copy an asset, or a folder with everything in it; the copies share the originals' renditions (the same blobs, no bytes copied)",
    params(ApiDamPath),
    request_body = tessera_model::CopyRequest,
    responses((status = 204, description = "Done"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn copy_node(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(from): ApiDamPath,
    ApiJson(req): ApiJson<tessera_model::CopyRequest>,
) -> Result<StatusCode, AppError> {
    authorize(&state, &principal, Action::Read, &from)?;
    let caller = authorize(&state, &principal, Action::Write, &req.to)?;
    state.repo.copy_node(&from, &req.to, caller.name()).await?;
    tracing::info!(%from, to = %req.to, "copied");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TreeQuery {
    depth: Option<u32>,
}

/// `GET /api/tree/content/dam/...?depth=N`: the folder and its sub-folders, N levels deep.
#[utoipa::path(
    get,
    path = "/tree/{path}",
    tag = "DAM",
    summary = "A folder's sub-folders, depth levels deep",
    params(ApiDamPath, TreeQuery),
    responses((status = 200, description = "OK", body = FolderTree), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn tree(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiQuery(q): ApiQuery<TreeQuery>,
) -> Result<Json<FolderTree>, AppError> {
    authorize(&state, &principal, Action::Read, &path)?;
    let scope = read_scope(&state, &principal);
    let depth = q.depth.unwrap_or(1).min(8);
    let folder = state.repo.folder(&path).await?;
    Ok(Json(subtree(&state, folder_dto(folder), depth, &scope).await?))
}

/// The live copies directly in `folder`, for marking them in listings.
async fn live_copies_in(state: &AppState, folder: &DamPath) -> Result<std::collections::BTreeSet<DamPath>, AppError> {
    Ok(state.repo.live_copies_in(folder).await?.into_iter().map(|(path, _)| path).collect())
}

async fn subtree(state: &AppState, folder: FolderDto, depth: u32, scope: &tessera_repo::ReadScope) -> Result<FolderTree, AppError> {
    let mut children = Vec::new();
    if depth > 0 {
        let folders = state.repo.subfolders(&folder.path).await?;
        let ties = live_copies_in(state, &folder.path).await?;
        for f in folders.into_iter().filter(|f| scope.allows(&f.path)) {
            let dto = FolderDto { live_copy: ties.contains(&f.path), ..folder_dto(f) };
            children.push(Box::pin(subtree(state, dto, depth - 1, scope)).await?);
        }
    }
    Ok(FolderTree { folder, children })
}

/// `PUT /api/assets/content/dam/<folder>/<name>?title=...` with the file as the raw
/// body and its type in `Content-Type`. The body is streamed to disk, never buffered.
#[utoipa::path(
    put,
    path = "/assets/{path}",
    tag = "DAM",
    summary = "Upload a file as a new asset: the raw bytes, their type in Content-Type",
    params(ApiDamPath, UploadQuery),
    request_body(content((UploadBody = "application/octet-stream"), (UploadBody = "image/jpeg")), description = "The file's bytes"),
    responses((status = 201, description = "Created", body = AssetDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn upload(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiDamPath(path): ApiDamPath,
    ApiQuery(query): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<AssetDto>), AppError> {
    let user = authorize(&state, &principal, Action::Write, &path)?;
    let declared = declared_file(&state, &headers)?;
    let title = optional_title(query.title)?;
    if query.parents {
        state.repo.create_parents(&path).await?;
    }
    let upload = Upload { path, title: title.map(String::from), declared_mime: declared, user: user.name().to_owned() };
    let asset = state.repo.upload(upload, body_reader(body)).await?;
    tracing::info!(path = %asset.path, size = asset.size, "asset uploaded");
    Ok((StatusCode::CREATED, Json(asset_dto(asset))))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RenditionQuery {
    /// This rendition of that version of the asset instead of its current one.
    #[param(minimum = 1)]
    version: Option<u32>,
}

/// `GET /api/renditions/<name>/content/dam/...`: the bytes of one rendition.
#[utoipa::path(
    get,
    path = "/renditions/{name}/{path}",
    tag = "DAM",
    summary = "A rendition's bytes; byte ranges, ETag and If-None-Match supported",
    params(("name" = tessera_model::RenditionName, Path, description = "Which rendition"), ApiDamPath, RenditionQuery),
    responses((status = 200, description = "The bytes"), (status = 206, description = "Part of the bytes"), (status = 304, description = "Not modified"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 416, body = ErrorBody))
)]
pub async fn rendition(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    axum::extract::Path((name, raw)): axum::extract::Path<(String, String)>,
    ApiQuery(query): ApiQuery<RenditionQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let path = parse_dam_path(&raw)?;
    authorize(&state, &principal, Action::Read, &path)?;
    let name = tessera_model::RenditionName::parse(&name).ok_or(tessera_repo::RepoError::NoSuchRendition(name))?;
    let rendition = match query.version {
        None => state.repo.rendition(&path, name).await?,
        Some(number) => state.repo.version_rendition(&path, number, name).await?,
    };
    serve_rendition(&state, &path, rendition, &headers).await
}

/// A rendition's bytes, streamed from the blob store: ETag and 304, byte ranges,
/// and documents sandboxed so none runs as a page of this origin.
pub(crate) async fn serve_rendition(
    state: &AppState,
    path: &DamPath,
    rendition: tessera_repo::RenditionRecord,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let etag = format!("\"{}\"", rendition.blob);
    let mut response = if etag_matches(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let size = rendition.size;
        let (status, start, len) = match requested_range(headers, &etag, size) {
            RangeRequest::Whole => (StatusCode::OK, 0, size),
            RangeRequest::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
            RangeRequest::Unsatisfiable => {
                let mut r = AppError::refused(StatusCode::RANGE_NOT_SATISFIABLE, "bad_range", format!("The file has {size} bytes.")).into_response();
                r.headers_mut().insert(header::CONTENT_RANGE, header_value(&format!("bytes */{size}")));
                return Ok(r);
            }
        };
        let whole = status == StatusCode::OK;
        let bytes = state.repo.open_blob(&rendition.blob, (!whole).then_some(start..start + len)).await?;
        let mut r = (status, Body::from_stream(ReaderStream::with_capacity(bytes, crate::handlers::delivery::STREAM_CHUNK))).into_response();
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, header_value(&rendition.mime));
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        if status == StatusCode::PARTIAL_CONTENT {
            h.insert(header::CONTENT_RANGE, header_value(&format!("bytes {start}-{}/{size}", start + len - 1)));
        }
        h.insert(header::CONTENT_DISPOSITION, header_value(&content_disposition(path, &rendition.mime)));
        if kind_of_mime(&rendition.mime) == tessera_model::AssetKind::Document {
            // Documents (SVG among them) must never run as a page of this origin.
            h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
        }
        r
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, header_value(&etag));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    Ok(response)
}

#[derive(Debug, PartialEq, Eq)]
enum RangeRequest {
    Whole,
    /// Inclusive byte positions.
    Part {
        start: u64,
        end: u64,
    },
    Unsatisfiable,
}

/// One `bytes=` range (RFC 9110). Several ranges, other units, or an `If-Range`
/// that no longer matches get the whole file, as the RFC allows.
fn requested_range(headers: &HeaderMap, etag: &str, size: u64) -> RangeRequest {
    let Some(spec) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return RangeRequest::Whole;
    };
    if let Some(if_range) = headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok()) {
        if if_range.trim() != etag {
            return RangeRequest::Whole;
        }
    }
    let Some(range) = spec.trim().strip_prefix("bytes=") else {
        return RangeRequest::Whole;
    };
    if range.contains(',') {
        return RangeRequest::Whole;
    }
    let Some((first, last)) = range.split_once('-') else {
        return RangeRequest::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let parsed = match (first.is_empty(), last.is_empty()) {
        (false, _) => {
            let Ok(start) = first.parse::<u64>() else {
                return RangeRequest::Whole;
            };
            let end = if last.is_empty() { Ok(u64::MAX) } else { last.parse::<u64>() };
            match end {
                Ok(end) if end >= start => Some((start, end.min(size.saturating_sub(1)))),
                _ => return RangeRequest::Whole,
            }
        }
        (true, false) => {
            let Ok(suffix) = last.parse::<u64>() else {
                return RangeRequest::Whole;
            };
            (suffix > 0).then(|| (size.saturating_sub(suffix), size.saturating_sub(1)))
        }
        (true, true) => return RangeRequest::Whole,
    };
    match parsed {
        Some((start, end)) if size > 0 && start < size => RangeRequest::Part { start, end },
        _ => RangeRequest::Unsatisfiable,
    }
}

/// `inline` for images, `attachment` for documents, with an ASCII fallback name and
/// the exact name percent-encoded (RFC 6266).
pub fn content_disposition(path: &DamPath, mime: &str) -> String {
    let disposition = match kind_of_mime(mime) {
        tessera_model::AssetKind::Image => "inline",
        tessera_model::AssetKind::Document => "attachment",
    };
    let name = path.name();
    let fallback: String = name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' { c } else { '_' }).collect();
    format!("{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{}", percent_encode(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(spec: &str, size: u64) -> RangeRequest {
        let mut h = HeaderMap::new();
        h.insert(header::RANGE, spec.parse().unwrap());
        requested_range(&h, "\"e\"", size)
    }

    #[test]
    fn byte_ranges_follow_rfc_9110() {
        assert_eq!(range("bytes=0-9", 100), RangeRequest::Part { start: 0, end: 9 });
        assert_eq!(range("bytes=90-", 100), RangeRequest::Part { start: 90, end: 99 });
        assert_eq!(range("bytes=-10", 100), RangeRequest::Part { start: 90, end: 99 });
        assert_eq!(range("bytes=50-500", 100), RangeRequest::Part { start: 50, end: 99 });
        assert_eq!(range("bytes=100-", 100), RangeRequest::Unsatisfiable);
        assert_eq!(range("bytes=-0", 100), RangeRequest::Unsatisfiable);
        assert_eq!(range("bytes=9-0", 100), RangeRequest::Whole);
        assert_eq!(range("bytes=0-1,5-6", 100), RangeRequest::Whole);
        assert_eq!(range("items=0-1", 100), RangeRequest::Whole);
        let mut stale = HeaderMap::new();
        stale.insert(header::RANGE, "bytes=0-1".parse().unwrap());
        stale.insert(header::IF_RANGE, "\"old\"".parse().unwrap());
        assert_eq!(requested_range(&stale, "\"e\"", 100), RangeRequest::Whole);
    }

    #[test]
    fn content_disposition_is_safe_for_any_name() {
        let p = DamPath::parse("/content/dam/r\u{e9}sum\u{e9}; final's.pdf").unwrap();
        let cd = content_disposition(&p, "application/pdf");
        assert_eq!(cd, "attachment; filename=\"r_sum_;_final's.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%3B%20final%27s.pdf");
        let img = DamPath::parse("/content/dam/a.png").unwrap();
        assert!(content_disposition(&img, "image/png").starts_with("inline;"));
    }
}
