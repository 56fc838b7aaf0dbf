//! Probe requests and answers as plain data: what `--record` writes and
//! `--replay` reads, independent of the WIT bindings.
//!
//! A recording is JSON: `{"gonogo_probes": 1, "exchanges": [...]}`, each
//! exchange the check's name, the request and its reply, secrets redacted.
//! Bodies are text when they are UTF-8, `{"base64": "…"}` otherwise.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// The version of the recording format.
pub const FORMAT_VERSION: u32 = 1;

/// Bytes that read as text in a recording when they are UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub Vec<u8>);

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum BytesRepr {
    Text(String),
    Binary { base64: String },
}

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.0) {
            Ok(text) => BytesRepr::Text(text.to_owned()),
            Err(_) => BytesRepr::Binary {
                base64: base64::engine::general_purpose::STANDARD.encode(&self.0),
            },
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match BytesRepr::deserialize(deserializer)? {
            BytesRepr::Text(text) => Ok(Bytes(text.into_bytes())),
            BytesRepr::Binary { base64 } => base64::engine::general_purpose::STANDARD
                .decode(base64)
                .map(Bytes)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// An HTTP request as a check asked for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// Method, upper case.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Headers, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// Body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Bytes>,
    /// Whether redirects are followed.
    #[serde(default)]
    pub follow_redirects: bool,
}

/// One probe call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Request {
    /// An HTTP(S) request.
    Http(HttpRequest),
    /// A TLS handshake.
    Tls {
        /// Host name or address.
        host: String,
        /// Port.
        port: u16,
    },
    /// A DNS TXT lookup.
    DnsTxt {
        /// The name looked up.
        name: String,
    },
    /// A question to a granted datastore.
    Datastore {
        /// The variable holding its URL.
        variable: String,
        /// The question.
        question: crate::probe::datastore::Question,
    },
}

impl Request {
    /// One line for messages: `GET https://…`, `TLS host:443`, `TXT name`.
    pub fn summary(&self) -> String {
        match self {
            Request::Http(http) => format!("{} {}", http.method, http.url),
            Request::Tls { host, port } => format!("TLS {host}:{port}"),
            Request::DnsTxt { name } => format!("DNS TXT {name}"),
            Request::Datastore { variable, question } => {
                format!("datastore {variable}: {}", question.name())
            }
        }
    }
}

/// An HTTP response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpAnswer {
    /// Status code.
    pub status: u16,
    /// Headers, in order, names lower case.
    pub headers: Vec<(String, String)>,
    /// Body, up to the cap.
    pub body: Bytes,
    /// Whether the body was cut at the cap.
    #[serde(default)]
    pub body_truncated: bool,
    /// Time to the complete response.
    pub elapsed_ms: u32,
    /// Redirect targets followed, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<String>,
}

/// What a TLS handshake showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsAnswer {
    /// `TLSv1.2` or `TLSv1.3`.
    pub protocol: String,
    /// Subject of the leaf certificate.
    pub subject: String,
    /// Its subject alternative names.
    pub sans: Vec<String>,
    /// Its issuer.
    pub issuer: String,
    /// Expiry, RFC 3339.
    pub not_after: String,
    /// Whole days left at the time of the probe (negative once expired).
    pub days_left: i32,
    /// Whether the chain and the name verify against the trusted roots.
    pub chain_valid: bool,
    /// Why not, when not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_error: Option<String>,
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    /// To an HTTP request.
    Http(HttpAnswer),
    /// To a TLS handshake.
    Tls(TlsAnswer),
    /// TXT records, each record's strings joined.
    DnsTxt(Vec<String>),
    /// A datastore's answer.
    Table(crate::probe::datastore::Table),
}

/// Why a probe gave no answer (the WIT `probe-error`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Failure {
    /// The host is not granted.
    NotGranted(String),
    /// The request is malformed.
    InvalidRequest(String),
    /// No answer in time.
    Timeout,
    /// The connection failed.
    Connection(String),
    /// The call budget is used up.
    BudgetExhausted,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::NotGranted(why) => write!(f, "not granted: {why}"),
            Failure::InvalidRequest(why) => write!(f, "invalid request: {why}"),
            Failure::Timeout => write!(f, "no answer in time"),
            Failure::Connection(why) => write!(f, "connection failed: {why}"),
            Failure::BudgetExhausted => write!(f, "the call budget is used up"),
        }
    }
}

/// A reply: an answer or a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reply {
    /// It answered.
    Answer(Answer),
    /// It did not.
    Error(Failure),
}

impl From<Result<Answer, Failure>> for Reply {
    fn from(result: Result<Answer, Failure>) -> Self {
        match result {
            Ok(answer) => Reply::Answer(answer),
            Err(failure) => Reply::Error(failure),
        }
    }
}

impl From<Reply> for Result<Answer, Failure> {
    fn from(reply: Reply) -> Self {
        match reply {
            Reply::Answer(answer) => Ok(answer),
            Reply::Error(failure) => Err(failure),
        }
    }
}

/// One recorded call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    /// The check that made it (its name in the pack).
    pub check: String,
    /// What it asked.
    pub request: Request,
    /// What it got.
    pub reply: Reply,
}

/// A recording file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recording {
    /// [`FORMAT_VERSION`].
    pub gonogo_probes: u32,
    /// Every call, grouped by check in pack order, in call order within a check.
    pub exchanges: Vec<Exchange>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_text_when_they_can_be_and_round_trip_either_way() {
        for bytes in [
            b"{\"status\":\"ok\"}".to_vec(),
            vec![0x1f, 0x8b, 0xff, 0x00],
        ] {
            let json = serde_json::to_string(&Bytes(bytes.clone())).unwrap();
            assert_eq!(
                json.contains("base64"),
                std::str::from_utf8(&bytes).is_err()
            );
            let back: Bytes = serde_json::from_str(&json).unwrap();
            assert_eq!(back.0, bytes);
        }
    }
}
