//! Real PostgreSQL and Redis servers for the datastore tests, from
//! Debian's packages (`tests/servers/install.sh` installs them): each in a
//! temporary folder, on a free port of 127.0.0.1, killed when dropped,
//! with TLS certificates from a CA generated here (rcgen). PostgreSQL logs
//! every statement with its user, so a test can read what gonogo sent.

use std::io::Read as _;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A CA and a certificate it signed for 127.0.0.1, as PEM files.
pub struct Certificates {
    /// The CA certificate.
    pub ca: PathBuf,
    /// The server's certificate.
    pub cert: PathBuf,
    /// The server's key.
    pub key: PathBuf,
}

impl Certificates {
    /// Writes a fresh CA and server certificate into `dir`.
    pub fn new(dir: &Path) -> Self {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "gonogo datastore test CA");
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let ca_key = rcgen::KeyPair::generate().expect("CA key");
        let ca_cert = params.self_signed(&ca_key).expect("CA certificate");
        let issuer = rcgen::Issuer::new(params, ca_key);
        let mut server =
            rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("params");
        server
            .distinguished_name
            .push(rcgen::DnType::CommonName, "127.0.0.1");
        let key = rcgen::KeyPair::generate().expect("server key");
        let cert = server.signed_by(&key, &issuer).expect("server certificate");
        let certificates = Certificates {
            ca: dir.join("ca.pem"),
            cert: dir.join("server.crt"),
            key: dir.join("server.key"),
        };
        std::fs::write(&certificates.ca, ca_cert.pem()).expect("CA file");
        std::fs::write(&certificates.cert, cert.pem()).expect("certificate file");
        std::fs::write(&certificates.key, key.serialize_pem()).expect("key file");
        certificates
    }
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Waits until something accepts connections on `port`.
fn wait_for_port(port: u16, what: &str, log: &Path) {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(30) {
            panic!(
                "{what} did not start on port {port}: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A PostgreSQL binary of Debian's packages (the newest major version).
fn pg_bin(name: &str) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin").join(name))
        .filter(|path| path.exists())
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| {
        panic!("PostgreSQL's `{name}` is not installed: run `bash tests/servers/install.sh`")
    })
}

/// How a test PostgreSQL is set up.
pub struct PgOptions {
    /// TLS on (with the test CA's certificate).
    pub ssl: bool,
    /// Only `hostssl` connections accepted.
    pub tls_only: bool,
    /// The server's time zone.
    pub timezone: &'static str,
}

/// A PostgreSQL server of its own.
pub struct Postgres {
    dir: tempfile::TempDir,
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// The certificates it serves.
    pub certificates: Certificates,
}

/// The superuser's password (the tests' own, never given to gonogo).
pub const SUPERUSER_PASSWORD: &str = "Super-user-only-7Qp";

impl Postgres {
    /// Initialises and starts a server.
    pub fn start(options: PgOptions) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path();
        let certificates = Certificates::new(root);
        let data = root.join("data");
        std::fs::write(root.join("pw"), SUPERUSER_PASSWORD).expect("password file");
        let as_root = is_root();
        let run_as_postgres = |program: &Path| {
            if as_root {
                let mut command = Command::new("setpriv");
                command
                    .args(["--reuid=postgres", "--regid=postgres", "--init-groups"])
                    .arg(program);
                command
            } else {
                Command::new(program)
            }
        };
        if as_root {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(root)
                .status()
                .expect("chown");
            assert!(status.success(), "chown the test folder to postgres");
        }
        let output = run_as_postgres(&pg_bin("initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "-A",
                "scram-sha-256",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ])
            .arg(format!("--pwfile={}", root.join("pw").display()))
            .output()
            .expect("initdb runs");
        assert!(
            output.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let port = free_port();
        let mut conf = format!(
            "listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\n\
             timezone = '{}'\nlog_statement = 'all'\nlog_line_prefix = '%u|'\n\
             max_connections = 20\nfsync = off\n",
            root.display(),
            options.timezone
        );
        if options.ssl {
            conf.push_str(&format!(
                "ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\n",
                certificates.cert.display(),
                certificates.key.display()
            ));
        }
        let mut config = std::fs::read_to_string(data.join("postgresql.conf")).expect("conf");
        config.push_str(&conf);
        std::fs::write(data.join("postgresql.conf"), config).expect("conf");
        let hba = if options.tls_only {
            "hostssl all all 127.0.0.1/32 scram-sha-256\n"
        } else {
            "host all all 127.0.0.1/32 scram-sha-256\n"
        };
        std::fs::write(data.join("pg_hba.conf"), hba).expect("hba");
        if as_root {
            Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(root)
                .status()
                .expect("chown");
            Command::new("chmod")
                .arg("600")
                .arg(&certificates.key)
                .status()
                .expect("chmod");
        } else {
            std::fs::set_permissions(
                &certificates.key,
                std::os::unix::fs::PermissionsExt::from_mode(0o600),
            )
            .expect("chmod");
        }
        let log = std::fs::File::create(root.join("server.log")).expect("log");
        let child = run_as_postgres(&pg_bin("postgres"))
            .arg("-D")
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("postgres starts");
        let server = Postgres {
            dir,
            child,
            port,
            certificates,
        };
        wait_for_port(port, "PostgreSQL", &server.log_path());
        // Accepting TCP is not yet accepting queries.
        let started = Instant::now();
        while server.try_sql("postgres", "SELECT 1").is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "PostgreSQL never answered"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    fn try_sql(&self, database: &str, sql: &str) -> Result<String, String> {
        let output = Command::new("psql")
            .arg(format!(
                "host=127.0.0.1 port={} user=postgres dbname={database} sslmode=prefer",
                self.port
            ))
            .args(["-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql])
            .env("PGPASSWORD", SUPERUSER_PASSWORD)
            .output()
            .map_err(|e| format!("psql: {e} (run `bash tests/servers/install.sh`)"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }

    /// Runs `sql` as the superuser in `database`; its output, trimmed.
    pub fn sql(&self, database: &str, sql: &str) -> String {
        self.try_sql(database, sql)
            .unwrap_or_else(|error| panic!("{sql}: {error}"))
    }

    /// Holds `sql` open in a session of its own (a lock, say) until the
    /// returned process is killed.
    pub fn hold(&self, database: &str, sql: &str) -> Child {
        let child = Command::new("psql")
            .arg(format!(
                "host=127.0.0.1 port={} user=postgres dbname={database} sslmode=prefer",
                self.port
            ))
            .args(["-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql])
            .env("PGPASSWORD", SUPERUSER_PASSWORD)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("psql");
        std::thread::sleep(Duration::from_millis(500));
        child
    }

    /// Every statement `user` sent, as the server logged it.
    pub fn statements_of(&self, user: &str) -> Vec<String> {
        let prefix = format!("{user}|LOG:  ");
        std::fs::read_to_string(self.log_path())
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.strip_prefix(&prefix))
            .filter_map(|line| {
                line.strip_prefix("statement: ")
                    .or_else(|| {
                        line.split_once(": ")
                            .filter(|(head, _)| head.starts_with("execute "))
                            .map(|(_, sql)| sql)
                    })
                    .map(str::to_owned)
            })
            .collect()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A Redis server of its own.
pub struct Redis {
    dir: tempfile::TempDir,
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// The certificates it serves when started with TLS.
    pub certificates: Certificates,
}

impl Redis {
    /// Starts `redis-server` with these settings after the test's own
    /// (`--bind 127.0.0.1`, a port, a folder, no snapshots); with TLS on
    /// its port instead of plain TCP when `tls`.
    pub fn start(settings: &[&str], tls: bool) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let certificates = Certificates::new(dir.path());
        let port = free_port();
        let mut command = Command::new("redis-server");
        command
            .args(["--bind", "127.0.0.1", "--save", "", "--daemonize", "no"])
            .arg("--dir")
            .arg(dir.path())
            .arg("--logfile")
            .arg(dir.path().join("redis.log"));
        if tls {
            command
                .args([
                    "--port",
                    "0",
                    "--tls-port",
                    &port.to_string(),
                    "--tls-auth-clients",
                    "no",
                ])
                .arg("--tls-cert-file")
                .arg(&certificates.cert)
                .arg("--tls-key-file")
                .arg(&certificates.key);
        } else {
            command.args(["--port", &port.to_string()]);
        }
        let child = command
            .args(settings)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts (run `bash tests/servers/install.sh`)");
        let redis = Redis {
            dir,
            child,
            port,
            certificates,
        };
        wait_for_port(port, "Redis", &redis.dir.path().join("redis.log"));
        redis
    }

    /// Records every command the server receives (`MONITOR`) until the
    /// returned process is killed; its output goes to the file returned.
    pub fn monitor(&self, password: &str) -> (Child, PathBuf) {
        let path = self.dir.path().join("monitor.log");
        let out = std::fs::File::create(&path).expect("monitor log");
        let child = Command::new("redis-cli")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "--no-auth-warning",
                "-a",
                password,
                "monitor",
            ])
            .stdout(out)
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-cli");
        std::thread::sleep(Duration::from_millis(300));
        (child, path)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server on 127.0.0.1 that answers every connection with `bytes`,
/// forever if `endless`: a datastore that speaks no protocol.
pub fn garbage_server(bytes: &'static [u8], endless: bool) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                use std::io::Write as _;
                let mut stream = stream;
                let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
                let mut buffer = [0u8; 512];
                let _ = stream.read(&mut buffer);
                loop {
                    if stream.write_all(bytes).is_err() || !endless {
                        break;
                    }
                }
            });
        }
    });
    port
}
