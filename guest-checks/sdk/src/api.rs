//! A JSON API client over the host's `probe` interface, for checks that
//! ask a provider's API (GitHub, Sentry…): headers set once (a bearer
//! token, the API version), answers parsed as JSON, `Link` pagination
//! followed within bounds, one retry after a short `Retry-After`, and every
//! failure as a sentence with the status and the API's own message, never
//! the token (which the host also redacts).

use crate::describe_probe_error;
use crate::probe::{self, HttpRequest, HttpResponse};
use serde_json::Value;
use std::collections::BTreeSet;

/// Longest `Retry-After` waited for, in seconds; a longer one is an error.
pub const MAX_RETRY_AFTER_SECS: u64 = 10;
/// Most pages one listing follows.
pub const MAX_PAGES: usize = 20;

/// Why an API call gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The API answered with an error status.
    Status {
        /// The HTTP status.
        status: u16,
        /// The API's `message`, or the start of the body.
        message: String,
    },
    /// No answer: refused by the grants, the network, a timeout, the budget.
    Transport(String),
    /// An answer that is not the JSON expected (cut short, another shape).
    Malformed(String),
    /// Rate limited for longer than is worth waiting.
    RateLimited(String),
    /// Pagination that does not end, or leaves the API's host.
    Pages(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Status { status, message } => write!(f, "HTTP {status}: {message}"),
            ApiError::Transport(why) => write!(f, "{why}"),
            ApiError::Malformed(why) => write!(f, "an answer that is not the JSON expected: {why}"),
            ApiError::RateLimited(why) => write!(f, "rate limited: {why}"),
            ApiError::Pages(why) => write!(f, "pagination: {why}"),
        }
    }
}

impl ApiError {
    /// The HTTP status, when the API answered one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A client for one API.
#[derive(Debug, Clone)]
pub struct Api {
    base: String,
    headers: Vec<(String, String)>,
}

/// The first value of header `name`.
fn header<'a>(response: &'a HttpResponse, name: &str) -> Option<&'a str> {
    response
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The `rel="next"` URL of a `Link` header; none when the link says it
/// leads to no results (Sentry's `results="false"`).
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let params: Vec<String> = params
            .split(';')
            .map(|p| p.trim().replace(' ', ""))
            .collect();
        let is_next = params.iter().any(|p| p == "rel=\"next\"")
            && !params.iter().any(|p| p == "results=\"false\"");
        is_next.then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
    })
}

/// The API's own error message, or the start of the body.
fn message_of(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let message = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| {
            v.get("message")
                .or_else(|| v.get("detail"))
                .or_else(|| v.get("error"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| text.trim().to_owned());
    message.chars().take(200).collect()
}

impl Api {
    /// A client for the API at `base` (no trailing `/`), sending `headers`
    /// with every request.
    pub fn new(base: &str, headers: Vec<(String, String)>) -> Self {
        Api {
            base: base.trim_end_matches('/').to_owned(),
            headers,
        }
    }

    /// The absolute URL of `path` (a path from the base, or a URL the API gave).
    fn url(&self, path: &str) -> Result<String, ApiError> {
        if path.starts_with("https://") || path.starts_with("http://") {
            if !path.starts_with(&format!("{}/", self.base)) {
                return Err(ApiError::Pages(format!(
                    "a link leads off the API ({path})"
                )));
            }
            return Ok(path.to_owned());
        }
        Ok(format!("{}{path}", self.base))
    }

    fn send(&self, url: &str, form: Option<&str>) -> Result<HttpResponse, ApiError> {
        let mut headers = self.headers.clone();
        if form.is_some() {
            headers.push((
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
        }
        let request = HttpRequest {
            method: if form.is_some() { "POST" } else { "GET" }.into(),
            url: url.to_owned(),
            headers,
            body: form.map(|f| f.as_bytes().to_vec()),
            follow_redirects: form.is_none(),
            timeout_ms: None,
        };
        probe::http(&request).map_err(|e| ApiError::Transport(describe_probe_error(&e)))
    }

    /// `GET path`: the answer and its JSON, after one retry when rate
    /// limited for at most [`MAX_RETRY_AFTER_SECS`].
    pub fn get_response(&self, path: &str) -> Result<(HttpResponse, Value), ApiError> {
        self.call(path, None)
    }

    /// `POST path` with a form body (APIs that take their key in the
    /// body, as UptimeRobot's): its JSON, with the same retry.
    pub fn post_form(&self, path: &str, form: &str) -> Result<Value, ApiError> {
        self.call(path, Some(form)).map(|(_, value)| value)
    }

    fn call(&self, path: &str, form: Option<&str>) -> Result<(HttpResponse, Value), ApiError> {
        let url = self.url(path)?;
        let mut response = self.send(&url, form)?;
        if let Some(wait) = rate_limit_wait(&response) {
            if wait > MAX_RETRY_AFTER_SECS {
                return Err(ApiError::RateLimited(format!(
                    "the API asks to wait {wait} s (HTTP {})",
                    response.status
                )));
            }
            std::thread::sleep(std::time::Duration::from_secs(wait));
            response = self.send(&url, form)?;
            if rate_limit_wait(&response).is_some() {
                return Err(ApiError::RateLimited(format!(
                    "still limited after waiting {wait} s (HTTP {})",
                    response.status
                )));
            }
        }
        if !(200..300).contains(&response.status) {
            return Err(ApiError::Status {
                status: response.status,
                message: message_of(&response.body),
            });
        }
        if response.body_truncated {
            return Err(ApiError::Malformed(format!(
                "the answer to {path} was cut at the probe's size limit (raise `limits.probe_body_kb`)"
            )));
        }
        let value = serde_json::from_slice(&response.body)
            .map_err(|e| ApiError::Malformed(format!("{path}: {e}")))?;
        Ok((response, value))
    }

    /// `GET path`, its JSON.
    pub fn get(&self, path: &str) -> Result<Value, ApiError> {
        self.get_response(path).map(|(_, value)| value)
    }

    /// Every item of a paginated listing: the answer is an array, or an
    /// object whose `key` is one; `Link: <…>; rel="next"` is followed for
    /// at most [`MAX_PAGES`] pages, never twice to one URL.
    pub fn get_all(&self, path: &str, key: Option<&str>) -> Result<Vec<Value>, ApiError> {
        let mut items = Vec::new();
        let mut seen = BTreeSet::new();
        let mut next = Some(path.to_owned());
        while let Some(page) = next.take() {
            if !seen.insert(page.clone()) {
                return Err(ApiError::Pages(format!("the next page repeats ({page})")));
            }
            if seen.len() > MAX_PAGES {
                return Err(ApiError::Pages(format!(
                    "more than {MAX_PAGES} pages for {path}"
                )));
            }
            let (response, value) = self.get_response(&page)?;
            let list = match key {
                Some(key) => value.get(key).cloned(),
                None => Some(value),
            };
            match list {
                Some(Value::Array(list)) => items.extend(list),
                _ => {
                    return Err(ApiError::Malformed(format!(
                        "{page}: not a list{}",
                        key.map(|k| format!(" under `{k}`")).unwrap_or_default()
                    )));
                }
            }
            next = header(&response, "link").and_then(next_link);
        }
        Ok(items)
    }
}

/// Seconds to wait when the answer says the client is rate limited
/// (429, or 403 with no requests left), from `Retry-After`; 60 when it
/// says none.
fn rate_limit_wait(response: &HttpResponse) -> Option<u64> {
    let limited = response.status == 429
        || (response.status == 403 && header(response, "x-ratelimit-remaining") == Some("0"));
    if !limited {
        return None;
    }
    Some(
        header(response, "retry-after")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(60),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_next_link() {
        let link = r#"<https://api.github.com/repositories/1/alerts?page=2>; rel="next", <https://api.github.com/repositories/1/alerts?page=5>; rel="last""#;
        assert_eq!(
            next_link(link).as_deref(),
            Some("https://api.github.com/repositories/1/alerts?page=2")
        );
        assert_eq!(next_link(r#"<https://x/a?page=1>; rel="prev""#), None);
        let sentry = r#"<https://sentry.io/api/0/x/?cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <https://sentry.io/api/0/x/?cursor=0:100:0>; rel="next"; results="false"; cursor="0:100:0""#;
        assert_eq!(next_link(sentry), None);
        let more = sentry.replace(
            r#"rel="next"; results="false""#,
            r#"rel="next"; results="true""#,
        );
        assert_eq!(
            next_link(&more).as_deref(),
            Some("https://sentry.io/api/0/x/?cursor=0:100:0")
        );
    }

    #[test]
    fn error_messages_are_the_api_s_own() {
        assert_eq!(
            message_of(br#"{"message":"Bad credentials","documentation_url":"x"}"#),
            "Bad credentials"
        );
        assert_eq!(message_of(b"<html>oops</html>"), "<html>oops</html>");
    }

    #[test]
    fn links_off_the_api_are_refused() {
        let api = Api::new("https://api.github.com", Vec::new());
        assert!(api.url("https://evil.example/x").is_err());
        assert!(api.url("https://api.github.com.evil.example/x").is_err());
        assert_eq!(
            api.url("/repos/a/b").ok().as_deref(),
            Some("https://api.github.com/repos/a/b")
        );
    }
}
