//! Building the editor bundle: cargo for wasm32, then wasm-bindgen as a library.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::{cargo, install, root, run};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";

/// What a build produced, with the sizes a host page downloads.
pub struct Bundle {
    pub dir: PathBuf,
    pub wasm_bytes: u64,
    pub js_bytes: u64,
    pub gzipped_bytes: u64,
    /// What a host page embedding the Content Finder loads, gzipped: the finder's
    /// own bundle, `finder.js` and `finder.css`.
    pub finder_gzipped_bytes: u64,
    /// What `/assets` loads, gzipped: the console's own bundle, `console.js` and
    /// `console.css`.
    pub console_gzipped_bytes: u64,
}

/// The embeddable finder's own files, copied from `www/` next to the bundle.
const FINDER_FILES: [&str; 3] = ["finder.js", "finder.d.ts", "finder.css"];

/// Builds into `pkg/`: the editor (`tessera.js`, `tessera_bg.wasm`), the Content
/// Finder alone for host pages (`tessera_finder.js`, `tessera_finder_bg.wasm`: the
/// same crate with its `embed` feature instead of `editor`), their TypeScript declarations, the
/// finder's `finder.js`, `finder.d.ts` and `finder.css`, gzipped copies for the
/// server, and `package.json` from `pkg.json`.
pub fn editor() -> anyhow::Result<Bundle> {
    install::wasm_target()?;
    check_wasm_bindgen_lock()?;
    let out = root().join("pkg");
    fs::create_dir_all(&out)?;
    bundle(&[], "tessera", &out)?;
    bundle(&["--no-default-features", "--features", "embed"], "tessera_finder", &out)?;
    bundle(&["--no-default-features", "--features", "console"], "tessera_console", &out)?;
    stamp_package_json(&out)?;
    for file in FINDER_FILES {
        fs::copy(root().join("www").join(file), out.join(file)).with_context(|| format!("copying www/{file} into pkg/"))?;
    }
    let wasm = out.join("tessera_bg.wasm");
    let js = out.join("tessera.js");
    write_build_id(&out)?;
    let gzipped_bytes = gzip_next_to(&wasm)? + gzip_next_to(&js)?;
    let mut finder_gzipped_bytes = 0;
    for file in ["tessera_finder_bg.wasm", "tessera_finder.js", "finder.js", "finder.css"] {
        finder_gzipped_bytes += gzip_next_to(&out.join(file))?;
    }
    let mut console_gzipped_bytes = gzip_next_to(&out.join("tessera_console_bg.wasm"))? + gzip_next_to(&out.join("tessera_console.js"))?;
    for file in ["console.js", "console.css"] {
        console_gzipped_bytes += gzipped_size(&root().join("www").join(file))?;
    }
    let bundle = Bundle {
        dir: out,
        wasm_bytes: fs::metadata(&wasm)?.len(),
        js_bytes: fs::metadata(&js)?.len(),
        gzipped_bytes,
        finder_gzipped_bytes,
        console_gzipped_bytes,
    };
    eprintln!(
        "editor bundle in {}: wasm {} KB + js {} KB, {} KB gzipped; the Content Finder alone {} KB gzipped; the Assets console {} KB gzipped",
        bundle.dir.display(),
        bundle.wasm_bytes / 1024,
        bundle.js_bytes / 1024,
        bundle.gzipped_bytes / 1024,
        bundle.finder_gzipped_bytes / 1024,
        bundle.console_gzipped_bytes / 1024
    );
    Ok(bundle)
}

/// The editor's and the console's bundles' content hash, in `pkg/build-id`. Their HTML names the
/// bundle's files with it (`?v=<id>`), so browsers keep them for good and still never
/// run a build other than the one the HTML was made for.
fn write_build_id(out: &Path) -> anyhow::Result<()> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for file in ["tessera_bg.wasm", "tessera.js", "tessera_console_bg.wasm", "tessera_console.js"] {
        hasher.update(fs::read(out.join(file)).with_context(|| format!("reading pkg/{file}"))?);
    }
    let id: String = hasher.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect();
    fs::write(out.join("build-id"), id)?;
    Ok(())
}

/// One cargo build of the crate for wasm32 with `features`, then wasm-bindgen into
/// `<name>.js` and `<name>_bg.wasm`. Each is generated right after its build: both
/// builds leave their module at the same path.
fn bundle(features: &[&str], name: &str, out: &Path) -> anyhow::Result<()> {
    run(cargo().args(["build", "--package", "tessera", "--lib", "--target", WASM_TARGET, "--profile", PROFILE]).args(features))?;
    let input = root().join("target").join(WASM_TARGET).join(PROFILE).join("tessera.wasm");
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&input)
        .out_name(name)
        .web(true)?
        .typescript(true)
        .debug(false)
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(out)
        .with_context(|| format!("wasm-bindgen failed for {name}"))
}

/// The JS glue that wasm-bindgen writes only works with the wasm of the same version:
/// the `wasm-bindgen` crate the editor links and the `wasm-bindgen-cli-support` this
/// xtask links must be the same version in Cargo.lock.
fn check_wasm_bindgen_lock() -> anyhow::Result<()> {
    let lock = fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let version_of = |name: &str| {
        let needle = format!("name = \"{name}\"\nversion = \"");
        lock.find(&needle).map(|at| {
            let rest = &lock[at + needle.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_owned()
        })
    };
    match (version_of("wasm-bindgen"), version_of("wasm-bindgen-cli-support")) {
        (Some(a), Some(b)) if a == b => Ok(()),
        (a, b) => bail!("Cargo.lock has wasm-bindgen {a:?} but wasm-bindgen-cli-support {b:?}; pin both to the same version in Cargo.toml"),
    }
}

fn stamp_package_json(out: &Path) -> anyhow::Result<()> {
    let template = fs::read_to_string(root().join("pkg.json")).context("reading pkg.json")?;
    let mut manifest: serde_json::Value = serde_json::from_str(&template).context("pkg.json is not JSON")?;
    manifest["version"] = env!("CARGO_PKG_VERSION").into();
    fs::write(out.join("package.json"), serde_json::to_string_pretty(&manifest)? + "\n")?;
    Ok(())
}

/// How large `file` is gzipped (files under `/www` are compressed as they are served).
fn gzipped_size(file: &Path) -> anyhow::Result<u64> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&fs::read(file).with_context(|| format!("reading {}", file.display()))?)?;
    Ok(gz.finish()?.len() as u64)
}

/// Writes `<file>.gz` (served precompressed) and returns its size.
fn gzip_next_to(file: &Path) -> anyhow::Result<u64> {
    let bytes = fs::read(file)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes)?;
    let gz = gz.finish()?;
    let mut name = file.as_os_str().to_owned();
    name.push(".gz");
    fs::write(PathBuf::from(name), &gz)?;
    Ok(gz.len() as u64)
}
