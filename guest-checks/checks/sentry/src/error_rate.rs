//! The service's error rate over the last 24 hours: the share of its
//! transactions (requests, jobs) that failed, from Sentry's Discover
//! endpoint (`GET /api/0/organizations/{org}/events/` with
//! `failure_rate()` and `count()`).
//! Reference: <https://docs.sentry.io/api/discover/query-discover-events-in-table-format/>.

use crate::findings;
use gonogo_check::api::Api;
use gonogo_check::{Finding, Report, Severity, Status, Value};

/// The path of the query: the project's transactions of the last 24
/// hours, in `environment` when one is named.
pub fn path(org: &str, project_id: &str, environment: Option<&str>) -> String {
    let environment = environment
        .map(|e| format!("&environment={}", encode(e)))
        .unwrap_or_default();
    format!(
        "/api/0/organizations/{org}/events/?field=failure_rate()&field=count()&project={project_id}&statsPeriod=24h&query=event.type%3Atransaction{environment}"
    )
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The failure rate and the transaction count of a Discover answer.
pub fn read(answer: &Value) -> Result<(f64, u64), String> {
    let row = answer
        .get("data")
        .and_then(Value::as_array)
        .and_then(|rows| rows.first())
        .ok_or("no `data` row in the answer")?;
    let count = row
        .get("count()")
        .and_then(Value::as_u64)
        .ok_or("no `count()` in the answer")?;
    let rate = match row.get("failure_rate()") {
        Some(rate) => rate.as_f64().ok_or("`failure_rate()` is not a number")?,
        None if count == 0 => 0.0,
        None => return Err("no `failure_rate()` in the answer".into()),
    };
    if !(0.0..=1.0).contains(&rate) {
        return Err(format!("`failure_rate()` is {rate}, not a share"));
    }
    Ok((rate, count))
}

/// Asks and judges the error rate against `max_rate` (a share: 0.01 is 1 %).
pub fn judge(
    report: &mut Report,
    api: &Api,
    org: &str,
    project_id: &str,
    environment: Option<&str>,
    max_rate: f64,
) {
    report.fact("max_error_rate", max_rate);
    let answer = api
        .get(&path(org, project_id, environment))
        .map_err(|e| e.to_string())
        .and_then(|answer| read(&answer));
    let (rate, count) = match answer {
        Ok(read) => read,
        Err(error) => {
            report.push(Finding::error(
                findings::HIGH_ERROR_RATE,
                format!("the error rate of {org} could not be read: {error}"),
            ));
            return;
        }
    };
    report.fact("transactions_24h", count);
    let scope = environment.map(|e| format!(" in {e}")).unwrap_or_default();
    if count == 0 {
        report.fact("error_rate_24h", Value::Null);
        report.push(
            Finding::new(
                findings::HIGH_ERROR_RATE,
                Status::Skip,
                Severity::Info,
                format!("Sentry received no transaction{scope} in the last 24 hours, so the error rate is unknown"),
            )
            .fix("turn on tracing (`tracesSampleRate` in `Sentry.init`) to measure the error rate"),
        );
        return;
    }
    report.fact("error_rate_24h", rate);
    let percent = rate * 100.0;
    let message =
        format!("{percent:.2} % of {count} transactions{scope} failed in the last 24 hours");
    if rate <= max_rate {
        report.push(Finding::pass(findings::HIGH_ERROR_RATE, message));
    } else {
        report.push(
            Finding::fail(
                findings::HIGH_ERROR_RATE,
                Severity::High,
                format!("{message}; at most {:.2} % is asked", max_rate * 100.0),
            )
            .fix("look at the failing transactions in Sentry (Performance → failure rate) before the release"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gonogo_check::json;

    #[test]
    fn answers_are_read() {
        let answer = json!({"data":[{"failure_rate()":0.0042,"count()":53014}],"meta":{"fields":{"failure_rate()":"percentage","count()":"integer"}}});
        assert_eq!(read(&answer), Ok((0.0042, 53014)));
        assert_eq!(read(&json!({"data":[{"count()":0}]})), Ok((0.0, 0)));
        assert!(read(&json!({"data":[]})).is_err());
        assert!(read(&json!({"data":[{"failure_rate()":3.5,"count()":10}]})).is_err());
        assert!(read(&json!({"data":[{"count()":10}]})).is_err());
    }

    #[test]
    fn the_environment_is_encoded() {
        assert!(path("acme", "42", Some("prod eu")).ends_with("&environment=prod%20eu"));
        assert!(path("acme", "42", None).ends_with("event.type%3Atransaction"));
    }
}
