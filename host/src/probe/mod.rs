//! Live probes: what a check may ask of the deployed service over the
//! network (HTTP(S), a TLS handshake, DNS TXT), under its grants.
//!
//! One [`Prober`] serves a whole run: live, or answering from a recording
//! (`--replay`, no network at all), and optionally recording every
//! exchange (`--record`). Each check gets a [`ProbeSession`] holding its
//! grants and budget: every call is validated (only `http`/`https`), then
//! checked against the grants (an ungranted host is refused and the
//! attempt reported), then counted against the budget, then performed with
//! a per-call timeout and a response-size cap.

pub mod datastore;
pub mod exchange;
pub(crate) mod net;
pub mod tls;

use crate::envsource::EnvSource;
use crate::plan::CheckSpec;
use crate::plan::grants::HostGrants;
use crate::redact::Redactor;
use exchange::{Answer, Exchange, FORMAT_VERSION, Failure, Recording, Reply, Request};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Largest request body a check may send.
pub const MAX_REQUEST_BODY: usize = 64 << 10;
/// Refused attempts listed per check; more are counted.
const MAX_REFUSALS_LISTED: usize = 20;

/// Answers recorded by an earlier run, consumed in order per check and request.
struct Replay {
    path: PathBuf,
    queues: Mutex<HashMap<(String, String), VecDeque<Reply>>>,
}

/// The probes of one run.
pub struct Prober {
    replay: Option<Replay>,
    recording: Option<Mutex<HashMap<String, Vec<Exchange>>>>,
    redactor: Redactor,
    /// Certificates every check's probes trust besides the system roots.
    ca_certs: Vec<Vec<u8>>,
}

/// A problem with a recording file (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct RecordingError {
    path: String,
    message: String,
}

impl Prober {
    /// Probes the network; records exchanges when `record` is true.
    pub fn live(redactor: Redactor, record: bool) -> Self {
        Prober {
            replay: None,
            recording: record.then(|| Mutex::new(HashMap::new())),
            redactor,
            ca_certs: Vec::new(),
        }
    }

    /// Answers from the recording at `path`; never touches the network.
    pub fn replay(path: &Path, redactor: Redactor) -> Result<Self, RecordingError> {
        let fail = |message: String| RecordingError {
            path: path.display().to_string(),
            message,
        };
        let text = crate::untrusted::read_named_text(path, 64 << 20)
            .map_err(|e| fail(format!("cannot read the probe recording: {e}")))?;
        let recording: Recording = serde_json::from_str(&text).map_err(|e| {
            fail(format!(
                "line {}: not a probe recording (`gonogo check --record` writes them): {e}",
                e.line()
            ))
        })?;
        if recording.gonogo_probes != FORMAT_VERSION {
            return Err(fail(format!(
                "recording format {} is not supported (this gonogo reads format {FORMAT_VERSION})",
                recording.gonogo_probes
            )));
        }
        let mut queues: HashMap<(String, String), VecDeque<Reply>> = HashMap::new();
        for exchange in recording.exchanges {
            queues
                .entry((exchange.check, request_key(&exchange.request)))
                .or_default()
                .push_back(exchange.reply);
        }
        Ok(Prober {
            replay: Some(Replay {
                path: path.to_owned(),
                queues: Mutex::new(queues),
            }),
            recording: None,
            redactor,
            ca_certs: Vec::new(),
        })
    }

    /// Trusts these certificates (DER) too, for every check (`--ca-bundle`).
    pub fn trust_also(mut self, certs: Vec<Vec<u8>>) -> Self {
        self.ca_certs = certs;
        self
    }

    /// The session of one check run.
    pub fn session(self: &Arc<Self>, spec: &CheckSpec, env: &EnvSource) -> ProbeSession {
        ProbeSession {
            prober: self.clone(),
            check: spec.name.clone(),
            grants: HostGrants::resolve(&spec.grants.hosts, env),
            datastores: spec
                .grants
                .datastores
                .iter()
                .map(|grant| GrantedDatastore {
                    url: env.get(&grant.variable).map(str::to_owned),
                    grant: grant.clone(),
                })
                .collect(),
            ca_certs: if self.ca_certs.is_empty() {
                spec.grants.ca_certs.clone()
            } else {
                spec.grants
                    .ca_certs
                    .iter()
                    .chain(&self.ca_certs)
                    .cloned()
                    .collect()
            },
            trust: None,
            calls_left: spec.limits.probe_calls,
            timeout: spec.limits.probe_timeout,
            body_cap: spec.limits.probe_body_bytes,
            refused: Vec::new(),
            refusals: 0,
            replay_misses: Vec::new(),
            recorded: Vec::new(),
        }
    }

    /// Keeps what a finished session recorded.
    pub fn finish(&self, session: &mut ProbeSession) {
        if let Some(recording) = &self.recording {
            recording
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(session.check.clone())
                .or_default()
                .append(&mut session.recorded);
        }
    }

    /// Writes the recording, checks in `order` (pack order).
    pub fn write_recording(&self, path: &Path, order: &[String]) -> std::io::Result<()> {
        let mut by_check = self
            .recording
            .as_ref()
            .map(|r| std::mem::take(&mut *r.lock().unwrap_or_else(|e| e.into_inner())))
            .unwrap_or_default();
        let exchanges = order
            .iter()
            .flat_map(|name| by_check.remove(name).unwrap_or_default())
            .collect();
        let recording = Recording {
            gonogo_probes: FORMAT_VERSION,
            exchanges,
        };
        let mut text = serde_json::to_string_pretty(&recording).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(path, text)
    }

    /// The request or reply with every secret value masked.
    fn redact<T: serde::Serialize + serde::de::DeserializeOwned + Clone>(&self, value: &T) -> T {
        serde_json::to_value(value)
            .ok()
            .map(|v| self.redactor.json(v))
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_else(|| value.clone())
    }
}

impl Prober {
    /// The engine a replayed recording's `connection` answer names for
    /// `variable` of `check`: a replay needs no URL.
    fn replayed_engine(
        &self,
        check: &str,
        variable: &str,
    ) -> Option<crate::probe::datastore::Engine> {
        let replay = self.replay.as_ref()?;
        let key = (
            check.to_owned(),
            request_key(&Request::Datastore {
                variable: variable.to_owned(),
                question: crate::probe::datastore::Question::Connection,
            }),
        );
        let queues = replay.queues.lock().unwrap_or_else(|e| e.into_inner());
        queues.get(&key)?.iter().find_map(|reply| match reply {
            Reply::Answer(Answer::Table(table)) => table
                .rows
                .iter()
                .find(|row| row.first().and_then(Option::as_deref) == Some("engine"))
                .and_then(|row| row.get(1).cloned().flatten())
                .and_then(|name| crate::probe::datastore::Engine::of_scheme(&name)),
            _ => None,
        })
    }
}

fn request_key(request: &Request) -> String {
    serde_json::to_string(request).unwrap_or_default()
}

/// A datastore a check is granted, and the URL its variable holds here.
pub struct GrantedDatastore {
    /// The grant.
    pub grant: crate::plan::DatastoreGrant,
    /// The variable's value, when it is set.
    url: Option<String>,
}

impl GrantedDatastore {
    /// The engine its URL names, if any.
    pub fn engine(&self) -> Option<crate::probe::datastore::Engine> {
        self.url
            .as_deref()
            .and_then(crate::probe::datastore::Engine::of_url)
    }
}

/// One check's access to probes.
pub struct ProbeSession {
    prober: Arc<Prober>,
    check: String,
    grants: HostGrants,
    /// The datastores it may question.
    pub datastores: Vec<GrantedDatastore>,
    ca_certs: Arc<[Vec<u8>]>,
    trust: Option<tls::Trust>,
    calls_left: u32,
    timeout: Duration,
    body_cap: usize,
    /// Attempts refused for want of a grant (the first few).
    pub refused: Vec<String>,
    /// How many attempts were refused in all.
    pub refusals: usize,
    /// Requests the replayed recording had no answer for.
    pub replay_misses: Vec<String>,
    recorded: Vec<Exchange>,
}

impl ProbeSession {
    /// The datastores granted, each with the engine its URL names (or,
    /// replaying, the engine the recording names).
    pub fn datastore_engines(&self) -> Vec<(String, Option<crate::probe::datastore::Engine>)> {
        self.datastores
            .iter()
            .map(|d| {
                let engine = d
                    .engine()
                    .or_else(|| self.prober.replayed_engine(&self.check, &d.grant.variable));
                (d.grant.variable.clone(), engine)
            })
            .collect()
    }

    /// Performs (or replays) one call, with its per-call timeout.
    pub async fn call(
        &mut self,
        request: Request,
        timeout_ms: Option<u32>,
    ) -> Result<Answer, Failure> {
        let url = validate(&request)?;
        let granted = match (&request, &url) {
            (Request::Http(_), Some(url)) => self.grants.allows_url(url),
            (Request::Tls { host, port }, _) => self.grants.allows(host, *port),
            (Request::DnsTxt { name }, _) => self.grants.allows_dns(name),
            (Request::Datastore { variable, question }, _) => self
                .datastores
                .iter()
                .any(|d| d.grant.variable == *variable && d.grant.allows(question.name())),
            (Request::Http(_), None) => false,
        };
        if !granted {
            return Err(self.refuse(&request));
        }
        if self.calls_left == 0 {
            return Err(Failure::BudgetExhausted);
        }
        self.calls_left -= 1;
        let redacted = self.prober.redact(&request);
        let reply: Reply = match &self.prober.replay {
            Some(replay) => {
                let key = (self.check.clone(), request_key(&redacted));
                let next = replay
                    .queues
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_mut(&key)
                    .and_then(VecDeque::pop_front);
                match next {
                    Some(reply) => reply,
                    None => {
                        self.replay_misses.push(redacted.summary());
                        return Err(Failure::Connection(format!(
                            "the probe recording `{}` has no answer for {}",
                            replay.path.display(),
                            redacted.summary()
                        )));
                    }
                }
            }
            None => {
                let limit = timeout_ms
                    .map(|ms| Duration::from_millis(ms.into()))
                    .map_or(self.timeout, |asked| asked.min(self.timeout));
                let result = tokio::time::timeout(limit, self.perform(&request, url))
                    .await
                    .unwrap_or(Err(Failure::Timeout));
                Reply::from(result)
            }
        };
        // A redirect to an ungranted host, live or replayed.
        if let Reply::Error(Failure::NotGranted(reason)) = &reply {
            self.note_refusal(format!("{}: {reason}", redacted.summary()));
        }
        if self.prober.recording.is_some() {
            self.recorded.push(Exchange {
                check: self.check.clone(),
                request: redacted,
                reply: self.prober.redact(&reply),
            });
        }
        reply.into()
    }

    async fn perform(
        &mut self,
        request: &Request,
        url: Option<url::Url>,
    ) -> Result<Answer, Failure> {
        let ca_certs = self.ca_certs.clone();
        let trust = self.trust.get_or_insert_with(|| tls::Trust::new(&ca_certs));
        match (request, url) {
            (Request::Http(http), Some(url)) => {
                net::http(trust, &self.grants, http, url, self.body_cap)
                    .await
                    .map(Answer::Http)
            }
            (Request::Tls { host, port }, _) => net::tls(trust, host, *port).await.map(Answer::Tls),
            (Request::DnsTxt { name }, _) => net::dns_txt(name).await.map(Answer::DnsTxt),
            (Request::Datastore { variable, question }, _) => {
                let url = self
                    .datastores
                    .iter()
                    .find(|d| d.grant.variable == *variable)
                    .and_then(|d| d.url.as_deref())
                    .ok_or_else(|| {
                        // Granted, but unset here: nothing was refused.
                        Failure::InvalidRequest(format!(
                            "`{variable}` is not set in this deployment"
                        ))
                    })?;
                // The server gives up first, so that a slow statement is its error.
                crate::probe::datastore::ask(variable, url, question, trust, self.timeout * 3 / 4)
                    .await
                    .map(Answer::Table)
            }
            (Request::Http(_), None) => Err(Failure::InvalidRequest("no URL".into())),
        }
    }

    fn refuse(&mut self, request: &Request) -> Failure {
        let reason = if let Request::Datastore { variable, question } = request {
            if self
                .datastores
                .iter()
                .any(|d| d.grant.variable == *variable)
            {
                format!(
                    "the policy does not let check `{}` ask `{variable}` `{}` (`grants.datastores`)",
                    self.check,
                    question.name()
                )
            } else {
                format!(
                    "the policy grants check `{}` no datastore `{variable}` (`grants.datastores`)",
                    self.check
                )
            }
        } else if self.grants.is_empty() {
            format!(
                "the policy grants check `{}` no host to probe (`grants.hosts`)",
                self.check
            )
        } else {
            format!(
                "the policy does not grant check `{}` this host (`grants.hosts`)",
                self.check
            )
        };
        self.note_refusal(format!(
            "{}: {reason}",
            self.prober.redact(request).summary()
        ));
        Failure::NotGranted(reason)
    }

    fn note_refusal(&mut self, line: String) {
        self.refusals += 1;
        if self.refused.len() < MAX_REFUSALS_LISTED {
            self.refused.push(line);
        }
    }
}

/// Checks the form of a request; the URL of an HTTP one.
/// Headers a check may not set: those that tell a server, a shared proxy
/// or a CDN which host, client or route the request is for (`Host` is
/// always the URL's, so a granted address cannot be asked for another
/// virtual host), and those that frame the message (so a request cannot
/// smuggle a second one past a proxy).
fn is_reserved_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    const RESERVED: &[&str] = &[
        "host",
        ":authority",
        "forwarded",
        "via",
        "x-real-ip",
        "x-host",
        "x-original-host",
        "x-original-url",
        "x-rewrite-url",
        "x-http-host-override",
        "x-http-method-override",
        "true-client-ip",
        "client-ip",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "upgrade",
        "proxy-connection",
    ];
    RESERVED.contains(&name.as_str()) || name.starts_with("x-forwarded-") || name.starts_with(':')
}

fn validate(request: &Request) -> Result<Option<url::Url>, Failure> {
    let invalid = |m: String| Err(Failure::InvalidRequest(m));
    match request {
        Request::Http(http) => {
            let url = match url::Url::parse(&http.url) {
                Ok(url) => url,
                Err(e) => return invalid(format!("`{}` is not a URL: {e}", http.url)),
            };
            if !matches!(url.scheme(), "http" | "https") {
                return invalid(format!(
                    "`{}`: only http and https URLs are probed",
                    url.scheme()
                ));
            }
            if url.host().is_none() {
                return invalid(format!("`{}` has no host", http.url));
            }
            if hyper::Method::from_bytes(http.method.as_bytes()).is_err() {
                return invalid(format!("`{}` is not an HTTP method", http.method));
            }
            for (name, value) in &http.headers {
                if hyper::header::HeaderName::from_bytes(name.as_bytes()).is_err()
                    || hyper::header::HeaderValue::from_str(value).is_err()
                {
                    return invalid(format!("header `{name}` is not a valid HTTP header"));
                }
                if is_reserved_header(name) {
                    return invalid(format!(
                        "header `{name}` is set by the host only: it names the server, the route or the framing, which the grants decide"
                    ));
                }
            }
            if http
                .body
                .as_ref()
                .is_some_and(|b| b.0.len() > MAX_REQUEST_BODY)
            {
                return invalid(format!(
                    "the request body is over {} KiB",
                    MAX_REQUEST_BODY >> 10
                ));
            }
            Ok(Some(url))
        }
        Request::Tls { host, port } => {
            if *port == 0 || host.is_empty() {
                return invalid(format!("`{host}:{port}` is not a host and port"));
            }
            tls::server_name(host)?;
            Ok(None)
        }
        Request::DnsTxt { name } => {
            if name.is_empty() || name.len() > 253 || name.contains(char::is_whitespace) {
                return invalid(format!("`{name}` is not a DNS name"));
            }
            Ok(None)
        }
        Request::Datastore { variable, .. } => {
            if !crate::envsource::is_env_name(variable) {
                return invalid(format!("`{variable}` is not a variable name"));
            }
            Ok(None)
        }
    }
}
