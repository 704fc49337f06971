//! Two deployments on two sites, as the demo and the end-to-end suite run them: a
//! Sites deployment on `localhost` and an Assets deployment on `127.0.0.1`. To a
//! browser these are different sites, so the editor's calls to the DAM are really
//! cross-site, cookie rules and all.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::{build, cargo, root, run, samples};

/// A DAM user of both deployments: (name, password, group).
pub const DEMO_USERS: &[(&str, &str, &str)] = &[("admin", "admin", "administrators"), ("ksaner", "password", "authors")];

pub struct Ports {
    pub sites: u16,
    pub assets: u16,
    /// A developer's own page embedding the finder, on a third origin the DAM's CORS
    /// allow-list names too (served by whoever embeds it, not by Tessera).
    pub host: u16,
}

impl Ports {
    pub fn demo() -> Self {
        Ports { sites: 4502, assets: 4503, host: 4510 }
    }

    /// Three ports that are free right now.
    pub fn free() -> anyhow::Result<Self> {
        let a = TcpListener::bind("127.0.0.1:0")?;
        let b = TcpListener::bind("127.0.0.1:0")?;
        let c = TcpListener::bind("127.0.0.1:0")?;
        Ok(Ports { sites: a.local_addr()?.port(), assets: b.local_addr()?.port(), host: c.local_addr()?.port() })
    }

    pub fn host_origin(&self) -> String {
        format!("http://localhost:{}", self.host)
    }

    pub fn sites_origin(&self) -> String {
        format!("http://localhost:{}", self.sites)
    }

    pub fn assets_origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.assets)
    }
}

/// Builds the editor bundle and the server; returns the server binary.
pub fn build_all() -> anyhow::Result<PathBuf> {
    build::editor()?;
    run(cargo().args(["build", "--package", "tessera-server"]))?;
    Ok(root().join("target").join("debug").join("tessera-server"))
}

/// Writes both deployments' config files under `dir` (users get fresh hashes).
pub fn write_configs(server: &Path, dir: &Path, ports: &Ports) -> anyhow::Result<(PathBuf, PathBuf)> {
    let mut users = String::new();
    for (name, password, group) in DEMO_USERS {
        let hash = hash_password(server, password)?;
        users.push_str(&format!("\n[[users]]\nname = \"{name}\"\npassword_hash = \"{hash}\"\ngroups = [\"{group}\"]\n"));
    }
    // The DAM distributor exists on the Assets deployment only; its password is made
    // afresh with the configs and appears nowhere else.
    let distributor_password = random_hex(16)?;
    let distributor =
        format!("\n[[users]]\nname = \"distributor\"\npassword_hash = \"{}\"\ngroups = [\"authors\"]\n", hash_password(server, &distributor_password)?);
    let (www, pkg) = (root().join("www"), root().join("pkg"));
    let assets = dir.join("assets");
    fs::create_dir_all(&assets)?;
    let assets_config = assets.join("tessera.toml");
    fs::write(
        &assets_config,
        format!(
            "# Assets deployment (site B): the remote DAM of Connected Assets.\n\
             listen = \"127.0.0.1:{}\"\npublic_origin = \"{}\"\nroles = [\"assets\"]\ndata_dir = \"data\"\n\n\
             [cors]\nallowed_origins = [\"{}\", \"{}\"]\n\n[editor]\nwww_dir = {:?}\npkg_dir = {:?}\n{users}{distributor}",
            ports.assets,
            ports.assets_origin(),
            ports.sites_origin(),
            ports.host_origin(),
            www.display().to_string(),
            pkg.display().to_string()
        ),
    )?;
    let sites = dir.join("sites");
    fs::create_dir_all(&sites)?;
    let sites_config = sites.join("tessera.toml");
    fs::write(
        &sites_config,
        format!(
            "# Sites deployment (site A): pages, the editor, and its own DAM.\n\
             listen = \"127.0.0.1:{}\"\npublic_origin = \"{}\"\nroles = [\"sites\"]\ndata_dir = \"data\"\n\n\
             [connected_assets]\nremote_dam_url = \"{}\"\ndistributor_user = \"distributor\"\n\
             distributor_password = \"{distributor_password}\"\nmount_point = \"/content/dam/connected\"\n\n[editor]\nwww_dir = {:?}\npkg_dir = {:?}\n{users}",
            ports.sites,
            ports.sites_origin(),
            ports.assets_origin(),
            www.display().to_string(),
            pkg.display().to_string()
        ),
    )?;
    Ok((sites_config, assets_config))
}

fn random_hex(bytes: usize) -> anyhow::Result<String> {
    let mut buf = vec![0u8; bytes];
    fs::File::open("/dev/urandom")?.read_exact(&mut buf)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

pub fn hash_password(server: &Path, password: &str) -> anyhow::Result<String> {
    let mut child =
        Command::new(server).arg("hash-password").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().context("starting tessera-server hash-password")?;
    child.stdin.take().expect("piped").write_all(format!("{password}\n").as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("tessera-server hash-password failed");
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

/// A running `tessera-server`, stopped with SIGTERM when dropped.
pub struct Server {
    child: Child,
    pub origin: String,
}

impl Server {
    pub fn start(binary: &Path, config: &Path, origin: String, log: &Path) -> anyhow::Result<Server> {
        let log = fs::File::create(log)?;
        // In a process group of its own, Ctrl-C in the terminal reaches only the xtask,
        // which then stops each server in turn instead of racing them.
        let child = Command::new(binary)
            .args(["serve", "--config"])
            .arg(config)
            .stdout(log.try_clone()?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut server = Server { child, origin };
        server.wait_until_ready()?;
        Ok(server)
    }

    fn wait_until_ready(&mut self) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = format!("{}/api/deployment", self.origin.replace("localhost", "127.0.0.1"));
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                bail!("tessera-server for {} exited at start ({status}); see its log", self.origin);
            }
            if ureq::get(&url).call().is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("tessera-server for {} did not answer within 60 s", self.origin)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn has_exited(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_some()
    }

    pub fn stop(&mut self) {
        if self.has_exited() {
            return;
        }
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && !self.has_exited() {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Both deployments of one run, started and with sample assets.
pub struct Pair {
    pub sites: Server,
    pub assets: Server,
}

pub fn start_pair(server: &Path, dir: &Path, ports: &Ports) -> anyhow::Result<Pair> {
    let (sites_config, assets_config) = write_configs(server, dir, ports)?;
    let assets = Server::start(server, &assets_config, ports.assets_origin(), &dir.join("assets.log"))?;
    let sites = Server::start(server, &sites_config, ports.sites_origin(), &dir.join("sites.log"))?;
    let (user, password, _) = DEMO_USERS[0];
    let marker = dir.join("assets").join(".seeded");
    if !marker.exists() {
        samples::seed(&assets.origin, user, password)?;
        fs::write(marker, "sample assets uploaded\n")?;
    }
    let marker = dir.join("sites").join(".seeded");
    if !marker.exists() {
        samples::seed_sites(&sites.origin.replace("localhost", "127.0.0.1"), user, password)?;
        fs::write(marker, "site and local assets created\n")?;
    }
    Ok(Pair { sites, assets })
}

/// A second Assets deployment whose CORS allow-list is empty: a DAM that has not
/// (or no longer) allowed the Sites deployment. Same users as the pair's DAM.
pub fn start_refusing_dam(server: &Path, dir: &Path) -> anyhow::Result<Server> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let origin = format!("http://127.0.0.1:{port}");
    let pair_config = fs::read_to_string(dir.join("assets").join("tessera.toml"))?;
    let own = dir.join("refusing");
    fs::create_dir_all(&own)?;
    let config: String = pair_config
        .lines()
        .map(|line| match line {
            l if l.starts_with("listen = ") => format!("listen = \"127.0.0.1:{port}\""),
            l if l.starts_with("public_origin = ") => format!("public_origin = \"{origin}\""),
            l if l.starts_with("allowed_origins = ") => "allowed_origins = []".to_owned(),
            l => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let path = own.join("tessera.toml");
    fs::write(&path, config)?;
    Server::start(server, &path, origin, &dir.join("refusing.log"))
}

/// `cargo xtask demo`.
pub fn demo(fresh: bool) -> anyhow::Result<()> {
    let dir = root().join("target").join("demo");
    if fresh && dir.exists() {
        fs::remove_dir_all(&dir).context("removing the old demo data")?;
    }
    fs::create_dir_all(&dir)?;
    let server = build_all()?;
    let ports = Ports::demo();
    let mut pair = start_pair(&server, &dir, &ports)?;

    println!("\nTessera demo is running (data in {}).", dir.display());
    println!("  Sites deployment (editor): {}/editor", pair.sites.origin);
    println!("  Assets deployment (remote DAM): {}", pair.assets.origin);
    println!("  Users on both: {}", DEMO_USERS.iter().map(|(u, p, g)| format!("{u} / {p} ({g})")).collect::<Vec<_>>().join(", "));
    println!("  In the editor, open Remote and press \"Log in to Connected Assets\".");
    println!("  The DAM also lets a page of your own at {} embed the Content Finder.", ports.host_origin());
    println!("Press Ctrl-C to stop both.");

    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))?;
    while !stop.load(Ordering::SeqCst) {
        if pair.sites.has_exited() || pair.assets.has_exited() {
            bail!("a deployment stopped unexpectedly; see the logs in {}", dir.display());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    println!("\nStopping…");
    pair.sites.stop();
    pair.assets.stop();
    println!("Both deployments stopped.");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A first `cargo xtask demo` stopped while seeding leaves some samples behind;
    /// the next run adds the rest instead of failing on what exists.
    #[test]
    fn seeding_again_after_an_interruption_adds_what_is_missing() {
        run(cargo().args(["build", "--package", "tessera-server"])).unwrap();
        let binary = root().join("target").join("debug").join("tessera-server");
        let dir = std::env::temp_dir().join(format!("tessera-seed-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let ports = Ports::free().unwrap();
        let (_, assets_config) = write_configs(&binary, &dir, &ports).unwrap();
        let assets = Server::start(&binary, &assets_config, ports.assets_origin(), &dir.join("assets.log")).unwrap();
        let (user, password, _) = DEMO_USERS[0];

        let interrupted = samples::Session::login(&assets.origin, user, password).unwrap();
        interrupted.create_folder("/content/dam/samples", "Samples").unwrap();
        let all = samples::all().unwrap();
        interrupted.upload("/content/dam/samples", &all[0]).unwrap();

        samples::seed(&assets.origin, user, password).expect("seeding again completes");
        let listing: serde_json::Value = ureq::get(&format!("{}/api/folders/content/dam/samples", assets.origin))
            .header("cookie", &interrupted.cookie)
            .call()
            .unwrap()
            .body_mut()
            .read_json()
            .unwrap();
        assert_eq!(listing["assets"].as_array().map(Vec::len), Some(all.len()), "{listing}");
        drop(assets);
        let _ = fs::remove_dir_all(&dir);
    }
}
