//! TLS for probes: the trusted roots (the system's, plus a pack's CA
//! bundle for private deployments), the client configuration HTTPS
//! requests use, and the `tls` probe, which completes a handshake whatever
//! the certificate and reports what it saw.
//!
//! gonogo offers TLS 1.2 and 1.3 only (rustls): a server that accepts
//! nothing newer than TLS 1.1 fails the handshake, which is the verdict a
//! readiness gate wants anyway.

use super::exchange::{Failure, TlsAnswer};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use std::sync::{Arc, Mutex, OnceLock};

/// The certificates the system trusts, loaded once per process.
fn system_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The trust of one check: system roots plus its pack's CA bundle.
#[derive(Clone)]
pub struct Trust {
    verifier: Result<Arc<WebPkiServerVerifier>, String>,
    /// The verifying client configuration, built on first use.
    client: OnceLock<Arc<ClientConfig>>,
}

impl Trust {
    /// Trusts the system roots and these extra certificates (DER).
    pub fn new(extra: &[Vec<u8>]) -> Self {
        let mut roots = RootCertStore::empty();
        roots.add_parsable_certificates(system_roots().iter().cloned());
        roots.add_parsable_certificates(extra.iter().map(|der| CertificateDer::from(der.clone())));
        let verifier = if roots.is_empty() {
            Err("no trusted root certificates: install the system's CA certificates (Debian: ca-certificates) or give the check `grants.ca_bundle`".to_owned())
        } else {
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .map_err(|e| format!("cannot use the trusted roots: {e}"))
        };
        Trust {
            verifier,
            client: OnceLock::new(),
        }
    }

    /// The configuration HTTPS requests use: certificates verified. Built
    /// once per check, shared by its requests.
    pub fn client_config(&self) -> Result<Arc<ClientConfig>, Failure> {
        if let Some(config) = self.client.get() {
            return Ok(config.clone());
        }
        let verifier = self.verifier.clone().map_err(Failure::Connection)?;
        let config = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| Failure::Connection(e.to_string()))?
            .with_webpki_verifier(verifier)
            .with_no_client_auth();
        Ok(self
            .client
            .get_or_init(|| Arc::new(with_http1(config)))
            .clone())
    }

    /// A configuration that completes the handshake whatever the
    /// certificate, and keeps the verdict in `verdict`.
    fn observing_config(&self, verdict: Arc<Mutex<Option<Result<(), String>>>>) -> ClientConfig {
        let observer = Observer {
            inner: self.verifier.clone(),
            verdict,
            schemes: provider()
                .signature_verification_algorithms
                .supported_schemes(),
        };
        let config = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions")
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(observer))
            .with_no_client_auth();
        with_http1(config)
    }
}

/// What a datastore connection's handshake concluded of the certificate:
/// `None` until a handshake, then whether it verified.
pub type CertificateVerdict = Arc<Mutex<Option<Result<(), String>>>>;

impl Trust {
    /// The configuration of a datastore connection (no ALPN): the
    /// certificate verified when `verify` (`sslmode=verify-full`), else
    /// observed, so that the handshake completes as `sslmode=require`
    /// lets it, and the verdict is kept in the returned cell.
    pub fn datastore_config(
        &self,
        verify: bool,
    ) -> Result<(Arc<ClientConfig>, CertificateVerdict), Failure> {
        let verdict: CertificateVerdict = Arc::new(Mutex::new(None));
        let mut config = if verify {
            let verifier = self.verifier.clone().map_err(Failure::Connection)?;
            ClientConfig::builder_with_provider(provider())
                .with_safe_default_protocol_versions()
                .map_err(|e| Failure::Connection(e.to_string()))?
                .with_webpki_verifier(verifier)
                .with_no_client_auth()
        } else {
            self.observing_config(verdict.clone())
        };
        config.alpn_protocols.clear();
        if verify {
            *verdict.lock().unwrap_or_else(|e| e.into_inner()) = Some(Ok(()));
        }
        Ok((Arc::new(config), verdict))
    }
}

fn with_http1(mut config: ClientConfig) -> ClientConfig {
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

/// The server name to verify for `host`.
pub fn server_name(host: &str) -> Result<ServerName<'static>, Failure> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(bare.to_owned())
        .map_err(|_| Failure::InvalidRequest(format!("`{host}` is not a valid TLS server name")))
}

/// Verifies as the real verifier would, records the verdict, and lets the
/// handshake complete so the certificate can be reported. Handshake
/// signatures are still verified: the peer must hold the certificate's key.
#[derive(Debug)]
struct Observer {
    inner: Result<Arc<WebPkiServerVerifier>, String>,
    verdict: Arc<Mutex<Option<Result<(), String>>>>,
    schemes: Vec<SignatureScheme>,
}

impl ServerCertVerifier for Observer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = match &self.inner {
            Ok(inner) => inner
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(reason) => Err(reason.clone()),
        };
        *self.verdict.lock().unwrap_or_else(|e| e.into_inner()) = Some(verdict);
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.clone()
    }
}

/// Completes a TLS handshake over `stream` and reports the certificate.
pub async fn handshake(
    trust: &Trust,
    host: &str,
    stream: tokio::net::TcpStream,
) -> Result<TlsAnswer, Failure> {
    let verdict = Arc::new(Mutex::new(None));
    let connector =
        tokio_rustls::TlsConnector::from(Arc::new(trust.observing_config(verdict.clone())));
    let tls = connector
        .connect(server_name(host)?, stream)
        .await
        .map_err(|e| Failure::Connection(format!("TLS handshake failed: {e}")))?;
    let (_, connection) = tls.get_ref();
    let protocol = match connection.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_owned(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_owned(),
        Some(other) => format!("{other:?}"),
        None => "unknown".to_owned(),
    };
    let leaf = connection
        .peer_certificates()
        .and_then(|certs| certs.first())
        .ok_or_else(|| Failure::Connection("the server sent no certificate".into()))?;
    let verdict = verdict
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_else(|| Err("the certificate was not verified".to_owned()));
    describe_certificate(leaf, protocol, verdict, chrono::Utc::now())
}

/// What the report needs of a leaf certificate.
fn describe_certificate(
    leaf: &CertificateDer<'_>,
    protocol: String,
    verdict: Result<(), String>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<TlsAnswer, Failure> {
    use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
    let (_, cert) = X509Certificate::from_der(leaf.as_ref())
        .map_err(|e| Failure::Connection(format!("cannot read the server's certificate: {e}")))?;
    let sans = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|ext| {
            ext.value
                .general_names
                .iter()
                .filter_map(|name| match name {
                    GeneralName::DNSName(dns) => Some((*dns).to_owned()),
                    GeneralName::IPAddress(bytes) => ip_text(bytes),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let not_after = chrono::DateTime::from_timestamp(cert.validity().not_after.timestamp(), 0)
        .unwrap_or_default();
    let days_left = (not_after - now).num_seconds().div_euclid(86_400);
    Ok(TlsAnswer {
        protocol,
        subject: cert.subject().to_string(),
        sans,
        issuer: cert.issuer().to_string(),
        not_after: not_after.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        days_left: days_left.clamp(i32::MIN as i64, i32::MAX as i64) as i32,
        chain_valid: verdict.is_ok(),
        chain_error: verdict.err(),
    })
}

fn ip_text(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => Some(std::net::Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?).to_string()),
        16 => Some(std::net::Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?).to_string()),
        _ => None,
    }
}

/// Reads the certificates of a PEM file (a CA bundle).
pub fn read_pem_bundle(path: &std::path::Path) -> Result<Vec<Vec<u8>>, String> {
    use rustls_pki_types::pem::PemObject;
    let text = crate::untrusted::read_named(path, 4 << 20)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(&text).collect();
    let certs = certs.map_err(|e| format!("`{}` is not a PEM bundle: {e:?}", path.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "`{}` holds no certificate (expected PEM `-----BEGIN CERTIFICATE-----` blocks)",
            path.display()
        ));
    }
    Ok(certs.into_iter().map(|c| c.as_ref().to_vec()).collect())
}
