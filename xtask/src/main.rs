//! `cargo xtask`: the project's build, demo, test and bench commands, in Rust rather
//! than shell scripts.

mod bench;
mod build;
mod deploy;
mod function_order;
mod glue;
mod install;
mod samples;
mod services;
mod test;
mod wasm_module;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Builds the editor for wasm32 into pkg/ (release, size-optimised).
    Build,
    /// Builds everything, starts a Sites deployment on http://localhost:4502 and an
    /// Assets deployment on http://127.0.0.1:4503 with sample assets; Ctrl-C stops both.
    Demo {
        /// Delete the demo's data and start over.
        #[arg(long)]
        fresh: bool,
    },
    /// Installs what is missing, then runs every test suite.
    Test {
        /// Run only these suites; all of them by default.
        #[arg(long = "suite", value_enum)]
        suites: Vec<test::Suite>,
    },
    /// Measures sizes and timings and prints them.
    Bench {
        /// Measure only these groups; all of them by default.
        #[arg(long = "only", value_enum)]
        groups: Vec<bench::Group>,
    },
    /// Runs a wasm-bindgen test binary in headless Chromium (used as cargo's runner).
    #[command(hide = true)]
    WasmTestRunner {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> anyhow::Result<()> {
    let task = Cli::parse().command;
    if matches!(task, Task::Demo { .. } | Task::Test { .. } | Task::Bench { .. }) {
        // Before anything builds the server, which links libjpeg-turbo built from source.
        install::jpeg_build_tools()?;
    }
    match task {
        Task::Build => build::editor().map(drop),
        Task::Demo { fresh } => deploy::demo(fresh).map_err(|e| {
            // One sentence a newcomer can act on, not a chain of frames.
            eprintln!("cargo xtask demo failed: {e:#}. The servers' logs are in target/demo/; `cargo xtask demo --fresh` starts over with new data.");
            std::process::exit(1)
        }),
        Task::Test { suites } => test::run_suites(&suites),
        Task::Bench { groups } => bench::all(&groups),
        Task::WasmTestRunner { args } => {
            let argv = std::iter::once("wasm-bindgen-test-runner".to_owned()).chain(args);
            wasm_bindgen_cli::wasm_bindgen_test_runner::run_cli_with_args(argv)
        }
    }
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_owned()
}

/// The `cargo` that runs this xtask.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// Runs a command, failing with its command line if it fails.
pub fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let line = format!("{cmd:?}");
    eprintln!("$ {line}");
    let status = cmd.status().with_context(|| format!("cannot start {line}"))?;
    if !status.success() {
        bail!("{line} failed with {status}");
    }
    Ok(())
}
