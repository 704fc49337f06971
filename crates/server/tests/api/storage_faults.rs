//! The shared stores failing under a running deployment: requests answer 503 with
//! `Retry-After`, nothing committed is lost and nothing is half written.

use axum::http::StatusCode;

use crate::common::{jpeg, TestApp};

/// Runs SQL as the cluster's superuser, off the test's runtime (the synchronous
/// client drives its own).
fn as_superuser(sql: String) {
    let admin = std::env::var("TESSERA_TEST_POSTGRES_URL").expect("needs PostgreSQL: cargo xtask test --suite storage");
    std::thread::spawn(move || postgres::Client::connect(&admin, postgres::NoTls).and_then(|mut c| c.batch_execute(&sql)).unwrap()).join().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: cargo xtask test --suite storage"]
async fn a_database_that_goes_away_is_503_and_loses_nothing() {
    let app = TestApp::assets();
    let url = app.database_url().expect("the catalog is on PostgreSQL");
    let database = url.rsplit('/').next().unwrap().to_owned();
    let login = app.login("ksaner").await;
    app.create_folder("/content/dam/photos", &login).await;
    assert_eq!(app.upload("/content/dam/photos/kept.jpg", "image/jpeg", jpeg(64, 48), &login).await.status, StatusCode::CREATED);
    app.processed("/content/dam/photos/kept.jpg", &login).await;
    let blobs = app.repo.blobs().count().await.unwrap();

    // The database stops taking connections and drops the ones it had.
    as_superuser(format!(
        "ALTER DATABASE {database} ALLOW_CONNECTIONS false;
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid();"
    ));
    let reply = app.get("/api/assets/content/dam/photos/kept.jpg", Some(&login)).await;
    assert_eq!((reply.status, reply.error_code().as_str()), (StatusCode::SERVICE_UNAVAILABLE, "store_unavailable"));
    assert_eq!(reply.header("retry-after"), Some("5"));
    assert!(!String::from_utf8_lossy(&reply.body).contains("postgres"), "no connection details in the answer");
    let refused = app.upload("/content/dam/photos/lost.jpg", "image/jpeg", jpeg(48, 64), &login).await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);

    // Back: what was committed is there, the refused upload left nothing.
    as_superuser(format!("ALTER DATABASE {database} ALLOW_CONNECTIONS true;"));
    let mut back = app.get("/api/assets/content/dam/photos/kept.jpg", Some(&login)).await;
    for _ in 0..100 {
        if back.status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        back = app.get("/api/assets/content/dam/photos/kept.jpg", Some(&login)).await;
    }
    assert_eq!(back.status, StatusCode::OK);
    assert_eq!(app.get("/api/assets/content/dam/photos/lost.jpg", Some(&login)).await.status, StatusCode::NOT_FOUND);
    app.assert_nothing_left(blobs).await;
}
