//! Every documented operation, swept with hostile `Origin` values and with broken
//! CSRF tokens.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};

use crate::common::*;

/// Origins that must get nothing: not the allow-list's one entry
/// (`http://localhost:4502`), nor the deployment's own (`http://127.0.0.1:4503`).
const HOSTILE_ORIGINS: &[&str] = &[
    "null",
    "null ",
    "",
    "undefined",
    "*",
    "http://*",
    "http://localhost:*",
    "http://evil.example",
    "https://evil.example",
    // suffix and prefix tricks
    "http://localhost:4502.evil.example",
    "http://localhost.evil.example:4502",
    "http://evillocalhost:4502",
    "http://sub.localhost:4502",
    "http://localhost4502",
    "http://localhost:45020",
    "http://localhost:450",
    "http://127.0.0.1:4503.evil.example",
    // case and scheme
    "http://LOCALHOST:4502",
    "HTTP://localhost:4502",
    "Http://Localhost:4502",
    "https://localhost:4502",
    "ws://localhost:4502",
    "file://",
    "data:",
    "chrome-extension://abcdefghijklmnop",
    // ports
    "http://localhost",
    "http://localhost:80",
    "http://localhost:04502",
    "http://localhost:4503",
    "https://127.0.0.1:4503",
    "http://127.0.0.1",
    // paths, queries, fragments, lists
    "http://localhost:4502/",
    "http://localhost:4502/path",
    "http://localhost:4502?x",
    "http://localhost:4502#",
    "http://localhost:4502\\",
    "http://localhost:4502,http://evil.example",
    "http://localhost:4502 http://evil.example",
    // userinfo
    "http://user@localhost:4502",
    "http://localhost:4502@evil.example",
    "http://evil.example#@localhost:4502",
    // trailing dots and other spellings of the same host
    "http://localhost.:4502",
    "http://127.0.0.1:4502",
    "http://[::1]:4502",
    "http://0.0.0.0:4502",
    "http://2130706433:4503",
    "http://0x7f.0.0.1:4503",
    // punycode and look-alikes
    "http://xn--localhost-8ya:4502",
    "http://xn--80ak6aa92e.com",
    "http://loc\u{0430}lhost:4502",
    // whitespace
    " http://localhost:4502",
    "http://localhost:4502 ",
    "http://localhost:4502\t",
];

/// Every (method, URI) the OpenAPI document lists, with its path parameters filled in.
async fn documented_operations(app: &TestApp) -> Vec<(Method, String)> {
    let doc = app.get("/api/openapi.json", None).await.json();
    let mut ops = Vec::new();
    for (path, methods) in doc["paths"].as_object().expect("the document has paths") {
        let target = if path.contains("page") || path.contains("publish") || path.contains("preview") { "content/site" } else { "content/dam/photos" };
        let uri = path.replace("{path}", target).replace("{name}", "original").replace("{tag}", "x:");
        for method in methods.as_object().unwrap().keys().filter(|m| *m != "parameters") {
            ops.push((method.to_uppercase().parse().unwrap(), uri.clone()));
        }
    }
    assert!(ops.len() >= 30, "the document lists {} operations", ops.len());
    ops
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn cors_headers(reply: &Reply) -> Vec<String> {
    reply.headers.keys().map(|k| k.as_str().to_owned()).filter(|k| k.starts_with("access-control-")).collect()
}

#[tokio::test]
async fn hostile_origins_get_no_cors_answer_and_no_unsafe_request_through() {
    let app = TestApp::sites();
    let login = app.login("admin").await;
    let ops = documented_operations(&app).await;
    let mut requests = 0;
    for origin in HOSTILE_ORIGINS {
        for (method, uri) in &ops {
            let preflight = Request::builder()
                .method(Method::OPTIONS)
                .uri(uri)
                .header(header::ORIGIN, *origin)
                .header(header::ACCESS_CONTROL_REQUEST_METHOD, method.as_str())
                .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type,x-csrf-token")
                .body(Body::empty())
                .unwrap();
            let reply = app.send(preflight).await;
            assert_eq!(cors_headers(&reply), Vec::<String>::new(), "preflight of {method} {uri} from {origin:?}");
            assert!(!reply.status.is_server_error(), "preflight of {method} {uri} from {origin:?}: {}", reply.status);

            // With a valid session and token: only the origin is wrong.
            let actual = authed(method.clone(), uri, &login)
                .header(header::ORIGIN, *origin)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let reply = app.send(actual).await;
            assert_eq!(cors_headers(&reply), Vec::<String>::new(), "{method} {uri} from {origin:?}");
            assert!(!reply.status.is_server_error(), "{method} {uri} from {origin:?}: {}", reply.status);
            if is_unsafe(method) {
                assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {uri} from {origin:?} must be refused");
                assert!(reply.header("set-cookie").is_none(), "{method} {uri} from {origin:?} set a cookie");
            }
            requests += 2;
        }
    }
    assert!(HOSTILE_ORIGINS.len() >= 40);
    eprintln!("hostile-origin sweep: {} origins, {} operations, {requests} requests", HOSTILE_ORIGINS.len(), ops.len());
}

#[tokio::test]
async fn every_unsafe_operation_needs_the_sessions_own_csrf_token() {
    let app = TestApp::sites();
    let login = app.login("admin").await;
    let other = app.login("ksaner").await;
    let ops = documented_operations(&app).await;
    let unsafe_ops: Vec<_> = ops.iter().filter(|(m, _)| is_unsafe(m)).collect();
    assert!(unsafe_ops.len() >= 15, "{} unsafe operations", unsafe_ops.len());
    let mut requests = 0;
    for (method, uri) in &unsafe_ops {
        let wrong = "0".repeat(64);
        for (label, token) in [("missing", None), ("empty", Some("")), ("wrong", Some(wrong.as_str())), ("another session's", Some(other.csrf.as_str()))] {
            let mut request =
                Request::builder().method(method.clone()).uri(uri).header(header::COOKIE, &login.cookie).header(header::CONTENT_TYPE, "application/json");
            if let Some(token) = token {
                request = request.header("x-csrf-token", token);
            }
            let reply = app.send(request.body(Body::from("{}")).unwrap()).await;
            requests += 1;
            if uri == "/api/login" {
                // Logging in needs no token; a wrong body is refused for what it is.
                assert_ne!(reply.error_code(), "csrf_token_invalid", "{method} {uri}");
                continue;
            }
            assert_eq!((reply.status, reply.error_code().as_str()), (StatusCode::FORBIDDEN, "csrf_token_invalid"), "{method} {uri} with a {label} token");
        }
    }
    eprintln!("CSRF sweep: {} unsafe operations, {requests} requests", unsafe_ops.len());
    let me = app.get("/api/me", Some(&login)).await;
    assert_eq!(me.status, StatusCode::OK, "the session survived the sweep");
}

#[tokio::test]
async fn every_html_page_the_server_sends_carries_a_content_security_policy() {
    let app = TestApp::sites();
    let www = app.dir.path().join("www");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("index.html"), "<!doctype html><title>editor</title>").unwrap();
    std::fs::write(www.join("embed.html"), "<!doctype html><title>embed</title>").unwrap();
    for page in ["/editor", "/editor/jobs", "/www/embed.html"] {
        let reply = app.get(page, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        let csp = reply.header("content-security-policy").unwrap_or_else(|| panic!("{page} has no CSP"));
        assert!(csp.contains("frame-ancestors 'self'") && csp.contains("script-src 'self'"), "{page}: {csp}");
    }
    let old_address = app.get("/www/index.html", None).await;
    assert!(old_address.status.is_redirection(), "the editor's HTML has one address");
    assert_eq!(old_address.header("location"), Some("/editor"));
    assert_ne!(app.get("/www/", None).await.status, StatusCode::OK, "no index of /www/");
}
