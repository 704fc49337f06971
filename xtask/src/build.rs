//! Building the editor bundle: cargo for wasm32, then wasm-bindgen as a library.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use crate::{cargo, function_order, glue, install, root, run, wasm_module};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";

/// What a build produced, with the sizes a host page downloads.
pub struct Bundle {
    pub dir: PathBuf,
    pub wasm_bytes: u64,
    pub js_bytes: u64,
    /// What the editor loads before it is interactive, gzipped: its main module, its
    /// glue and the loader of its lazily loaded modules.
    pub gzipped_bytes: u64,
    /// The editor's lazily loaded modules (the Content Finder, Pages, its dialogs,
    /// the login, Async Jobs, the Connected Assets page) together, gzipped.
    pub editor_lazy_gzipped_bytes: u64,
    /// What a host page embedding the Content Finder loads, gzipped: the finder's
    /// own bundle, `finder.js` and `finder.css`.
    pub finder_gzipped_bytes: u64,
    /// What `/assets` loads, gzipped: the console's own bundle, its loader of lazily
    /// loaded modules, `console.js` and `console.css`.
    pub console_gzipped_bytes: u64,
    /// The console's lazily loaded modules (dialogs, the rail, uploads…) together,
    /// gzipped: each loads the first time it is needed.
    pub console_lazy_gzipped_bytes: u64,
}

/// The embeddable finder's own files, copied from `www/` next to the bundle.
const FINDER_FILES: [&str; 4] = ["finder.js", "finder.d.ts", "finder.css", "finder.css.d.ts"];

/// What the `@tessera/finder` npm package holds besides the built files: its README
/// (from `package/`) and the licenses (from the repository's root).
const PACKAGE_TEXTS: [(&str, &str); 3] = [("package/README.md", "README.md"), ("LICENSE-MIT", "LICENSE-MIT"), ("LICENSE-APACHE", "LICENSE-APACHE")];

/// Builds into `pkg/`: the editor (`tessera.js`, `tessera_bg.wasm`, and beside them
/// its lazily loaded modules with their loader), the Content
/// Finder alone for host pages (`tessera_finder.js`, `tessera_finder_bg.wasm`: the
/// same crate with its `embed` feature instead of `editor`), their TypeScript declarations, the
/// finder's `finder.js`, `finder.d.ts` and `finder.css`, the Assets console in
/// `pkg/console/` (a folder of its own: its lazily loaded modules and their loader
/// have the same kind of names as the editor's), gzipped copies for the
/// server, and the `@tessera/finder` package's `package.json` (from
/// `package/package.json`), README and licenses: `npm pack pkg` packs the finder alone.
pub fn editor() -> anyhow::Result<Bundle> {
    install::wasm_target()?;
    check_wasm_bindgen_lock()?;
    let out = root().join("pkg");
    let console_dir = out.join(CONSOLE_DIR);
    fs::create_dir_all(&console_dir)?;
    let editor = split_bundle(&["--features", "split"], "tessera", &out)?;
    bundle(&["--no-default-features", "--features", "embed"], "tessera_finder", &out)?;
    let console = split_bundle(&["--no-default-features", "--features", "console"], "tessera_console", &console_dir)?;
    stamp_package_json(&out)?;
    for file in FINDER_FILES {
        fs::copy(root().join("www").join(file), out.join(file)).with_context(|| format!("copying www/{file} into pkg/"))?;
    }
    let [wasm, js, _] = editor.entry_files();
    write_build_id(&out, &[&editor, &console])?;
    let mut finder_gzipped_bytes = 0;
    for file in ["tessera_finder_bg.wasm", "tessera_finder.js", "finder.js", "finder.css"] {
        finder_gzipped_bytes += gzip_next_to(&out.join(file))?;
    }
    let mut console_gzipped_bytes = console.gzip_entry()?;
    for file in ["console.js", "console.css"] {
        console_gzipped_bytes += gzipped_size(&root().join("www").join(file))?;
    }
    let bundle = Bundle {
        dir: out,
        wasm_bytes: fs::metadata(&wasm)?.len(),
        js_bytes: fs::metadata(&js)?.len(),
        gzipped_bytes: editor.gzip_entry()?,
        editor_lazy_gzipped_bytes: editor.gzip_lazy()?,
        finder_gzipped_bytes,
        console_gzipped_bytes,
        console_lazy_gzipped_bytes: console.gzip_lazy()?,
    };
    eprintln!(
        "editor bundle in {}: wasm {} KB + js {} KB, {} KB gzipped (and {} KB loaded when first needed); the Content Finder alone {} KB gzipped; the Assets console {} KB gzipped (and {} KB loaded when first needed)",
        bundle.dir.display(),
        bundle.wasm_bytes / 1024,
        bundle.js_bytes / 1024,
        bundle.gzipped_bytes / 1024,
        bundle.editor_lazy_gzipped_bytes / 1024,
        bundle.finder_gzipped_bytes / 1024,
        bundle.console_gzipped_bytes / 1024,
        bundle.console_lazy_gzipped_bytes / 1024
    );
    Ok(bundle)
}

/// The editor's and the console's bundles' content hash, in `pkg/build-id`. Their HTML names the
/// bundle's files with it (`/pkg/<id>/tessera.js`), so browsers keep them for good and still never
/// run a build other than the one the HTML was made for.
fn write_build_id(out: &Path, split: &[&SplitBundle]) -> anyhow::Result<()> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for file in split.iter().flat_map(|bundle| bundle.entry_files().into_iter().chain(bundle.modules.iter().cloned())) {
        hasher.update(fs::read(&file).with_context(|| format!("reading {}", file.display()))?);
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
    bindgen(&input, name, out, Linked::Whole)
}

/// How the module handed to wasm-bindgen was linked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Linked {
    Whole,
    /// The main module wasm-split left: the exports its lazily loaded modules import
    /// from it must stay, under their linker names.
    Split,
}

/// wasm-bindgen over `input` into `<name>.js` and `<name>_bg.wasm` in `out`.
fn bindgen(input: &Path, name: &str, out: &Path, linked: Linked) -> anyhow::Result<()> {
    let split = linked == Linked::Split;
    let mut output = wasm_bindgen_cli_support::Bindgen::new()
        .input_path(input)
        .out_name(name)
        .web(true)?
        .typescript(true)
        .debug(false)
        .keep_lld_exports(split)
        .demangle(!split)
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate_output()
        .with_context(|| format!("wasm-bindgen failed for {name}"))?;
    let glue = output.js().to_owned();
    glue::drop_classes_without_instances(&mut output, &glue);
    let js = glue::shorten_imports(&mut output, &format!("./{name}_bg.js"), &glue)?;
    output.emit(out).with_context(|| format!("writing {name}'s bundle"))?;
    fs::write(out.join(format!("{name}.js")), glue::without_comments(&js))?;
    shrink(&out.join(format!("{name}_bg.wasm")))
}

/// `wasm-opt` over a module wasm-bindgen wrote, for size but with no inlining beyond
/// what the compiler did: binaryen's inlining makes the module smaller but the gzipped
/// module larger, and the gzipped size is what a page loads. Its functions are then
/// laid out with like next to like (see [`function_order`]). The features are those
/// rustc's wasm32 target emits.
fn shrink(wasm: &Path) -> anyhow::Result<()> {
    let wasm_opt = install::wasm_opt()?;
    let named = wasm.with_extension("named.wasm");
    let shrunk = wasm.with_extension("opt.wasm");
    fs::write(&named, function_order::with_names_in_similarity_order(&fs::read(wasm)?).with_context(|| format!("reading {}", wasm.display()))?)?;
    run(Command::new(wasm_opt)
        .args(["-Os", "--always-inline-max-function-size", "0", "--flexible-inline-max-function-size", "0", "--one-caller-inline-max-function-size", "0"])
        .arg("--reorder-functions-by-name")
        .args([
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
        ])
        .arg(&named)
        .arg("-o")
        .arg(&shrunk))?;
    fs::remove_file(&named)?;
    fs::rename(&shrunk, wasm).with_context(|| format!("replacing {}", wasm.display()))
}

/// Like [`bundle`], for a bundle whose `#[lazy]` functions load on first use: the
/// linker keeps its relocations (only for the crate itself, so its dependencies'
/// builds are shared with the other bundles), wasm-split moves each lazy function
/// and the code only it reaches into a module of its own next to a loader
/// (`__wasm_split.js`), and wasm-bindgen then generates the main module's glue.
fn split_bundle(features: &[&str], name: &str, out: &Path) -> anyhow::Result<SplitBundle> {
    run(cargo().args(["rustc", "--package", "tessera", "--lib", "--target", WASM_TARGET, "--profile", PROFILE]).args(features).args([
        "--",
        "-C",
        "link-args=--emit-relocs",
    ]))?;
    let dir = root().join("target").join(WASM_TARGET).join(PROFILE);
    let input = fs::read(dir.join("tessera.wasm")).context("reading the linked wasm")?;
    let main = dir.join(format!("{name}_split.wasm"));
    let main_module = format!("./{name}.js");
    remove_lazy_modules(out)?;
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = out;
    options.main_out_path = &main;
    options.main_module = &main_module;
    options.link_name = SPLIT_LOADER_IMPORT;
    let split = wasm_split_cli_support::transform(options).map_err(|e| anyhow::anyhow!("wasm-split failed for {name}: {e:?}"))?;
    for module in &split.split_modules {
        let bytes = fs::read(module)?;
        fs::write(module, without_custom_sections(&bytes).with_context(|| format!("reading {}", module.display()))?)?;
    }
    bindgen(&main, name, out, Linked::Split)?;
    Ok(SplitBundle { dir: out.to_owned(), name: name.to_owned(), modules: split.split_modules })
}

/// What [`split_bundle`] wrote into `dir`.
struct SplitBundle {
    dir: PathBuf,
    name: String,
    /// The lazily loaded modules.
    modules: Vec<PathBuf>,
}

impl SplitBundle {
    /// What a page loads before the bundle runs: its main module, its glue and the
    /// loader of its lazily loaded modules.
    fn entry_files(&self) -> [PathBuf; 3] {
        [self.dir.join(format!("{}_bg.wasm", self.name)), self.dir.join(format!("{}.js", self.name)), self.dir.join(SPLIT_LOADER)]
    }

    /// Gzips the entry files next to themselves; their gzipped size together.
    fn gzip_entry(&self) -> anyhow::Result<u64> {
        self.entry_files().iter().map(|file| gzip_next_to(file)).sum()
    }

    /// Gzips the lazily loaded modules next to themselves; their gzipped size together.
    fn gzip_lazy(&self) -> anyhow::Result<u64> {
        self.modules.iter().map(|module| gzip_next_to(module)).sum()
    }
}

/// Removes the lazily loaded modules an earlier build wrote (`split_*.wasm`,
/// `chunk_*.wasm`, and their gzipped copies): their names come from the split points, so a module no longer
/// split off would otherwise stay behind.
fn remove_lazy_modules(out: &Path) -> anyhow::Result<()> {
    for entry in fs::read_dir(out)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if (name.starts_with("split_") || name.starts_with("chunk_")) && (name.ends_with(".wasm") || name.ends_with(".wasm.gz")) {
            fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// The loader wasm-split writes for the lazily loaded modules, next to the bundle's own JS.
const SPLIT_LOADER: &str = "__wasm_split.js";
/// The console's folder in `pkg/`.
const CONSOLE_DIR: &str = "console";
const SPLIT_LOADER_IMPORT: &str = "./__wasm_split.js";

/// `wasm` without its custom sections: the names, producers and relocations that
/// wasm-split leaves in the modules it writes, which no browser needs (wasm-bindgen
/// drops them from the main module the same way).
fn without_custom_sections(wasm: &[u8]) -> anyhow::Result<Vec<u8>> {
    let module = wasm_module::Module::read(wasm)?;
    Ok(module.with_sections(|section| section.id != wasm_module::CUSTOM))
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

/// `package/package.json` with the workspace's version, its text otherwise as written:
/// the order of `exports` conditions matters to the tools that read it (`types` first).
fn stamp_package_json(out: &Path) -> anyhow::Result<()> {
    const PLACEHOLDER: &str = "\"version\": \"0.0.0\"";
    let template = fs::read_to_string(root().join("package").join("package.json")).context("reading package/package.json")?;
    serde_json::from_str::<serde_json::Value>(&template).context("package/package.json is not JSON")?;
    if !template.contains(PLACEHOLDER) {
        bail!("package/package.json must say {PLACEHOLDER}, which the build replaces with the workspace's version");
    }
    let stamped = template.replacen(PLACEHOLDER, &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")), 1);
    fs::write(out.join("package.json"), stamped)?;
    for (from, to) in PACKAGE_TEXTS {
        fs::copy(root().join(from), out.join(to)).with_context(|| format!("copying {from} into pkg/"))?;
    }
    Ok(())
}

/// How large `file` is gzipped (files under `/www` are compressed as they are served).
fn gzipped_size(file: &Path) -> anyhow::Result<u64> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&fs::read(file).with_context(|| format!("reading {}", file.display()))?)?;
    Ok(gz.finish()?.len() as u64)
}

/// Writes `<file>.gz` (served precompressed) and returns its size. Zopfli spends a
/// second more per bundle than deflate's best for output any gzip reader takes.
fn gzip_next_to(file: &Path) -> anyhow::Result<u64> {
    let bytes = fs::read(file)?;
    let options = zopfli::Options { iteration_count: std::num::NonZeroU64::MIN, ..Default::default() };
    let mut gz = Vec::new();
    zopfli::compress(options, zopfli::Format::Gzip, &bytes[..], &mut gz)?;
    let mut name = file.as_os_str().to_owned();
    name.push(".gz");
    fs::write(PathBuf::from(name), &gz)?;
    Ok(gz.len() as u64)
}
