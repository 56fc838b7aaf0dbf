//! Real HTTP and HTTPS servers on 127.0.0.1 for the live-probe tests, with
//! certificates from a CA generated here (rcgen). One well configured, one
//! badly; both speak plain HTTP/1.1 over std sockets and rustls.

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

/// A certificate authority made for one test.
pub struct TestCa {
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
    /// Its certificate, PEM.
    pub pem: String,
}

impl TestCa {
    /// A fresh CA.
    pub fn new() -> Self {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "gonogo test CA");
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let key = rcgen::KeyPair::generate().expect("CA key");
        let cert = params.self_signed(&key).expect("CA certificate");
        TestCa {
            pem: cert.pem(),
            issuer: rcgen::Issuer::new(params, key),
        }
    }

    /// A server certificate for 127.0.0.1, valid from yesterday for `days`
    /// more days (negative: already expired).
    pub fn server_config(&self, days: i64) -> Arc<rustls::ServerConfig> {
        let mut params =
            rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "127.0.0.1");
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::days(2);
        params.not_after = now + time::Duration::days(days) + time::Duration::hours(1);
        let key = rcgen::KeyPair::generate().expect("server key");
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("server certificate");
        let chain = vec![CertificateDer::from(cert.der().to_vec())];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server config");
        Arc::new(config)
    }
}

/// How the service behaves.
#[derive(Clone)]
pub struct Behaviour {
    /// Status and body of `GET /health`.
    pub health: (u16, &'static str),
    /// helmet()'s headers on every answer.
    pub security_headers: bool,
    /// `X-Powered-By: Express` on every answer.
    pub powered_by: bool,
    /// The headers of a CDN in front (Cloudflare's `CF-RAY`).
    pub behind_cdn: bool,
    /// Origins CORS allows; `None` reflects any origin, with credentials.
    pub cors_origins: Option<Vec<String>>,
    /// Failed logins answered 401 before 429 (with Retry-After); `None`: never limited.
    pub login_limit: Option<u32>,
    /// `Vary: Accept-Encoding` (what the `compression` middleware sends).
    pub compression: bool,
    /// Plain HTTP redirects to HTTPS; otherwise it serves the API.
    pub redirect_http: bool,
    /// Days of certificate validity left.
    pub certificate_days: i64,
    /// Errors as a development build answers them: unknown routes fall
    /// back to 200, a malformed JSON body is a 500 with its stack trace.
    pub development_errors: bool,
    /// The privacy policy at `/privacy` and the terms at `/terms-of-service`.
    pub legal_pages: bool,
}

impl Behaviour {
    /// A service configured as the checklists ask.
    pub fn good() -> Self {
        Behaviour {
            health: (
                200,
                r#"{"status":"ok","info":{"database":{"status":"up"},"redis":{"status":"up"}},"error":{},"details":{"database":{"status":"up"},"redis":{"status":"up"}}}"#,
            ),
            security_headers: true,
            powered_by: false,
            behind_cdn: true,
            cors_origins: Some(vec![
                "https://shop.example.org".into(),
                "https://admin.shop.example.org".into(),
            ]),
            login_limit: Some(5),
            compression: true,
            redirect_http: true,
            certificate_days: 200,
            development_errors: false,
            legal_pages: true,
        }
    }

    /// Everything the checklists warn about.
    pub fn bad() -> Self {
        Behaviour {
            health: (
                500,
                r#"{"status":"error","info":{},"error":{"database":{"status":"down"}},"details":{"database":{"status":"down"}}}"#,
            ),
            security_headers: false,
            powered_by: true,
            behind_cdn: false,
            cors_origins: None,
            login_limit: None,
            compression: false,
            redirect_http: false,
            certificate_days: 10,
            development_errors: true,
            legal_pages: false,
        }
    }
}

/// One service: an HTTPS listener and a plain-HTTP one, until dropped.
pub struct Service {
    /// Port of the HTTPS listener.
    pub https_port: u16,
    /// Port of the plain-HTTP listener.
    pub http_port: u16,
    /// Requests served, all listeners together.
    pub requests: Arc<AtomicU32>,
    stop: Arc<AtomicBool>,
}

impl Service {
    /// Starts both listeners on 127.0.0.1.
    pub fn start(ca: &TestCa, behaviour: Behaviour) -> Self {
        let https = TcpListener::bind("127.0.0.1:0").expect("bind");
        let http = TcpListener::bind("127.0.0.1:0").expect("bind");
        let https_port = https.local_addr().expect("addr").port();
        let http_port = http.local_addr().expect("addr").port();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicU32::new(0));
        let state = Arc::new(State {
            behaviour,
            https_port,
            logins: AtomicU32::new(0),
            requests: requests.clone(),
        });
        let tls = ca.server_config(state.behaviour.certificate_days);
        spawn_listener(https, Some(tls), state.clone(), stop.clone());
        spawn_listener(http, None, state, stop.clone());
        Service {
            https_port,
            http_port,
            requests,
            stop,
        }
    }

    /// The service's HTTPS base URL.
    pub fn base_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.https_port)
    }

    /// Its plain-HTTP URL.
    pub fn http_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.http_port)
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for port in [self.https_port, self.http_port] {
            let _ = TcpStream::connect(("127.0.0.1", port));
        }
    }
}

struct State {
    behaviour: Behaviour,
    https_port: u16,
    logins: AtomicU32,
    requests: Arc<AtomicU32>,
}

fn spawn_listener(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let (tls, state) = (tls.clone(), state.clone());
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                match tls {
                    Some(config) => {
                        let Ok(connection) = rustls::ServerConnection::new(config) else {
                            return;
                        };
                        let mut tls_stream = rustls::StreamOwned::new(connection, stream);
                        serve(&mut tls_stream, &state, true);
                    }
                    None => {
                        let mut stream = stream;
                        serve(&mut stream, &state, false);
                    }
                }
            });
        }
    });
}

/// A parsed request.
struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn read_request(stream: &mut impl Read) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(1 << 16)];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

fn serve(stream: &mut (impl Read + Write), state: &State, secure: bool) {
    let Some(request) = read_request(stream) else {
        return;
    };
    state.requests.fetch_add(1, Ordering::SeqCst);
    let behaviour = &state.behaviour;
    let mut headers: Vec<(String, String)> = Vec::new();
    let (status, body): (u16, String) = if !secure && behaviour.redirect_http {
        headers.push((
            "Location".into(),
            format!("https://127.0.0.1:{}{}", state.https_port, request.path),
        ));
        (301, String::new())
    } else {
        route(&request, state, &mut headers)
    };
    if behaviour.security_headers {
        for (name, value) in [
            (
                "Strict-Transport-Security",
                "max-age=31536000; includeSubDomains",
            ),
            (
                "Content-Security-Policy",
                "default-src 'self';frame-ancestors 'self'",
            ),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "SAMEORIGIN"),
            ("Referrer-Policy", "no-referrer"),
            ("X-XSS-Protection", "0"),
        ] {
            headers.push((name.into(), value.into()));
        }
    }
    if behaviour.behind_cdn {
        headers.push(("CF-RAY".into(), "8e1f2a3b4c5d6e7f-CDG".into()));
        headers.push(("Server".into(), "cloudflare".into()));
    }
    if behaviour.powered_by {
        headers.push(("X-Powered-By".into(), "Express".into()));
    }
    if behaviour.compression && request.method == "GET" {
        headers.push(("Vary".into(), "Accept-Encoding".into()));
    }
    if let Some(origin) = request.header("origin") {
        let allowed = match &behaviour.cors_origins {
            Some(list) => list.iter().any(|o| o == origin),
            None => true,
        };
        if allowed {
            headers.push(("Access-Control-Allow-Origin".into(), origin.to_owned()));
            headers.push(("Vary".into(), "Origin".into()));
            if behaviour.cors_origins.is_none() {
                headers.push(("Access-Control-Allow-Credentials".into(), "true".into()));
            }
        }
    }
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in &headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.flush();
}

fn route(request: &Request, state: &State, headers: &mut Vec<(String, String)>) -> (u16, String) {
    let behaviour = &state.behaviour;
    match (request.method.as_str(), request.path.as_str()) {
        ("OPTIONS", _) => {
            headers.push((
                "Access-Control-Allow-Methods".into(),
                "GET,HEAD,PUT,PATCH,POST,DELETE".into(),
            ));
            (204, String::new())
        }
        ("GET", "/health") => (behaviour.health.0, behaviour.health.1.to_owned()),
        // The signed-in user: open to anyone in a development build.
        ("GET", "/auth/me") if behaviour.development_errors => {
            (200, r#"{"id":1,"email":"ada@example.org"}"#.into())
        }
        ("GET", "/auth/me") => (401, r#"{"message":"Unauthorized"}"#.into()),
        ("GET", "/privacy") if behaviour.legal_pages => (200, legal_page("Privacy policy")),
        ("GET", "/terms-of-service") if behaviour.legal_pages => {
            (200, legal_page("Terms of service"))
        }
        ("GET", "/big") => (200, "x".repeat(64 << 10)),
        ("GET", "/slow") => {
            std::thread::sleep(Duration::from_secs(3));
            (200, "{}".into())
        }
        ("POST", "/auth/login") => {
            let attempt = state.logins.fetch_add(1, Ordering::SeqCst) + 1;
            match behaviour.login_limit {
                Some(limit) if attempt > limit => {
                    headers.push(("Retry-After".into(), "60".into()));
                    (429, r#"{"message":"Too Many Requests"}"#.into())
                }
                _ => (401, r#"{"message":"Invalid credentials"}"#.into()),
            }
        }
        // A JSON body parser mounted before the routes.
        ("POST", _) if serde_json::from_slice::<serde_json::Value>(&request.body).is_err() => {
            if behaviour.development_errors {
                (500, r#"{"message":"Unexpected end of JSON input","stack":"SyntaxError: Unexpected end of JSON input\n    at JSON.parse (<anonymous>)\n    at parse (/app/node_modules/body-parser/lib/types/json.js:92:19)"}"#.into())
            } else {
                (400, r#"{"message":"Bad Request"}"#.into())
            }
        }
        ("GET", _) if behaviour.development_errors => (200, r#"{"app":"index.html"}"#.into()),
        _ => (404, r#"{"message":"Not Found"}"#.into()),
    }
}

/// A page of the website, as a server-rendered site answers it.
fn legal_page(title: &str) -> String {
    format!(
        "<!doctype html><html><head><title>{title} · Shop</title></head><body><h1>{title}</h1><p>This {title} says what Shop does with the data of the people who use it, for how long it keeps it, and how to reach us about it.</p></body></html>"
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Status",
    }
}
