//! `cargo xtask bench`: sizes, search latency, rendition and upload throughput.
//! Figures are printed (and written to target/bench/results.md and results.json), never asserted:
//! these machines are shared and noisy.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use tessera_model::DamPath;
use tessera_repo::{AssetRecord, Catalog, Processing, RenditionRecord};
use tessera_repo_sqlite::SqliteCatalog;

use crate::deploy::{Server, DEMO_USERS};
use crate::samples::Session;
use crate::{build, cargo, root, run};

/// The groups of measures, to run some of them while working on one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Group {
    Search,
    Editor,
    Renditions,
    Upload,
    Edited,
    Connected,
    Console,
    Msm,
    Load,
}

/// One figure: what was measured and its value as the README shows it, and the same
/// measure of the peer it is compared with, where there is one.
struct Row {
    measure: String,
    shown: String,
    peer: Option<Peer>,
}

struct Peer {
    name: &'static str,
    shown: String,
}

impl From<(String, String)> for Row {
    fn from((measure, shown): (String, String)) -> Self {
        Row { measure, shown, peer: None }
    }
}

impl Row {
    fn with_peer(measure: String, shown: String, name: &'static str, peer: String) -> Row {
        Row { measure, shown, peer: Some(Peer { name, shown: peer }) }
    }

    /// `{"value", "unit", "shown"}`, and the peer's likewise: the value is the first
    /// number shown, the unit what follows it.
    fn to_json(&self) -> serde_json::Value {
        let figure = |shown: &str| {
            let (value, unit) = first_figure(shown);
            serde_json::json!({ "value": value, "unit": unit, "shown": shown })
        };
        let mut json = figure(&self.shown);
        if let Some(peer) = &self.peer {
            let mut theirs = figure(&peer.shown);
            theirs["name"] = peer.name.into();
            json["peer"] = theirs;
        }
        json
    }
}

/// The first number in `shown` (thousands separators allowed) and the unit written
/// right after it: `("34 ms / 47 ms")` is 34 and "ms", `"2.17×"` is 2.17 and "×".
fn first_figure(shown: &str) -> (Option<f64>, String) {
    let Some(start) = shown.find(|c: char| c.is_ascii_digit()) else {
        return (None, String::new());
    };
    let rest = &shown[start..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).unwrap_or(rest.len());
    let number = rest[..end].trim_end_matches([',', '.']);
    let value = number.replace(',', "").parse::<f64>().ok();
    let unit: String = rest[number.len()..].trim_start().chars().take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '(' | ')' | ';')).collect();
    (value, unit)
}

pub fn all(only: &[Group]) -> anyhow::Result<()> {
    let wanted = |g: Group| only.is_empty() || only.contains(&g);
    let dir = root().join("target").join("bench");
    fs::create_dir_all(&dir)?;
    let bundle = build::editor()?;
    run(cargo().args(["build", "--release", "--package", "tessera-server"]))?;
    let server = root().join("target").join("release").join("tessera-server");

    let sizes: Vec<(String, String)> = vec![
        (
            "what the editor loads before it is interactive (its wasm and js, the loader of its lazily loaded modules), gzipped".to_owned(),
            format!("{:.1} KB", bundle.gzipped_bytes as f64 / 1024.0),
        ),
        (
            "the editor's modules loaded once its page is painted or when first needed (the Content Finder, Pages, its dialogs, the login, Async Jobs, the Connected Assets page), together, gzipped"
                .to_owned(),
            format!("{:.1} KB", bundle.editor_lazy_gzipped_bytes as f64 / 1024.0),
        ),
        ("editor wasm / js (raw)".to_owned(), format!("{:.1} KB / {:.1} KB", bundle.wasm_bytes as f64 / 1024.0, bundle.js_bytes as f64 / 1024.0)),
        (
            "what a host page loads for the embedded Content Finder (wasm, js, finder.js, finder.css), gzipped".to_owned(),
            format!("{:.1} KB", bundle.finder_gzipped_bytes as f64 / 1024.0),
        ),
        (
            "what /assets loads for the Assets console (its wasm and js, the loader of its lazily loaded modules, console.js, console.css), gzipped".to_owned(),
            format!("{:.1} KB", bundle.console_gzipped_bytes as f64 / 1024.0),
        ),
        (
            "the Assets console's modules loaded when first needed (dialogs, the rail, uploads, the selection's actions, search filters, login, share links, a collection's bar), together, gzipped"
                .to_owned(),
            format!("{:.1} KB", bundle.console_lazy_gzipped_bytes as f64 / 1024.0),
        ),
    ];
    let mut rows: Vec<Row> = sizes.into_iter().map(Row::from).collect();
    if wanted(Group::Search) {
        rows.extend(search_latency(&server, &dir.join("search"))?.into_iter().map(Row::from));
    }
    if wanted(Group::Editor) {
        // Over the 100,000 assets the search measures (generated if it did not run).
        rows.extend(editor_timings(&server, &dir.join("search"))?.into_iter().map(Row::from));
    }
    if wanted(Group::Renditions) {
        let photos = photos(&dir.join("renditions"))?;
        rows.extend(rendition_throughput(&photos)?);
        rows.extend(renditions_across_processes(&server, &dir.join("renditions-processes"), &photos)?.into_iter().map(Row::from));
    }
    if wanted(Group::Upload) {
        rows.extend(upload_throughput(&server, &dir.join("upload"))?.into_iter().map(Row::from));
    }
    if wanted(Group::Edited) {
        rows.extend(edited_image(&server, &dir.join("edited"))?);
    }
    if wanted(Group::Connected) {
        rows.extend(connected_fetch(&server, &dir.join("connected"))?.into_iter().map(Row::from));
    }
    if wanted(Group::Console) {
        rows.extend(console_timings(&server, &dir.join("console"))?.into_iter().map(Row::from));
    }
    if wanted(Group::Msm) {
        rows.extend(msm_throughput(&server, &dir.join("msm"))?.into_iter().map(Row::from));
    }
    if wanted(Group::Load) {
        rows.extend(load_test(&server, &dir.join("load"))?.into_iter().map(Row::from));
    }

    let mut table = String::from("| measure | value |\n|---|---|\n");
    let mut json = serde_json::Map::new();
    for row in &rows {
        let peer = row.peer.as_ref().map(|p| format!(" ({}: {})", p.name, p.shown)).unwrap_or_default();
        table.push_str(&format!("| {} | {}{peer} |\n", row.measure, row.shown));
        json.insert(row.measure.clone(), row.to_json());
    }
    fs::write(dir.join("results.md"), &table)?;
    fs::write(dir.join("results.json"), serde_json::to_string_pretty(&json)?)?;
    println!("\n{table}");
    Ok(())
}

/// A small deterministic generator (xorshift), so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: &[&str] = &[
    "alpine",
    "autumn",
    "beach",
    "bicycle",
    "boot",
    "bridge",
    "canyon",
    "city",
    "coast",
    "coffee",
    "desert",
    "dune",
    "forest",
    "garden",
    "glacier",
    "harbor",
    "hiking",
    "island",
    "jacket",
    "kitchen",
    "lake",
    "lighthouse",
    "market",
    "meadow",
    "mountain",
    "night",
    "ocean",
    "office",
    "orchard",
    "portrait",
    "rain",
    "river",
    "road",
    "runner",
    "sandal",
    "shoe",
    "skyline",
    "snow",
    "spring",
    "studio",
    "summer",
    "sunset",
    "team",
    "trail",
    "valley",
    "village",
    "waterfall",
    "winter",
    "workshop",
    "yoga",
];
const MIMES: &[(&str, u64)] = &[
    ("image/jpeg", 55),
    ("image/png", 15),
    ("application/pdf", 15),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", 6),
    ("application/vnd.ms-excel", 5),
    ("text/plain", 4),
];

pub const GENERATED_ASSETS: usize = 100_000;
/// How many folders the generated assets are spread over.
const GENERATED_FOLDERS: usize = 100;
/// The one folder the console's timings open.
const CONSOLE_FOLDER_ASSETS: usize = 10_000;
/// The folder hierarchy the console's upload timing sends: 10 × 10 folders of 10 files.
const CONSOLE_UPLOAD_FILES: usize = 1_000;
/// The larger DAM search is measured over as well.
pub const GENERATED_ASSETS_LARGE: usize = 1_000_000;

/// Stores the one blob generated assets share in the deployment's blob folder.
fn generated_blob(data_dir: &Path) -> anyhow::Result<tessera_repo::BlobHash> {
    let blobs = tessera_repo::DiskStore::open(data_dir.join("blobs"))?;
    let staged = tessera_repo::BlobStore::spool(&blobs).stage_bytes(b"generated asset")?;
    let blob = staged.hash().clone();
    tokio::runtime::Builder::new_current_thread().build()?.block_on(tessera_repo::BlobStore::commit(&blobs, staged))?;
    Ok(blob)
}

/// Writes the assets numbered `numbers` in 100 folders straight into a catalog
/// through its import, all sharing one stored blob, with titles, descriptions and
/// types drawn from fixed lists, their renditions done (so no job runs while they
/// are measured), 1,000 per transaction. Asset `i` is the same whatever the range.
pub fn generate_assets(catalog: &dyn Catalog, blob: &tessera_repo::BlobHash, numbers: std::ops::Range<usize>, folders: usize) -> anyhow::Result<()> {
    let root = DamPath::root().join("generated")?;
    if catalog.folder(&root)?.is_none() {
        catalog.create_folder(&root, "Generated")?;
    }
    let folders: Vec<DamPath> = (0..folders)
        .map(|i| {
            let f = root.join(&format!("{}-{i:02}", WORDS[i % WORDS.len()]))?;
            if catalog.folder(&f)?.is_none() {
                catalog.create_folder(&f, f.name())?;
            }
            Ok(f)
        })
        .collect::<anyhow::Result<_>>()?;
    let started = Instant::now();
    let (count, last) = (numbers.len(), numbers.end);
    let mut batch = Vec::with_capacity(1000);
    for i in numbers {
        let mut rng = Rng(0x5eed_1234_abcd_ef01 ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        // Neighbouring seeds start alike; a few rounds set them apart.
        (0..4).for_each(|_| {
            rng.next();
        });
        let mut word = || WORDS[rng.below(WORDS.len() as u64) as usize];
        let title = format!("{} {} {}", word(), word(), i);
        let description = format!("A {} {} near the {}", word(), word(), word());
        let pick = rng.below(100);
        let mut acc = 0;
        let mime = MIMES
            .iter()
            .find(|(_, share)| {
                acc += share;
                pick < acc
            })
            .map_or("image/jpeg", |(m, _)| m);
        let is_image = mime.starts_with("image/");
        let (w, h) = (400 + rng.below(5000) as u32, 400 + rng.below(5000) as u32);
        let ext = mime.rsplit('/').next().unwrap_or("bin").chars().take(4).collect::<String>();
        let path = folders[i % folders.len()].join(&format!("asset-{i:06}.{ext}"))?;
        let modified = 1_700_000_000 + rng.below(365 * 86_400) as i64;
        let asset = AssetRecord {
            path,
            title,
            description,
            mime: mime.to_owned(),
            size: 1_000 + rng.below(20_000_000),
            width: is_image.then_some(w),
            height: is_image.then_some(h),
            created_by: "generator".into(),
            created_at: modified,
            modified_by: "generator".into(),
            modified_at: modified,
            properties: Default::default(),
            tags: Vec::new(),
            renditions: vec![RenditionRecord {
                name: tessera_model::RenditionName::Original,
                blob: blob.clone(),
                mime: mime.to_owned(),
                size: 15,
                width: None,
                height: None,
            }],
            processing: Processing::Done,
            connected: None,
            checked_out: None,
            live_copy: false,
        };
        batch.push(asset);
        if batch.len() == 1000 || i + 1 == last {
            catalog.import_assets(&batch)?;
            batch.clear();
        }
    }
    eprintln!("generated {count} assets in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Search over 100,000 and over 1,000,000 generated assets, on SQLite (the data
/// kept for later runs, the smaller set for the editor timings too) and on a
/// throwaway PostgreSQL cluster, which gets the same assets.
fn search_latency(server: &Path, dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut rows = Vec::new();
    for (count, dir) in [(GENERATED_ASSETS, dir.to_owned()), (GENERATED_ASSETS_LARGE, dir.with_file_name("search-large"))] {
        generated_sqlite(&dir, count, GENERATED_FOLDERS)?;
        rows.extend(search_timings(server, &dir, "", "SQLite", count)?);
    }

    let pg = crate::services::PgServer::start(&crate::install::postgres()?)?;
    let pg_dir = dir.with_file_name("search-postgres");
    let _ = fs::remove_dir_all(&pg_dir);
    fs::create_dir_all(pg_dir.join("data"))?;
    let url = pg.admin_url.clone();
    let blob = generated_blob(&pg_dir.join("data"))?;
    let storage = format!("[storage]\nbackend = \"postgres\"\nurl = \"{url}\"\n");
    // The larger set is the smaller one and the assets after it.
    let mut generated = 0;
    for count in [GENERATED_ASSETS, GENERATED_ASSETS_LARGE] {
        let catalog = tessera_repo_postgres::PostgresCatalog::open(&url, 4)?;
        generate_assets(&catalog, &blob, generated..count, GENERATED_FOLDERS)?;
        drop(catalog);
        // A deployment's autovacuum analyzes a table that grew this much within about a
        // minute; measured right after the bulk load, the planner would still plan for
        // the table it was before, and the search would time that leftover instead.
        postgres::Client::connect(&url, postgres::NoTls)?.batch_execute("ANALYZE")?;
        generated = count;
        rows.extend(search_timings(server, &pg_dir, &storage, "PostgreSQL", count)?);
    }
    Ok(rows)
}

/// A deployment folder whose SQLite catalog holds `count` generated assets in
/// `folders` folders, made once and kept for later runs.
fn generated_sqlite(dir: &Path, count: usize, folders: usize) -> anyhow::Result<()> {
    let data = dir.join("data");
    if !data.join(".generated").exists() {
        let _ = fs::remove_dir_all(dir);
        fs::create_dir_all(&data)?;
        let catalog = SqliteCatalog::open(&data.join("tessera.sqlite3"))?;
        generate_assets(&catalog, &generated_blob(&data)?, 0..count, folders)?;
        fs::write(data.join(".generated"), "")?;
    }
    Ok(())
}

fn search_timings(server: &Path, dir: &Path, storage: &str, backend: &str, count: usize) -> anyhow::Result<Vec<(String, String)>> {
    let (server_proc, origin) = start_assets(server, dir, storage)?;
    let (user, password, _) = DEMO_USERS[0];
    let session = Session::login(&origin, user, password)?;
    let queries = [
        ("a word", "q=mountain&limit=50"),
        ("filters only", "kind=image&orientation=portrait&folder=/content/dam/generated&sort=modified&limit=50"),
        ("a word and filters", "q=lake&kind=document&doctype=pdf&modified_after=1710000000&limit=50"),
    ];
    let mut rows = Vec::new();
    for (label, query) in queries {
        let url = format!("{origin}/api/search?{query}");
        let mut times = Vec::new();
        let mut hits = String::new();
        for i in 0..220 {
            let started = Instant::now();
            let mut response = ureq::get(&url).header("cookie", &session.cookie).call()?;
            let body = response.body_mut().read_to_vec()?;
            // The answer is in; reading it is the client's work, not the search's (this
            // client is an unoptimized build, whose JSON parser took a millisecond more).
            if i >= 20 {
                times.push(started.elapsed());
            }
            let results: tessera_model::SearchResults = serde_json::from_slice(&body)?;
            hits = results.count().map(|count| count.to_string()).unwrap_or_default();
        }
        times.sort();
        rows.push((
            format!("search over {count} assets on {backend}, {label} (p50 / p95, {hits} hits)"),
            format!("{:.1} ms / {:.1} ms", ms(percentile(&times, 0.5)), ms(percentile(&times, 0.95))),
        ));
    }
    drop(server_proc);
    Ok(rows)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// In headless Chromium: navigation to a painted 50-component page, and a keystroke
/// in the Content Finder to painted results, over the 100,000 generated assets.
fn editor_timings(server: &Path, dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    generated_sqlite(dir, GENERATED_ASSETS, GENERATED_FOLDERS)?;
    let www = root().join("www").display().to_string();
    let pkg = root().join("pkg").display().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let origin = format!("http://127.0.0.1:{port}");
    // One deployment that is both: its editor searches its own 100,000 assets.
    let roles = format!("[connected_assets]\nremote_dam_url = \"{origin}\"\n[editor]\nwww_dir = {www:?}\npkg_dir = {pkg:?}\n");
    let (process, origin) = start_deployment(server, dir, port, "[\"sites\", \"assets\"]", &roles)?;
    let (user, password, _) = DEMO_USERS[0];
    let session = Session::login(&origin, user, password)?;
    let first = |query: &str| -> anyhow::Result<serde_json::Value> {
        let mut r = ureq::get(&format!("{origin}/api/search?{query}&limit=1")).header("cookie", &session.cookie).call()?;
        let found: serde_json::Value = r.body_mut().read_json()?;
        Ok(found["assets"][0].clone())
    };
    let asset_ref = |a: serde_json::Value| {
        serde_json::json!({
            "repository": null, "path": a["path"], "title": a["title"], "description": a["description"], "mime": a["mime"],
            "size": a["size"], "width": a["width"], "height": a["height"], "renditions": a["renditions"],
        })
    };
    let (image, document) = (asset_ref(first("kind=image")?), asset_ref(first("kind=document")?));
    let components: Vec<serde_json::Value> = (0..50)
        .map(|i| match i % 10 {
            0..=3 => serde_json::json!({ "id": format!("c{i}"), "type": "title", "text": format!("Section {i}"), "level": 2 }),
            4..=7 => serde_json::json!({ "id": format!("c{i}"), "type": "text", "paragraphs": [
                { "runs": [{ "text": format!("Paragraph {i} with ") }, { "text": "bold", "bold": true }, { "text": " words." }] },
                { "runs": [{ "text": "A second paragraph with a " }, { "text": "link", "link": "https://example.com" }] }] }),
            8 => serde_json::json!({ "id": format!("c{i}"), "type": "image", "asset": image, "alt": { "mode": "dam" } }),
            _ => serde_json::json!({ "id": format!("c{i}"), "type": "download", "asset": document }),
        })
        .collect();
    session.delete_page("/content/bench")?;
    session.create_page("/content/bench", "Bench")?;
    session.create_page("/content/bench/fifty", "Fifty components")?;
    session.save_page("/content/bench/fifty", 1, &serde_json::json!({ "title": "Fifty components", "components": components }))?;

    let peer_dir = root().join("xtask").join("bench");
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&peer_dir))?;
    let out = Command::new("node")
        .arg(peer_dir.join("editor.mjs"))
        .args([origin.as_str(), user, password, "/content/bench/fifty"])
        .output()
        .context("running the editor timings")?;
    session.publish_page("/content/bench/fifty")?;
    let scores = lighthouse(&peer_dir, &origin);
    drop(process);
    if !out.status.success() {
        bail!("the editor timings failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let timings: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let sorted = |key: &str| {
        let mut v: Vec<f64> = timings[key].as_array().map(|a| a.iter().filter_map(|x| x.as_f64()).collect()).unwrap_or_default();
        v.sort_by(f64::total_cmp);
        v
    };
    let at = |v: &[f64], p: f64| v.get(((v.len().max(1) - 1) as f64 * p).round() as usize).copied().unwrap_or(f64::NAN);
    let (load, keystroke) = (sorted("load_ms"), sorted("keystroke_ms"));
    let mut rows = vec![
        ("navigation to an interactive editor with a 50-component page (median of 8)".into(), format!("{:.0} ms", at(&load, 0.5))),
        (
            format!(
                "keystroke in the Content Finder to painted results, {GENERATED_ASSETS} assets (p50 / p95 of {}, each keystroke searches at once)",
                keystroke.len()
            ),
            format!("{:.0} ms / {:.0} ms", at(&keystroke, 0.5), at(&keystroke, 0.95)),
        ),
    ];
    rows.extend(scores?);
    Ok(rows)
}

/// In headless Chromium, on the Assets console: a folder of 10,000 assets opened to
/// a painted first screen, and 1,000 files in a 3-level folder hierarchy uploaded
/// through the console's own upload path (the directory picker).
fn console_timings(server: &Path, dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let _ = fs::remove_dir_all(dir);
    let data = dir.join("data");
    fs::create_dir_all(&data)?;
    {
        let catalog = SqliteCatalog::open(&data.join("tessera.sqlite3"))?;
        generate_assets(&catalog, &generated_blob(&data)?, 0..CONSOLE_FOLDER_ASSETS, 1)?;
    }
    let big_folder = format!("/content/dam/generated/{}-00", WORDS[0]);
    let upload = dir.join("upload").join("campaign");
    write_upload_hierarchy(&upload)?;

    let www = root().join("www").display().to_string();
    let pkg = root().join("pkg").display().to_string();
    let editor = format!("[editor]\nwww_dir = {www:?}\npkg_dir = {pkg:?}\n");
    let (process, origin) = start_assets(server, dir, &editor)?;
    let (user, password, _) = DEMO_USERS[0];
    let peer_dir = root().join("xtask").join("bench");
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&peer_dir))?;
    let out = Command::new("node")
        .arg(peer_dir.join("console.mjs"))
        .args([origin.as_str(), user, password, big_folder.as_str(), &upload.display().to_string()])
        .output()
        .context("running the console timings")?;
    drop(process);
    if !out.status.success() {
        bail!("the console timings failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let timings: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let mut open: Vec<f64> = timings["open_ms"].as_array().map(|a| a.iter().filter_map(|x| x.as_f64()).collect()).unwrap_or_default();
    open.sort_by(f64::total_cmp);
    let seconds = timings["upload_ms"].as_f64().unwrap_or(f64::NAN) / 1000.0;
    let (files, bytes) = (timings["files"].as_f64().unwrap_or(f64::NAN), timings["bytes"].as_f64().unwrap_or(f64::NAN));
    Ok(vec![
        (
            format!("a folder of {CONSOLE_FOLDER_ASSETS} assets opened in the Assets console to a painted first screen (median of 8)"),
            format!("{:.0} ms", open.get(open.len() / 2).copied().unwrap_or(f64::NAN)),
        ),
        (
            format!("{files:.0} PNG files ({:.1} MB) in a 3-level folder hierarchy uploaded through the console", bytes / 1e6),
            format!("{:.1} files/s, {:.2} MB/s ({seconds:.1} s)", files / seconds, bytes / 1e6 / seconds),
        ),
    ])
}

/// `campaign/region-N/market-M/photo-K.png`: 10 × 10 folders of 10 small PNGs, each
/// its own picture.
fn write_upload_hierarchy(top: &Path) -> anyhow::Result<()> {
    for n in 0..CONSOLE_UPLOAD_FILES {
        let folder = top.join(format!("region-{}", n / 100)).join(format!("market-{}", n / 10 % 10));
        fs::create_dir_all(&folder)?;
        let shade = (n % 256) as u8;
        let img = image::RgbImage::from_fn(320, 240, |x, y| image::Rgb([shade, (x % 256) as u8, ((x + y + n as u32) % 256) as u8]));
        img.save(folder.join(format!("photo-{}.png", n % 10)))?;
    }
    Ok(())
}

/// Lighthouse's scores, as a phone and as a desktop, for the editor (as a visitor
/// sees it before logging in), the embedding example and a published 50-component
/// page.
fn lighthouse(peer_dir: &Path, origin: &str) -> anyhow::Result<Vec<(String, String)>> {
    let pages = [
        ("the editor", format!("{origin}/editor?page=/content/bench/fifty")),
        ("the embedding example", format!("{origin}/www/embed.html")),
        ("a published 50-component page", format!("{origin}/content/bench/fifty.html")),
    ];
    let out = Command::new("node").arg(peer_dir.join("lighthouse.mjs")).args(pages.iter().map(|(_, url)| url)).output().context("running Lighthouse")?;
    if !out.status.success() {
        bail!("Lighthouse failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let scores: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let line = |s: &serde_json::Value| {
        ["performance", "accessibility", "best-practices", "seo"].map(|c| format!("{c} {}", s[c].as_u64().map_or("?".to_owned(), |n| n.to_string()))).join(", ")
    };
    let mut rows = Vec::new();
    for (name, url) in &pages {
        for form in ["mobile", "desktop"] {
            rows.push((format!("Lighthouse, {name}, {form}"), line(&scores[url][form])));
        }
    }
    Ok(rows)
}

/// Turn + crop + resize to 1280 pixels of a 24-megapixel JPEG through the published
/// image endpoint (first request renders, later ones are cached), beside libvips'
/// `vips` command line doing the same turn, crop and resize.
fn edited_image(server: &Path, dir: &Path) -> anyhow::Result<Vec<Row>> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir)?;
    let photo = dir.join("photo-24mp.jpg");
    save_photograph(&photograph(6000, 4000, 24), &photo)?;
    let www = root().join("www").display().to_string();
    let pkg = root().join("pkg").display().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let tables = format!("[connected_assets]\nremote_dam_url = \"http://127.0.0.1:{port}\"\n[editor]\nwww_dir = {www:?}\npkg_dir = {pkg:?}\n");
    let (process, origin) = start_deployment(server, dir, port, "[\"sites\"]", &tables)?;
    let (user, password, _) = DEMO_USERS[0];
    let session = Session::login(&origin, user, password)?;
    session.create_folder("/content/dam/big", "Big")?;
    let sample = crate::samples::Sample { name: "photo-24mp.jpg", title: "24 MP", mime: "image/jpeg", bytes: fs::read(&photo)? };
    session.upload("/content/dam/big", &sample)?;
    session.wait_for_renditions("/content/dam/big/photo-24mp.jpg")?;
    let asset: serde_json::Value =
        ureq::get(&format!("{origin}/api/assets/content/dam/big/photo-24mp.jpg")).header("cookie", &session.cookie).call()?.body_mut().read_json()?;
    let asset_ref = serde_json::json!({
        "repository": null, "path": asset["path"], "title": asset["title"], "description": "", "mime": asset["mime"],
        "size": asset["size"], "width": asset["width"], "height": asset["height"], "renditions": asset["renditions"],
    });
    session.create_page("/content/bench-images", "Bench images")?;
    let crops: Vec<f64> = (0..5).map(|k| 0.10 + 0.01 * f64::from(k)).collect();
    let mut cold = Vec::new();
    let mut last_url = String::new();
    for (k, x) in crops.iter().enumerate() {
        let edit = serde_json::json!({ "rotation": "90", "crop": { "x": x, "y": 0.1, "w": 0.6, "h": 0.5 } });
        let page = serde_json::json!({ "title": "Bench", "components": [{ "id": "i", "type": "image", "asset": asset_ref, "edit": edit }] });
        session.save_page("/content/bench-images", k as u64 + 1, &page)?;
        ureq::post(&format!("{origin}/api/publish/content/bench-images"))
            .header("cookie", &session.cookie)
            .header("x-csrf-token", &session.csrf)
            .send_empty()?;
        let html = ureq::get(&format!("{origin}/content/bench-images.html")).call()?.body_mut().read_to_string()?;
        let url = html
            .split('"')
            .find(|part| part.starts_with("/published/image/") && part.ends_with("/1280.jpg"))
            .context("the published page has no 1280-pixel edited image")?
            .to_owned();
        let started = Instant::now();
        let bytes = ureq::get(&format!("{origin}{url}")).call()?.body_mut().read_to_vec()?;
        cold.push(started.elapsed());
        let decoded = image::load_from_memory(&bytes)?;
        if decoded.width() != 1280 {
            bail!("the edited image is {} pixels wide, not 1280", decoded.width());
        }
        last_url = url;
    }
    let mut cached = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        ureq::get(&format!("{origin}{last_url}")).call()?.body_mut().read_to_vec()?;
        cached.push(started.elapsed());
    }
    drop(process);
    cold.sort();
    cached.sort();

    run(Command::new("sh")
        .args(["-c", "command -v vips >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvips-tools; }"]))?;
    let mut vips = Vec::new();
    for x in &crops {
        // Turned a quarter, the 6000 × 4000 photo is 4000 × 6000.
        let (left, top, width, height) = ((x * 4000.0).round() as u32, 600, 2400, 3000);
        let (turned, cropped, out) = (dir.join("turned.v"), dir.join("cropped.v"), dir.join("out.jpg"));
        let started = Instant::now();
        run_quiet(Command::new("vips").arg("rot").arg(&photo).arg(&turned).arg("d90"))?;
        run_quiet(Command::new("vips").arg("crop").arg(&turned).arg(&cropped).args([left, top, width, height].map(|v| v.to_string())))?;
        run_quiet(Command::new("vips").arg("resize").arg(&cropped).arg(format!("{}[Q=82]", out.display())).arg(format!("{}", 1280.0 / f64::from(width))))?;
        vips.push(started.elapsed());
    }
    vips.sort();
    let (ours, theirs) = (ms(percentile(&cold, 0.5)), ms(percentile(&vips, 0.5)));
    Ok(vec![
        Row::with_peer(
            "edited image (turn + crop + resize to 1280) from a 24 MP JPEG, first request (median of 5)".into(),
            format!("{ours:.0} ms"),
            "libvips' vips command",
            format!("{theirs:.0} ms"),
        ),
        Row::from(("the same, served from the cache (p99 of 200)".into(), format!("{:.1} ms", ms(percentile(&cached, 0.99))))),
        Row::from(("edited image, Tessera time / libvips time".into(), format!("{:.2}×", ours / theirs))),
    ])
}

/// A PDF of `size` bytes: a real header and page, padded with comment lines of
/// incompressible bytes, so the transfer is what is measured.
fn padded_pdf(size: usize, seed: u64) -> Vec<u8> {
    let mut bytes = crate::samples::pdf("Connected Assets benchmark");
    let mut rng = Rng(seed | 1);
    while bytes.len() < size {
        bytes.push(b'%');
        let line = (size - bytes.len()).min(120);
        for _ in 0..line.saturating_sub(1) {
            bytes.push(b'!' + (rng.below(90) as u8));
        }
        bytes.push(b'\n');
    }
    bytes
}

/// Fetching a remote asset with all its renditions into a Sites deployment's mount
/// point, for 1 MB, 20 MB and 200 MB originals, from a DAM with its own blob store
/// and from one sharing it. Above the 20 MB threshold the original follows in a
/// job; the time runs until it has arrived.
fn connected_fetch(server: &Path, dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir.join("dam"))?;
    let (dam, dam_origin) = start_assets(server, &dir.join("dam"), "[limits]\nmax_upload_bytes = 314572800")?;
    let (user, password, _) = DEMO_USERS[0];
    let session = Session::login(&dam_origin, user, password)?;
    session.create_folder("/content/dam/bench", "Bench")?;
    const SIZES: [(&str, usize); 3] = [("original-1mb.pdf", 1 << 20), ("original-20mb.pdf", 20 << 20), ("original-200mb.pdf", 200 << 20)];
    for (i, (name, size)) in SIZES.iter().enumerate() {
        let sample = crate::samples::Sample { name, title: name, mime: "application/pdf", bytes: padded_pdf(*size, i as u64 + 7) };
        session.upload("/content/dam/bench", &sample)?;
        session.wait_for_renditions(&format!("/content/dam/bench/{name}"))?;
    }
    let www = root().join("www").display().to_string();
    let pkg = root().join("pkg").display().to_string();
    let dam_blobs = dir.join("dam").join("data").join("blobs");
    let mut rows = Vec::new();
    for shared in [false, true] {
        let sites_dir = dir.join(if shared { "sites-shared" } else { "sites-own" });
        fs::create_dir_all(&sites_dir)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let blobs = if shared { format!("blobs_dir = {:?}\n", dam_blobs.display().to_string()) } else { String::new() };
        let tables = format!(
            "{blobs}[connected_assets]\nremote_dam_url = \"{dam_origin}\"\ndistributor_user = \"{user}\"\ndistributor_password = \"{password}\"\n\
             threshold_bytes = 20971520\nshared_datastore = {shared}\n[editor]\nwww_dir = {www:?}\npkg_dir = {pkg:?}\n"
        );
        let (sites, origin) = start_deployment(server, &sites_dir, port, "[\"sites\"]", &tables)?;
        let author = Session::login(&origin, user, password)?;
        for (name, size) in SIZES {
            let started = Instant::now();
            let result: serde_json::Value = ureq::post(&format!("{origin}/api/connected-assets/fetch"))
                .header("cookie", &author.cookie)
                .header("x-csrf-token", &author.csrf)
                .send_json(serde_json::json!({ "remote_path": format!("/content/dam/bench/{name}"), "page_path": "/content/bench" }))
                .with_context(|| format!("fetching {name}"))?
                .body_mut()
                .read_json()?;
            let mut bytes = result["bytes_transferred"].as_u64().unwrap_or(0);
            let pending = result["original"] == "pending";
            if pending {
                bytes += wait_for_original(&origin, &author, name)?;
            }
            let elapsed = started.elapsed();
            let how = match (shared, pending) {
                (true, _) => "shared datastore",
                (false, true) => "own store, original in a job",
                (false, false) => "own store",
            };
            rows.push((
                format!("fetch of a {} MB original with all renditions, {how}", size >> 20),
                format!("{:.0} ms, {:.1} MB transferred", ms(elapsed), bytes as f64 / 1_048_576.0),
            ));
        }
        drop(sites);
    }
    drop(dam);
    let _ = fs::remove_dir_all(dir);
    Ok(rows)
}

/// Waits for the original job of `name`; returns the bytes it brought.
fn wait_for_original(origin: &str, session: &Session, name: &str) -> anyhow::Result<u64> {
    let deadline = Instant::now() + Duration::from_secs(600);
    while Instant::now() < deadline {
        let jobs: serde_json::Value = ureq::get(&format!("{origin}/api/jobs")).header("cookie", &session.cookie).call()?.body_mut().read_json()?;
        let job = jobs.as_array().into_iter().flatten().find(|j| j["kind"] == "original" && j["local_path"].as_str().is_some_and(|p| p.ends_with(name)));
        match job.map(|j| (j["state"].as_str().unwrap_or_default().to_owned(), j)) {
            Some((state, j)) if state == "success" => return Ok(j["bytes_done"].as_u64().unwrap_or(0)),
            Some((state, j)) if state == "failed" => {
                bail!("the original job of {name} failed: {}", j["error"])
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    bail!("the original of {name} did not arrive within 10 minutes")
}

fn run_quiet(cmd: &mut Command) -> anyhow::Result<()> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

/// Starts one Assets deployment from the release build on a free port.
fn start_assets(server: &Path, dir: &Path, extra: &str) -> anyhow::Result<(Server, String)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    start_deployment(server, dir, port, "[\"assets\"]", extra)
}

fn start_deployment(server: &Path, dir: &Path, port: u16, roles: &str, extra: &str) -> anyhow::Result<(Server, String)> {
    let origin = format!("http://127.0.0.1:{port}");
    let (user, password, group) = DEMO_USERS[0];
    let hash = crate::deploy::hash_password(server, password)?;
    let config = dir.join("tessera.toml");
    fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\npublic_origin = \"{origin}\"\nroles = {roles}\ndata_dir = \"data\"\n{extra}\n\
             [[users]]\nname = \"{user}\"\npassword_hash = \"{hash}\"\ngroups = [\"{group}\"]\n"
        ),
    )?;
    let process = Server::start(server, &config, origin.clone(), &dir.join("server.log"))?;
    Ok((process, origin))
}

const PHOTO_NAMES: [&str; 6] = ["photograph-0.jpg", "photograph-1.jpg", "photograph-2.jpg", "photograph-3.jpg", "photograph-4.jpg", "photograph-5.jpg"];

/// A `width` × `height` picture with a photograph's entropy: a lit scene whose colour
/// drifts across it, texture at four scales (value noise with cells of 384, 96, 24 and
/// 6 pixels) and sensor noise in every pixel. Smooth gradients decode far faster than
/// photographs; this decodes and compresses like one.
fn photograph(width: u32, height: u32, seed: u64) -> image::RgbImage {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let octaves: Vec<(u32, f32, Vec<f32>)> = [(384, 46.0), (96, 28.0), (24, 16.0), (6, 9.0)]
        .into_iter()
        .map(|(cell, amplitude)| {
            let (gw, gh) = (width / cell + 2, height / cell + 2);
            let grid = (0..gw * gh).map(|_| rng.below(2001) as f32 / 1000.0 - 1.0).collect();
            (cell, amplitude, grid)
        })
        .collect();
    let mut noise = Rng(seed | 3);
    image::RgbImage::from_fn(width, height, |x, y| {
        let mut texture = 0.0;
        for (cell, amplitude, grid) in &octaves {
            let (gx, gy) = (x / cell, y / cell);
            let (fx, fy) = ((x % cell) as f32 / *cell as f32, (y % cell) as f32 / *cell as f32);
            let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
            let stride = width / cell + 2;
            let at = |i: u32, j: u32| grid[(j * stride + i) as usize];
            let top = at(gx, gy) + (at(gx + 1, gy) - at(gx, gy)) * sx;
            let bottom = at(gx, gy + 1) + (at(gx + 1, gy + 1) - at(gx, gy + 1)) * sx;
            texture += (top + (bottom - top) * sy) * amplitude;
        }
        let (u, v) = (x as f32 / width as f32, y as f32 / height as f32);
        let grain = noise.below(13) as f32 - 6.0;
        let light = 70.0 + 90.0 * (1.0 - v) + texture + grain;
        let channel = |tint: f32| (light + tint).clamp(0.0, 255.0) as u8;
        image::Rgb([channel(40.0 * u - 10.0), channel(15.0 - 25.0 * v), channel(30.0 * (1.0 - u) - 20.0 * v)])
    })
}

/// `picture` as a JPEG at quality 90, as a camera or an export would write it.
fn save_photograph(picture: &image::RgbImage, file: &Path) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90).encode_image(picture)?;
    fs::write(file, bytes)?;
    Ok(())
}

/// Six 12 MP JPEGs, made once and kept in `dir`.
fn photos(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    PHOTO_NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let i = i as u32;
            let file = dir.join(name);
            if !file.exists() {
                save_photograph(&photograph(4000, 3000, u64::from(i)), &file)?;
            }
            Ok(file)
        })
        .collect()
}

/// The renditions of the photos by Tessera's own code and by sharp, on one thread and
/// then on every core (each takes the next photo as soon as it is free).
fn rendition_throughput(files: &[PathBuf]) -> anyhow::Result<Vec<Row>> {
    // With the JPEG decoding the server uses (the server turns the feature on).
    run(cargo().args(["build", "--release", "--package", "tessera-repo", "--features", "turbojpeg", "--example", "render"]))?;
    let peer_dir = root().join("xtask").join("bench");
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&peer_dir))?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut rows = Vec::new();
    for (threads, label) in [(1, "one thread".to_owned()), (cores, format!("all {cores} cores"))] {
        let threads = threads.to_string();
        let ours = measure(Command::new(root().join("target/release/examples/render")).arg(&threads).args(files))?;
        let sharp = measure(Command::new("node").arg(peer_dir.join("sharp-renditions.mjs")).arg(&threads).args(files))?;
        rows.extend([
            Row::with_peer(format!("renditions of 12 MP JPEGs, {label}"), format!("{ours:.2} images/s"), "sharp", format!("{sharp:.2} images/s")),
            Row::from((format!("renditions, Tessera / sharp, {label}"), format!("{:.2}×", ours / sharp))),
        ]);
    }
    Ok(rows)
}

/// Renditions of the same photos uploaded to a deployment on PostgreSQL and S3 served
/// by one process, then by two (one worker each), from the first upload until the
/// last asset's renditions are stored.
fn renditions_across_processes(server: &Path, dir: &Path, photos: &[PathBuf]) -> anyhow::Result<Vec<(String, String)>> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir)?;
    let s3 = crate::services::S3Server::start(&crate::install::seaweedfs()?, dir)?;
    let pg = crate::services::PgServer::start(&crate::install::postgres()?)?;
    let mut rows = Vec::new();
    for processes in [1, 2] {
        let database = format!("renditions_{processes}");
        let mut admin = postgres::Client::connect(&pg.admin_url, postgres::NoTls)?;
        admin.batch_execute(&format!("CREATE DATABASE {database}"))?;
        let (server_url, _) = pg.admin_url.rsplit_once('/').context("the admin URL names a database")?;
        let tables = format!(
            "[storage]\nbackend = \"postgres\"\nurl = \"{server_url}/{database}\"\n\
             [blobs]\nstore = \"s3\"\nbucket = \"{}\"\nprefix = \"{database}\"\nendpoint = \"{}\"\naccess_key_id = \"{}\"\nsecret_access_key = \"{}\"\n\
             [jobs]\nworkers = 1\n",
            crate::services::BUCKET,
            s3.endpoint,
            s3.access_key_id,
            s3.secret_access_key
        );
        let servers: Vec<(Server, String)> = (0..processes)
            .map(|i| {
                let own = dir.join(format!("{database}-{i}"));
                fs::create_dir_all(&own)?;
                start_assets(server, &own, &tables)
            })
            .collect::<anyhow::Result<_>>()?;
        let (user, password, _) = DEMO_USERS[0];
        let session = Session::login(&servers[0].1, user, password)?;
        session.create_folder("/content/dam/photos", "Photos")?;
        let samples: Vec<crate::samples::Sample> = photos
            .iter()
            .zip(PHOTO_NAMES)
            .map(|(photo, name)| Ok(crate::samples::Sample { name, title: name, mime: "image/jpeg", bytes: fs::read(photo)? }))
            .collect::<anyhow::Result<_>>()?;
        let started = Instant::now();
        for sample in &samples {
            session.upload("/content/dam/photos", sample)?;
        }
        for sample in &samples {
            session.wait_for_renditions(&format!("/content/dam/photos/{}", sample.name))?;
        }
        let rate = photos.len() as f64 / started.elapsed().as_secs_f64();
        rows.push((
            format!(
                "renditions of {} 12 MP JPEGs uploaded to one deployment on PostgreSQL and S3, {processes} process(es) of one worker (images/s)",
                photos.len()
            ),
            format!("{rate:.2}"),
        ));
        drop(servers);
    }
    drop((pg, s3));
    Ok(rows)
}

/// Runs a peer that prints {"images", "seconds"}; returns images per second.
fn measure(cmd: &mut Command) -> anyhow::Result<f64> {
    let out = cmd.output().context("running a rendition bench")?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let r: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    Ok(r["images"].as_f64().unwrap_or(0.0) / r["seconds"].as_f64().unwrap_or(f64::INFINITY))
}

/// A reader of `left` bytes of plain text, copied from one block of lines: the
/// client must cost little beside the server it measures (the xtask is a debug
/// build, where a loop over each byte would be the bottleneck).
struct Text {
    left: u64,
    block: Vec<u8>,
    at: usize,
}

impl Text {
    fn new(len: u64) -> Self {
        Text { left: len, block: b"tessera upload bench line\n".repeat(10_000), at: 0 }
    }
}

impl Read for Text {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.block.len() - self.at).min(usize::try_from(self.left).unwrap_or(usize::MAX));
        buf[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at = (self.at + n) % self.block.len();
        self.left -= n as u64;
        Ok(n)
    }
}

/// A 1 GB upload to the blob folder on disk, then to an S3-compatible server
/// (SeaweedFS on loopback), each with the server's peak memory.
fn upload_throughput(server: &Path, dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut rows = upload_once(server, &dir.join("disk"), "", "to the blob folder on disk")?;
    let s3_dir = dir.join("s3");
    let _ = fs::remove_dir_all(&s3_dir);
    fs::create_dir_all(&s3_dir)?;
    let s3 = crate::services::S3Server::start(&crate::install::seaweedfs()?, &s3_dir)?;
    let blobs = format!(
        "[blobs]\nstore = \"s3\"\nbucket = \"{}\"\nendpoint = \"{}\"\naccess_key_id = \"{}\"\nsecret_access_key = \"{}\"\n",
        crate::services::BUCKET,
        s3.endpoint,
        s3.access_key_id,
        s3.secret_access_key
    );
    rows.extend(upload_once(server, &s3_dir.join("deployment"), &blobs, "to an S3-compatible server (SeaweedFS, same machine)")?);
    drop(s3);
    let _ = fs::remove_dir_all(&s3_dir);
    Ok(rows)
}

fn upload_once(server: &Path, dir: &Path, blobs: &str, target: &str) -> anyhow::Result<Vec<(String, String)>> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir)?;
    const SIZE: u64 = 1 << 30;
    let (process, origin) = start_assets(server, dir, &format!("{blobs}[limits]\nmax_upload_bytes = 2147483648"))?;
    let (user, password, _) = DEMO_USERS[0];
    let session = Session::login(&origin, user, password)?;
    let before_kb = memory_kb(process.pid(), "VmHWM:")?;
    let started = Instant::now();
    let response = ureq::put(&format!("{origin}/api/assets/content/dam/big.txt"))
        .header("cookie", &session.cookie)
        .header("x-csrf-token", &session.csrf)
        .header("content-type", "text/plain")
        .header("content-length", &SIZE.to_string())
        .send(ureq::SendBody::from_owned_reader(Text::new(SIZE)))?;
    let elapsed = started.elapsed();
    if response.status() != 201 {
        bail!("the 1 GB upload answered {}", response.status());
    }
    let peak_kb = memory_kb(process.pid(), "VmHWM:")?;
    drop(process);
    let _ = fs::remove_dir_all(dir);
    Ok(vec![
        (format!("upload of 1 GB over loopback, {target}"), format!("{:.0} MB/s", SIZE as f64 / 1_048_576.0 / elapsed.as_secs_f64())),
        (
            format!("server peak memory (VmHWM) during the upload {target}, and its growth over the peak before the upload"),
            format!("{:.1} MB (+{:.1} MB)", peak_kb as f64 / 1024.0, peak_kb.saturating_sub(before_kb) as f64 / 1024.0),
        ),
    ])
}

/// How many live copies of the source folder the rollout measure updates.
const MSM_LIVE_COPIES: usize = 5;

/// MSM over a folder of 10,000 assets on one Assets deployment (SQLite, disk): Create
/// Live Copy of it with its children, then, after every source asset's title changed,
/// Rollout Source and all Children to its 5 live copies; both in assets per second,
/// each job timed from the request to its end on Async Jobs, and the server's peak
/// memory.
fn msm_throughput(server: &Path, dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let _ = fs::remove_dir_all(dir);
    let data = dir.join("data");
    fs::create_dir_all(&data)?;
    {
        let catalog = SqliteCatalog::open(&data.join("tessera.sqlite3"))?;
        generate_assets(&catalog, &generated_blob(&data)?, 0..CONSOLE_FOLDER_ASSETS, 1)?;
    }
    let source = format!("/content/dam/generated/{}-00", WORDS[0]);
    let (process, origin) = start_assets(server, dir, "")?;
    let (user, password, _) = DEMO_USERS[0];
    let session = Session::login(&origin, user, password)?;
    let mut create_secs = Vec::new();
    for i in 0..MSM_LIVE_COPIES {
        let started = Instant::now();
        let made = post_json(&origin, &session, "/api/live-copies", serde_json::json!({ "source": source, "destination": format!("/content/dam/lc-{i}") }))?;
        let job = made["job"].as_i64().context("Create Live Copy of a folder started no job")?;
        wait_for_jobs(&origin, &session, &[job])?;
        create_secs.push(started.elapsed().as_secs_f64());
    }
    drop(process);

    // Every source asset gets a new title, straight in the catalog while the server is stopped.
    let sample = {
        let catalog = SqliteCatalog::open(&data.join("tessera.sqlite3"))?;
        let (_, assets) = catalog.children(&DamPath::parse(&source)?)?;
        let sample = assets.first().map(|a| a.path.name().to_owned()).context("the source folder is empty")?;
        for asset in assets {
            let title = tessera_model::Title::parse(&format!("{} (new)", asset.title))?;
            catalog.update_metadata(&asset.path, &tessera_model::MetadataPatch { title: Some(title), ..Default::default() }, user, 1_800_000_000)?;
        }
        sample
    };
    let (process, origin) = start_assets(server, dir, "")?;
    let session = Session::login(&origin, user, password)?;
    let started = Instant::now();
    let rolled = post_json(&origin, &session, &format!("/api/rollout{source}"), serde_json::json!({}))?;
    let jobs: Vec<i64> = rolled["jobs"].as_array().map(|a| a.iter().filter_map(|j| j.as_i64()).collect()).unwrap_or_default();
    if jobs.len() != MSM_LIVE_COPIES {
        bail!("the rollout started {} jobs, not {MSM_LIVE_COPIES}: {rolled}", jobs.len());
    }
    wait_for_jobs(&origin, &session, &jobs)?;
    let rollout_secs = started.elapsed().as_secs_f64();
    let sample = get_json(&origin, &session, &format!("/api/assets/content/dam/lc-0/{sample}"))?;
    if !sample["title"].as_str().is_some_and(|t| t.ends_with("(new)")) {
        bail!("the rollout did not bring the new titles: {sample}");
    }
    let peak_kb = memory_kb(process.pid(), "VmHWM:")?;
    drop(process);
    let _ = fs::remove_dir_all(dir);
    create_secs.sort_by(f64::total_cmp);
    let create = create_secs[create_secs.len() / 2];
    let assets = CONSOLE_FOLDER_ASSETS as f64;
    Ok(vec![
        (
            format!("Create Live Copy of a folder of {CONSOLE_FOLDER_ASSETS} assets with its children, to the job's end (median of {MSM_LIVE_COPIES})"),
            format!("{:.0} assets/s ({create:.1} s)", assets / create),
        ),
        (
            format!("Rollout Source and all Children of a new title on every one of {CONSOLE_FOLDER_ASSETS} assets to {MSM_LIVE_COPIES} live copy folders"),
            format!(
                "{:.0} assets/s ({rollout_secs:.1} s for {} live copy assets)",
                assets * MSM_LIVE_COPIES as f64 / rollout_secs,
                CONSOLE_FOLDER_ASSETS * MSM_LIVE_COPIES
            ),
        ),
        ("server peak memory (VmHWM) during the rollout".to_owned(), format!("{:.1} MB", peak_kb as f64 / 1024.0)),
    ])
}

fn post_json(origin: &str, session: &Session, path: &str, body: serde_json::Value) -> anyhow::Result<serde_json::Value> {
    let mut response = ureq::post(&format!("{origin}{path}"))
        .header("cookie", &session.cookie)
        .header("x-csrf-token", &session.csrf)
        .send_json(body)
        .with_context(|| format!("POST {path}"))?;
    Ok(response.body_mut().read_json()?)
}

fn get_json(origin: &str, session: &Session, path: &str) -> anyhow::Result<serde_json::Value> {
    let mut response = ureq::get(&format!("{origin}{path}")).header("cookie", &session.cookie).call().with_context(|| format!("GET {path}"))?;
    Ok(response.body_mut().read_json()?)
}

/// Waits for every job in `ids` to end on Async Jobs; a failed one is an error.
fn wait_for_jobs(origin: &str, session: &Session, ids: &[i64]) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(1800);
    while Instant::now() < deadline {
        let jobs = get_json(origin, session, "/api/jobs")?;
        let ours: Vec<&serde_json::Value> = jobs.as_array().into_iter().flatten().filter(|j| j["id"].as_i64().is_some_and(|id| ids.contains(&id))).collect();
        if let Some(failed) = ours.iter().find(|j| j["state"] == "failed") {
            bail!("a job failed: {failed}");
        }
        if ours.len() == ids.len() && ours.iter().all(|j| j["state"] == "success") {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("the jobs {ids:?} did not end in 30 minutes")
}

/// How many assets the load test's deployment holds.
const LOAD_ASSETS: usize = 10_000;
const LOAD_CLIENTS: usize = 200;
const LOAD_SECONDS: u64 = 30;

/// `wrk` (Debian's) with 200 connections for 30 s against one deployment of 10,000
/// assets, each connection sending in turn a word search, an asset's metadata and a
/// rendition's bytes; the server's resident memory is read every second meanwhile.
fn load_test(server: &Path, dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    run(Command::new("sh").args(["-c", "command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }"]))?;
    generated_sqlite(dir, LOAD_ASSETS, GENERATED_FOLDERS / 10)?;
    let (process, origin) = start_assets(server, dir, "")?;
    let (user, password, _) = DEMO_USERS[0];
    let session = Session::login(&origin, user, password)?;
    // Pictures with real renditions to deliver (the generated assets have only an original).
    let _ = session.create_folder("/content/dam/load", "Load");
    let pictures = crate::samples::all()?.into_iter().filter(|s| s.mime.starts_with("image/")).collect::<Vec<_>>();
    for picture in &pictures {
        let path = format!("/content/dam/load/{}", picture.name);
        if ureq::get(&format!("{origin}/api/assets{path}")).header("cookie", &session.cookie).call().is_err() {
            session.upload("/content/dam/load", picture)?;
        }
        session.wait_for_renditions(&path)?;
    }
    let found = get_json(&origin, &session, "/api/search?folder=/content/dam/generated&limit=100")?;
    let assets: Vec<String> = found["assets"].as_array().into_iter().flatten().filter_map(|a| a["path"].as_str().map(str::to_owned)).collect();
    if assets.is_empty() {
        bail!("the load test's deployment found no generated assets");
    }
    let mut paths = Vec::new();
    for k in 0..300 {
        paths.push(format!("/api/search?q={}&limit=30", WORDS[k % WORDS.len()]));
        paths.push(format!("/api/assets{}", assets[k % assets.len()]));
        paths.push(format!("/api/renditions/thumbnail-319/content/dam/load/{}", pictures[k % pictures.len()].name));
    }
    let list = dir.join("requests.txt");
    fs::write(&list, paths.join("\n") + "\n")?;

    let pid = process.pid();
    let script = root().join("xtask").join("bench").join("load.lua");
    let mut wrk = Command::new("wrk")
        .args(["--threads", "2", "--connections", &LOAD_CLIENTS.to_string(), "--duration", &format!("{LOAD_SECONDS}s"), "--timeout", "5s", "--latency"])
        .arg("--script")
        .arg(&script)
        .arg(&origin)
        .args(["--", &session.cookie])
        .arg(&list)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("running wrk")?;
    let mut resident = Vec::new();
    while wrk.try_wait()?.is_none() {
        std::thread::sleep(Duration::from_secs(1));
        resident.push(memory_kb(pid, "VmRSS:")?);
    }
    let mut report = String::new();
    wrk.stdout.take().context("wrk's output")?.read_to_string(&mut report)?;
    let peak = memory_kb(pid, "VmHWM:")?;
    drop(process);
    let figures = WrkReport::parse(&report).with_context(|| format!("reading wrk's report:\n{report}"))?;
    // The first third is the warm-up: caches and connection buffers filling.
    let steady = &resident[resident.len() / 3..];
    let mb = |kb: u64| kb as f64 / 1024.0;
    let (low, high) = (steady.iter().min().copied().unwrap_or(0), steady.iter().max().copied().unwrap_or(0));
    let label =
        format!("{LOAD_CLIENTS} concurrent clients for {LOAD_SECONDS} s over {LOAD_ASSETS} assets (word searches, asset metadata, renditions in turn; wrk)");
    Ok(vec![
        (format!("{label}: latency p50 / p99"), format!("{:.1} ms / {:.1} ms", figures.p50_ms, figures.p99_ms)),
        (
            format!("{label}: requests, errors"),
            format!("{:.0}/s, {} errors ({} not 2xx or 3xx, {} socket errors)", figures.per_second, figures.errors(), figures.not_ok, figures.socket_errors),
        ),
        (format!("{label}: server resident memory from 10 s to the end"), format!("{:.1} MB to {:.1} MB (peak {:.1} MB)", mb(low), mb(high), mb(peak))),
    ])
}

/// The figures of wrk's `--latency` report the load test uses.
#[derive(Debug, PartialEq)]
struct WrkReport {
    p50_ms: f64,
    p99_ms: f64,
    per_second: f64,
    not_ok: u64,
    socket_errors: u64,
}

impl WrkReport {
    fn parse(report: &str) -> anyhow::Result<WrkReport> {
        let line_after = |prefix: &str| report.lines().map(str::trim).find_map(|l| l.strip_prefix(prefix)).map(str::trim);
        let duration_ms = |text: &str| -> anyhow::Result<f64> {
            let split = text.find(|c: char| c.is_ascii_alphabetic()).context("a duration without a unit")?;
            let (number, unit) = text.split_at(split);
            let number: f64 = number.parse()?;
            Ok(match unit {
                "us" => number / 1000.0,
                "ms" => number,
                "s" => number * 1000.0,
                "m" => number * 60_000.0,
                other => bail!("an unknown unit {other}"),
            })
        };
        let socket_errors = match line_after("Socket errors:") {
            // "connect 0, read 0, write 0, timeout 0"
            Some(counts) => counts.split(',').filter_map(|part| part.split_whitespace().nth(1)?.parse::<u64>().ok()).sum(),
            None => 0,
        };
        Ok(WrkReport {
            p50_ms: duration_ms(line_after("50%").context("no 50% latency")?)?,
            p99_ms: duration_ms(line_after("99%").context("no 99% latency")?)?,
            per_second: line_after("Requests/sec:").context("no requests per second")?.parse()?,
            not_ok: line_after("Non-2xx or 3xx responses:").map_or(Ok(0), str::parse)?,
            socket_errors,
        })
    }

    fn errors(&self) -> u64 {
        self.not_ok + self.socket_errors
    }
}

/// A `/proc/PID/status` figure in kB, such as `VmRSS:` or `VmHWM:`.
fn memory_kb(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))?;
    Ok(status.lines().find_map(|l| l.strip_prefix(field)).and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 30s test @ http://127.0.0.1:40123
  2 threads and 200 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.34ms    5.67ms   1.23s    89.12%
    Req/Sec     8.12k   512.34     9.01k    70.00%
  Latency Distribution
     50%  812.00us
     75%   14.50ms
     90%   18.90ms
     99%    1.50s
  485123 requests in 30.01s, 1.23GB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:  16165.12
Transfer/sec:     42.01MB
";

    #[test]
    fn a_figure_is_its_first_number_and_the_unit_after_it() {
        assert_eq!(first_figure("34 ms / 47 ms"), (Some(34.0), "ms".into()));
        assert_eq!(first_figure("2.17×"), (Some(2.17), "×".into()));
        assert_eq!(first_figure("4,877 assets/s (2.1 s)"), (Some(4877.0), "assets/s".into()));
        assert_eq!(first_figure("1891/s, 0 errors"), (Some(1891.0), "/s".into()));
        assert_eq!(first_figure("327.7 KB"), (Some(327.7), "KB".into()));
        assert_eq!(first_figure("none"), (None, String::new()));
    }

    #[test]
    fn a_wrk_report_gives_its_percentiles_rate_and_errors_in_one_unit() {
        let report = WrkReport::parse(REPORT).unwrap();
        assert_eq!(report, WrkReport { p50_ms: 0.812, p99_ms: 1500.0, per_second: 16165.12, not_ok: 7, socket_errors: 5 });
        assert_eq!(report.errors(), 12);
    }

    #[test]
    fn a_wrk_report_without_errors_counts_none_and_one_without_latencies_is_refused() {
        let clean: String = REPORT.lines().filter(|l| !l.contains("errors") && !l.contains("Non-2xx")).map(|l| format!("{l}\n")).collect();
        assert_eq!(WrkReport::parse(&clean).unwrap().errors(), 0);
        let without: String = REPORT.lines().filter(|l| !l.trim_start().starts_with("99%")).map(|l| format!("{l}\n")).collect();
        assert!(WrkReport::parse(&without).is_err());
    }
}
