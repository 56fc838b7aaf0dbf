//! A datastore URL, read into what the host needs to connect: engine,
//! host, port, credentials, database, TLS mode and the other parameters.
//!
//! The value is a secret: no error here quotes it, only the variable that
//! holds it. Credentials are kept apart and never reported; parameters
//! whose names say they hold a credential or a key file are dropped.

use crate::probe::exchange::Failure;

/// The kind of server a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    /// `postgres://`, `postgresql://`.
    Postgres,
    /// `redis://`, `rediss://`.
    Redis,
}

impl Engine {
    /// The engine of a URL scheme.
    pub fn of_scheme(scheme: &str) -> Option<Engine> {
        match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Some(Engine::Postgres),
            "redis" | "rediss" => Some(Engine::Redis),
            _ => None,
        }
    }

    /// The engine of the URL in `value`, if it is one.
    pub fn of_url(value: &str) -> Option<Engine> {
        let scheme = value.trim().split_once("://")?.0;
        Engine::of_scheme(scheme)
    }

    /// Its name in answers (`postgres`, `redis`).
    pub fn name(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::Redis => "redis",
        }
    }

    /// Its name for a person.
    pub fn label(self) -> &'static str {
        match self {
            Engine::Postgres => "PostgreSQL",
            Engine::Redis => "Redis",
        }
    }
}

/// How the connection uses TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Never (`sslmode=disable`, `redis://`).
    Disable,
    /// When the server offers it (`sslmode=prefer`, libpq's default).
    Prefer,
    /// Always, whatever the certificate (`sslmode=require`, `rediss://…#insecure`).
    Require,
    /// Always, the certificate verified (`verify-ca`, `verify-full`, `rediss://`).
    Verify,
}

/// A datastore URL, read.
#[derive(Clone)]
pub struct Endpoint {
    /// The engine.
    pub engine: Engine,
    /// Host name or address (IPv6 without brackets).
    pub host: String,
    /// Port.
    pub port: u16,
    /// User name.
    pub user: Option<String>,
    /// Password (never reported).
    pub password: Option<String>,
    /// Database name (PostgreSQL) or number (Redis).
    pub database: Option<String>,
    /// TLS mode.
    pub tls: TlsMode,
    /// Query parameters that hold no credential, in order.
    pub parameters: Vec<(String, String)>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("engine", &self.engine)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .field("database", &self.database)
            .field("tls", &self.tls)
            .finish()
    }
}

/// Parameters never reported: they hold a credential or name a key file.
fn is_credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["pass", "secret", "token", "key", "cert", "auth"]
        .iter()
        .any(|word| name.contains(word))
}

fn decoded(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

impl Endpoint {
    /// Reads the URL held by `variable`; the error names the variable, never the value.
    pub fn parse(variable: &str, value: &str) -> Result<Endpoint, Failure> {
        let invalid = |why: &str| Failure::InvalidRequest(format!("`{variable}` {why}"));
        let url = url::Url::parse(value.trim())
            .map_err(|e| invalid(&format!("does not hold a URL ({e})")))?;
        let engine = Engine::of_scheme(url.scheme())
            .ok_or_else(|| invalid("holds neither a `postgres://` nor a `redis://` URL"))?;
        let host = match url.host() {
            Some(url::Host::Domain(name)) if !name.is_empty() => decoded(name),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err(invalid("has no host (a Unix socket is not supported)")),
        };
        let port = url.port().unwrap_or(match engine {
            Engine::Postgres => 5432,
            Engine::Redis => 6379,
        });
        let user = Some(decoded(url.username())).filter(|u| !u.is_empty());
        let password = url.password().map(decoded);
        let path = url.path().trim_start_matches('/');
        let database = Some(decoded(path)).filter(|d| !d.is_empty());
        let mut parameters = Vec::new();
        let mut sslmode = None;
        for (name, value) in url.query_pairs() {
            if name.eq_ignore_ascii_case("sslmode") {
                sslmode = Some(value.to_ascii_lowercase());
            }
            if !is_credential(&name) {
                parameters.push((name.into_owned(), value.into_owned()));
            }
        }
        let tls = match engine {
            Engine::Redis if url.scheme().eq_ignore_ascii_case("rediss") => {
                if url.fragment() == Some("insecure") {
                    TlsMode::Require
                } else {
                    TlsMode::Verify
                }
            }
            Engine::Redis => TlsMode::Disable,
            Engine::Postgres => match sslmode.as_deref() {
                None | Some("prefer") | Some("allow") => TlsMode::Prefer,
                Some("disable") => TlsMode::Disable,
                Some("require") | Some("no-verify") => TlsMode::Require,
                Some("verify-ca") | Some("verify-full") => TlsMode::Verify,
                Some(other) => {
                    return Err(invalid(&format!(
                        "has `sslmode={other}`; use disable, prefer, require, verify-ca or verify-full"
                    )));
                }
            },
        };
        if engine == Engine::Redis
            && let Some(db) = &database
            && db.parse::<i64>().is_err()
        {
            return Err(invalid(
                "names a Redis database that is not a number in its path",
            ));
        }
        Ok(Endpoint {
            engine,
            host,
            port,
            user,
            password,
            database,
            tls,
            parameters,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_prisma_url() {
        let endpoint = Endpoint::parse(
            "DATABASE_URL",
            "postgresql://app:s%40cret-Passw0rd@db.internal:6543/shop?schema=public&connection_limit=5&sslmode=require&sslpassword=x",
        )
        .expect("a URL");
        assert_eq!(endpoint.engine, Engine::Postgres);
        assert_eq!(endpoint.host, "db.internal");
        assert_eq!(endpoint.port, 6543);
        assert_eq!(endpoint.user.as_deref(), Some("app"));
        assert_eq!(endpoint.password.as_deref(), Some("s@cret-Passw0rd"));
        assert_eq!(endpoint.database.as_deref(), Some("shop"));
        assert_eq!(endpoint.tls, TlsMode::Require);
        let names: Vec<&str> = endpoint
            .parameters
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(names, ["schema", "connection_limit", "sslmode"]);
        assert!(!format!("{endpoint:?}").contains("s@cret"));
    }

    #[test]
    fn reads_redis_urls() {
        let plain = Endpoint::parse("REDIS_URL", "redis://:pw@127.0.0.1/2").expect("URL");
        assert_eq!((plain.port, plain.tls), (6379, TlsMode::Disable));
        assert_eq!(plain.database.as_deref(), Some("2"));
        let tls =
            Endpoint::parse("REDIS_URL", "rediss://default:pw@cache.example:6380").expect("URL");
        assert_eq!(tls.tls, TlsMode::Verify);
        let insecure =
            Endpoint::parse("REDIS_URL", "rediss://cache.example#insecure").expect("URL");
        assert_eq!(insecure.tls, TlsMode::Require);
    }

    #[test]
    fn errors_name_the_variable_never_the_value() {
        for value in [
            "not a url Sekr1t-canary",
            "mysql://u:Sekr1t-canary@h/db",
            "postgres://u:Sekr1t-canary@/db",
            "postgres://u:Sekr1t-canary@h/db?sslmode=Sekr1t-canary-mode",
            "redis://u:Sekr1t-canary@h/notanumber",
        ] {
            let error = Endpoint::parse("DATABASE_URL", value).expect_err(value);
            let text = error.to_string();
            assert!(text.contains("`DATABASE_URL`"), "{text}");
            assert!(!text.contains("Sekr1t-canary@"), "{text}");
            assert!(!text.contains("u:Sekr1t"), "{text}");
        }
    }

    #[test]
    fn engines_by_scheme() {
        assert_eq!(Engine::of_url("postgres://h/db"), Some(Engine::Postgres));
        assert_eq!(Engine::of_url(" rediss://h"), Some(Engine::Redis));
        assert_eq!(Engine::of_url("mysql://h"), None);
        assert_eq!(Engine::of_url("postgres"), None);
    }
}
