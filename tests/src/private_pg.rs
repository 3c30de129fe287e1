//! A PostgreSQL cluster of a test's own, which the test may stop and start to see what the
//! server does while its database is down. The machine's own server is never touched: this
//! one lives in a directory of its own, on a port of its own, and is stopped through its own
//! data directory.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PrivatePostgres {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
}

impl PrivatePostgres {
    /// Where `initdb` and `pg_ctl` are, if PostgreSQL's server tools are installed.
    pub fn tools() -> Option<PathBuf> {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
            .filter(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
            .collect();
        versions.sort();
        versions.pop()
    }

    /// Creates and starts a cluster (trust authentication, user `postgres`) on a free port.
    pub fn start() -> Result<PrivatePostgres> {
        let bin = PrivatePostgres::tools().context("PostgreSQL server tools not installed")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let dir = std::env::temp_dir().join(format!("hb-private-pg-{}-{port}", std::process::id()));
        let cluster = PrivatePostgres { dir, bin, port };
        // initdb refuses to run as root: the cluster then belongs to the postgres user.
        if is_root() {
            run(Command::new("install")
                .args(["-d", "-m", "0700", "-o", "postgres"])
                .arg(&cluster.dir))?;
        } else {
            std::fs::create_dir_all(&cluster.dir)?;
        }
        cluster.as_owner(&format!(
            "{} -D {} -U postgres --auth=trust --no-sync -E UTF8 >/dev/null",
            cluster.tool("initdb"),
            quoted(&cluster.dir)
        ))?;
        cluster.start_again()?;
        Ok(cluster)
    }

    /// The URL of the cluster's `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the cluster at once (as a crash or a network cut would look to the server).
    pub fn stop(&self) -> Result<()> {
        self.as_owner(&format!(
            "{} -D {} -m immediate -w stop >/dev/null",
            self.tool("pg_ctl"),
            quoted(&self.dir)
        ))
    }

    pub fn start_again(&self) -> Result<()> {
        self.as_owner(&format!(
            "{} -D {} -l {} -w -o '-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off' start >/dev/null",
            self.tool("pg_ctl"),
            quoted(&self.dir),
            quoted(&self.dir.join("log")),
            self.port,
            quoted(&self.dir)
        ))
    }

    fn tool(&self, name: &str) -> String {
        quoted(&self.bin.join(name))
    }

    fn as_owner(&self, script: &str) -> Result<()> {
        if is_root() {
            run(Command::new("su").args(["postgres", "-c", script]))
        } else {
            run(Command::new("sh").args(["-c", script]))
        }
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"0\n"))
}

fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

fn run(command: &mut Command) -> Result<()> {
    let output = command
        .output()
        .with_context(|| format!("running {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}
