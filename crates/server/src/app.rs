//! The router: which path goes to which handler, and the layers around them.

use std::sync::Arc;

use anyhow::Context;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::Router;
use tessera_repo::Repo;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::routes;

use crate::auth::{authenticate, hash_password};
use crate::config::{Role, Settings, Storage};
use crate::cors::{guard_origins, OriginPolicy};
use crate::error::{log_errors, AppError};
use crate::handlers::{
    collections, connected, dam, deployment, editor, images, live_copies, pages, permissions, public, references, search, session, shares, tags, versions,
};
use crate::openapi;
use crate::state::AppState;

/// The deployment's repository: its catalog and its blob store, as configured.
pub fn open_repo(settings: &Settings) -> anyhow::Result<Repo> {
    std::fs::create_dir_all(&settings.data_dir).with_context(|| format!("creating the data directory {}", settings.data_dir.display()))?;
    let catalog: Arc<dyn tessera_repo::Catalog> = match &settings.storage {
        Storage::Sqlite => Arc::new(tessera_repo_sqlite::SqliteCatalog::open(&settings.data_dir.join("tessera.sqlite3"))?),
        Storage::Postgres { url, pool_size } => {
            Arc::new(tessera_repo_postgres::PostgresCatalog::open(&url.0, *pool_size).with_context(|| format!("cannot use the PostgreSQL database {url:?}"))?)
        }
    };
    Ok(Repo::new(catalog, settings.blobs.clone(), &settings.data_dir, settings.limits)?)
}

/// Opens the deployment's repository and builds its state.
pub fn state(settings: Settings) -> anyhow::Result<AppState> {
    let repo = open_repo(&settings)?;
    anyhow::ensure!(
        !repo.copy_unfinished()?,
        "a copy into this deployment's storage (tessera-server migrate) has not finished; run it again to finish it before serving"
    );
    let connected = match &settings.connected {
        Some(file) => Some(crate::connected::Connected::load(file.clone(), settings.dam_network, &repo)?),
        None => None,
    };
    let decoy_hash = hash_password("decoy password for unknown user names").map_err(|e| anyhow::anyhow!("{e}"))?;
    let renders = Arc::new(crate::state::RenderGate::new(settings.images.max_concurrent_renders, settings.images.queue));
    let passwords = crate::password::PasswordChecker::start(settings.login.concurrent_checks, settings.login.queue)?;
    Ok(AppState {
        settings: Arc::new(settings),
        repo,
        decoy_hash: Arc::new(decoy_hash),
        passwords: Arc::new(passwords),
        login_throttle: Arc::default(),
        renders,
        connected,
    })
}

/// Starts what runs beside the requests: rendition workers, and the jobs the last run
/// left unfinished. Returns how many of those were taken up.
pub async fn start_background_work(state: &AppState) -> anyhow::Result<usize> {
    let lease = state.settings.jobs.lease_secs;
    state.repo.start_workers(state.settings.jobs)?;
    let resumed = crate::jobs::resume(state, state.repo.abandoned_at_start(lease)).await?;
    if state.repo.concurrency() == tessera_repo::Concurrency::ManyProcesses {
        // Jobs of another process of this deployment that stopped: taken over by one.
        let state = state.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs((lease as u64 / 2).clamp(1, 30)));
            every.tick().await;
            loop {
                every.tick().await;
                match crate::jobs::resume(&state, state.repo.abandoned_now(lease)).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(resumed = n, "jobs of a process that stopped taken over"),
                    Err(e) => tracing::warn!(error = %e, "cannot look for abandoned jobs"),
                }
            }
        });
    }
    Ok(resumed)
}

pub fn app(state: AppState) -> Router {
    let settings = Arc::clone(&state.settings);
    let policy = OriginPolicy::new(settings.public_origin.clone(), settings.allowed_origins.clone());

    let api = openapi::ApiRouter::default()
        .routes(routes!(deployment::info))
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(session::me))
        .routes(routes!(session::status))
        .routes(routes!(dam::list_folder, dam::create_folder, dam::delete_folder))
        .routes(routes!(dam::tree))
        .routes(routes!(dam::asset, dam::upload, dam::update_metadata, dam::delete_asset))
        .routes(routes!(dam::set_tags))
        .routes(routes!(dam::move_node))
        .routes(routes!(dam::copy_node))
        .routes(routes!(dam::rendition))
        .routes(routes!(versions::list, versions::create))
        .routes(routes!(versions::check_in))
        .routes(routes!(versions::check_out, versions::release))
        .routes(routes!(versions::restore))
        .routes(routes!(versions::timeline))
        .routes(routes!(live_copies::create))
        .routes(routes!(live_copies::get, live_copies::detach))
        .routes(routes!(live_copies::of_source))
        .routes(routes!(live_copies::overview))
        .routes(routes!(live_copies::rollout))
        .routes(routes!(live_copies::rollout_preview))
        .routes(routes!(live_copies::compare_with_source))
        .routes(routes!(live_copies::synchronize))
        .routes(routes!(live_copies::suspend))
        .routes(routes!(live_copies::resume))
        .routes(routes!(live_copies::reset))
        .routes(routes!(live_copies::cancel_inheritance, live_copies::reenable_inheritance))
        .routes(routes!(collections::list, collections::create))
        .routes(routes!(collections::get, collections::rename, collections::delete))
        .routes(routes!(collections::add))
        .routes(routes!(collections::remove))
        .routes(routes!(collections::share))
        .routes(routes!(shares::list, shares::create))
        .routes(routes!(shares::revoke))
        .routes(routes!(shares::open))
        .routes(routes!(shares::download))
        .routes(routes!(search::search))
        .routes(routes!(permissions::list, permissions::set))
        .routes(routes!(pages::list))
        .routes(routes!(pages::get, pages::create, pages::save, pages::delete))
        .routes(routes!(pages::move_page))
        .routes(routes!(pages::plan, pages::publish))
        .routes(routes!(pages::preview))
        .routes(routes!(images::edited))
        .routes(routes!(tags::list, tags::create))
        .routes(routes!(tags::delete))
        .routes(routes!(connected::config, connected::update_config))
        .routes(routes!(connected::test))
        .routes(routes!(connected::fetch))
        .routes(routes!(connected::jobs))
        .routes(routes!(references::list, references::add, references::remove))
        .finish()
        .fallback(|| async { AppError::refused(axum::http::StatusCode::NOT_FOUND, "no_such_endpoint", "There is no such API endpoint.") })
        .route_layer(from_fn_with_state(state.clone(), authenticate))
        // Uploads stream their raw body and enforce the configured limit themselves;
        // this limit covers JSON bodies.
        // A page with hundreds of components and their asset snapshots stays well below.
        .layer(DefaultBodyLimit::max(4 * 1024 * 1024))
        .with_state(state.clone());

    let mut router = Router::new().nest("/api", api).merge(public::site_files()).route("/share/{token}", get(shares::page).with_state(state.clone()));
    if let Some(files) = &settings.editor {
        let ui = if settings.has_role(Role::Sites) { editor::Ui::EditorAndConsole } else { editor::Ui::ConsoleOnly };
        router = router.merge(editor::routes(files, state.clone(), ui));
    }
    if settings.has_role(Role::Sites) {
        router = router.merge(
            Router::new()
                .route("/content/{*rest}", get(public::page))
                .route("/published/{hash}", get(public::blob))
                .route("/published/image/{hash}/{key}/{file}", get(images::published))
                .with_state(state.clone()),
        );
    }
    router
        .layer(from_fn(log_errors))
        .layer(policy.layer())
        .layer(from_fn_with_state(policy, guard_origins))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            tracing::debug_span!("request", method = %request.method(), path = %crate::error::loggable_path(request.uri().path()))
        }))
}
