use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};

use crate::common::*;

#[tokio::test]
async fn login_sets_a_partitioned_cookie_and_me_knows_the_user() {
    let app = TestApp::assets();
    let reply = app.send(login_request("ksaner", PASSWORD)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let cookie = reply.header("set-cookie").unwrap();
    for attr in ["HttpOnly", "Secure", "SameSite=None", "Partitioned", "Path=/"] {
        assert!(cookie.split("; ").any(|a| a == attr), "{attr} missing in {cookie}");
    }
    assert_eq!(reply.json()["user"], "ksaner");
    assert_eq!(reply.json()["groups"][0], "authors");

    let login = app.login("ksaner").await;
    let me = app.get("/api/me", Some(&login)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["user"], "ksaner");
    assert_eq!(me.json()["csrf_token"], login.csrf.as_str());
}

#[tokio::test]
async fn wrong_user_and_wrong_password_get_the_same_401() {
    let app = TestApp::assets();
    let wrong_password = app.send(login_request("ksaner", "nope")).await;
    let wrong_user = app.send(login_request("nobody", PASSWORD)).await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_user.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.body, wrong_user.body, "the message must not say which part was wrong");
    assert_eq!(wrong_user.error_code(), "invalid_credentials");
    assert!(wrong_user.header("set-cookie").is_none());
}

#[tokio::test]
async fn malformed_login_bodies_are_400_or_415_with_a_json_error() {
    let app = TestApp::assets();
    let not_json = app.send(Request::post("/api/login").header(header::CONTENT_TYPE, "application/json").body(Body::from("{")).unwrap()).await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_json.error_code(), "bad_json");
    let form = app
        .send(Request::post("/api/login").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from("user=a&password=b")).unwrap())
        .await;
    assert_eq!(form.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::assets();
    let login = app.login("ksaner").await;
    let out = app.send(authed(Method::POST, "/api/logout", &login).body(Body::empty()).unwrap()).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    // The old cookie, replayed, no longer works.
    let me = app.get("/api/me", Some(&login)).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unsafe_methods_need_the_sessions_csrf_token() {
    let app = TestApp::assets();
    let login = app.login("ksaner").await;
    let without = app.send(Request::post("/api/logout").header(header::COOKIE, &login.cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(without.status, StatusCode::FORBIDDEN);
    assert_eq!(without.error_code(), "csrf_token_invalid");
    let other = app.login("admin").await;
    let wrong =
        app.send(Request::post("/api/logout").header(header::COOKIE, &login.cookie).header("x-csrf-token", &other.csrf).body(Body::empty()).unwrap()).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN, "another session's token does not count");
    assert_eq!(app.get("/api/me", Some(&login)).await.status, StatusCode::OK, "the session survived");
}

#[tokio::test]
async fn anonymous_callers_see_nothing_and_dam_users_cannot_write() {
    let app = TestApp::assets();
    let anon = app.get("/api/folders/content/dam", None).await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anon.error_code(), "not_logged_in");

    let viewer = app.login("viewer").await;
    assert_eq!(app.get("/api/folders/content/dam", Some(&viewer)).await.status, StatusCode::OK);
    let write = app.create_folder("/content/dam/new", &viewer).await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);
    let listing = app.get("/api/folders/content/dam", Some(&viewer)).await.json();
    assert_eq!(listing["folders"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn unknown_endpoints_are_a_json_404() {
    let app = TestApp::assets();
    let reply = app.get("/api/nothing-here", None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.error_code(), "no_such_endpoint");
}

#[tokio::test]
async fn the_session_status_answers_200_logged_in_or_not() {
    let app = TestApp::assets();
    let nobody = app.get("/api/session", None).await;
    assert_eq!(nobody.status, StatusCode::OK);
    assert_eq!(nobody.json()["user"], serde_json::Value::Null);
    let login = app.login("ksaner").await;
    let me = app.get("/api/session", Some(&login)).await.json();
    assert_eq!(me["user"]["user"], "ksaner");
    assert_eq!(me["user"]["csrf_token"], login.csrf.as_str());
}

#[tokio::test]
async fn every_deployment_serves_an_icon_and_robots_txt() {
    let app = TestApp::assets();
    let icon = app.get("/favicon.ico", None).await;
    assert_eq!((icon.status, icon.header("content-type")), (StatusCode::OK, Some("image/svg+xml")));
    assert!(String::from_utf8_lossy(&icon.body).starts_with("<svg"));
    let robots = app.get("/robots.txt", None).await;
    assert_eq!(robots.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&robots.body).contains("Disallow: /api/"));
}
