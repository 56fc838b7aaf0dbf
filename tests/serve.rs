//! `gonogo serve` and `gonogo check --push`: the service run for real on
//! 127.0.0.1 over SQLite and over a PostgreSQL of its own (two replicas
//! sharing it), the examples' reports pushed by `gonogo check`, and every
//! page and endpoint asked over HTTP; bad pushes refused and changing
//! nothing.

mod common;
#[path = "datastores/servers.rs"]
#[allow(dead_code)]
mod servers;

use common::{Project, gonogo, repo};
use std::io::{Read as _, Write as _};
use std::process::{Child, Command, Stdio};

/// A running `gonogo serve`, killed when dropped.
struct Service {
    child: Child,
    port: u16,
    database: String,
    _data: Project,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn gonogo_binary() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_gonogo"))
}

impl Service {
    /// Starts `gonogo serve` on `database` (a fresh SQLite file when none)
    /// with `env` set.
    fn start(database: Option<&str>, env: &[(&str, &str)], extra: &[&str]) -> Service {
        let data = Project::new();
        let sqlite = format!("sqlite://{}", data.path().join("serve.db").display());
        let database = database.map_or(sqlite, str::to_owned);
        let port = servers::free_port();
        let mut command = Command::new(gonogo_binary());
        command
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--database",
                &database,
            ])
            .args(extra)
            .env_remove("GONOGO_READ_TOKEN")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command.spawn().expect("gonogo serve starts");
        let service = Service {
            child,
            port,
            database: database.clone(),
            _data: data,
        };
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed().as_secs() < 60,
                "gonogo serve did not listen"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        service
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn database(&self) -> String {
        self.database.clone()
    }

    /// An HTTP/1.1 exchange: the status and the body.
    fn ask(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String) {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).expect("send");
        // A server refusing a large body may answer before reading it all.
        let _ = stream.write_all(body);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer).into_owned();
        let (head, rest) = text.split_once("\r\n\r\n").expect("an HTTP answer");
        let status: u16 = head[9..12].parse().expect("a status");
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(rest)
        } else {
            rest.to_owned()
        };
        (status, body)
    }

    fn get(&self, path: &str) -> (u16, String) {
        self.ask("GET", path, &[], b"")
    }

    fn json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).expect("JSON")
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
    out
}

/// `gonogo serve token create REPOSITORY` against `database`: the token.
fn token(database: &str, repository: &str) -> String {
    let output = gonogo()
        .args([
            "serve",
            "token",
            "create",
            repository,
            "--database",
            database,
        ])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("text")
        .trim()
        .to_owned()
}

/// `gonogo check` of an example, pushed: its exit code and stderr.
fn check_and_push(example: &str, url: &str, token: &str) -> (i32, String) {
    let output = gonogo()
        .args([
            "check",
            &format!("examples/{example}"),
            "--env-file",
            &format!("examples/deploy/{example}.env"),
            "-q",
            "--push",
            url,
        ])
        .env("GONOGO_PUSH_TOKEN", token)
        .output()
        .expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The JSON report of the GO example, to craft pushes from.
fn example_report() -> serde_json::Value {
    let output = gonogo()
        .args([
            "check",
            "examples/shop-api",
            "--env-file",
            "examples/deploy/shop-api.env",
            "--format",
            "json",
        ])
        .current_dir(repo())
        .output()
        .expect("runs");
    serde_json::from_slice(&output.stdout).expect("a report")
}

fn push_body(service: &Service, token: &str, body: &[u8]) -> (u16, String) {
    service.ask(
        "POST",
        "/api/v1/reports",
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Content-Type", "application/json"),
        ],
        body,
    )
}

fn report_count(service: &Service) -> usize {
    service.json("/api/v1/reports")["reports"]
        .as_array()
        .map_or(0, Vec::len)
}

#[test]
fn pushed_reports_show_in_the_fleet_the_history_and_the_api() {
    fleet_history_and_api(None);
}

fn fleet_history_and_api(database: Option<&str>) {
    let service = Service::start(database, &[], &[]);
    let good = token(&service.database(), "acme/shop");
    let bad = token(&service.database(), "acme/legacy");
    let (code, stderr) = check_and_push("shop-api", &service.url(), &good);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("report pushed to"), "{stderr}");
    let (code, stderr) = check_and_push("shop-api-misconfigured", &service.url(), &bad);
    assert_eq!(code, 1, "the push changes no exit code: {stderr}");

    let repositories = service.json("/api/v1/repositories")["repositories"].clone();
    let verdicts: Vec<(&str, &str)> = repositories
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| {
            (
                r["repository"].as_str().unwrap_or(""),
                r["verdict"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(verdicts, [("acme/legacy", "no-go"), ("acme/shop", "go")]);
    // The pack is told by its digest, as the report gives it.
    let digest = repositories[0]["pack_digest"]
        .as_str()
        .expect("a pack digest");
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "{digest}"
    );

    // The fleet matrix shows each repository, its verdict, and a rule
    // that fails in one of them.
    let (status, fleet) = service.get("/");
    assert_eq!(status, 200);
    assert!(fleet.contains("2 repositories: 1 go, 1 no-go."), "{fleet}");
    assert!(fleet.contains(">acme/shop</a>") && fleet.contains(">acme/legacy</a>"));
    assert!(fleet.contains(">database-ssl</a></th>"), "{fleet}");

    // One repository's history; reports by rule; a report as pushed.
    let (status, page) = service.get("/repository/acme/legacy");
    assert_eq!(status, 200);
    assert!(page.contains("<code>database-ssl</code>"), "{page}");
    let by_rule = service.json("/api/v1/reports?rule=database-ssl");
    assert_eq!(by_rule["reports"].as_array().map(Vec::len), Some(2));
    let id = repositories[0]["id"].as_str().expect("an id");
    let stored = service.json(&format!("/api/v1/reports/{id}"));
    assert_eq!(stored["decision"]["verdict"], "no-go");
    assert_eq!(stored["pack"]["digest"], digest);
    let (status, lines) = service.get("/api/v1/reports.jsonl?repository=acme/shop");
    assert_eq!(status, 200);
    let lines: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["received"]["repository"], "acme/shop");
    assert_eq!(lines[0]["report"]["schema"], "gonogo.report/v1");
    let openapi = service.json("/openapi.json");
    assert!(openapi["paths"]["/api/v1/reports"]["post"].is_object());
    assert_eq!(service.get("/repository/acme/none").0, 404);
}

#[test]
fn bad_pushes_get_clear_errors_and_change_nothing() {
    bad_pushes(None);
}

fn bad_pushes(database: Option<&str>) {
    let service = Service::start(database, &[], &[]);
    let token = token(&service.database(), "acme/shop");
    let report = serde_json::to_vec(&example_report()).expect("JSON");
    assert_eq!(push_body(&service, &token, &report).0, 201);
    let cases: Vec<(&str, Vec<u8>, &str, u16, &str)> = vec![
        (
            "replayed",
            report.clone(),
            token.as_str(),
            409,
            "received before",
        ),
        (
            "unauthenticated",
            report.clone(),
            "gng_push_unknown",
            401,
            "unknown or revoked",
        ),
        (
            "malformed",
            b"{\"schema\": ".to_vec(),
            token.as_str(),
            400,
            "not JSON",
        ),
        (
            "not a report",
            b"{\"schema\": \"x\"}".to_vec(),
            token.as_str(),
            400,
            "gonogo.report/v1",
        ),
        ("oversized", vec![b' '; 9 << 20], token.as_str(), 413, ""),
    ];
    for (what, body, token, status, says) in cases {
        let (got, answer) = push_body(&service, token, &body);
        assert_eq!(got, status, "{what}: {answer}");
        assert!(answer.contains(says), "{what}: {answer}");
    }
    let (status, answer) = service.ask("POST", "/api/v1/reports", &[], &report);
    assert_eq!(status, 401, "{answer}");
    // Revoked, a token pushes nothing more.
    let revoked = gonogo()
        .args([
            "serve",
            "token",
            "revoke",
            "acme/shop",
            "--database",
            &service.database(),
        ])
        .output()
        .expect("runs");
    assert!(revoked.status.success());
    let mut other = example_report();
    other["environment"] = "staging".into();
    let (status, _) = push_body(&service, &token, &serde_json::to_vec(&other).expect("JSON"));
    assert_eq!(status, 401);
    assert_eq!(report_count(&service), 1);
}

#[test]
fn expiring_exceptions_stale_attestations_and_campaigns_are_shown() {
    exceptions_attestations_and_campaigns(None);
}

fn exceptions_attestations_and_campaigns(database: Option<&str>) {
    let service = Service::start(database, &[], &[]);
    let token = token(&service.database(), "acme/shop");
    let soon = (chrono::Utc::now().date_naive() + chrono::Duration::days(3)).to_string();
    let mut report = example_report();
    let rules = report["rules"].as_array_mut().expect("rules");
    rules[0]["status"] = "waived".into();
    rules[0]["waiver"] = serde_json::json!({"reason": "moving to the gateway", "approver": "jane", "expires": soon, "source": ".gonogo/exceptions.yaml:2"});
    rules[1]["enforce_from"] = "2027-03-01".into();
    rules[1]["status"] = "fail".into();
    let drill = rules
        .iter_mut()
        .find(|r| r["id"] == "restore-drill")
        .expect("the restore drill's rule");
    drill["stale_attestations"] = serde_json::json!([{"file": ".gonogo/attestations/restore-drill-1.json",
        "role": "devops", "signed_at": "2026-05-02", "reason": "older than 90 days"}]);
    let first = rules[0]["id"].as_str().expect("id").to_owned();
    let second = rules[1]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        push_body(
            &service,
            &token,
            &serde_json::to_vec(&report).expect("JSON")
        )
        .0,
        201
    );

    let (_, page) = service.get("/exceptions");
    assert!(
        page.contains(&soon) && page.contains(&format!("<code>{first}</code>")),
        "{page}"
    );
    assert!(page.contains("moving to the gateway"));
    let listed = service.json("/api/v1/exceptions");
    assert_eq!(listed["exceptions"][0]["rule"], first.as_str());
    // The attestation to renew, with why it no longer counts.
    assert!(page.contains("<code>restore-drill</code></td><td>2026-05-02</td><td>devops</td><td>older than 90 days</td>"), "{page}");
    assert_eq!(
        listed["stale_attestations"][0]["attestation"]["reason"],
        "older than 90 days"
    );

    let (_, page) = service.get("/campaigns");
    assert!(
        page.contains(&format!("<code>{second}</code> blocks from 2027-03-01")),
        "{page}"
    );
    assert!(
        page.contains("<strong>0 of 1</strong> repositories pass it already; 1 will be blocked"),
        "{page}"
    );
}

#[test]
fn readers_need_the_read_token_or_the_proxy_s_header() {
    let service = Service::start(None, &[("GONOGO_READ_TOKEN", "reader-secret-1")], &[]);
    assert_eq!(service.get("/").0, 401);
    assert_eq!(service.get("/api/v1/repositories").0, 401);
    assert_eq!(
        service
            .ask(
                "GET",
                "/",
                &[("Authorization", "Bearer reader-secret-1")],
                b""
            )
            .0,
        200
    );
    // A browser: basic authentication, any user name.
    assert_eq!(
        service
            .ask(
                "GET",
                "/",
                &[("Authorization", "Basic dmlld2VyOnJlYWRlci1zZWNyZXQtMQ==")],
                b""
            )
            .0,
        200
    );
    assert_eq!(
        service
            .ask("GET", "/", &[("Authorization", "Bearer wrong")], b"")
            .0,
        401
    );
    // Liveness and the API's description need nothing.
    assert_eq!(service.get("/healthz").0, 200);
    assert_eq!(service.get("/openapi.json").0, 200);

    let proxied = Service::start(None, &[], &["--identity-header", "X-Forwarded-User"]);
    assert_eq!(proxied.get("/").0, 401);
    assert_eq!(
        proxied
            .ask("GET", "/", &[("X-Forwarded-User", "jane")], b"")
            .0,
        200
    );

    // Beyond loopback, read access must be said.
    let output = gonogo()
        .args(["serve", "--listen", "0.0.0.0:0", "--database"])
        .arg(format!(
            "sqlite://{}",
            Project::new().path().join("x.db").display()
        ))
        .env_remove("GONOGO_READ_TOKEN")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("needs read access"));
}

#[test]
fn a_push_that_fails_is_a_warning_and_the_exit_code_stands() {
    let (code, stderr) = check_and_push(
        "shop-api-misconfigured",
        &format!("http://127.0.0.1:{}", servers::free_port()),
        "gng_push_x",
    );
    assert_eq!(code, 1);
    assert!(
        stderr.contains("warning: the report was not pushed"),
        "{stderr}"
    );
    let output = gonogo()
        .args([
            "check",
            "examples/shop-api",
            "--env-file",
            "examples/deploy/shop-api.env",
            "-q",
            "--push",
            "http://127.0.0.1:9",
        ])
        .env_remove("GONOGO_PUSH_TOKEN")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("GONOGO_PUSH_TOKEN is not set"));
}

/// A PostgreSQL of its own, with an empty database per name.
fn postgres_with(databases: &[&str]) -> (servers::Postgres, Vec<String>) {
    let postgres = servers::Postgres::start(servers::PgOptions {
        ssl: false,
        tls_only: false,
        timezone: "UTC",
    });
    let urls = databases
        .iter()
        .map(|name| {
            postgres.sql("postgres", &format!("CREATE DATABASE {name}"));
            format!(
                "postgres://postgres:{}@127.0.0.1:{}/{name}",
                servers::SUPERUSER_PASSWORD,
                postgres.port
            )
        })
        .collect();
    (postgres, urls)
}

#[test]
fn the_api_answers_the_same_over_postgres() {
    let (_postgres, urls) = postgres_with(&["fleet", "bad", "campaigns"]);
    fleet_history_and_api(Some(&urls[0]));
    bad_pushes(Some(&urls[1]));
    exceptions_attestations_and_campaigns(Some(&urls[2]));
}

#[test]
fn two_replicas_share_one_postgres() {
    let postgres = servers::Postgres::start(servers::PgOptions {
        ssl: false,
        tls_only: false,
        timezone: "UTC",
    });
    let url = format!(
        "postgres://postgres:{}@127.0.0.1:{}/postgres",
        servers::SUPERUSER_PASSWORD,
        postgres.port
    );
    let one = Service::start(Some(&url), &[], &[]);
    let two = Service::start(Some(&url), &[], &[]);
    let token = token(&url, "acme/shop");
    let (code, stderr) = check_and_push("shop-api", &one.url(), &token);
    assert_eq!(code, 0, "{stderr}");
    // The other replica sees it, and refuses it again.
    let listed = two.json("/api/v1/repositories");
    assert_eq!(listed["repositories"][0]["repository"], "acme/shop");
    let report = serde_json::to_vec(&two.json(&format!(
        "/api/v1/reports/{}",
        listed["repositories"][0]["id"].as_str().expect("id")
    )))
    .expect("JSON");
    let (status, _) = push_body(&two, &token, &report);
    assert!(status == 201 || status == 409, "{status}");
    let (_, fleet) = two.get("/");
    assert!(fleet.contains(">acme/shop</a>"), "{fleet}");
}

/// The DOM Chromium (Debian's, headless) builds from the page at `url`.
fn rendered(url: &str) -> String {
    let profile = Project::new();
    let output = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--dump-dom", url])
        .output()
        .expect("chromium runs (tests/servers/install.sh installs it)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("text")
}

/// The text of each cell (`th` or `td`) of the table row holding `needle`.
fn row_cells(dom: &str, needle: &str) -> Vec<String> {
    let row = dom
        .split("<tr>")
        .find(|row| row.contains(needle))
        .unwrap_or_else(|| panic!("no row with {needle}"));
    let row = row.split("</tr>").next().unwrap_or_default();
    row.split("<t")
        .skip(1)
        .filter(|cell| cell.starts_with('h') || cell.starts_with('d'))
        .map(|cell| {
            let inner = cell.split_once('>').map_or("", |(_, rest)| rest);
            let mut text = String::new();
            let mut in_tag = false;
            for c in inner.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    _ if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text
        })
        .collect()
}

#[test]
fn the_dashboard_renders_in_a_real_browser() {
    let service = Service::start(None, &[], &[]);
    let good = token(&service.database(), "acme/shop");
    let bad = token(&service.database(), "acme/legacy");
    assert_eq!(check_and_push("shop-api", &service.url(), &good).0, 0);
    assert_eq!(
        check_and_push("shop-api-misconfigured", &service.url(), &bad).0,
        1
    );

    let fleet = rendered(&service.url());
    assert!(fleet.contains("<title>Fleet · gonogo</title>"), "{fleet}");
    let header = row_cells(&fleet, "<th scope=\"col\">Repository</th>");
    let column = header
        .iter()
        .position(|cell| cell == "database-ssl")
        .expect("a column for a rule that blocks somewhere");
    let legacy = row_cells(&fleet, ">acme/legacy</a>");
    let shop = row_cells(&fleet, ">acme/shop</a>");
    assert_eq!(legacy.len(), header.len());
    assert_eq!((legacy[1].as_str(), shop[1].as_str()), ("NO-GO", "GO"));
    assert_eq!((legacy[column].as_str(), shop[column].as_str()), ("✗", "✓"));

    // A campaign: a rule that starts blocking later, failing in one
    // repository of two.
    let campaign = token(&service.database(), "acme/new");
    let mut report = example_report();
    let rules = report["rules"].as_array_mut().expect("rules");
    rules[2]["enforce_from"] = "2027-06-01".into();
    rules[2]["status"] = "fail".into();
    let rule = rules[2]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        push_body(
            &service,
            &campaign,
            &serde_json::to_vec(&report).expect("JSON")
        )
        .0,
        201
    );
    let mut passing = example_report();
    passing["environment"] = "staging".into();
    passing["rules"][2]["enforce_from"] = "2027-06-01".into();
    passing["rules"][2]["status"] = "pass".into();
    assert_eq!(
        push_body(
            &service,
            &good,
            &serde_json::to_vec(&passing).expect("JSON")
        )
        .0,
        201
    );
    let campaigns = rendered(&format!("{}/campaigns", service.url()));
    assert!(
        campaigns.contains(&format!("<code>{rule}</code> blocks from 2027-06-01")),
        "{campaigns}"
    );
    assert!(
        campaigns
            .contains("<strong>1 of 2</strong> repositories pass it already; 1 will be blocked"),
        "{campaigns}"
    );
    assert!(campaigns.contains(">acme/new</a>"));

    let history = rendered(&format!("{}/repository/acme/shop", service.url()));
    assert_eq!(
        history.matches("<a href=\"/api/v1/reports/").count(),
        2,
        "{history}"
    );
}
