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

/// What the test server answers: status, headers, body.
type Reply = (u16, Vec<(String, String)>, String);

/// An HTTP server on 127.0.0.1 answering with `handler(path, headers)` until
/// dropped; counts requests.
struct Server {
    port: u16,
    hits: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Serves `body` at `/baseline.yaml`, 404 elsewhere.
    fn start(body: &'static str) -> Self {
        Server::with(move |path, _| {
            if path == "/baseline.yaml" {
                (200, Vec::new(), body.to_owned())
            } else {
                (404, Vec::new(), String::new())
            }
        })
    }

    fn with(handler: impl Fn(&str, &[(String, String)]) -> Reply + Send + 'static) -> Self {
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
                let mut headers = Vec::new();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    if let Some((name, value)) = line.trim_end().split_once(':') {
                        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
                    }
                    line.clear();
                }
                counter.fetch_add(1, Ordering::Relaxed);
                let path = request.split(' ').nth(1).unwrap_or_default().to_owned();
                let (status, extra, body) = handler(&path, &headers);
                let mut reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                for (name, value) in extra {
                    reply.push_str(&format!("{name}: {value}\r\n"));
                }
                reply.push_str("\r\n");
                reply.push_str(&body);
                let mut stream = stream;
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

/// `gonogo check --verbose` (every rule listed, passes too) over `project`.
fn check(project: &Project, cache: &Project) -> assert_cmd::assert::Assert {
    gonogo()
        .args(["check", "--verbose"])
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
fn pull_keeps_the_pack_under_its_cache_dir() {
    let server = Server::start(BASELINE);
    let pin = digest(BASELINE);
    let project = team(&server.url(), &format!("  sha256: {pin}\n"));
    let (default_cache, chosen) = (Project::new(), Project::new());
    gonogo()
        .args(["pull", "--cache-dir"])
        .arg(chosen.path())
        .arg("--policy")
        .arg(project.path().join("gonogo.yaml"))
        .env("GONOGO_CACHE_DIR", default_cache.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "cache: {}",
            chosen.path().join("packs").display()
        )));
    assert!(chosen.path().join(format!("packs/{pin}.yaml")).is_file());
    assert!(!default_cache.path().join("packs").exists());
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

/// A registry on 127.0.0.1 holding the baseline at `acme/baseline:v1`, which
/// wants an anonymous bearer token as ghcr.io and Docker Hub do.
fn registry() -> Server {
    let layer = digest(BASELINE);
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}},"layers":[{{"mediaType":"application/vnd.gonogo.pack.v1+yaml","digest":"sha256:{layer}","size":{},"annotations":{{"org.opencontainers.image.title":"gonogo.yaml"}}}}]}}"#,
        BASELINE.len()
    );
    let port = Arc::new(std::sync::OnceLock::<u16>::new());
    let known = port.clone();
    let server = Server::with(move |path, headers| {
        let authorised = headers
            .iter()
            .any(|(n, v)| n == "authorization" && v == "Bearer pull-token");
        let challenge = vec![(
            "www-authenticate".to_owned(),
            format!(
                r#"Bearer realm="http://127.0.0.1:{}/token",service="test-registry",scope="repository:acme/baseline:pull""#,
                known.get().copied().unwrap_or_default()
            ),
        )];
        if path.starts_with("/token?") {
            let ok = path.contains("service=test-registry")
                && path.contains("scope=repository%3Aacme%2Fbaseline%3Apull");
            return if ok {
                (200, Vec::new(), r#"{"token":"pull-token"}"#.to_owned())
            } else {
                (400, Vec::new(), String::new())
            };
        }
        if !authorised {
            return (401, challenge, String::new());
        }
        if path == "/v2/acme/baseline/manifests/v1" {
            (
                200,
                vec![(
                    "content-type".to_owned(),
                    "application/vnd.oci.image.manifest.v1+json".to_owned(),
                )],
                manifest.clone(),
            )
        } else if path == format!("/v2/acme/baseline/blobs/sha256:{layer}") {
            (200, Vec::new(), BASELINE.to_owned())
        } else {
            (404, Vec::new(), String::new())
        }
    });
    port.set(server.port).expect("set once");
    server
}

#[test]
fn a_baseline_in_an_oci_registry_is_pulled_with_a_token_verified_and_cached() {
    let registry = registry();
    let reference = format!("oci://127.0.0.1:{}/acme/baseline:v1", registry.port);
    let project = team(&reference, &format!("  sha256: {}\n", digest(BASELINE)));
    let cache = Project::new();
    check(&project, &cache)
        .code(0)
        .stdout(predicate::str::contains("node-env-production"));
    // 401, token, manifest, blob.
    assert_eq!(registry.hits(), 4);
    drop(registry);
    check(&project, &cache).code(0);
    // Gone, and another pin is not in the cache: a clear error.
    let uncached = team(&reference, &format!("  sha256: {}\n", "0".repeat(64)));
    check(&uncached, &Project::new())
        .code(2)
        .stderr(predicate::str::contains("cannot fetch it"));
}

#[test]
fn a_registry_serving_the_wrong_pack_is_a_mismatch() {
    let registry = registry();
    let reference = format!("oci://127.0.0.1:{}/acme/baseline:v1", registry.port);
    let wrong = "1".repeat(64);
    check(
        &team(&reference, &format!("  sha256: {wrong}\n")),
        &Project::new(),
    )
    .code(2)
    .stderr(predicate::str::contains(format!(
        "sha256 mismatch: pinned `{wrong}`"
    )))
    .stderr(predicate::str::contains(digest(BASELINE)));
    let missing = format!("oci://127.0.0.1:{}/acme/other:v1", registry.port);
    check(
        &team(&missing, &format!("  sha256: {}\n", digest(BASELINE))),
        &Project::new(),
    )
    .code(2)
    .stderr(predicate::str::contains("HTTP 404"));
}

#[test]
fn a_pin_that_is_not_a_digest_is_refused_before_any_fetch() {
    let server = Server::start(BASELINE);
    check(
        &team(&server.url(), "  sha256: ../../../etc/passwd\n"),
        &Project::new(),
    )
    .code(2)
    .stderr(predicate::str::contains(
        "is not a sha256 digest (64 hex digits)",
    ));
    assert_eq!(server.hits(), 0);
}

#[test]
fn credentials_in_a_remote_reference_are_refused_and_never_printed() {
    let server = Server::start(BASELINE);
    let pin = format!("  sha256: {}\n", digest(BASELINE));
    for reference in [
        format!(
            "http://ci:s3cr3t-token@127.0.0.1:{}/baseline.yaml",
            server.port
        ),
        format!(
            "oci://ci:s3cr3t-token@127.0.0.1:{}/acme/baseline:v1",
            server.port
        ),
    ] {
        check(&team(&reference, &pin), &Project::new())
            .code(2)
            .stderr(predicate::str::contains("credentials in its reference"))
            .stderr(predicate::str::contains("s3cr3t-token").not());
    }
    assert_eq!(server.hits(), 0);
}

#[test]
fn cache_dir_and_no_cache_govern_where_a_fetched_pack_is_kept() {
    let server = Server::start(BASELINE);
    let pin = digest(BASELINE);
    let project = team(&server.url(), &format!("  sha256: {pin}\n"));
    let default_cache = Project::new();
    let chosen = Project::new();
    let run = |extra: &[&str]| {
        gonogo()
            .arg("check")
            .arg(project.path())
            .args(extra)
            .env("GONOGO_CACHE_DIR", default_cache.path())
            .env("NODE_ENV", "production")
            .assert()
            .code(0)
    };
    let kept = |cache: &Project| cache.path().join(format!("packs/{pin}.yaml")).is_file();
    run(&["--no-cache"]);
    assert!(!kept(&default_cache), "--no-cache kept the fetched pack");
    run(&["--cache-dir", &chosen.path().display().to_string()]);
    assert!(kept(&chosen), "--cache-dir does not hold the fetched pack");
    assert!(
        !kept(&default_cache),
        "the pack went to GONOGO_CACHE_DIR despite --cache-dir"
    );
    assert_eq!(server.hits(), 2);
}
