//! Better Stack Uptime (API v2): monitors and status pages.
//! Reference: <https://betterstack.com/docs/uptime/api/list-all-existing-monitors/>.

use crate::{Holdings, Monitor};
use gonogo_check::Value;
use gonogo_check::api::{Api, MAX_PAGES};

/// The API's base URL.
pub const API: &str = "https://uptime.betterstack.com";

/// Every item of a listing, following `pagination.next` (in the body).
fn list(api: &Api, path: &str) -> Result<Vec<Value>, String> {
    let mut items = Vec::new();
    let mut next = Some(path.to_owned());
    let mut pages = 0;
    while let Some(page) = next.take() {
        pages += 1;
        if pages > MAX_PAGES {
            return Err(format!(
                "pagination: more than {MAX_PAGES} pages for {path}"
            ));
        }
        let value = api.get(&page).map_err(|e| e.to_string())?;
        let data = value
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{page}: no `data` list in the answer"))?;
        items.extend(data.iter().cloned());
        next = value
            .pointer("/pagination/next")
            .and_then(Value::as_str)
            .filter(|n| *n != page)
            .map(str::to_owned);
    }
    Ok(items)
}

/// A monitor from its JSON:API resource.
pub fn monitor(resource: &Value) -> Option<Monitor> {
    let attributes = resource.get("attributes")?;
    let flag = |name: &str| attributes.get(name).and_then(Value::as_bool) == Some(true);
    let status = match attributes.get("status").and_then(Value::as_str)? {
        "up" => "up",
        "down" => "down",
        "paused" => "paused",
        _ => "pending",
    };
    Some(Monitor {
        provider: "betterstack",
        name: attributes
            .get("pronounceable_name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        url: attributes.get("url")?.as_str()?.to_owned(),
        status,
        interval: attributes.get("check_frequency").and_then(Value::as_u64),
        alerting: flag("email")
            || flag("sms")
            || flag("call")
            || flag("push")
            || attributes.get("policy_id").is_some_and(|p| !p.is_null()),
        certificate_warning_days: Some(attributes.get("ssl_expiration").and_then(Value::as_u64)),
        confirmation_seconds: Some(
            attributes
                .get("confirmation_period")
                .and_then(Value::as_u64)
                .unwrap_or(0),
        ),
    })
}

/// Reads the monitors and status pages.
pub fn read(base: &str, token: &str) -> Result<Holdings, String> {
    let api = Api::new(
        base,
        vec![("authorization".into(), format!("Bearer {token}"))],
    );
    let resources = list(&api, "/api/v2/monitors")?;
    let monitors: Vec<Monitor> = resources.iter().filter_map(monitor).collect();
    if monitors.len() != resources.len() {
        return Err("a monitor has no URL or status: the answer is not the one documented".into());
    }
    let status_pages = list(&api, "/api/v2/status-pages")?.len();
    Ok(Holdings {
        monitors,
        status_pages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gonogo_check::json;

    #[test]
    fn reads_a_monitor_resource() {
        let resource = json!({
            "id": "2", "type": "monitor",
            "attributes": { "url": "https://api.example.com/health", "pronounceable_name": "API",
                "monitor_type": "status", "check_frequency": 60, "email": false, "sms": false,
                "call": false, "push": false, "policy_id": "42", "status": "validating" }
        });
        let monitor = monitor(&resource).expect("a monitor");
        assert_eq!(monitor.status, "pending");
        assert!(monitor.alerting, "an escalation policy alerts");
        assert_eq!(monitor.interval, Some(60));
    }
}
