//! `gonogo serve`: the organisation's readiness service. Pipelines push
//! their reports (`gonogo check --push URL`, with a repository's push
//! token); the service keeps them, append-only, in SQLite by default or
//! PostgreSQL, and shows the fleet, each repository's history, expiring
//! exceptions and campaigns, as pages and as JSON. It keeps nothing in
//! memory between requests: replicas behind a load balancer share one
//! PostgreSQL.

mod api;
mod ingest;
mod pages;
mod store;

use crate::exit::Exit;
use api::ReadAccess;
use store::Store;

/// Run the organisation's readiness service: pipelines push their reports
/// to it (`gonogo check --push URL`), people see every repository's
/// verdict, history, expiring exceptions and campaigns in a browser, and
/// tools read the same as JSON (`/openapi.json`).
///
/// Examples:
///   gonogo serve                              # http://127.0.0.1:8080, SQLite
///   gonogo serve token create acme/payments   # its push token, shown once
///   GONOGO_READ_TOKEN=… gonogo serve --listen 0.0.0.0:8080 \
///     --database postgres://gonogo@db/gonogo
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment, args_conflicts_with_subcommands = true)]
pub struct ServeArgs {
    #[command(subcommand)]
    command: Option<ServeCommand>,
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: std::net::SocketAddr,
    #[command(flatten)]
    database: DatabaseArg,
    /// Readers must present this token (Authorization: Bearer, or basic
    /// authentication's password in a browser). Read from the environment
    /// only, so it stays out of the process list.
    #[arg(
        long = "read-token-env",
        value_name = "VAR",
        default_value = "GONOGO_READ_TOKEN"
    )]
    read_token_env: String,
    /// Readers are whoever the reverse proxy in front says, in this header
    /// (`X-Forwarded-User`); a request without it is refused.
    #[arg(long, value_name = "HEADER")]
    identity_header: Option<String>,
}

/// The database option shared by `serve` and its `token` commands.
#[derive(Debug, clap::Args)]
struct DatabaseArg {
    /// `sqlite://FILE` (default: $XDG_DATA_HOME/gonogo/serve.db, else
    /// ~/.local/share/gonogo/serve.db) or `postgres://USER@HOST/DB`.
    #[arg(long, value_name = "URL", env = "GONOGO_DATABASE_URL", global = true)]
    database: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
enum ServeCommand {
    /// Push tokens: one per repository, write-only, stored hashed.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, clap::Subcommand)]
enum TokenCommand {
    /// Creates a push token for REPOSITORY and prints it (only now).
    Create {
        /// `owner/name`.
        repository: String,
    },
    /// Revokes every push token of REPOSITORY.
    Revoke {
        /// `owner/name`.
        repository: String,
    },
    /// Lists the repositories with a valid push token.
    List,
}

/// The database URL: the option, else the SQLite file in the data folder.
fn database_url(arg: &DatabaseArg) -> Result<String, String> {
    if let Some(url) = &arg.database {
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return Err(format!(
                "--database: `{}` is neither sqlite://FILE nor postgres://…",
                without_password(url)
            ));
        }
        return Ok(if url.starts_with("sqlite:") && !url.contains('?') {
            format!("{url}?mode=rwc")
        } else {
            url.clone()
        });
    }
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
    };
    let dir = var("XDG_DATA_HOME")
        .map(|d| d.join("gonogo"))
        .or_else(|| var("HOME").map(|h| h.join(".local/share/gonogo")))
        .ok_or("no data folder (neither XDG_DATA_HOME nor HOME is set): give --database")?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(format!(
        "sqlite://{}?mode=rwc",
        dir.join("serve.db").display()
    ))
}

/// `url` with its password taken out, for an error message.
fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) => "the value given".into(),
    }
}

/// Runs `gonogo serve`.
pub fn run(args: ServeArgs) -> Exit {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(format!("cannot start: {error}")),
    };
    let url = match database_url(&args.database) {
        Ok(url) => url,
        Err(error) => return fail(error),
    };
    let read = match &args.command {
        Some(_) => ReadAccess::Open,
        None => match read_access(&args) {
            Ok(read) => read,
            Err(error) => return fail(error),
        },
    };
    runtime.block_on(async move {
        let store = match Store::open(&url).await {
            Ok(store) => store,
            Err(error) => return fail(error),
        };
        match args.command {
            Some(ServeCommand::Token(command)) => token(&store, command).await,
            None => serve(store, &args.listen, read).await,
        }
    })
}

/// Who may read, from the options: the read token's variable, else the
/// proxy's identity header, else anyone, on loopback only.
fn read_access(args: &ServeArgs) -> Result<ReadAccess, String> {
    let token = std::env::var(&args.read_token_env)
        .ok()
        .filter(|t| !t.is_empty());
    match (token, &args.identity_header) {
        (Some(token), _) => Ok(ReadAccess::Token(api::token_hash(&token))),
        (None, Some(header)) => Ok(ReadAccess::IdentityHeader(header.clone())),
        (None, None) if args.listen.ip().is_loopback() => Ok(ReadAccess::Open),
        (None, None) => Err(format!(
            "listening on {}, beyond this machine, needs read access: set {}, or --identity-header behind a proxy that signs users in",
            args.listen, args.read_token_env
        )),
    }
}

fn fail(message: impl std::fmt::Display) -> Exit {
    crate::stderr::line(format_args!("gonogo serve: {message}"));
    Exit::Error
}

async fn token(store: &Store, command: TokenCommand) -> Exit {
    let now = chrono::Utc::now().timestamp();
    match command {
        TokenCommand::Create { repository } => {
            if repository.is_empty()
                || repository.len() > 200
                || repository
                    .chars()
                    .any(|c| c.is_control() || c.is_whitespace())
            {
                return fail(format!(
                    "`{repository}` is not a repository name (owner/name)"
                ));
            }
            let mut secret = [0u8; 24];
            if let Err(error) = getrandom::getrandom(&mut secret) {
                return fail(format!("no randomness: {error}"));
            }
            let token = format!("gng_push_{}", hex::encode(secret));
            let id = hex::encode(&secret[..4]);
            match store
                .add_token(&id, &repository, &api::token_hash(&token), now)
                .await
            {
                Ok(()) => {
                    println!("{token}");
                    crate::stderr::line(format_args!(
                        "gonogo serve: push token for {repository} created; it is shown only now (keep it in the pipeline's secrets as GONOGO_PUSH_TOKEN)"
                    ));
                    Exit::Go
                }
                Err(error) => fail(error),
            }
        }
        TokenCommand::Revoke { repository } => match store.revoke_tokens(now, &repository).await {
            Ok(0) => fail(format!("{repository} has no valid push token")),
            Ok(n) => {
                println!("revoked {n} push token(s) of {repository}");
                Exit::Go
            }
            Err(error) => fail(error),
        },
        TokenCommand::List => match store.token_counts().await {
            Ok(list) => {
                for (repository, count) in list {
                    println!("{repository}\t{count}");
                }
                Exit::Go
            }
            Err(error) => fail(error),
        },
    }
}

async fn serve(store: Store, listen: &std::net::SocketAddr, read: ReadAccess) -> Exit {
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(error) => return fail(format!("cannot listen on {listen}: {error}")),
    };
    let address = listener
        .local_addr()
        .map_or(listen.to_string(), |a| a.to_string());
    crate::stderr::line(format_args!("gonogo serve: listening on http://{address}"));
    let app = api::router(api::Shared { store, read });
    let shutdown = async {
        let interrupt = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut terminate =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(signal) => signal,
                    Err(_) => return,
                };
            tokio::select! { _ = interrupt => {}, _ = terminate.recv() => {} }
        }
        #[cfg(not(unix))]
        {
            let _ = interrupt.await;
        }
    };
    match axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => Exit::Go,
        Err(error) => fail(error),
    }
}
