//! Brevo (API v3): sender domains, the aggregated report of transactional
//! email, and the transactional webhooks.
//! Reference: <https://developers.brevo.com/reference/get-domains>,
//! <https://developers.brevo.com/reference/get-aggregated-smtp-report> and
//! <https://developers.brevo.com/reference/get-webhooks>.

use crate::{Domain, Holdings, Stats, Webhook};
use gonogo_check::Value;
use gonogo_check::api::Api;

/// The API's base URL.
pub const API: &str = "https://api.brevo.com";

fn count(report: &Value, key: &str) -> Result<u64, String> {
    match report.get(key) {
        None | Some(Value::Null) => Ok(0),
        Some(value) => value
            .as_u64()
            .ok_or_else(|| format!("`{key}` is not a count in the report")),
    }
}

/// The statistics of an aggregated report.
pub fn stats(report: &Value) -> Result<Stats, String> {
    if !report.is_object() {
        return Err("the report is not an object".into());
    }
    Ok(Stats {
        requests: count(report, "requests")?,
        delivered: count(report, "delivered")?,
        bounces: count(report, "hardBounces")? + count(report, "softBounces")?,
        complaints: count(report, "spamReports")?,
    })
}

/// The webhooks of a listing, with the events in gonogo's words.
pub fn webhooks(listing: &Value) -> Result<Vec<Webhook>, String> {
    let hooks = listing
        .get("webhooks")
        .and_then(Value::as_array)
        .ok_or("no `webhooks` list in the answer")?;
    Ok(hooks
        .iter()
        .filter_map(|hook| {
            let events: Vec<&str> = hook
                .get("events")
                .and_then(Value::as_array)?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            Some(Webhook {
                url: hook.get("url").and_then(Value::as_str)?.to_owned(),
                bounces: events
                    .iter()
                    .any(|e| matches!(*e, "hardBounce" | "softBounce")),
                complaints: events.contains(&"spam"),
                deliveries: events.contains(&"delivered"),
            })
        })
        .collect())
}

/// Reads the domains, the last `days` days' report and the webhooks.
pub fn read(base: &str, key: &str, days: u32) -> Result<Holdings, String> {
    let api = Api::new(base, vec![("api-key".into(), key.to_owned())]);
    let get = |path: &str| api.get(path).map_err(|e| e.to_string());
    let domains = get("/v3/senders/domains")?;
    let domains = domains
        .get("domains")
        .and_then(Value::as_array)
        .ok_or("no `domains` list in the answer")?
        .iter()
        .filter_map(|d| {
            Some(Domain {
                name: d
                    .get("domain_name")
                    .and_then(Value::as_str)?
                    .to_ascii_lowercase(),
                verified: d.get("verified").and_then(Value::as_bool) == Some(true),
                authenticated: d.get("authenticated").and_then(Value::as_bool) == Some(true),
            })
        })
        .collect();
    let stats = stats(&get(&format!(
        "/v3/smtp/statistics/aggregatedReport?days={days}"
    ))?)?;
    let webhooks = webhooks(&get("/v3/webhooks?type=transactional")?)?;
    Ok(Holdings {
        domains,
        stats,
        webhooks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gonogo_check::json;

    #[test]
    fn reports_are_read() {
        let report = json!({"range":"2026-11-07|2026-12-06","requests":12000,"delivered":11800,"hardBounces":40,"softBounces":60,"clicks":900,"uniqueClicks":700,"opens":5000,"uniqueOpens":4200,"spamReports":2,"blocked":10,"invalid":3,"unsubscribed":5});
        assert_eq!(
            stats(&report),
            Ok(Stats {
                requests: 12000,
                delivered: 11800,
                bounces: 100,
                complaints: 2
            })
        );
        assert_eq!(stats(&json!({})), Ok(Stats::default()));
        assert!(stats(&json!({"requests": "many"})).is_err());
        assert!(stats(&json!([])).is_err());
    }

    #[test]
    fn webhook_events_are_read() {
        let hooks = webhooks(&json!({"webhooks":[{"id":1,"url":"https://api.acme.io/webhooks/brevo","events":["hardBounce","spam","delivered"],"type":"transactional"}]})).expect("hooks");
        assert_eq!(
            hooks,
            [Webhook {
                url: "https://api.acme.io/webhooks/brevo".into(),
                bounces: true,
                complaints: true,
                deliveries: true
            }]
        );
        assert!(webhooks(&json!({"hooks":[]})).is_err());
    }
}
