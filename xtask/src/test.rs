//! `cargo xtask test`: install what is missing, then every suite in order. Each suite
//! really runs; a suite that cannot start is a failure, not a skip.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context};

use crate::deploy::{self, Ports, DEMO_USERS};
use crate::install::{self, CHROMEDRIVER, CHROMIUM};
use crate::services::{PgServer, S3Server};
use crate::{build, cargo, root};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Suite {
    /// `cargo fmt --check`, and clippy with every warning an error, native and wasm.
    Lint,
    /// `cargo test` for the native crates.
    Native,
    /// The blob-store suite and the HTTP API tests again, with blobs in a real
    /// S3-compatible server (SeaweedFS).
    Storage,
    /// The standing security suite (`crates/server/tests/security`).
    Security,
    /// wasm-bindgen-test in headless Chromium.
    Browser,
    /// Playwright against two deployments on two sites.
    E2e,
    /// schemathesis against the served OpenAPI document: no request may get a 5xx.
    Api,
}

pub fn run_suites(only: &[Suite]) -> anyhow::Result<()> {
    let wanted = |s: Suite| only.is_empty() || only.contains(&s);
    let started = Instant::now();
    install::wasm_target()?;
    install::chromium()?;
    install::e2e_packages()?;
    let schemathesis = if wanted(Suite::Api) { Some(install::schemathesis()?) } else { None };
    let storage_servers = if wanted(Suite::Storage) { Some((install::seaweedfs()?, install::postgres()?)) } else { None };

    let mut tally = Vec::new();
    if wanted(Suite::Lint) {
        section("lint: cargo fmt --check, clippy -D warnings (native crates, the editor whole and split, the embeddable finder, the Assets console)");
        tally.push(("lint", lint()?));
    }
    if wanted(Suite::Native) {
        section("cargo test (native crates)");
        tally.push(("cargo test", run_counting(cargo().arg("test"))?));
    }
    if wanted(Suite::Storage) {
        section("storage: the conformance suites and the HTTP API on PostgreSQL and an S3-compatible server (SeaweedFS)");
        let (weed, postgres) = storage_servers.as_ref().expect("installed above");
        tally.push(("storage", storage(weed, postgres)?));
    }
    if wanted(Suite::Security) {
        section("security: hostile origins, CSRF, read scope, link schemes, logins under attack, killed processes");
        tally.push(("security", run_counting(cargo().args(["test", "--test", "security"]))?));
    }
    if wanted(Suite::Browser) {
        section("wasm-bindgen-test in headless Chromium");
        tally.push(("wasm-bindgen-test", browser_tests()?));
    }
    if wanted(Suite::E2e) {
        section("end to end: two deployments on two sites, Playwright and Chromium");
        tally.push(("playwright e2e", end_to_end()?));
    }
    if wanted(Suite::Api) {
        section("schemathesis against /api/openapi.json: no 5xx");
        tally.push(("schemathesis", api_fuzz(schemathesis.as_deref().expect("installed above"))?));
    }

    println!("\n==== summary ({:.0} s) ====", started.elapsed().as_secs_f64());
    for (suite, count) in &tally {
        println!("{suite}: {} passed, {} failed", count.passed, count.failed);
    }
    let passed: usize = tally.iter().map(|(_, c)| c.passed).sum();
    let failed: usize = tally.iter().map(|(_, c)| c.failed).sum();
    if passed == 0 {
        bail!("no test ran");
    }
    println!("{passed} passed, {failed} failed");
    Ok(())
}

/// Each check that passed counts as one; the first that fails stops the run.
fn lint() -> anyhow::Result<Count> {
    install::lint_components()?;
    let native =
        ["-p", "tessera-model", "-p", "tessera-repo", "-p", "tessera-repo-postgres", "-p", "tessera-repo-sqlite", "-p", "tessera-server", "-p", "xtask"];
    let wasm = ["--target", build::WASM_TARGET, "-p", "tessera"];
    let checks: [Vec<&str>; 6] = [
        vec!["fmt", "--all", "--check"],
        [&["clippy", "--all-targets"][..], &native, &["--", "-D", "warnings"]].concat(),
        [&["clippy"][..], &wasm, &["--", "-D", "warnings"]].concat(),
        [&["clippy"][..], &wasm, &["--features", "split", "--", "-D", "warnings"]].concat(),
        [&["clippy"][..], &wasm, &["--no-default-features", "--features", "embed", "--", "-D", "warnings"]].concat(),
        [&["clippy"][..], &wasm, &["--no-default-features", "--features", "console", "--", "-D", "warnings"]].concat(),
    ];
    for args in &checks {
        crate::run(cargo().args(args))?;
    }
    Ok(Count { passed: checks.len(), failed: 0 })
}

/// Tests a suite reported, summed over its test binaries.
#[derive(Debug, Default, Clone, Copy)]
pub struct Count {
    passed: usize,
    failed: usize,
}

impl Count {
    /// Reads cargo's and wasm-bindgen-test's `test result: ok. N passed; M failed`
    /// and node's `ℹ pass N` / `ℹ fail M`.
    fn read_line(&mut self, line: &str) {
        let number_before =
            |text: &str, word: &str| text.split(';').find_map(|part| part.trim().strip_suffix(word)?.trim().rsplit(' ').next()?.parse::<usize>().ok());
        if let Some(rest) = line.strip_prefix("test result: ") {
            self.passed += number_before(rest, "passed").unwrap_or(0);
            self.failed += number_before(rest, "failed").unwrap_or(0);
        } else if let Some(n) = line.strip_prefix("ℹ pass ").and_then(|n| n.trim().parse::<usize>().ok()) {
            self.passed += n;
        } else if let Some(n) = line.strip_prefix("ℹ fail ").and_then(|n| n.trim().parse::<usize>().ok()) {
            self.failed += n;
        } else if let Some((generated, rest)) = line.trim().split_once(" generated, ") {
            // schemathesis: "1172 generated, 1170 passed, 2 failed"
            let generated = generated.trim().parse::<usize>().unwrap_or(0);
            let passed = rest.split(',').find_map(|p| p.trim().strip_suffix(" passed")?.parse::<usize>().ok()).unwrap_or(0);
            self.passed += passed;
            self.failed += generated.saturating_sub(passed);
        }
    }
}

/// Runs a test command, passing its output through and counting its tests.
fn run_counting(cmd: &mut Command) -> anyhow::Result<Count> {
    run_counting_redacted(cmd, &[])
}

/// The same, with `secrets` blanked out of the echoed command line.
fn run_counting_redacted(cmd: &mut Command, secrets: &[&str]) -> anyhow::Result<Count> {
    let line = secrets.iter().fold(format!("{cmd:?}"), |line, s| line.replace(s, "<redacted>"));
    eprintln!("$ {line}");
    let mut child = cmd.stdout(Stdio::piped()).spawn().with_context(|| format!("cannot start {line}"))?;
    let mut count = Count::default();
    for text in BufReader::new(child.stdout.take().expect("piped")).lines() {
        let text = text?;
        println!("{text}");
        count.read_line(&text);
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("{line} failed with {status}");
    }
    Ok(count)
}

/// The native suite again with PostgreSQL and an S3 server started for this run: the
/// tests that need them (ignored without them) run too — the blob-store suite on the
/// bucket, the catalog conformance suite on PostgreSQL, several processes of one
/// deployment — and every HTTP API test keeps its catalog on PostgreSQL and its
/// blobs in the bucket. The same `cargo test` as the native suite, so nothing is
/// compiled again.
fn storage(weed: &Path, postgres: &Path) -> anyhow::Result<Count> {
    let dir = root().join("target").join("storage");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let s3 = S3Server::start(weed, &dir)?;
    let pg = PgServer::start(postgres)?;
    let secret = [s3.secret_access_key.as_str()];
    run_counting_redacted(cargo().args(["test", "--", "--include-ignored"]).envs(s3.test_env()).envs(pg.test_env()), &secret)
}

fn section(name: &str) {
    eprintln!("\n==== {name} ====");
}

fn browser_tests() -> anyhow::Result<Count> {
    let runner = std::env::current_exe()?;
    run_counting(
        cargo()
            .args(["test", "--package", "tessera", "--target", build::WASM_TARGET])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", format!("{} wasm-test-runner", runner.display()))
            .env("CHROMEDRIVER", CHROMEDRIVER)
            .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", root().join("tests").join("webdriver.json"))
            .env("WASM_BINDGEN_TEST_TIMEOUT", "60"),
    )
}

fn end_to_end() -> anyhow::Result<Count> {
    let server = deploy::build_all()?;
    let dir = root().join("target").join("e2e");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let ports = Ports::free()?;
    let pair = deploy::start_pair(&server, &dir, &ports)?;
    let refusing = deploy::start_refusing_dam(&server, &dir)?;
    let (user, password, _) = DEMO_USERS[1];
    let (admin, admin_password, _) = DEMO_USERS[0];
    let result = run_counting(
        Command::new("node")
            .args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
            .current_dir(root().join("tests").join("e2e"))
            .env("SITES_URL", &pair.sites.origin)
            .env("ASSETS_URL", &pair.assets.origin)
            .env("HOST_URL", ports.host_origin())
            .env("DAM_USER", user)
            .env("DAM_PASSWORD", password)
            .env("ADMIN_USER", admin)
            .env("ADMIN_PASSWORD", admin_password)
            .env("REFUSING_DAM_URL", &refusing.origin)
            .env("CHROMIUM", CHROMIUM)
            .env("SCREENSHOTS", root().join("docs")),
    );
    drop(pair);
    drop(refusing);
    if result.is_err() {
        print_logs(&dir);
    }
    result
}

/// Generated requests against every documented operation of an Assets deployment
/// with sample data, as an administrator (logging out is left out, so the session
/// lasts). Any 5xx fails the suite.
fn api_fuzz(schemathesis: &Path) -> anyhow::Result<Count> {
    let server = deploy::build_all()?;
    let dir = root().join("target").join("schemathesis");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let ports = Ports::free()?;
    let pair = deploy::start_pair(&server, &dir, &ports)?;
    let (user, password, _) = DEMO_USERS[0];
    let session = crate::samples::Session::login(&pair.assets.origin, user, password)?;
    let secrets = [session.cookie.as_str(), session.csrf.as_str()];
    let result = run_counting_redacted(
        Command::new(schemathesis)
            .arg("run")
            .arg(format!("{}/api/openapi.json", pair.assets.origin))
            .args(["--checks", "not_a_server_error", "--max-examples", "25", "--seed", "1", "--warnings", "off"])
            .args(["--suppress-health-check", "filter_too_much", "--exclude-path", "/api/logout"])
            .args(["-H", &format!("Cookie: {}", session.cookie), "-H", &format!("x-csrf-token: {}", session.csrf)])
            .env("NO_COLOR", "1"),
        &secrets,
    );
    let errors = std::fs::read_to_string(dir.join("assets.log")).unwrap_or_default().matches("request failed").count();
    drop(pair);
    let count = result.inspect_err(|_| print_logs(&dir))?;
    if errors > 0 {
        print_logs(&dir);
        bail!("the Assets deployment logged {errors} failed request(s) (5xx) during the run");
    }
    Ok(count)
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

#[cfg(test)]
mod tests {
    use super::Count;

    #[test]
    fn counts_cargo_and_node_summaries() {
        let mut c = Count::default();
        for line in [
            "test result: ok. 23 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.95s",
            "test result: FAILED. 7 passed; 1 failed; 0 ignored",
            "test result: ok. 5 passed; 0 failed; 0 ignored; 0 filtered out; finished in 0.09s",
            "ℹ pass 4",
            "ℹ fail 1",
            "ℹ tests 5",
            "running 5 tests",
            "  100 generated, 97 passed, 3 failed",
        ] {
            c.read_line(line);
        }
        assert_eq!((c.passed, c.failed), (136, 5));
    }
}
