//! A provider's API, played back over HTTPS on 127.0.0.1 for the provider
//! checks' tests: each request's path (with its query) is answered from a
//! table of canned answers shaped as the provider documents them, with a
//! certificate from a CA generated here (trusted through `--ca-bundle`).
//! Every request is kept, so a test can see what was asked and with which
//! headers. No internet is needed.

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One canned answer.
#[derive(Clone)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Extra headers (`Link`, `Retry-After`…).
    pub headers: Vec<(String, String)>,
    /// The body, as sent.
    pub body: String,
}

impl Answer {
    /// 200 with a JSON body.
    pub fn json(body: &str) -> Self {
        Answer {
            status: 200,
            headers: Vec::new(),
            body: body.to_owned(),
        }
    }

    /// An error status with a JSON `message`, as GitHub and others send.
    pub fn error(status: u16, message: &str) -> Self {
        Answer {
            status,
            headers: Vec::new(),
            body: format!(
                "{{\"message\":\"{message}\",\"documentation_url\":\"https://docs.example/\"}}"
            ),
        }
    }

    /// The same answer with a header added.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// A request the server received.
#[derive(Debug, Clone)]
pub struct Received {
    /// The path and query.
    pub path: String,
    /// The headers, as sent.
    pub headers: Vec<(String, String)>,
    /// The body, as text.
    pub body: String,
}

/// The server: answers by path, 404 for any other.
pub struct ApiServer {
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// The CA certificate to trust, as a PEM file.
    pub ca: PathBuf,
    received: Arc<Mutex<Vec<Received>>>,
    _dir: tempfile::TempDir,
}

impl ApiServer {
    /// Serves `answers` (path with query → answer) on a free port.
    pub fn start(answers: HashMap<String, Answer>) -> Self {
        Self::start_on(0, answers)
    }

    /// Serves `answers` on `port` (0: any free port).
    pub fn start_on(port: u16, answers: HashMap<String, Answer>) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let (config, ca_pem) = tls_config();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, ca_pem).expect("CA file");
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind");
        let port = listener.local_addr().expect("address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(answers);
        let kept = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (config, answers, kept) = (config.clone(), answers.clone(), kept.clone());
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                    let Ok(connection) = rustls::ServerConnection::new(config) else {
                        return;
                    };
                    let mut tls = rustls::StreamOwned::new(connection, stream);
                    serve(&mut tls, &answers, &kept);
                });
            }
        });
        ApiServer {
            port,
            ca,
            received,
            _dir: dir,
        }
    }

    /// `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// What was asked so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// The CA file, as an argument.
    pub fn ca_path(&self) -> &Path {
        &self.ca
    }
}

fn tls_config() -> (Arc<rustls::ServerConfig>, String) {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "gonogo provider test CA");
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca_key = rcgen::KeyPair::generate().expect("CA key");
    let ca_cert = params.self_signed(&ca_key).expect("CA certificate");
    let issuer = rcgen::Issuer::new(params, ca_key);
    let server = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("params");
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = server.signed_by(&key, &issuer).expect("certificate");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocols")
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(cert.der().to_vec())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
    .expect("server config");
    (Arc::new(config), ca_cert.pem())
}

fn serve(
    stream: &mut (impl Read + Write),
    answers: &HashMap<String, Answer>,
    kept: &Mutex<Vec<Received>>,
) {
    let mut reader = BufReader::new(&mut *stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() {
            return;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(1 << 16)];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    kept.lock().expect("lock").push(Received {
        path: path.clone(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let answer = answers
        .get(&path)
        .cloned()
        .unwrap_or_else(|| Answer::error(404, "Not Found"));
    let mut head = format!(
        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        answer.status,
        answer.body.len()
    );
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(answer.body.as_bytes());
    let _ = stream.flush();
}
