//! Logins under attack: throttling by account and by address, bounded memory for
//! password checks, and a second login replacing the session.

use axum::body::Body;
use axum::http::{header, Method, StatusCode};

use crate::common::*;
use crate::process::{assets_config, Server};

#[tokio::test]
async fn wrong_passwords_for_one_account_are_throttled_but_not_for_long() {
    let app = TestApp::assets();
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(app.send(login_request("ksaner", "guess")).await.status);
    }
    assert_eq!(&statuses[..5], [StatusCode::UNAUTHORIZED; 5], "a few typos cost nothing");
    let refused = app.send(login_request("ksaner", PASSWORD)).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "the right password waits too: the guesser cannot tell");
    assert_eq!(refused.error_code(), "too_many_logins");
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&wait), "a stranger holds a real user up for half a minute at most, not {wait} s");
    assert_eq!(app.send(login_request("KSANER", "guess")).await.status, StatusCode::TOO_MANY_REQUESTS, "names compare without case");
    // Another account is untouched.
    assert_eq!(app.send(login_request("viewer", PASSWORD)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_throttled() {
    let app = TestApp::assets();
    let origin = app.serve().await;
    let attempt = |user: String| {
        let url = format!("{origin}/api/login");
        async move {
            tokio::task::spawn_blocking(move || {
                let r =
                    ureq::post(&url).config().http_status_as_error(false).build().send_json(serde_json::json!({ "user": user, "password": "guess" })).unwrap();
                (r.status().as_u16(), r.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned()))
            })
            .await
            .unwrap()
        }
    };
    for n in 0..20 {
        assert_eq!(attempt(format!("user{n}")).await.0, 401, "attempt {n}");
    }
    assert_eq!(attempt("user20".into()).await.0, 401, "the 21st wrong login is checked, and starts a delay");
    let last = attempt("user21".into()).await;
    assert_eq!(last.0, 429, "the next one from that address waits, each for another account");
    assert!(last.1.is_some(), "with Retry-After");
    assert_eq!(attempt("someone-new".into()).await.0, 429, "the address waits, whatever name it tries");
}

#[tokio::test]
async fn logging_in_again_needs_no_csrf_token_and_replaces_the_session() {
    let app = TestApp::assets();
    let first = app.login("ksaner").await;
    let mut again = login_request("ksaner", PASSWORD);
    again.headers_mut().insert(header::COOKIE, first.cookie.parse().unwrap());
    let reply = app.send(again).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(app.get("/api/me", Some(&first)).await.status, StatusCode::UNAUTHORIZED, "the old session is gone");
    let cookie = reply.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
    let second = Login { cookie, csrf: reply.json()["csrf_token"].as_str().unwrap().to_owned() };
    assert_eq!(app.get("/api/me", Some(&second)).await.status, StatusCode::OK);
    let stale =
        app.send(authed(Method::POST, "/api/logout", &Login { cookie: second.cookie.clone(), csrf: first.csrf.clone() }).body(Body::empty()).unwrap()).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN, "the old CSRF token does not fit the new session");
}

/// 128 wrong logins at once from 8 clients: before, the server grew by gigabytes.
#[test]
fn a_burst_of_wrong_logins_uses_bounded_memory() {
    let dir = tempfile::TempDir::new().unwrap();
    let (config, origin) = assets_config(dir.path(), "");
    let server = Server::start(&config, &origin);
    let before = server.peak_memory();
    let statuses: Vec<(u16, bool)> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..8)
            .map(|client| {
                let url = format!("{origin}/api/login");
                scope.spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
                    let inner: Vec<_> = (0..16)
                        .map(|n| {
                            let (agent, url) = (agent.clone(), url.clone());
                            std::thread::spawn(move || {
                                let r = agent.post(&url).send_json(serde_json::json!({ "user": format!("u{client}-{n}"), "password": "guess" })).unwrap();
                                (r.status().as_u16(), r.headers().contains_key("retry-after"))
                            })
                        })
                        .collect();
                    inner.into_iter().map(|t| t.join().unwrap()).collect::<Vec<_>>()
                })
            })
            .collect();
        clients.into_iter().flat_map(|c| c.join().unwrap()).collect()
    });
    let peak = server.peak_memory();
    assert!(statuses.iter().all(|(s, _)| *s == 401 || *s == 429), "{statuses:?}");
    assert!(statuses.iter().filter(|(s, _)| *s == 429).all(|(_, retry)| *retry), "every 429 says when to come back");
    let growth = peak.saturating_sub(before);
    assert!(growth < 200 * 1024 * 1024, "128 concurrent logins grew the server by {} MB (from {} MB)", growth >> 20, before >> 20);
    eprintln!("128 concurrent wrong logins: {} refused with 429, peak growth {} MB", statuses.iter().filter(|(s, _)| *s == 429).count(), growth >> 20);
}
