//! At what value an alert fires, and whether that is within what the
//! checklists ask: CPU and memory at 80 % used or less, response time at
//! 500 ms or less, a queue at 1000 waiting jobs or less.
//!
//! A threshold is read from a Grafana rule's threshold or classic
//! condition, from a comparison in its PromQL or math expression, or from
//! the comparison that ends a Datadog monitor's query. Its unit is read
//! from the metric: a share (0.8) or a percentage (80) of CPU or memory
//! used, or, below, of what is free (`node_memory_MemAvailable_bytes`,
//! `system.mem.pct_usable`); seconds (`*_seconds*`, Datadog APM's
//! `trace.*`, CloudWatch's `TargetResponseTime`) or milliseconds (`*_ms`)
//! of latency. Where the unit cannot be told (bytes of memory, a latency
//! metric without a unit), the threshold is unknown, never assumed.

use crate::metrics::words;

/// A comparison an alert fires on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    /// Fires above the value (`>`, `>=`, `gt`), else below.
    pub above: bool,
    /// The value compared with.
    pub value: f64,
}

/// The checklists' bounds.
pub const MAX_USED_PERCENT: f64 = 80.0;
/// Slowest response time an alert may wait for, in milliseconds.
pub const MAX_LATENCY_MS: f64 = 500.0;
/// Most waiting jobs an alert may wait for.
pub const MAX_QUEUE_JOBS: f64 = 1000.0;

/// The comparisons in an expression (`> 80`, `<0.1`, `>= 1e3`); `==` and
/// `!=` are not thresholds.
pub fn comparisons(expr: &str) -> Vec<Threshold> {
    let chars: Vec<char> = expr.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if (c == '>' || c == '<') && chars.get(i.wrapping_sub(1)) != Some(&'=') {
            let mut j = i + 1;
            if chars.get(j) == Some(&'=') {
                j += 1;
            }
            while chars.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            let start = j;
            while chars
                .get(j)
                .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
            {
                j += 1;
            }
            let number: String = chars[start..j].iter().collect();
            if let Ok(value) = number.parse::<f64>() {
                found.push(Threshold {
                    above: c == '>',
                    value,
                });
            }
            i = j;
            continue;
        }
        i += 1;
    }
    found
}

/// The percentage of CPU or memory used at which `threshold` fires on
/// `metric`, when it can be told.
pub fn used_percent(metric: &str, threshold: Threshold) -> Option<f64> {
    let w = words(metric);
    let percent = if threshold.value <= 1.0 {
        threshold.value * 100.0
    } else if threshold.value <= 100.0 {
        threshold.value
    } else {
        return None;
    };
    let free = w.iter().any(|x| {
        matches!(
            x.as_str(),
            "available" | "avail" | "free" | "idle" | "usable" | "freeable"
        )
    });
    match (threshold.above, free) {
        (true, _) => Some(percent),
        (false, true) => Some(100.0 - percent),
        (false, false) => None,
    }
}

/// The response time in milliseconds at which `threshold` fires on
/// `metric`, when its unit can be told.
pub fn latency_ms(metric: &str, threshold: Threshold) -> Option<f64> {
    if !threshold.above {
        return None;
    }
    let w = words(metric);
    let seconds = w.iter().any(|x| x == "seconds")
        || w.first().is_some_and(|x| x == "trace")
        || metric.ends_with("TargetResponseTime")
        || metric.ends_with("/Latency");
    let millis = w
        .iter()
        .any(|x| matches!(x.as_str(), "ms" | "milliseconds"));
    match (seconds, millis) {
        (true, false) => Some(threshold.value * 1000.0),
        (false, true) => Some(threshold.value),
        _ => None,
    }
}

/// The value at which an alert on `topic` over `metric` fires, in the
/// unit of the checklists' bound (percent used, milliseconds, jobs); none
/// when it cannot be told or the topic has no bound.
pub fn normalized(topic: &str, metric: &str, threshold: Threshold) -> Option<f64> {
    match topic {
        "cpu" | "memory" => used_percent(metric, threshold),
        "latency" => latency_ms(metric, threshold),
        "queue" => threshold.above.then_some(threshold.value),
        _ => None,
    }
}

/// The checklists' bound for `topic`, and its unit.
pub fn bound(topic: &str) -> Option<(f64, &'static str)> {
    match topic {
        "cpu" | "memory" => Some((MAX_USED_PERCENT, "% used")),
        "latency" => Some((MAX_LATENCY_MS, "ms")),
        "queue" => Some((MAX_QUEUE_JOBS, "waiting jobs")),
        _ => None,
    }
}

/// Whether an alert on `topic` over `metric` firing at `threshold` is
/// within the checklists' bound; none when it cannot be told.
pub fn within(topic: &str, metric: &str, threshold: Threshold) -> Option<bool> {
    let (max, _) = bound(topic)?;
    normalized(topic, metric, threshold).map(|v| v <= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn above(value: f64) -> Threshold {
        Threshold { above: true, value }
    }

    fn below(value: f64) -> Threshold {
        Threshold {
            above: false,
            value,
        }
    }

    #[test]
    fn comparisons_are_read_from_expressions() {
        assert_eq!(comparisons("avg(x) > 80"), [above(80.0)]);
        assert_eq!(comparisons("a / b < 0.1 and up == 1"), [below(0.1)]);
        assert_eq!(comparisons("$B >= 1e3"), [above(1000.0)]);
        assert!(comparisons("x == 0 or y != 2").is_empty());
        assert!(comparisons("x <= y").is_empty());
    }

    #[test]
    fn cpu_and_memory_are_read_as_percent_used() {
        assert_eq!(
            used_percent("node_cpu_seconds_total", above(80.0)),
            Some(80.0)
        );
        assert_eq!(
            used_percent("container_memory_working_set_bytes", above(0.9)),
            Some(90.0)
        );
        assert_eq!(
            used_percent("system.mem.pct_usable", below(0.2)),
            Some(80.0)
        );
        assert_eq!(
            used_percent("node_memory_MemAvailable_bytes", below(10.0)),
            Some(90.0)
        );
        assert_eq!(
            used_percent("process_resident_memory_bytes", above(1e9)),
            None
        );
        assert_eq!(used_percent("system.cpu.user", below(10.0)), None);
    }

    #[test]
    fn latency_units_come_from_the_metric() {
        assert_eq!(
            latency_ms("http_request_duration_seconds_bucket", above(0.5)),
            Some(500.0)
        );
        assert_eq!(
            latency_ms("trace.express.request", above(2.0)),
            Some(2000.0)
        );
        assert_eq!(
            latency_ms("AWS/ApplicationELB/TargetResponseTime", above(0.3)),
            Some(300.0)
        );
        assert_eq!(latency_ms("http_latency_ms", above(400.0)), Some(400.0));
        assert_eq!(latency_ms("http_latency", above(400.0)), None);
    }

    #[test]
    fn bounds_are_the_checklists() {
        assert_eq!(within("cpu", "system.cpu.user", above(80.0)), Some(true));
        assert_eq!(
            within("memory", "system.mem.used", above(95.0)),
            Some(false)
        );
        assert_eq!(
            within(
                "latency",
                "http_request_duration_seconds_bucket",
                above(1.0)
            ),
            Some(false)
        );
        assert_eq!(
            within("queue", "bull_queue_waiting", above(1000.0)),
            Some(true)
        );
        assert_eq!(
            within("queue", "bull_queue_waiting", above(5000.0)),
            Some(false)
        );
        assert_eq!(
            within("disk", "node_filesystem_avail_bytes", below(0.1)),
            None
        );
    }
}
