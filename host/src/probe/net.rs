//! The network side of probes: HTTP/1.1 over hyper (HTTPS by rustls,
//! certificates verified), TLS handshakes and DNS TXT lookups (hickory).
//! Every redirect hop is checked against the grants before it is followed.
//! No proxy variables are read: a probe goes where the grant says.

use super::exchange::{Bytes, Failure, HttpAnswer, HttpRequest, TlsAnswer};
use super::tls::{self, Trust};
use crate::plan::grants::HostGrants;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes as HyperBytes;
use std::time::Instant;
use tokio::net::TcpStream;

/// Redirects followed at most, when a check asks to follow them.
pub const MAX_REDIRECTS: usize = 10;

/// Connects to `host:port`, trying each address it resolves to.
async fn connect(host: &str, port: u16) -> Result<TcpStream, Failure> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<_> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|e| Failure::Connection(format!("cannot resolve `{bare}`: {e}")))?
        .collect();
    let mut last = format!("`{bare}` resolves to no address");
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => return Ok(stream),
            Err(error) => last = format!("cannot connect to {address}: {error}"),
        }
    }
    Err(Failure::Connection(last))
}

/// Sends one request (no redirect handling) and reads the body up to `cap`.
async fn send_once(
    trust: &Trust,
    method: &hyper::Method,
    url: &url::Url,
    headers: &[(String, String)],
    body: Option<&[u8]>,
    cap: usize,
) -> Result<HttpAnswer, Failure> {
    let started = Instant::now();
    let host = url
        .host_str()
        .ok_or_else(|| Failure::InvalidRequest(format!("`{url}` has no host")))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| Failure::InvalidRequest(format!("`{url}` has no port")))?;
    let stream = connect(host, port).await?;
    let io: Box<dyn Io> = if url.scheme() == "https" {
        let connector = tokio_rustls::TlsConnector::from(trust.client_config()?);
        let tls = connector
            .connect(tls::server_name(host)?, stream)
            .await
            .map_err(|e| {
                Failure::Connection(format!("TLS handshake with {host}:{port} failed: {e}"))
            })?;
        Box::new(tls)
    } else {
        Box::new(stream)
    };
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(io))
            .await
            .map_err(|e| Failure::Connection(e.to_string()))?;
    let driver = tokio::spawn(connection);
    let mut builder = hyper::Request::builder()
        .method(method.clone())
        .uri(&url[url::Position::BeforePath..url::Position::AfterQuery]);
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let has = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    // Always the URL's: a check cannot set it (`probe::validate` refuses).
    builder = builder.header(hyper::header::HOST, authority);
    if !has("user-agent") {
        builder = builder.header(
            hyper::header::USER_AGENT,
            concat!("gonogo/", env!("CARGO_PKG_VERSION"), " (readiness probe)"),
        );
    }
    for (name, value) in headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let request = builder
        .body(Full::new(HyperBytes::copy_from_slice(
            body.unwrap_or_default(),
        )))
        .map_err(|e| Failure::InvalidRequest(e.to_string()))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| Failure::Connection(e.to_string()))?;
    let status = response.status().as_u16();
    let response_headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut body = response.into_body();
    let mut bytes = Vec::new();
    let mut truncated = false;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| Failure::Connection(e.to_string()))?;
        if let Ok(data) = frame.into_data() {
            let room = cap - bytes.len();
            if data.len() > room {
                bytes.extend_from_slice(&data[..room]);
                truncated = true;
                break;
            }
            bytes.extend_from_slice(&data);
        }
    }
    driver.abort();
    Ok(HttpAnswer {
        status,
        headers: response_headers,
        body: Bytes(bytes),
        body_truncated: truncated,
        elapsed_ms: started.elapsed().as_millis().min(u32::MAX as u128) as u32,
        redirects: Vec::new(),
    })
}

/// The stream hyper reads: plain TCP or TLS over it.
trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> Io for T {}

/// A plain GET of `url` (no redirect followed), for the host's own fetches
/// such as remote packs, which no grant governs.
pub(crate) async fn get(
    trust: &Trust,
    url: &url::Url,
    headers: &[(String, String)],
    cap: usize,
) -> Result<HttpAnswer, Failure> {
    own_request(trust, &hyper::Method::GET, url, headers, None, cap).await
}

/// A plain POST of `body` to `url` (no redirect followed), for the host's
/// own sends such as `gonogo check --push`, which no grant governs.
pub(crate) async fn post(
    trust: &Trust,
    url: &url::Url,
    headers: &[(String, String)],
    body: &[u8],
    cap: usize,
) -> Result<HttpAnswer, Failure> {
    own_request(trust, &hyper::Method::POST, url, headers, Some(body), cap).await
}

/// One request of the host's own, with gonogo's user agent first.
async fn own_request(
    trust: &Trust,
    method: &hyper::Method,
    url: &url::Url,
    headers: &[(String, String)],
    body: Option<&[u8]>,
    cap: usize,
) -> Result<HttpAnswer, Failure> {
    let mut all = vec![(
        "user-agent".to_owned(),
        format!("gonogo/{}", env!("CARGO_PKG_VERSION")),
    )];
    all.extend_from_slice(headers);
    send_once(trust, method, url, &all, body, cap).await
}

/// Performs an HTTP request, following redirects within the grants when asked.
pub async fn http(
    trust: &Trust,
    grants: &HostGrants,
    request: &HttpRequest,
    url: url::Url,
    cap: usize,
) -> Result<HttpAnswer, Failure> {
    let started = Instant::now();
    let mut method = hyper::Method::from_bytes(request.method.as_bytes()).map_err(|_| {
        Failure::InvalidRequest(format!("`{}` is not an HTTP method", request.method))
    })?;
    let mut body = request.body.as_ref().map(|b| b.0.as_slice());
    let mut url = url;
    let mut redirects = Vec::new();
    loop {
        let mut answer = send_once(trust, &method, &url, &request.headers, body, cap).await?;
        let location = answer
            .headers
            .iter()
            .find(|(name, _)| name == "location")
            .map(|(_, value)| value.clone());
        let follow = request.follow_redirects && (300..400).contains(&answer.status);
        let Some(location) = location.filter(|_| follow) else {
            answer.redirects = redirects;
            answer.elapsed_ms = started.elapsed().as_millis().min(u32::MAX as u128) as u32;
            return Ok(answer);
        };
        if redirects.len() == MAX_REDIRECTS {
            return Err(Failure::Connection(format!(
                "more than {MAX_REDIRECTS} redirects"
            )));
        }
        let next = url
            .join(&location)
            .map_err(|_| Failure::Connection(format!("bad redirect location `{location}`")))?;
        if !matches!(next.scheme(), "http" | "https") {
            return Err(Failure::InvalidRequest(format!(
                "redirect to `{next}`: only http and https are probed"
            )));
        }
        if !grants.allows_url(&next) {
            return Err(Failure::NotGranted(format!(
                "redirect to `{next}`, a host the policy does not grant"
            )));
        }
        // Browsers turn a redirected POST into a GET except for 307 and 308.
        if !matches!(answer.status, 307 | 308) && method != hyper::Method::HEAD {
            method = hyper::Method::GET;
            body = None;
        }
        redirects.push(next.to_string());
        url = next;
    }
}

/// Connects to `host:port` and reports its TLS handshake.
pub async fn tls(trust: &Trust, host: &str, port: u16) -> Result<TlsAnswer, Failure> {
    let stream = connect(host, port).await?;
    tls::handshake(trust, host, stream).await
}

/// Looks up TXT records; none (or no such name) is an empty list.
pub async fn dns_txt(name: &str) -> Result<Vec<String>, Failure> {
    use hickory_resolver::TokioResolver;
    let resolver = TokioResolver::builder_tokio()
        .map_err(|e| {
            Failure::Connection(format!("cannot read the system's DNS configuration: {e}"))
        })?
        .build();
    match resolver.txt_lookup(name).await {
        Ok(lookup) => Ok(lookup
            .iter()
            .map(|txt| {
                txt.txt_data()
                    .iter()
                    .map(|part| String::from_utf8_lossy(part).into_owned())
                    .collect::<String>()
            })
            .collect()),
        Err(error) if error.is_no_records_found() || error.is_nx_domain() => Ok(Vec::new()),
        Err(error) => Err(Failure::Connection(format!(
            "DNS lookup of `{name}` failed: {error}"
        ))),
    }
}
