//! Redis questions, by the redis crate over the host's own TCP and TLS
//! stream (the probes' trusted roots).
//!
//! The commands sent are `AUTH` and `SELECT` (by the crate, from the URL),
//! `PING`, `INFO <section>` for [`INFO_SECTIONS`] and `CONFIG GET <name>`
//! for [`CONFIG_NAMES`]: nothing a check sends becomes a command, and
//! `CONFIG GET` is never asked for a name that holds a password.

use super::endpoint::{Endpoint, TlsMode};
use super::{Question, Table, endpoint_rows, resolve};
use crate::probe::exchange::Failure;
use crate::probe::tls::Trust;
use redis::aio::MultiplexedConnection;
use redis::{RedisConnectionInfo, RedisError};
use tokio::io::{AsyncRead, AsyncWrite};

/// The `INFO` sections `info` reads.
pub const INFO_SECTIONS: &[&str] = &["server", "clients", "memory", "persistence", "replication"];

/// The settings `settings` reads with `CONFIG GET`; none holds a secret.
pub const CONFIG_NAMES: &[&str] = &[
    "maxmemory",
    "maxmemory-policy",
    "appendonly",
    "appendfsync",
    "save",
    "protected-mode",
    "bind",
    "port",
    "tls-port",
    "timeout",
    "maxclients",
];

/// What the connection runs over.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// What the TLS handshake showed, for the `connection` answer.
struct Handshake {
    protocol: Option<String>,
    verified: Option<Result<(), String>>,
}

/// Answers `question`.
pub async fn ask(
    endpoint: &Endpoint,
    question: &Question,
    trust: &Trust,
) -> Result<Table, Failure> {
    let addresses = resolve(&endpoint.host, endpoint.port).await?;
    match question {
        Question::RefusesUnprotected => {
            let (mut connection, _) = connect(endpoint, trust, &addresses, false).await?;
            let pong: Result<String, RedisError> =
                redis::cmd("PING").query_async(&mut connection).await;
            let (refused, detail) = match pong {
                Ok(_) => (false, "answered PING without credentials".to_owned()),
                Err(error)
                    if error.code() == Some("NOAUTH") || error.to_string().contains("NOAUTH") =>
                {
                    (
                        true,
                        "refused a client without credentials (NOAUTH)".to_owned(),
                    )
                }
                Err(error) => {
                    return Err(failure(
                        "cannot tell whether a password is required",
                        &error,
                    ));
                }
            };
            let mut table = Table::new(&["refused", "detail"]);
            table
                .rows
                .push(vec![Some(refused.to_string()), Some(detail)]);
            Ok(table)
        }
        Question::Connection => {
            let (mut connection, handshake) = connect(endpoint, trust, &addresses, true).await?;
            let _: String = redis::cmd("PING")
                .query_async(&mut connection)
                .await
                .map_err(|e| failure("PING", &e))?;
            let mut pairs = endpoint_rows(endpoint, &addresses);
            let tls = endpoint.tls != TlsMode::Disable;
            pairs.push(("tls".into(), tls.to_string()));
            if let Some(protocol) = handshake.protocol {
                pairs.push(("tls-protocol".into(), protocol));
            }
            if tls {
                match handshake.verified {
                    Some(Ok(())) => pairs.push(("certificate-verified".into(), "true".into())),
                    Some(Err(why)) => {
                        pairs.push(("certificate-verified".into(), "false".into()));
                        pairs.push(("certificate-error".into(), why));
                    }
                    None => pairs.push(("certificate-verified".into(), "false".into())),
                }
            }
            Ok(Table::pairs(pairs))
        }
        Question::Info => {
            let (mut connection, _) = connect(endpoint, trust, &addresses, true).await?;
            let mut table = Table::new(&["section", "name", "value"]);
            for section in INFO_SECTIONS {
                let text: String = redis::cmd("INFO")
                    .arg(*section)
                    .query_async(&mut connection)
                    .await
                    .map_err(|e| failure(&format!("INFO {section}"), &e))?;
                for line in text.lines() {
                    if let Some((name, value)) = line.trim().split_once(':')
                        && !line.starts_with('#')
                    {
                        table.rows.push(vec![
                            Some((*section).to_owned()),
                            Some(name.to_owned()),
                            Some(value.to_owned()),
                        ]);
                    }
                }
            }
            Ok(table)
        }
        Question::Settings => {
            let (mut connection, _) = connect(endpoint, trust, &addresses, true).await?;
            let mut pairs = Vec::new();
            for name in CONFIG_NAMES {
                let answer: Result<Vec<String>, RedisError> = redis::cmd("CONFIG")
                    .arg("GET")
                    .arg(*name)
                    .query_async(&mut connection)
                    .await;
                // Managed services refuse CONFIG: the value is unknown.
                let value = match answer {
                    Ok(values) => values
                        .chunks(2)
                        .find(|pair| pair.first().map(String::as_str) == Some(*name))
                        .and_then(|pair| pair.get(1).cloned()),
                    Err(error) if is_refusal(&error) => None,
                    Err(error) => return Err(failure(&format!("CONFIG GET {name}"), &error)),
                };
                pairs.push(vec![Some((*name).to_owned()), value]);
            }
            let mut table = Table::new(&["name", "value"]);
            table.rows = pairs;
            Ok(table)
        }
        other => Err(Failure::InvalidRequest(format!(
            "`{}` is not a Redis question",
            other.name()
        ))),
    }
}

/// Whether the server refused a command rather than failed.
fn is_refusal(error: &RedisError) -> bool {
    let text = error.to_string();
    matches!(error.code(), Some("NOPERM") | Some("ERR"))
        || text.contains("unknown command")
        || text.contains("NOPERM")
}

/// What went wrong, without the URL (the crate's errors never hold it).
fn failure(what: &str, error: &RedisError) -> Failure {
    if error.is_timeout() {
        return Failure::Timeout;
    }
    Failure::Connection(format!("Redis {what}: {error}"))
}

/// Connects, by TLS when the URL says so, with the URL's credentials
/// when `credentials`.
async fn connect(
    endpoint: &Endpoint,
    trust: &Trust,
    addresses: &[std::net::SocketAddr],
    credentials: bool,
) -> Result<(MultiplexedConnection, Handshake), Failure> {
    let mut last = format!("`{}` resolves to no address", endpoint.host);
    let mut tcp = None;
    for address in addresses {
        match tokio::net::TcpStream::connect(address).await {
            Ok(stream) => {
                tcp = Some(stream);
                break;
            }
            Err(error) => last = format!("cannot connect to {address}: {error}"),
        }
    }
    let tcp = tcp.ok_or(Failure::Connection(format!("Redis: {last}")))?;
    let (stream, handshake): (Box<dyn Stream>, Handshake) = if endpoint.tls == TlsMode::Disable {
        (
            Box::new(tcp),
            Handshake {
                protocol: None,
                verified: None,
            },
        )
    } else {
        let (config, verdict) = trust.datastore_config(endpoint.tls == TlsMode::Verify)?;
        let connector = tokio_rustls::TlsConnector::from(config);
        let tls = connector
            .connect(crate::probe::tls::server_name(&endpoint.host)?, tcp)
            .await
            .map_err(|e| {
                Failure::Connection(format!(
                    "TLS handshake with Redis at {}:{} failed: {e}",
                    endpoint.host, endpoint.port
                ))
            })?;
        let protocol = match tls.get_ref().1.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_owned(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_owned(),
            Some(other) => format!("{other:?}"),
            None => "unknown".to_owned(),
        };
        let verified = verdict.lock().unwrap_or_else(|e| e.into_inner()).clone();
        (
            Box::new(tls),
            Handshake {
                protocol: Some(protocol),
                verified,
            },
        )
    };
    let mut info = RedisConnectionInfo::default().set_skip_set_lib_name();
    if credentials {
        if let Some(user) = &endpoint.user {
            info = info.set_username(user);
        }
        if let Some(password) = &endpoint.password {
            info = info.set_password(password);
        }
        if let Some(db) = endpoint.database.as_deref().and_then(|d| d.parse().ok()) {
            info = info.set_db(db);
        }
    }
    let (connection, driver) =
        MultiplexedConnection::new_with_config(&info, stream, redis::AsyncConnectionConfig::new())
            .await
            .map_err(|e| failure("connection", &e))?;
    tokio::spawn(driver);
    Ok((connection, handshake))
}
