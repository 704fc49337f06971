//! Cross-origin access for the Sites deployments' editors.
//!
//! tower-http's `CorsLayer` answers listed origins with an exact
//! `Access-Control-Allow-Origin` and credentials. [`guard_origins`] wraps it so that an
//! origin that is not listed gets no `Access-Control-*` header at all, and an unsafe
//! request from such an origin is refused before it reaches a handler.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tessera_model::CSRF_HEADER;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::error::AppError;

/// The origins allowed to call this deployment from a browser.
#[derive(Debug, Clone)]
pub struct OriginPolicy {
    own: String,
    allowed: Arc<Vec<String>>,
}

impl OriginPolicy {
    pub fn new(own: String, allowed: Vec<String>) -> Self {
        OriginPolicy { own, allowed: Arc::new(allowed) }
    }

    fn is_listed(&self, origin: &[u8]) -> bool {
        self.allowed.iter().any(|o| o.as_bytes() == origin)
    }

    fn is_own(&self, origin: &[u8]) -> bool {
        self.own.as_bytes() == origin
    }

    pub fn layer(&self) -> CorsLayer {
        let origins = self.allowed.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect::<Vec<_>>();
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_credentials(true)
            .allow_methods([Method::GET, Method::HEAD, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([header::CONTENT_TYPE, HeaderName::from_static(CSRF_HEADER)])
            .expose_headers([header::ETAG, header::CONTENT_LENGTH])
            .max_age(Duration::from_secs(600))
    }
}

/// Runs outside the CORS layer: strips its headers unless the request came from a
/// listed origin, and refuses unsafe requests from other sites' pages (a second line
/// behind the CSRF token).
pub async fn guard_origins(State(policy): State<OriginPolicy>, request: Request, next: Next) -> Response {
    let origin = request.headers().get(header::ORIGIN).map(|o| o.as_bytes().to_vec());
    let listed = origin.as_deref().is_some_and(|o| policy.is_listed(o));
    let foreign = origin.as_deref().is_some_and(|o| !listed && !policy.is_own(o));
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if foreign && !safe {
        return AppError::forbidden("Requests from this origin are not allowed.").into_response();
    }
    let mut response = next.run(request).await;
    if !listed {
        strip_cors_headers(&mut response);
    }
    response
}

fn strip_cors_headers(response: &mut Response) {
    let names: Vec<HeaderName> = response.headers().keys().filter(|name| name.as_str().starts_with("access-control-")).cloned().collect();
    for name in names {
        response.headers_mut().remove(name);
    }
}
