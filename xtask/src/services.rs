//! Throwaway servers the storage suite runs against, listening on 127.0.0.1 only, on
//! free ports, stopped when dropped: an S3-compatible object store (SeaweedFS's
//! `weed mini`, data under `target/`) and a PostgreSQL cluster (Debian's server, its
//! data in a temporary folder that the `postgres` user can reach).

use std::fs;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

pub const BUCKET: &str = "tessera";

pub struct S3Server {
    child: Child,
    pub endpoint: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn random_hex(bytes: usize) -> String {
    let mut noise = vec![0u8; bytes];
    getrandom::fill(&mut noise).expect("the OS has a random source");
    noise.iter().map(|b| format!("{b:02x}")).collect()
}

impl S3Server {
    /// Starts `weed mini` with `BUCKET` made and every port it opens chosen here, so
    /// it never clashes with another server on this machine or answers off loopback.
    pub fn start(weed: &Path, dir: &Path) -> anyhow::Result<S3Server> {
        let data = dir.join("weed");
        fs::create_dir_all(&data)?;
        let log_path = dir.join("weed.log");
        let log = fs::File::create(&log_path)?;
        let s3 = free_port()?;
        let mut args = vec![
            format!("-dir={}", data.display()),
            "-ip=127.0.0.1".into(),
            "-ip.bind=127.0.0.1".into(),
            format!("-bucket={BUCKET}"),
            "-webdav=false".into(),
            "-admin.ui=false".into(),
            "-s3.port.iceberg=0".into(),
            "-s3.port.lance=0".into(),
            format!("-s3.port={s3}"),
        ];
        for flag in [
            "s3.port.grpc",
            "master.port",
            "master.port.grpc",
            "volume.port",
            "volume.port.grpc",
            "filer.port",
            "filer.port.grpc",
            "admin.port",
            "admin.port.grpc",
        ] {
            args.push(format!("-{flag}={}", free_port()?));
        }
        let (access_key_id, secret_access_key) = (format!("tessera{}", random_hex(4)), random_hex(20));
        let child = Command::new(weed)
            .arg("mini")
            .args(&args)
            .env("AWS_ACCESS_KEY_ID", &access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", &secret_access_key)
            .stdout(log.try_clone()?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {}", weed.display()))?;
        let mut server = S3Server { child, endpoint: format!("http://127.0.0.1:{s3}"), access_key_id, secret_access_key };
        server.wait_until_ready(&log_path)?;
        Ok(server)
    }

    /// `weed mini` says so once every part, the bucket included, is up.
    fn wait_until_ready(&mut self, log: &Path) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(90);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                bail!("weed mini exited at start ({status}); see {}", log.display());
            }
            if fs::read_to_string(log).is_ok_and(|text| text.contains("ready to use")) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        bail!("weed mini was not ready within 90 s; see {}", log.display())
    }

    /// The variables the tests read to reach this server.
    pub fn test_env(&self) -> [(&'static str, String); 4] {
        [
            ("TESSERA_TEST_S3_ENDPOINT", self.endpoint.clone()),
            ("TESSERA_TEST_S3_BUCKET", BUCKET.to_owned()),
            ("AWS_ACCESS_KEY_ID", self.access_key_id.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret_access_key.clone()),
        ]
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && self.child.try_wait().ok().flatten().is_none() {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A PostgreSQL cluster of its own: `initdb` and `pg_ctl` run as the `postgres` user
/// when this is root (PostgreSQL refuses to run as root), trust on loopback only.
pub struct PgServer {
    bin: PathBuf,
    dir: PathBuf,
    /// `postgres://tessera@127.0.0.1:PORT/postgres`: the cluster's superuser.
    pub admin_url: String,
}

fn as_postgres(program: &Path) -> Command {
    if crate::install::is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

impl PgServer {
    pub fn start(bin: &Path) -> anyhow::Result<PgServer> {
        let dir = std::env::temp_dir().join(format!("tessera-pg-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        if crate::install::is_root() {
            crate::run(Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir))?;
        }
        let data = dir.join("data");
        crate::run(
            as_postgres(&bin.join("initdb"))
                .arg("-D")
                .arg(&data)
                .args(["-U", "tessera", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
                .stdout(std::process::Stdio::null()),
        )?;
        let port = free_port()?;
        let server = PgServer { bin: bin.to_owned(), dir: dir.clone(), admin_url: format!("postgres://tessera@127.0.0.1:{port}/postgres") };
        let options = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300", dir.display());
        crate::run(as_postgres(&bin.join("pg_ctl")).arg("-D").arg(&data).args(["-o", &options, "-l"]).arg(dir.join("log")).args(["-w", "start"]))
            .with_context(|| format!("starting PostgreSQL; see {}", dir.join("log").display()))?;
        Ok(server)
    }

    /// The variable the tests read to reach this server.
    pub fn test_env(&self) -> [(&'static str, String); 1] {
        [("TESSERA_TEST_POSTGRES_URL", self.admin_url.clone())]
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = as_postgres(&self.bin.join("pg_ctl")).arg("-D").arg(self.dir.join("data")).args(["-m", "immediate", "stop"]).status();
        let _ = fs::remove_dir_all(&self.dir);
    }
}
