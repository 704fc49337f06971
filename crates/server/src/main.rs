use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::Context;
use axum::serve::ListenerExt;
use clap::{Parser, Subcommand};
use tessera_server::{app, auth, state, Settings};

/// One Tessera deployment: a DAM, and for a Sites deployment the page editor.
#[derive(Parser)]
#[command(name = "tessera-server", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the deployment described by a TOML config file.
    Serve {
        #[arg(long)]
        config: PathBuf,
    },
    /// Reads a password (prompted, or one line of standard input) and prints its
    /// argon2id hash for the `password_hash` of a user in the config file.
    HashPassword,
    /// Copies a deployment's catalog and blobs to the storage another config file
    /// names (SQLite and disk to PostgreSQL and S3, or back), verifying every blob.
    /// Stop the deployment first. Run it again to finish a copy that was interrupted;
    /// the target cannot be served until the copy is complete.
    Migrate {
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        to: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into()))
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match Cli::parse().command {
        Command::Serve { config } => serve(config),
        Command::HashPassword => hash_password(),
        Command::Migrate { from, to } => migrate(from, to),
    }
}

fn serve(config: PathBuf) -> anyhow::Result<()> {
    let settings = Settings::load(&config)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let listen = settings.listen;
        let origin = settings.public_origin.clone();
        let roles: Vec<_> = settings.roles.iter().map(|r| r.as_str()).collect();
        let state = state(settings)?;
        let store = state.repo.blobs();
        store.check().await.with_context(|| format!("cannot use the blob store, {}", store.describe()))?;
        tracing::info!(store = %store.describe(), "blob store answers");
        let resumed = tessera_server::app::start_background_work(&state).await?;
        if resumed > 0 {
            tracing::info!(resumed, "jobs left by the last run taken up again");
        }
        let app = app(state);
        // Without TCP_NODELAY a response's last small segment can wait for the client's
        // delayed ACK (tens of milliseconds) before it leaves.
        let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!("TCP_NODELAY not set on a connection: {e}");
            }
        });
        tracing::info!(%listen, %origin, ?roles, "tessera-server is ready");
        axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).with_graceful_shutdown(shutdown_signal()).await?;
        tracing::info!("stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("installing a SIGTERM handler works on Unix");
    tokio::select! {
        _ = interrupt => {},
        _ = terminate.recv() => {},
    }
}

fn migrate(from: PathBuf, to: PathBuf) -> anyhow::Result<()> {
    let (source, target) = (Settings::load(&from)?, Settings::load(&to)?);
    anyhow::ensure!(
        source.storage != target.storage || source.blobs != target.blobs || source.data_dir != target.data_dir,
        "{} and {} name the same storage",
        from.display(),
        to.display()
    );
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let source = tessera_server::app::open_repo(&source).context("opening the deployment to copy")?;
        anyhow::ensure!(!source.copy_unfinished()?, "{} is itself an unfinished copy; finish that one first", from.display());
        let target = tessera_server::app::open_repo(&target).context("opening the storage to copy into")?;
        for (name, repo) in [("source", &source), ("target", &target)] {
            repo.blobs().check().await.with_context(|| format!("cannot use the {name}'s blob store, {}", repo.blobs().describe()))?;
        }
        let started = std::time::Instant::now();
        let done = source.copy_into(&target, tessera_server::migrate::print_progress).await?;
        eprintln!();
        println!(
            "Copied in {:.1} s: {} blobs ({} already there, {:.1} MB copied, every one verified), {} folders, {} assets, {} tags, {} permissions, {} pages, {} references.",
            started.elapsed().as_secs_f64(),
            done.blobs_total,
            done.blobs_already_there,
            done.bytes_copied as f64 / 1_048_576.0,
            done.folders,
            done.assets,
            done.tags,
            done.permissions,
            done.pages,
            done.references
        );
        Ok(())
    })
}

fn hash_password() -> anyhow::Result<()> {
    let password = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password: ")?
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    anyhow::ensure!(!password.is_empty(), "the password is empty");
    println!("{}", auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?);
    Ok(())
}
