//! `gonogo check --push URL`: after the decision, the JSON report goes to
//! a `gonogo serve` with the repository's push token. A push that fails is
//! a warning on stderr: it never changes the decision nor the exit code.

use crate::report::{Format, RenderOptions, Report};

/// The variable holding the repository's push token.
pub const PUSH_TOKEN_VARIABLE: &str = "GONOGO_PUSH_TOKEN";
/// How long a push may take.
const PUSH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// Most bytes of the service's answer read.
const MAX_ANSWER_BYTES: usize = 64 << 10;

/// `--push`: an `http` or `https` URL.
pub fn parse_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("only http and https URLs".into());
    }
    Ok(text.to_owned())
}

/// Pushes `report` to the service at `server`, saying on stderr how it went.
pub fn push(server: &str, report: &Report, options: &RenderOptions, extra_roots: &[Vec<u8>]) {
    let Ok(server) = url::Url::parse(server) else {
        return;
    };
    let server = &server;
    match try_push(server, report, options, extra_roots) {
        Ok(message) => crate::stderr::line(format_args!("gonogo: {message}")),
        Err(why) => crate::stderr::line(format_args!(
            "gonogo: warning: the report was not pushed to {server}: {why} (the decision stands)"
        )),
    }
}

fn try_push(
    server: &url::Url,
    report: &Report,
    options: &RenderOptions,
    extra_roots: &[Vec<u8>],
) -> Result<String, String> {
    let token = std::env::var(PUSH_TOKEN_VARIABLE)
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or(format!(
            "{PUSH_TOKEN_VARIABLE} is not set (the repository's push token: `gonogo serve token create OWNER/NAME`)"
        ))?;
    let mut body = Vec::new();
    Format::Json
        .renderer(options)
        .render(report, &mut body)
        .map_err(|e| format!("cannot render the report: {e}"))?;
    let mut base = server.clone();
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    let url = base
        .join("api/v1/reports")
        .map_err(|e| format!("bad URL: {e}"))?;
    let headers = [
        (
            "authorization".to_owned(),
            format!("Bearer {}", token.trim()),
        ),
        ("content-type".to_owned(), "application/json".to_owned()),
    ];
    let executor = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    let trust = crate::probe::tls::Trust::new(extra_roots);
    let answer = executor
        .block_on(async {
            tokio::time::timeout(
                PUSH_TIMEOUT,
                crate::probe::net::post(&trust, &url, &headers, &body, MAX_ANSWER_BYTES),
            )
            .await
        })
        .map_err(|_| format!("no answer within {} s", PUSH_TIMEOUT.as_secs()))?
        .map_err(|e| e.to_string())?;
    let said: serde_json::Value = serde_json::from_slice(&answer.body.0).unwrap_or_default();
    let text = |key: &str| said[key].as_str().unwrap_or_default().to_owned();
    match answer.status {
        201 => Ok(format!(
            "report pushed to {server} for {} ({})",
            crate::redact::visible(&text("repository")),
            text("id").chars().take(12).collect::<String>()
        )),
        409 => Ok(format!("{server} had this report already")),
        status => Err(format!(
            "the service answered {status}: {}",
            crate::redact::visible(&text("error"))
                .chars()
                .take(300)
                .collect::<String>()
        )),
    }
}
