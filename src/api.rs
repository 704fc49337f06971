//! The one typed client of the deployments' HTTP API. Every call carries credentials,
//! so the `login-token` cookie goes along on cross-site calls to the remote DAM.

use std::fmt;

use gloo_net::http::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tessera_model::api::percent_encode;
use tessera_model::connected::{ConnectedConfigDto, ConnectedConfigUpdate, ConnectionReport, FetchRequest, FetchResult, JobDto};
use tessera_model::page::PublishReport;
use tessera_model::{
    api_url, AssetDto, AssetPaths, CheckOutDto, CollectionContents, CollectionDto, CopyRequest, CreateFolder, CreatePage, DamPath, DeploymentInfo, ErrorBody,
    FolderDto, FolderListing, LoginRequest, Me, MetadataPatch, MovePage, MoveRequest, NewCollection, NewShareLinkRequest, PageContent, PageDto, PagePath,
    PageSummary, ReferencesDto, RestoreRequest, SearchQuery, SearchResults, ShareLinkDto, TimelineEntry, VersionDto, CSRF_HEADER,
};
use wasm_bindgen::JsValue;
use web_sys::{RequestCredentials, RequestMode};

/// What can be done to a live copy's relationship by a plain `POST`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveCopyAction {
    Synchronize,
    Suspend,
    Resume,
    Reset,
}

impl LiveCopyAction {
    fn route(self) -> &'static str {
        match self {
            LiveCopyAction::Synchronize => "synchronize",
            LiveCopyAction::Suspend => "suspend",
            LiveCopyAction::Resume => "resume",
            LiveCopyAction::Reset => "reset",
        }
    }
}

/// Whether a live copy's field follows its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inheritance {
    Cancel,
    Reenable,
}

/// Why a call failed, phrased for the person using the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The deployment answered with an error body.
    Refused { status: u16, code: String, message: String },
    /// No answer could be read: the deployment is down, or its CORS allow-list does
    /// not include this site.
    Unreachable { base: String },
    /// The deployment is up but its CORS allow-list refuses this site.
    CorsRefused { base: String, origin: String },
    /// The answer was not what this editor understands.
    Unexpected(String),
    /// Whoever asked no longer wants the answer (a newer search replaced it).
    Aborted,
}

impl ApiError {
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, ApiError::Refused { status: 401, .. })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Refused { message, .. } => f.write_str(message),
            ApiError::Unreachable { base } => write!(
                f,
                "Cannot reach {}. Check that it is running and that it allows this site; then try again.",
                if base.is_empty() { "this deployment" } else { base }
            ),
            ApiError::CorsRefused { base, origin } => write!(
                f,
                "The DAM at {base} refused the connection: its CORS allow-list does not include this site ({origin}). An administrator of the DAM can add it."
            ),
            ApiError::Unexpected(what) => write!(f, "The server sent an answer this editor does not understand ({what})."),
            ApiError::Aborted => f.write_str("The request was given up for a newer one."),
        }
    }
}

/// An answer's JSON as `T`, parsed by the browser's own `JSON.parse`: the bundle then
/// carries no JSON parser of its own.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    let value = js_sys::JSON::parse(text).map_err(|_| ApiError::Unexpected("not JSON".into()))?;
    serde_wasm_bindgen::from_value(value).map_err(|e| ApiError::Unexpected(e.to_string()))
}

/// `value` as the JavaScript value its JSON would parse to (maps as plain objects,
/// `None` as `null`), made without a JSON writer in the bundle.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, ApiError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| ApiError::Unexpected(e.to_string()))
}

/// `value` as JSON text, by the browser's own `JSON.stringify`.
pub fn encode_text<T: Serialize + ?Sized>(value: &T) -> Result<String, ApiError> {
    js_sys::JSON::stringify(&encode(value)?).map(String::from).map_err(|_| ApiError::Unexpected("not JSON".into()))
}

/// How a unit enum value is spelled on the wire (`"pdf"`, `"modified"`).
pub(crate) fn wire_name<T: Serialize>(value: &T) -> String {
    encode(value).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

/// Where Add to Collection puts assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CollectInto {
    Existing { id: i64, title: String },
    New(String),
}

impl CollectInto {
    /// A new collection when a title was typed, else the one chosen from `collections`.
    pub fn from_choice(chosen: Option<i64>, new_title: &str, collections: &[CollectionDto]) -> Option<CollectInto> {
        let new_title = new_title.trim();
        if !new_title.is_empty() {
            return Some(CollectInto::New(new_title.to_owned()));
        }
        let chosen = collections.iter().find(|c| Some(c.id) == chosen)?;
        Some(CollectInto::Existing { id: chosen.id, title: chosen.title.clone() })
    }
}

/// One deployment's API, at `base` (empty for this page's own origin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    base: String,
}

impl Client {
    pub fn new(base: impl Into<String>) -> Self {
        Client { base: base.into().trim_end_matches('/').to_owned() }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The deployment's origin, also when it is this page's own (an empty base).
    pub fn origin(&self) -> String {
        match self.base.as_str() {
            "" => web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default(),
            base => base.to_owned(),
        }
    }

    /// An absolute URL for a path the API returned (rendition links).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn deployment(&self) -> Result<DeploymentInfo, ApiError> {
        self.call("GET", "/api/deployment", None::<&()>, None).await
    }

    /// Who is logged in here, if anyone; "nobody" is an answer, not an error.
    pub async fn session(&self) -> Result<Option<Me>, ApiError> {
        let status: tessera_model::SessionStatus = self.call("GET", "/api/session", None::<&()>, None).await?;
        Ok(status.user)
    }

    pub async fn login(&self, user: &str, password: &str) -> Result<Me, ApiError> {
        let body = LoginRequest { user: user.to_owned(), password: password.to_owned() };
        self.call("POST", "/api/login", Some(&body), None).await
    }

    pub async fn logout(&self, me: &Me) -> Result<(), ApiError> {
        self.call_raw("POST", "/api/logout", None::<&()>, Some(&me.csrf_token)).await.map(drop)
    }

    pub async fn list_folder(&self, path: &DamPath) -> Result<FolderListing, ApiError> {
        self.call("GET", &api_url("folders", path), None::<&()>, None).await
    }

    pub async fn search(&self, query: &SearchQuery) -> Result<SearchResults, ApiError> {
        self.search_until(query, None).await
    }

    /// A search that `cancel` can abandon in flight (`ApiError::Aborted`): the
    /// Content Finder sends one on each keystroke and gives up the one before.
    pub async fn search_until(&self, query: &SearchQuery, cancel: Option<&web_sys::AbortSignal>) -> Result<SearchResults, ApiError> {
        let mut params = Vec::new();
        let mut add = |k: &str, v: String| params.push(format!("{k}={}", percent_encode(&v)));
        if let Some(q) = &query.q {
            add("q", q.clone());
        }
        if let Some(k) = query.kind {
            add("kind", if k == tessera_model::AssetKind::Image { "image".into() } else { "document".into() });
        }
        if let Some(d) = query.doctype {
            add("doctype", wire_name(&d));
        }
        if let Some(mime) = &query.mime {
            add("mime", mime.clone());
        }
        if let Some(f) = &query.folder {
            add("folder", f.to_string());
        }
        if let Some(f) = &query.in_folder {
            add("in_folder", f.to_string());
        }
        if let Some(holder) = &query.checked_out_by {
            add("checked_out_by", holder.clone());
        }
        if let Some(s) = query.sort {
            add("sort", wire_name(&s));
        }
        if let Some(l) = query.limit {
            add("limit", l.to_string());
        }
        if let Some(c) = &query.cursor {
            add("cursor", c.clone());
        }
        let path = format!("/api/search?{}", params.join("&"));
        let (text, _) = self.fetch(Call { method: "GET", path: &path, body: None, content_type: "", csrf: None, if_match: None, cancel }).await?;
        decode(&text)
    }

    pub async fn pages(&self) -> Result<Vec<PageSummary>, ApiError> {
        self.call("GET", "/api/pages", None::<&()>, None).await
    }

    pub async fn page(&self, path: &PagePath) -> Result<PageDto, ApiError> {
        self.call("GET", &page_url("pages", path), None::<&()>, None).await
    }

    pub async fn create_page(&self, path: &PagePath, title: &str, me: &Me) -> Result<PageDto, ApiError> {
        let body = CreatePage { title: title.to_owned() };
        self.call("POST", &page_url("pages", path), Some(&body), Some(&me.csrf_token)).await
    }

    /// Saves the page as based on `version`; a 412 means someone saved in between.
    pub async fn save_page(&self, path: &PagePath, version: u64, content: &PageContent, me: &Me) -> Result<PageDto, ApiError> {
        let text = self.request("PUT", &page_url("pages", path), Some(content), Some(&me.csrf_token), Some(&format!("\"v{version}\""))).await?;
        decode(&text)
    }

    pub async fn delete_page(&self, path: &PagePath, me: &Me) -> Result<(), ApiError> {
        self.call_raw("DELETE", &page_url("pages", path), None::<&()>, Some(&me.csrf_token)).await.map(drop)
    }

    pub async fn move_page(&self, from: &PagePath, to: &PagePath, me: &Me) -> Result<(), ApiError> {
        let body = MovePage { to: to.clone() };
        self.call_raw("POST", &page_url("page-move", from), Some(&body), Some(&me.csrf_token)).await.map(drop)
    }

    pub async fn publish_plan(&self, path: &PagePath) -> Result<PublishReport, ApiError> {
        self.call("GET", &page_url("publish", path), None::<&()>, None).await
    }

    pub async fn publish(&self, path: &PagePath, me: &Me) -> Result<PublishReport, ApiError> {
        self.call("POST", &page_url("publish", path), None::<&()>, Some(&me.csrf_token)).await
    }

    /// Connected Assets: copies a remote asset into the mount point for `page`.
    pub async fn fetch_remote(&self, remote_path: &DamPath, page: &PagePath, me: &Me) -> Result<FetchResult, ApiError> {
        let body = FetchRequest { remote_path: remote_path.clone(), page_path: page.clone() };
        self.call("POST", "/api/connected-assets/fetch", Some(&body), Some(&me.csrf_token)).await
    }

    pub async fn jobs(&self) -> Result<Vec<JobDto>, ApiError> {
        self.call("GET", "/api/jobs", None::<&()>, None).await
    }

    pub async fn connected_config(&self) -> Result<ConnectedConfigDto, ApiError> {
        self.call("GET", "/api/connected-assets/config", None::<&()>, None).await
    }

    pub async fn save_connected_config(&self, update: &ConnectedConfigUpdate, me: &Me) -> Result<ConnectedConfigDto, ApiError> {
        self.call("PUT", "/api/connected-assets/config", Some(update), Some(&me.csrf_token)).await
    }

    pub async fn test_connection(&self, me: &Me) -> Result<ConnectionReport, ApiError> {
        self.call("POST", "/api/connected-assets/test", None::<&()>, Some(&me.csrf_token)).await
    }

    pub async fn references(&self, path: &DamPath) -> Result<ReferencesDto, ApiError> {
        self.call("GET", &api_url("references", path), None::<&()>, None).await
    }

    /// The folder and its sub-folders, `depth` levels deep (at most 8).
    pub async fn tree(&self, path: &DamPath, depth: u32) -> Result<tessera_model::FolderTree, ApiError> {
        self.call("GET", &format!("{}?depth={depth}", api_url("tree", path)), None::<&()>, None).await
    }

    pub async fn create_folder(&self, path: &DamPath, title: Option<String>, me: &Me) -> Result<FolderDto, ApiError> {
        self.call("POST", &api_url("folders", path), Some(&CreateFolder { title }), Some(&me.csrf_token)).await
    }

    /// An asset and its entity tag, for a change that must not overwrite another.
    pub async fn asset(&self, path: &DamPath) -> Result<(AssetDto, Option<String>), ApiError> {
        let (text, etag) = self.exchange("GET", &api_url("assets", path), None::<&()>, None, None).await?;
        Ok((decode(&text)?, etag))
    }

    /// Changes metadata if the asset still has `etag`; 412 when someone changed it since.
    /// The tag taxonomy.
    pub async fn tags(&self) -> Result<Vec<tessera_model::TagDto>, ApiError> {
        self.call("GET", "/api/tags", None::<&()>, None).await
    }

    /// Replaces an asset's tags if it still has `etag`; 412 when someone changed it since.
    pub async fn set_asset_tags(
        &self,
        path: &DamPath,
        tags: Vec<tessera_model::TagId>,
        etag: Option<&str>,
        me: &Me,
    ) -> Result<(AssetDto, Option<String>), ApiError> {
        let body = tessera_model::AssetTags { tags };
        let (text, etag) = self.exchange("PUT", &api_url("asset-tags", path), Some(&body), Some(&me.csrf_token), etag).await?;
        Ok((decode(&text)?, etag))
    }

    pub async fn update_metadata(&self, path: &DamPath, patch: &MetadataPatch, etag: Option<&str>, me: &Me) -> Result<(AssetDto, Option<String>), ApiError> {
        let (text, etag) = self.exchange("PATCH", &api_url("assets", path), Some(patch), Some(&me.csrf_token), etag).await?;
        Ok((decode(&text)?, etag))
    }

    /// Deletes an asset (or a folder, `kind` = "folders"); `force` overrides references.
    pub async fn delete_node(&self, kind: &str, path: &DamPath, force: bool, me: &Me) -> Result<(), ApiError> {
        let url = format!("{}{}", api_url(kind, path), if force { "?force=true" } else { "" });
        self.call_raw("DELETE", &url, None::<&()>, Some(&me.csrf_token)).await.map(drop)
    }

    pub async fn move_node(&self, from: &DamPath, to: &DamPath, force: bool, me: &Me) -> Result<(), ApiError> {
        self.call_raw("POST", &api_url("move", from), Some(&MoveRequest { to: to.clone(), force }), Some(&me.csrf_token)).await.map(drop)
    }

    pub async fn copy_node(&self, from: &DamPath, to: &DamPath, me: &Me) -> Result<(), ApiError> {
        self.call_raw("POST", &api_url("copy", from), Some(&CopyRequest { to: to.clone() }), Some(&me.csrf_token)).await.map(drop)
    }

    pub async fn check_out(&self, path: &DamPath, me: &Me) -> Result<CheckOutDto, ApiError> {
        self.call("POST", &api_url("checkout", path), None::<&()>, Some(&me.csrf_token)).await
    }

    /// Cancels one's own check-out, or (administrators) releases anyone's lock.
    pub async fn release_check_out(&self, path: &DamPath, me: &Me) -> Result<(), ApiError> {
        self.call_raw("DELETE", &api_url("checkout", path), None::<&()>, Some(&me.csrf_token)).await.map(drop)
    }

    /// The asset's tie to its source when it is a live copy; `None` when it is not.
    pub async fn live_copy(&self, path: &DamPath) -> Result<Option<tessera_model::msm::LiveCopyDto>, ApiError> {
        match self.call("GET", &api_url("live-copies", path), None::<&()>, None).await {
            Ok(dto) => Ok(Some(dto)),
            Err(ApiError::Refused { code, .. }) if code == "not_a_live_copy" => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Synchronize, Suspend, Resume or Reset a live copy; its relationship afterwards.
    pub async fn live_copy_action(&self, action: LiveCopyAction, path: &DamPath, me: &Me) -> Result<tessera_model::msm::LiveCopyDto, ApiError> {
        self.call("POST", &api_url(action.route(), path), None::<&()>, Some(&me.csrf_token)).await
    }

    /// Cancels a field's inheritance (a local modification from now on), or enables it
    /// again (the field takes the source's value at once).
    pub async fn set_inheritance(
        &self,
        path: &DamPath,
        field: &tessera_model::msm::InheritedField,
        inheritance: Inheritance,
        me: &Me,
    ) -> Result<tessera_model::msm::LiveCopyDto, ApiError> {
        let method = match inheritance {
            Inheritance::Cancel => "DELETE",
            Inheritance::Reenable => "PUT",
        };
        let url = format!("{}?field={}", api_url("inheritance", path), percent_encode(&field.to_string()));
        self.call(method, &url, None::<&()>, Some(&me.csrf_token)).await
    }

    /// Create Live Copy; a folder's children follow in the returned job.
    pub async fn create_live_copy(&self, request: &tessera_model::msm::CreateLiveCopyRequest, me: &Me) -> Result<tessera_model::msm::LiveCopyResult, ApiError> {
        self.call("POST", "/api/live-copies", Some(request), Some(&me.csrf_token)).await
    }

    /// A source's direct live copies that the caller may read.
    pub async fn live_copies_of(&self, source: &DamPath) -> Result<Vec<tessera_model::msm::LiveCopyDto>, ApiError> {
        self.call("GET", &api_url("live-copies-of", source), None::<&()>, None).await
    }

    /// Rollout to the chosen live copies (all when `None`); a folder's in jobs.
    pub async fn rollout(&self, source: &DamPath, live_copies: Option<Vec<DamPath>>, me: &Me) -> Result<tessera_model::msm::RolloutDto, ApiError> {
        let request = tessera_model::msm::RolloutRequest { live_copies };
        self.call("POST", &api_url("rollout", source), Some(&request), Some(&me.csrf_token)).await
    }

    /// Compare with source: what differs between a live copy and its source.
    pub async fn compare_with_source(&self, path: &DamPath) -> Result<tessera_model::msm::SourceComparison, ApiError> {
        self.call("GET", &api_url("compare-with-source", path), None::<&()>, None).await
    }

    /// What a rollout to the chosen live copies would do, changing nothing.
    pub async fn rollout_preview(&self, source: &DamPath, live_copies: Option<Vec<DamPath>>, me: &Me) -> Result<tessera_model::msm::RolloutPreview, ApiError> {
        let request = tessera_model::msm::RolloutRequest { live_copies };
        self.call("POST", &api_url("rollout-preview", source), Some(&request), Some(&me.csrf_token)).await
    }

    /// The live copy assets below the live copy folders of `source`, with their status.
    pub async fn live_copy_overview(&self, source: &DamPath, within: Option<&DamPath>) -> Result<tessera_model::msm::LiveCopyOverview, ApiError> {
        let query = within.map(|f| format!("?folder={}", percent_encode(f.as_str()))).unwrap_or_default();
        self.call("GET", &format!("{}{query}", api_url("live-copy-overview", source)), None::<&()>, None).await
    }

    /// Detach: the live copy becomes a standalone asset for good.
    pub async fn detach(&self, path: &DamPath, me: &Me) -> Result<(), ApiError> {
        self.call_raw("DELETE", &api_url("live-copies", path), None::<&()>, Some(&me.csrf_token)).await.map(drop)
    }

    pub async fn versions(&self, path: &DamPath) -> Result<Vec<VersionDto>, ApiError> {
        self.call("GET", &api_url("versions", path), None::<&()>, None).await
    }

    pub async fn timeline(&self, path: &DamPath) -> Result<Vec<TimelineEntry>, ApiError> {
        self.call("GET", &api_url("timeline", path), None::<&()>, None).await
    }

    pub async fn restore(&self, path: &DamPath, version: u32, comment: &str, me: &Me) -> Result<VersionDto, ApiError> {
        self.call("POST", &api_url("restore", path), Some(&RestoreRequest { version, comment: comment.to_owned() }), Some(&me.csrf_token)).await
    }

    /// Sends a file as the raw body of `path` (Check In, Create Version).
    pub async fn send_file(&self, path: &str, file: &web_sys::File, me: &Me) -> Result<VersionDto, ApiError> {
        let text = self.request_body("POST", path, Some(file.as_ref()), &file.type_(), Some(&me.csrf_token)).await?;
        decode(&text)
    }

    pub async fn collections(&self) -> Result<Vec<CollectionDto>, ApiError> {
        self.call("GET", "/api/collections", None::<&()>, None).await
    }

    pub async fn create_collection(&self, title: &str, me: &Me) -> Result<CollectionDto, ApiError> {
        self.call("POST", "/api/collections", Some(&NewCollection { title: title.to_owned(), query: None }), Some(&me.csrf_token)).await
    }

    /// A collection that is a saved search: it lists what `query` finds whenever opened.
    pub async fn save_search(&self, title: &str, query: &SearchQuery, me: &Me) -> Result<CollectionDto, ApiError> {
        // Paging belongs to one reading of the results, not to the saved search.
        let query = SearchQuery { cursor: None, limit: None, ..query.clone() };
        self.call("POST", "/api/collections", Some(&NewCollection { title: title.to_owned(), query: Some(query) }), Some(&me.csrf_token)).await
    }

    pub async fn collection(&self, id: i64) -> Result<CollectionContents, ApiError> {
        self.call("GET", &format!("/api/collections/{id}"), None::<&()>, None).await
    }

    pub async fn rename_collection(&self, id: i64, title: &str, me: &Me) -> Result<CollectionDto, ApiError> {
        self.call("PATCH", &format!("/api/collections/{id}"), Some(&tessera_model::RenameCollection { title: title.to_owned() }), Some(&me.csrf_token)).await
    }

    pub async fn delete_collection(&self, id: i64, me: &Me) -> Result<(), ApiError> {
        self.call_raw("DELETE", &format!("/api/collections/{id}"), None::<&()>, Some(&me.csrf_token)).await.map(drop)
    }

    pub async fn remove_from_collection(&self, id: i64, paths: Vec<DamPath>, me: &Me) -> Result<(), ApiError> {
        self.call_raw("POST", &format!("/api/collections/{id}/remove"), Some(&AssetPaths { paths }), Some(&me.csrf_token)).await.map(drop)
    }

    pub async fn share_collection(&self, id: i64, group: &str, access: Option<tessera_model::CollectionAccessDto>, me: &Me) -> Result<CollectionDto, ApiError> {
        let body = tessera_model::ShareCollection { group: group.to_owned(), access };
        self.call("PUT", &format!("/api/collections/{id}/shares"), Some(&body), Some(&me.csrf_token)).await
    }

    /// The plain collections the viewer may add assets to (not saved searches).
    pub async fn editable_collections(&self) -> Result<Vec<CollectionDto>, ApiError> {
        let all = self.collections().await?;
        Ok(all.into_iter().filter(|c| c.access == tessera_model::CollectionAccessDto::Edit && c.query.is_none()).collect())
    }

    /// Adds `paths` to a collection, a new one when `into` says so; the collection's title.
    pub async fn collect(&self, into: CollectInto, paths: Vec<DamPath>, me: &Me) -> Result<String, ApiError> {
        let (id, title) = match into {
            CollectInto::Existing { id, title } => (id, title),
            CollectInto::New(title) => {
                let created = self.create_collection(&title, me).await?;
                (created.id, created.title)
            }
        };
        self.add_to_collection(id, paths, me).await?;
        Ok(title)
    }

    pub async fn add_to_collection(&self, id: i64, paths: Vec<DamPath>, me: &Me) -> Result<(), ApiError> {
        self.call_raw("POST", &format!("/api/collections/{id}/assets"), Some(&AssetPaths { paths }), Some(&me.csrf_token)).await.map(drop)
    }

    pub async fn share_link(&self, paths: Vec<DamPath>, days: u32, me: &Me) -> Result<ShareLinkDto, ApiError> {
        self.call("POST", "/api/shares", Some(&NewShareLinkRequest { paths, days: Some(days) }), Some(&me.csrf_token)).await
    }

    pub async fn share_links(&self) -> Result<Vec<ShareLinkDto>, ApiError> {
        self.call("GET", "/api/shares", None::<&()>, None).await
    }

    pub async fn revoke_share_link(&self, id: i64, me: &Me) -> Result<(), ApiError> {
        self.call_raw("DELETE", &format!("/api/shares/{id}"), None::<&()>, Some(&me.csrf_token)).await.map(drop)
    }

    async fn call<T: DeserializeOwned, B: Serialize>(&self, method: &str, path: &str, body: Option<&B>, csrf: Option<&str>) -> Result<T, ApiError> {
        let text = self.call_raw(method, path, body, csrf).await?;
        decode(&text)
    }

    async fn call_raw<B: Serialize>(&self, method: &str, path: &str, body: Option<&B>, csrf: Option<&str>) -> Result<String, ApiError> {
        self.request(method, path, body, csrf, None).await
    }

    async fn request<B: Serialize>(&self, method: &str, path: &str, body: Option<&B>, csrf: Option<&str>, if_match: Option<&str>) -> Result<String, ApiError> {
        self.exchange(method, path, body, csrf, if_match).await.map(|(text, _)| text)
    }

    /// A JSON request; the answer's text and its `ETag`.
    async fn exchange<B: Serialize>(
        &self,
        method: &str,
        path: &str,
        body: Option<&B>,
        csrf: Option<&str>,
        if_match: Option<&str>,
    ) -> Result<(String, Option<String>), ApiError> {
        let json = body.map(encode_text).transpose()?.map(|j| JsValue::from_str(&j));
        self.fetch(Call { method, path, body: json.as_ref(), content_type: "application/json", csrf, if_match, cancel: None }).await
    }

    /// A request whose body is a file's bytes, of type `mime`.
    async fn request_body(&self, method: &str, path: &str, body: Option<&JsValue>, mime: &str, csrf: Option<&str>) -> Result<String, ApiError> {
        let mime = if mime.is_empty() { "application/octet-stream" } else { mime };
        self.fetch(Call { method, path, body, content_type: mime, csrf, if_match: None, cancel: None }).await.map(|(text, _)| text)
    }

    async fn fetch(&self, call: Call<'_>) -> Result<(String, Option<String>), ApiError> {
        let Call { method, path, body, content_type, csrf, if_match, cancel } = call;
        let unreachable = |_| ApiError::Unreachable { base: self.base.clone() };
        let method = Method::from_bytes(method.as_bytes()).map_err(|_| ApiError::Unexpected(format!("no HTTP method {method}")))?;
        let mut request = RequestBuilder::new(&self.url(path))
            .method(method)
            .mode(RequestMode::Cors)
            .credentials(RequestCredentials::Include)
            .header("accept", "application/json")
            .abort_signal(cancel);
        if let Some(token) = csrf {
            request = request.header(CSRF_HEADER, token);
        }
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        let request = match body {
            Some(body) => request.header("content-type", content_type).body(body.clone()),
            None => request.build(),
        }
        .map_err(unreachable)?;
        let aborted = || cancel.is_some_and(web_sys::AbortSignal::aborted);
        let response = match request.send().await {
            Ok(r) => r,
            Err(_) if aborted() => return Err(ApiError::Aborted),
            Err(_) => return Err(self.why_unreachable().await),
        };
        let text = match response.text().await {
            Ok(text) => text,
            Err(_) if aborted() => return Err(ApiError::Aborted),
            Err(e) => return Err(unreachable(e)),
        };
        if response.ok() {
            return Ok((text, response.headers().get("etag")));
        }
        Err(match decode::<ErrorBody>(&text) {
            Ok(b) => ApiError::Refused { status: response.status(), code: b.error.code, message: b.error.message },
            Err(_) => ApiError::Refused {
                status: response.status(),
                code: "http_error".into(),
                message: format!("The server answered {} {}.", response.status(), response.status_text()),
            },
        })
    }
}

/// One request as [`Client::fetch`] sends it.
struct Call<'a> {
    method: &'a str,
    path: &'a str,
    body: Option<&'a JsValue>,
    content_type: &'a str,
    csrf: Option<&'a str>,
    if_match: Option<&'a str>,
    /// Gives the request up in flight.
    cancel: Option<&'a web_sys::AbortSignal>,
}

impl Client {
    /// A request that got no answer: either the deployment is down, or it answered
    /// and the browser withheld the answer because CORS does not allow this site. An
    /// opaque (`no-cors`) request tells the two apart: it succeeds only if the
    /// server answered.
    async fn why_unreachable(&self) -> ApiError {
        let down = ApiError::Unreachable { base: self.base.clone() };
        if self.base.is_empty() {
            return down;
        }
        let probe = RequestBuilder::new(&self.url("/api/deployment")).mode(RequestMode::NoCors).credentials(RequestCredentials::Omit);
        match probe.send().await {
            Ok(_) => ApiError::CorsRefused { base: self.base.clone(), origin: web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default() },
            Err(_) => down,
        }
    }
}

/// `/api/<kind>/content/<site>/...`: page names need no escaping.
fn page_url(kind: &str, path: &PagePath) -> String {
    format!("/api/{kind}{path}")
}
