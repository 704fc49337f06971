use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::Context;
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
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into()))
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match Cli::parse().command {
        Command::Serve { config } => serve(config),
        Command::HashPassword => hash_password(),
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
            tracing::info!(resumed, "Connected Assets jobs left by the last run taken up again");
        }
        let app = app(state);
        let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
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
