//! The JSON bodies of the HTTP API, shared by the server and the editor's client.

use serde::{Deserialize, Serialize};

use crate::mime::AssetKind;
use crate::path::DamPath;

/// Name of the session cookie, as the seeds call it.
pub const LOGIN_COOKIE: &str = "login-token";
/// Header that carries the session's CSRF token on unsafe methods.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// MIME type of the drag payload that carries an asset out of the Content Finder.
pub const ASSET_DRAG_MIME: &str = "application/vnd.tessera.asset+json";

/// Every error response body: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable and machine-readable, e.g. `invalid_credentials`.
    pub code: String,
    /// Safe to show to a person.
    pub message: String,
    /// Who holds the asset checked out, when that is why (`423 locked`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub user: String,
    pub password: String,
}

/// `GET /api/session`: who is logged in, if anyone. Asking is never an error, so a
/// browser console shows no failed request for "not logged in yet".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionStatus {
    pub user: Option<Me>,
}

/// The logged-in user, as `/api/login` and `/api/me` return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub user: String,
    pub groups: Vec<String>,
    /// Send back in the `x-csrf-token` header on POST, PUT, PATCH and DELETE.
    pub csrf_token: String,
}

/// What a deployment tells its editor about itself. Never carries secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeploymentInfo {
    pub origin: String,
    pub roles: Vec<String>,
    /// For a Sites deployment: the remote DAM of Connected Assets.
    pub remote_dam_url: Option<String>,
    /// For a Sites deployment: the folder fetched remote assets are copied into.
    #[serde(default)]
    pub mount_point: Option<DamPath>,
    /// Crop shapes the image policy adds to the built-in presets, as (width, height).
    #[serde(default)]
    pub aspect_presets: Vec<(u32, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FolderDto {
    pub path: DamPath,
    pub name: String,
    pub title: String,
    /// Set on a live copy folder (MSM), in listings.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub live_copy: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetDto {
    pub path: DamPath,
    pub name: String,
    /// dc:title
    pub title: String,
    /// dc:description
    #[serde(default)]
    pub description: String,
    /// dc:format
    pub mime: String,
    pub kind: AssetKind,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub orientation: Option<Orientation>,
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub created_at: i64,
    #[serde(default)]
    pub modified_by: String,
    #[serde(default)]
    pub modified_at: i64,
    #[serde(default)]
    pub properties: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub tags: Vec<crate::tag::TagId>,
    /// Renditions by name (`original`, `web-1280`, `thumbnail-319`, ...), as paths
    /// relative to the deployment's origin.
    pub renditions: Vec<RenditionLink>,
    pub processing: ProcessingDto,
    /// Set on a read-only copy fetched from the remote DAM by Connected Assets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected: Option<crate::connected::ConnectedOrigin>,
    /// Set while someone holds the asset checked out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_out: Option<CheckOutDto>,
    /// Set on a live copy (MSM): it follows a source.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub live_copy: bool,
}

/// Who holds an asset checked out, since when (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckOutDto {
    pub by: String,
    pub at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    Landscape,
    Portrait,
    Square,
}

impl Orientation {
    pub fn of(width: u32, height: u32) -> Orientation {
        match width.cmp(&height) {
            std::cmp::Ordering::Greater => Orientation::Landscape,
            std::cmp::Ordering::Less => Orientation::Portrait,
            std::cmp::Ordering::Equal => Orientation::Square,
        }
    }
}

/// Where an asset's renditions stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "lowercase", try_from = "crate::wire::ProcessingWire")]
pub enum ProcessingDto {
    Pending,
    Done,
    Failed { error: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenditionLink {
    pub name: String,
    pub href: String,
    /// The SHA-256 of the bytes: a deployment sharing the blob store already has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

impl AssetDto {
    pub fn rendition(&self, name: crate::RenditionName) -> Option<&str> {
        self.renditions.iter().find(|r| r.name == name.as_str()).map(|r| r.href.as_str())
    }

    /// The first of `names` the asset has.
    pub fn first_rendition(&self, names: &[crate::RenditionName]) -> Option<&str> {
        names.iter().find_map(|n| self.rendition(*n))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FolderListing {
    pub folder: FolderDto,
    pub folders: Vec<FolderDto>,
    pub assets: Vec<AssetDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateFolder {
    /// The folder's title; its name when absent or blank.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::metadata::Title>))]
    pub title: Option<String>,
}

/// The asset a drag out of the Content Finder carries, under [`ASSET_DRAG_MIME`], and
/// what the embedded finder's events carry. Any drop target can read it: the flat
/// fields say what most need, `asset` is the whole record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetDragPayload {
    /// Origin of the deployment whose DAM holds the asset.
    pub repository: String,
    pub path: DamPath,
    pub title: String,
    pub mime: String,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Absolute URL of each rendition (`original`, `web-1280`, `thumbnail-319`, ...),
    /// readable with the DAM's login-token cookie.
    pub renditions: std::collections::BTreeMap<String, String>,
    pub asset: AssetDto,
}

impl AssetDragPayload {
    /// The payload for `asset` of the DAM at `repository` (empty: this page's origin).
    pub fn new(repository: &str, asset: AssetDto) -> AssetDragPayload {
        AssetDragPayload {
            repository: repository.to_owned(),
            path: asset.path.clone(),
            title: asset.title.clone(),
            mime: asset.mime.clone(),
            size: asset.size,
            width: asset.width,
            height: asset.height,
            renditions: asset.renditions.iter().map(|r| (r.name.clone(), format!("{repository}{}", r.href))).collect(),
            asset,
        }
    }
}

/// URL path of an API resource for a DAM path: `/api/<kind>` followed by the path,
/// each name percent-encoded.
pub fn api_url(kind: &str, path: &DamPath) -> String {
    let mut out = format!("/api/{kind}");
    for name in path.as_str().split('/').skip(1) {
        out.push('/');
        out.push_str(&percent_encode(name));
    }
    out
}

/// Percent-encodes every byte but RFC 3986's unreserved characters, for a path
/// segment, a query value or an RFC 5987 file name alike.
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientation_follows_the_upright_size() {
        assert_eq!(Orientation::of(3, 2), Orientation::Landscape);
        assert_eq!(Orientation::of(2, 3), Orientation::Portrait);
        assert_eq!(Orientation::of(5, 5), Orientation::Square);
    }

    #[test]
    fn processing_is_tagged_by_state() {
        let failed = ProcessingDto::Failed { error: "bad header".into() };
        assert_eq!(serde_json::to_string(&failed).unwrap(), r#"{"state":"failed","error":"bad header"}"#);
        assert_eq!(serde_json::to_string(&ProcessingDto::Done).unwrap(), r#"{"state":"done"}"#);
        for dto in [failed, ProcessingDto::Done, ProcessingDto::Pending] {
            assert_eq!(serde_json::from_str::<ProcessingDto>(&serde_json::to_string(&dto).unwrap()).unwrap(), dto, "read back as written");
        }
        assert!(serde_json::from_str::<ProcessingDto>(r#"{"state":"failed"}"#).is_err(), "a failure names its error");
        assert!(serde_json::from_str::<ProcessingDto>(r#"{"state":"lost"}"#).is_err());
    }

    #[test]
    fn api_urls_encode_each_name() {
        let p = DamPath::parse("/content/dam/a b/c&d.jpg").unwrap();
        assert_eq!(api_url("assets", &p), "/api/assets/content/dam/a%20b/c%26d.jpg");
        assert_eq!(api_url("folders", &DamPath::root()), "/api/folders/content/dam");
    }
}

/// `PUT /api/tags/assets/...`: the asset's tags, replacing the ones it had.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssetTags {
    pub tags: Vec<crate::tag::TagId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagDto {
    pub tag: crate::tag::TagId,
    pub title: String,
}

/// `POST /api/tags`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateTag {
    pub tag: crate::tag::TagId,
    pub title: Option<String>,
}

/// A move of an asset or folder to a new path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    pub to: DamPath,
    /// Move even though pages use what is moved.
    #[serde(default)]
    pub force: bool,
}

/// A copy of an asset or folder to a new path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CopyRequest {
    pub to: DamPath,
}

/// A page that uses an asset: on this deployment (`sites_url` absent) or on a remote
/// Sites deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReferenceDto {
    pub sites_url: Option<String>,
    pub page_path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferenceCount {
    /// Absent for this deployment's own pages.
    pub sites_url: Option<String>,
    pub count: u64,
    pub pages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferencesDto {
    pub total: u64,
    pub by_deployment: Vec<ReferenceCount>,
}

/// One version of an asset: each binary it has had, the last being its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionDto {
    /// 1 for the upload, one more for each binary that replaced it.
    pub number: u32,
    pub kind: VersionKindDto,
    /// The version it brought back, for a restore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restored_from: Option<u32>,
    /// A short name; empty when nobody gave one.
    #[serde(default)]
    pub label: String,
    pub mime: String,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Why the binary changed; empty when nobody said.
    pub comment: String,
    pub created_by: String,
    pub created_at: i64,
    /// The version's original, relative to the deployment's origin.
    pub href: String,
    /// Its 140 px thumbnail, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
    /// Its metadata: as it was when a later version replaced it, or the asset's own
    /// for the newest; none for versions replaced before versions kept metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<VersionMetadataDto>,
    /// Its renditions besides the original, as it kept them.
    #[serde(default)]
    pub renditions: Vec<RenditionLink>,
}

/// How a version came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VersionKindDto {
    Upload,
    Replaced,
    CheckedIn,
    Restored,
}

/// An asset's metadata as a version keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionMetadataDto {
    pub title: String,
    pub description: String,
    pub properties: std::collections::BTreeMap<String, String>,
    pub tags: Vec<crate::tag::TagId>,
}

/// `POST /api/restore/{path}`: bring an earlier version back as a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RestoreRequest {
    pub version: u32,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1024))]
    pub comment: String,
}

/// One entry of an asset's timeline: a version, or another event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub kind: TimelineKind,
    pub by: String,
    pub at: i64,
    /// The version it made, for the kinds that make one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// A version's label and comment; the fields of a metadata change; the path an
    /// asset was moved from; whose lock an administrator released.
    #[serde(default)]
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Created,
    VersionCreated,
    CheckedIn,
    Restored,
    CheckedOut,
    CheckOutCancelled,
    LockReleased,
    MetadataChanged,
    Moved,
}

/// A folder and its sub-folders, as deep as asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FolderTree {
    pub folder: FolderDto,
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub children: Vec<FolderTree>,
}

/// What a group, or the viewer, may do with a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CollectionAccessDto {
    Read,
    Edit,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectionShareDto {
    pub group: String,
    pub access: CollectionAccessDto,
}

/// A collection: assets someone gathered, or a saved search that stays current.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectionDto {
    pub id: i64,
    pub title: String,
    pub owner: String,
    /// Set for a saved search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<crate::search::SearchQuery>,
    pub shares: Vec<CollectionShareDto>,
    /// What the viewer may do with it.
    pub access: CollectionAccessDto,
    /// Whether the viewer may delete it and change its shares (its owner, administrators).
    pub owned: bool,
    pub created_at: i64,
    pub modified_at: i64,
}

/// `POST /api/collections`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCollection {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 256))]
    pub title: String,
    /// Makes it a saved search.
    #[serde(default)]
    pub query: Option<crate::search::SearchQuery>,
}

/// `PATCH /api/collections/{id}`: rename.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RenameCollection {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 256))]
    pub title: String,
}

/// Assets to add to or remove from a collection, or to share by a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssetPaths {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 1000))]
    pub paths: Vec<DamPath>,
}

/// `PUT /api/collections/{id}/shares`: a group's access; none stops sharing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ShareCollection {
    pub group: String,
    pub access: Option<CollectionAccessDto>,
}

/// A collection with what of it the viewer may read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectionContents {
    pub collection: CollectionDto,
    pub assets: Vec<AssetDto>,
}

/// `POST /api/shares`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewShareLinkRequest {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 1000))]
    pub paths: Vec<DamPath>,
    /// How long the link works; 7 days when absent, at most 365.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub days: Option<u32>,
}

/// A share link: anyone with its URL downloads its assets until it expires or is revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareLinkDto {
    pub id: i64,
    /// The link, on the answer that creates it only: it is never readable again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
    pub state: ShareLinkState,
    pub assets: Vec<DamPath>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ShareLinkState {
    Active,
    Expired,
    Revoked,
}

/// What a share link opens, for anyone who has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharedAssets {
    pub expires_at: i64,
    pub assets: Vec<SharedAsset>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharedAsset {
    pub name: String,
    pub title: String,
    pub mime: String,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The original, to download.
    pub download: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
}
