//! `cargo xtask test`: install what is missing, then every suite in order. Each suite
//! really runs; a suite that cannot start is a failure, not a skip.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::deploy::{self, Ports, DEMO_USERS};
use crate::install::{self, CHROMEDRIVER, CHROMIUM};
use crate::{build, cargo, root, run};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Suite {
    /// `cargo test` for the native crates.
    Native,
    /// wasm-bindgen-test in headless Chromium.
    Browser,
    /// Playwright against two deployments on two sites.
    E2e,
}

pub fn run_suites(only: &[Suite]) -> anyhow::Result<()> {
    let wanted = |s: Suite| only.is_empty() || only.contains(&s);
    let started = Instant::now();
    install::wasm_target()?;
    install::chromium()?;
    install::e2e_packages()?;

    if wanted(Suite::Native) {
        section("cargo test (native crates)");
        run(cargo().args(["test"]))?;
    }
    if wanted(Suite::Browser) {
        section("wasm-bindgen-test in headless Chromium");
        browser_tests()?;
    }
    if wanted(Suite::E2e) {
        section("end to end: two deployments on two sites, Playwright and Chromium");
        end_to_end()?;
    }

    eprintln!("\nall suites passed in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn section(name: &str) {
    eprintln!("\n==== {name} ====");
}

fn browser_tests() -> anyhow::Result<()> {
    let runner = std::env::current_exe()?;
    run(cargo()
        .args(["test", "--package", "tessera", "--target", build::WASM_TARGET])
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", format!("{} wasm-test-runner", runner.display()))
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", root().join("tests").join("webdriver.json"))
        .env("WASM_BINDGEN_TEST_TIMEOUT", "60"))
}

fn end_to_end() -> anyhow::Result<()> {
    let server = deploy::build_all()?;
    let dir = root().join("target").join("e2e");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let ports = Ports::free()?;
    let pair = deploy::start_pair(&server, &dir, &ports)?;
    let (user, password, _) = DEMO_USERS[1];
    let result = run(Command::new("node")
        .args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
        .current_dir(root().join("tests").join("e2e"))
        .env("SITES_URL", &pair.sites.origin)
        .env("ASSETS_URL", &pair.assets.origin)
        .env("DAM_USER", user)
        .env("DAM_PASSWORD", password)
        .env("CHROMIUM", CHROMIUM)
        .env("SCREENSHOT", root().join("docs").join("editor.png")));
    drop(pair);
    if result.is_err() {
        print_logs(&dir);
    }
    result
}

fn print_logs(dir: &Path) {
    for name in ["sites.log", "assets.log"] {
        if let Ok(log) = std::fs::read_to_string(dir.join(name)) {
            let tail: Vec<_> = log.lines().rev().take(40).collect();
            eprintln!("---- last lines of {name} ----");
            tail.iter().rev().for_each(|l| eprintln!("{l}"));
        }
    }
}
