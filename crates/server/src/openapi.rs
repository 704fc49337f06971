//! `GET /api/openapi.json`: this API described as OpenAPI 3.1, derived from the
//! handlers' `#[utoipa::path]` attributes and the `model` types' schemas. The API's
//! routes are added through [`ApiRouter`], which routes and documents each handler
//! in one step, so no route goes undocumented and the document names no route that
//! does not exist. schemathesis (in `cargo xtask test`) fuzzes it for 5xx.

use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::{Extension, Router};
use tessera_model::connected::JobState;
use tessera_model::{AssetKind, DamPath, DocType, ErrorBody, Order, Orientation, RenditionName, Sort, TagId};
use utoipa::openapi::path::Paths;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::Ref;
use utoipa::openapi::{OpenApi as Document, RefOr, Response};
use utoipa::OpenApi;
use utoipa_axum::router::UtoipaMethodRouter;

use crate::state::AppState;

/// Where the API is nested: the document's paths carry it, the handlers' do not.
pub const PREFIX: &str = "/api";

/// Path parameters that carry a repository path, slashes included: the router
/// matches them as wildcards (`{*path}`), OpenAPI writes them as `{path}`.
const WILDCARD_PARAMS: [&str; 2] = ["path", "tag"];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tessera deployment API",
        description = "One Tessera deployment: its DAM, login, and (for a Sites deployment) its pages and the editor's settings. \
                       Unsafe methods from a session need its CSRF token in x-csrf-token."
    ),
    // Schemas that only parameters name: `routes!` collects those of bodies.
    components(schemas(ErrorBody, RenditionName, AssetKind, DocType, Orientation, Sort, Order, DamPath, TagId, JobState))
)]
struct Base;

/// The API's router and its document, built together.
pub struct ApiRouter {
    router: Router<AppState>,
    paths: Paths,
    schemas: Vec<(String, RefOr<Schema>)>,
}

impl Default for ApiRouter {
    fn default() -> Self {
        ApiRouter { router: Router::new(), paths: Paths::new(), schemas: Vec::new() }
    }
}

impl ApiRouter {
    /// Routes the handlers of one path (a `utoipa_axum::routes!` of them) and
    /// documents their operations.
    pub fn routes(mut self, (schemas, paths, method_router): UtoipaMethodRouter<AppState>) -> Self {
        for (path, item) in paths.paths {
            self.router = self.router.route(&axum_route(&path), method_router.clone());
            let documented = format!("{PREFIX}{path}");
            assert!(!self.paths.paths.contains_key(&documented), "{documented} is routed twice: give routes! every handler of a path at once");
            self.paths.paths.insert(documented, item);
        }
        self.schemas.extend(schemas);
        self
    }

    /// The router, and the document served at `/openapi.json` on it.
    pub fn finish(self) -> Router<AppState> {
        let ApiRouter { router, paths, schemas } = self.routes(utoipa_axum::routes!(serve));
        let mut doc = Base::openapi();
        doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
        doc.paths = paths;
        let components = doc.components.get_or_insert_with(Default::default);
        components.schemas.extend(schemas);
        components.add_security_scheme("cookie", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(tessera_model::LOGIN_COOKIE))));
        components.add_security_scheme("csrf", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new(tessera_model::CSRF_HEADER))));
        // Anonymous calls are allowed where the handler allows them.
        doc.security = Some(vec![SecurityRequirement::new("cookie", Vec::<String>::new()).add("csrf", Vec::<String>::new()), SecurityRequirement::default()]);
        describe_refusals(&mut doc);
        let json = serde_json::to_vec(&doc).expect("an OpenAPI document serializes");
        router.layer(Extension(Served(Bytes::from(json))))
    }
}

/// The router's spelling of a documented path: `/folders/{path}` → `/folders/{*path}`.
fn axum_route(documented: &str) -> String {
    WILDCARD_PARAMS.iter().fold(documented.to_owned(), |route, name| route.replace(&format!("{{{name}}}"), &format!("{{*{name}}}")))
}

/// Every error answer has the same body; its description is the status's own
/// reason, and every operation that touches storage may answer 503 while the
/// database or the blob store is away.
fn describe_refusals(doc: &mut Document) {
    let unavailable = Response::builder()
        .description("The database or the blob store is unavailable; try again after Retry-After seconds")
        .content("application/json", utoipa::openapi::ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
        .build();
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in ops.into_iter().flatten() {
            for (status, response) in op.responses.responses.iter_mut() {
                if let RefOr::T(response) = response {
                    if response.description.is_empty() {
                        let reason = status.parse::<u16>().ok().and_then(|s| axum::http::StatusCode::from_u16(s).ok()).and_then(|s| s.canonical_reason());
                        response.description = format!("{}; the message says why", reason.unwrap_or("Refused"));
                    }
                }
            }
            if path != &format!("{PREFIX}/openapi.json") {
                op.responses.responses.entry("503".to_owned()).or_insert_with(|| RefOr::T(unavailable.clone()));
            }
        }
    }
}

#[utoipa::path(get, path = "/openapi.json", tag = "Deployment", summary = "This document", security(()), responses((status = 200, description = "OpenAPI 3.1")))]
pub async fn serve(Extension(doc): Extension<Served>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], doc.0)
}

/// The document, serialized once.
#[derive(Clone)]
pub struct Served(Bytes);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_paths_are_wildcards_in_the_router() {
        assert_eq!(axum_route("/folders/{path}"), "/folders/{*path}");
        assert_eq!(axum_route("/renditions/{name}/{path}"), "/renditions/{name}/{*path}");
        assert_eq!(axum_route("/tags/{tag}"), "/tags/{*tag}");
        assert_eq!(axum_route("/search"), "/search");
    }
}
