//! UptimeRobot (API v2): monitors and public status pages. Every call is a
//! `POST` with the key in a form body; errors come back as HTTP 200 with
//! `"stat": "fail"`. Reference: <https://uptimerobot.com/api/legacy/>.

use crate::{Holdings, Monitor};
use gonogo_check::Value;
use gonogo_check::api::{Api, MAX_PAGES};

/// The API's base URL.
pub const API: &str = "https://api.uptimerobot.com";
/// Monitors per page.
const LIMIT: u64 = 50;

/// `text` percent-encoded for a form body.
fn form_value(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One call, its answer when `stat` is `ok`.
fn call(api: &Api, path: &str, form: &str) -> Result<Value, String> {
    let value = api.post_form(path, form).map_err(|e| e.to_string())?;
    match value.get("stat").and_then(Value::as_str) {
        Some("ok") => Ok(value),
        _ => Err(format!(
            "{path}: {}",
            value
                .pointer("/error/message")
                .and_then(Value::as_str)
                .unwrap_or("the answer has no `stat: ok`")
        )),
    }
}

/// A monitor from its JSON.
pub fn monitor(value: &Value) -> Option<Monitor> {
    let status = match value.get("status")?.as_u64()? {
        0 => "paused",
        2 => "up",
        8 | 9 => "down",
        _ => "pending",
    };
    Some(Monitor {
        provider: "uptimerobot",
        name: value
            .get("friendly_name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        url: value.get("url")?.as_str()?.to_owned(),
        status,
        interval: value.get("interval").and_then(Value::as_u64),
        alerting: value
            .get("alert_contacts")
            .and_then(Value::as_array)
            .is_some_and(|contacts| !contacts.is_empty()),
        // UptimeRobot's certificate reminders are an account setting its
        // API does not show.
        certificate_warning_days: None,
        // Nor does it show how many failures it waits for before alerting.
        confirmation_seconds: None,
    })
}

/// Reads the monitors (every page) and the public status pages.
pub fn read(base: &str, key: &str) -> Result<Holdings, String> {
    let api = Api::new(base, Vec::new());
    let key = form_value(key);
    let mut monitors = Vec::new();
    let mut offset = 0;
    for _ in 0..MAX_PAGES {
        let form =
            format!("api_key={key}&format=json&alert_contacts=1&limit={LIMIT}&offset={offset}");
        let page = call(&api, "/v2/getMonitors", &form)?;
        let listed = page
            .get("monitors")
            .and_then(Value::as_array)
            .ok_or("/v2/getMonitors: no `monitors` list in the answer")?;
        for value in listed {
            monitors.push(
                monitor(value).ok_or(
                    "a monitor has no URL or status: the answer is not the one documented",
                )?,
            );
        }
        let total = page
            .pointer("/pagination/total")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        offset += LIMIT;
        if listed.is_empty() || offset >= total {
            let pages = call(&api, "/v2/getPSPs", &format!("api_key={key}&format=json"))?;
            let status_pages = pages
                .get("psps")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            return Ok(Holdings {
                monitors,
                status_pages,
            });
        }
    }
    Err(format!(
        "pagination: more than {MAX_PAGES} pages of monitors"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gonogo_check::json;

    #[test]
    fn reads_a_monitor() {
        let value = json!({ "id": 777, "friendly_name": "API", "url": "https://api.example.com/health",
            "type": 1, "interval": 300, "status": 9, "alert_contacts": [{ "id": "1", "type": 2 }] });
        let monitor = monitor(&value).expect("a monitor");
        assert_eq!(
            (monitor.status, monitor.interval, monitor.alerting),
            ("down", Some(300), true)
        );
    }

    #[test]
    fn keys_are_form_encoded() {
        assert_eq!(form_value("u123-abc+/="), "u123-abc%2B%2F%3D");
    }
}
