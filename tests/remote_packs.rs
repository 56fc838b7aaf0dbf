//! Baselines by URL: `extends: { pack: http://…, sha256: … }` against a real
//! HTTP server on 127.0.0.1. Pinned packs are verified and cached, later
//! runs need no network, a mismatch or an unpinned remote is exit 2,
//! `gonogo pull` prefetches.

mod common;

use common::{Project, gonogo};
use predicates::prelude::*;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const BASELINE: &str = "name: org-baseline\nchecks:\n  env:\n    use: builtin:env\n    grants:\n      public_env: [NODE_ENV]\nrules:\n  - id: node-env-production\n    title: NODE_ENV is production\n    severity: high\n    check: env\n    expr: facts.vars.NODE_ENV.value == 'production'\n";

/// Serves `body` at `/baseline.yaml` (404 elsewhere) until dropped; counts hits.
struct Server {
    port: u16,
    hits: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start(body: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let hits = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (counter, stopped) = (hits.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                stream.set_nonblocking(false).expect("blocking");
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request = String::new();
                let _ = reader.read_line(&mut request);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                counter.fetch_add(1, Ordering::Relaxed);
                let mut stream = stream;
                let reply = if request.starts_with("GET /baseline.yaml ") {
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                } else {
                    "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        .to_owned()
                };
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        Server { port, hits, stop }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/baseline.yaml", self.port)
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A team project whose pack extends `url` with `pin` (a YAML fragment).
fn team(url: &str, pin: &str) -> Project {
    let project = Project::new();
    project.write(
        "gonogo.yaml",
        &format!("name: team\nextends:\n  pack: {url}\n{pin}rules: []\n"),
    );
    project
}

fn check(project: &Project, cache: &Project) -> assert_cmd::assert::Assert {
    gonogo()
        .arg("check")
        .arg(project.path())
        .env("GONOGO_CACHE_DIR", cache.path())
        .env("NODE_ENV", "production")
        .assert()
}

#[test]
fn a_pinned_baseline_is_fetched_once_then_read_offline() {
    let server = Server::start(BASELINE);
    let project = team(&server.url(), &format!("  sha256: {}\n", digest(BASELINE)));
    let cache = Project::new();
    check(&project, &cache)
        .code(0)
        .stdout(predicate::str::contains("node-env-production"));
    assert_eq!(server.hits(), 1);
    drop(server);
    // The server is gone: the cached, verified copy is used.
    check(&project, &cache)
        .code(0)
        .stdout(predicate::str::contains("node-env-production"));
    gonogo()
        .arg("check")
        .arg(project.path())
        .env("GONOGO_CACHE_DIR", cache.path())
        .env("NODE_ENV", "development")
        .assert()
        .code(1);
}

#[test]
fn a_digest_mismatch_is_exit_2_with_both_digests() {
    let server = Server::start(BASELINE);
    let wrong = "0".repeat(64);
    let project = team(&server.url(), &format!("  sha256: {wrong}\n"));
    let cache = Project::new();
    check(&project, &cache)
        .code(2)
        .stderr(predicate::str::contains(format!(
            "sha256 mismatch: pinned `{wrong}`"
        )))
        .stderr(predicate::str::contains(digest(BASELINE)))
        .stderr(predicate::str::contains("gonogo.yaml:3"));
}

#[test]
fn an_unpinned_remote_is_refused_unless_explicitly_allowed() {
    let server = Server::start(BASELINE);
    let cache = Project::new();
    check(&team(&server.url(), ""), &cache)
        .code(2)
        .stderr(predicate::str::contains(
            "a remote pack must be pinned with `sha256:`",
        ));
    assert_eq!(
        server.hits(),
        0,
        "nothing is fetched before the pin is checked"
    );
    let allowed = team(&server.url(), "  allow_unpinned: true\n");
    check(&allowed, &cache).code(0);
    check(&allowed, &cache).code(0);
    assert_eq!(
        server.hits(),
        2,
        "an unpinned pack is fetched every time, never cached"
    );
}

#[test]
fn pull_prefetches_and_reports_digests() {
    let server = Server::start(BASELINE);
    let project = team(&server.url(), &format!("  sha256: {}\n", digest(BASELINE)));
    let cache = Project::new();
    let pull = || {
        gonogo()
            .args(["pull", "--policy"])
            .arg(project.path().join("gonogo.yaml"))
            .env("GONOGO_CACHE_DIR", cache.path())
            .assert()
            .success()
            .stdout(predicate::str::contains(server.url()))
            .stdout(predicate::str::contains(format!(
                "sha256 {}",
                digest(BASELINE)
            )))
    };
    pull().stdout(predicate::str::contains("fetched and cached"));
    pull().stdout(predicate::str::contains("already cached"));
    assert_eq!(server.hits(), 1);
}

#[test]
fn an_unreachable_or_missing_remote_is_a_clear_error() {
    let server = Server::start(BASELINE);
    let missing = format!("http://127.0.0.1:{}/nope.yaml", server.port);
    let cache = Project::new();
    check(
        &team(&missing, &format!("  sha256: {}\n", digest(BASELINE))),
        &cache,
    )
    .code(2)
    .stderr(predicate::str::contains("the server answered HTTP 404"));
    let port = server.port;
    drop(server);
    std::thread::sleep(std::time::Duration::from_millis(50));
    let closed = format!("http://127.0.0.1:{port}/baseline.yaml");
    check(
        &team(&closed, &format!("  sha256: {}\n", digest(BASELINE))),
        &cache,
    )
    .code(2)
    .stderr(predicate::str::contains("cannot fetch it"));
}

#[test]
fn a_remote_pack_cannot_use_checks_by_path() {
    const SNEAKY: &str = "name: sneaky\nchecks:\n  x:\n    use: ./x.wasm\n    sha256: 0000000000000000000000000000000000000000000000000000000000000000\nrules: []\n";
    let server = Server::start(SNEAKY);
    let cache = Project::new();
    check(
        &team(&server.url(), &format!("  sha256: {}\n", digest(SNEAKY))),
        &cache,
    )
    .code(2)
    .stderr(predicate::str::contains(
        "a built-in or remote pack cannot use checks by path",
    ));
}
