//! Thin HTTP helpers over the host's `probe` interface: one request, its
//! answer, and header lookup by name.

use gonogo_check::describe_probe_error as describe_error;
use gonogo_check::probe::{self, HttpRequest, HttpResponse};

/// A response, or why there is none, in words.
pub type Answer = Result<HttpResponse, String>;

/// Sends `method url` with `headers` and an optional body; redirects are not followed.
pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Answer {
    let request = HttpRequest {
        method: method.to_owned(),
        url: url.to_owned(),
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.map(|b| b.as_bytes().to_vec()),
        follow_redirects: false,
        timeout_ms: None,
    };
    probe::http(&request).map_err(|e| describe_error(&e))
}

/// `GET url`.
pub fn get(url: &str, headers: &[(&str, &str)]) -> Answer {
    send("GET", url, headers, None)
}

/// The first value of header `name` (lower case).
pub fn header<'a>(response: &'a HttpResponse, name: &str) -> Option<&'a str> {
    response
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
