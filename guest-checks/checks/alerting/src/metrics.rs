//! What an alert watches: the metric names in its query (PromQL, a
//! Datadog monitor query, a CloudWatch metric), and the topics the
//! checklists name that each metric measures (CPU, memory, disk, latency,
//! database connections and size, Redis connections, queue depth).

use std::collections::BTreeSet;

/// PromQL words that are not metric names: keywords, and the aggregation
/// operators (which may be followed by `by (…)` rather than `(`).
const PROMQL_KEYWORDS: &[&str] = &[
    "and",
    "or",
    "unless",
    "bool",
    "offset",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "inf",
    "nan",
    "sum",
    "avg",
    "min",
    "max",
    "count",
    "stddev",
    "stdvar",
    "topk",
    "bottomk",
    "quantile",
    "count_values",
    "group",
    "limitk",
    "limit_ratio",
];

/// Removes what is between `open` and its matching `close` (label
/// matchers, ranges, string literals inside them).
fn strip_between(text: &str, open: char, close: char) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        if c == open {
            depth += 1;
        } else if c == close && depth > 0 {
            depth -= 1;
        } else if depth == 0 {
            out.push(c);
        }
    }
    out
}

/// Removes quoted strings.
fn strip_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' || c == '`' => quote = Some(c),
            None => out.push(c),
        }
    }
    out
}

/// The metric names of a PromQL expression: identifiers that are not
/// functions (followed by `(`), keywords, label names (inside `{…}` or
/// after `by`/`without`/`on`/`ignoring`), durations or numbers.
pub fn promql_metrics(expr: &str) -> BTreeSet<String> {
    let text = strip_between(&strip_between(&strip_strings(expr), '{', '}'), '[', ']');
    let chars: Vec<char> = text.chars().collect();
    let mut names = BTreeSet::new();
    let mut i = 0;
    let mut skip_group = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphabetic() || c == '_' || c == ':' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == ':')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let mut next = i;
            while next < chars.len() && chars[next].is_whitespace() {
                next += 1;
            }
            let is_call = chars.get(next) == Some(&'(');
            let lower = word.to_ascii_lowercase();
            if matches!(
                lower.as_str(),
                "by" | "without" | "on" | "ignoring" | "group_left" | "group_right"
            ) {
                skip_group = is_call;
                continue;
            }
            if !is_call && !PROMQL_KEYWORDS.contains(&lower.as_str()) {
                names.insert(word);
            }
            continue;
        }
        if c == '(' && skip_group {
            // Skip the label list of `by (…)` and the like.
            while i < chars.len() && chars[i] != ')' {
                i += 1;
            }
            skip_group = false;
        }
        if c.is_ascii_digit() || c == '.' {
            // A number or a duration (`5m`), never a metric.
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    names
}

/// The metric names of a Datadog monitor query: `avg:system.cpu.user{…}`
/// in a metric or query alert, and the check name of a service check
/// (`"redis.can_connect".over(…)`).
pub fn datadog_metrics(query: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    if let Some(rest) = query.trim_start().strip_prefix('"') {
        if let Some((name, _)) = rest.split_once('"') {
            names.insert(name.to_owned());
        }
        return names;
    }
    let bytes: Vec<char> = query.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_alphabetic() {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == '_' || bytes[i] == '.')
            {
                i += 1;
            }
            let word: String = bytes[start..i].iter().collect();
            if word.contains('.') && bytes.get(i) == Some(&'{') {
                names.insert(word);
            }
            continue;
        }
        i += 1;
    }
    names
}

/// The words of a metric name, lowercase: split at `_ . : / -` and at
/// case changes (`CPUUtilization` → `cpu`, `utilization`).
pub fn words(metric: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in metric.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut word = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = i > 0
                && c.is_ascii_uppercase()
                && (chars[i - 1].is_ascii_lowercase()
                    || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())
                        && chars[i - 1].is_ascii_uppercase());
            if boundary && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            word.push(c.to_ascii_lowercase());
        }
        if !word.is_empty() {
            words.push(word);
        }
    }
    words
}

fn any(words: &[String], set: &[&str]) -> bool {
    words.iter().any(|w| set.contains(&w.as_str()))
}

/// The topics metric `metric` measures.
pub fn topics(metric: &str) -> BTreeSet<&'static str> {
    let w = words(metric);
    let mut topics = BTreeSet::new();
    let database = any(
        &w,
        &[
            "pg",
            "postgres",
            "postgresql",
            "mysql",
            "mariadb",
            "mongodb",
            "rds",
            "prisma",
            "database",
            "db",
        ],
    );
    let redis = any(&w, &["redis", "elasticache", "valkey"]);
    if w.iter().any(|x| x.starts_with("cpu")) {
        topics.insert("cpu");
    }
    if any(&w, &["memory", "mem", "heap", "rss", "swap"]) {
        topics.insert("memory");
    }
    let storage = any(&w, &["storage", "space"]);
    if any(&w, &["disk", "disks", "filesystem", "inodes", "volume"]) || (storage && !database) {
        topics.insert("disk");
    }
    // Datadog APM's `trace.<span>` (no `.hits`, `.errors`, `.apdex`
    // suffix) is the span's latency distribution.
    let apm_latency =
        w.first().is_some_and(|x| x == "trace") && !any(&w, &["hits", "errors", "apdex", "status"]);
    if any(&w, &["duration", "latency", "latencies", "responsetime"])
        || (any(&w, &["response"]) && any(&w, &["time", "times"]))
        || apm_latency
    {
        topics.insert("latency");
    }
    if database
        && any(
            &w,
            &[
                "connections",
                "connection",
                "conn",
                "numbackends",
                "backends",
                "activity",
                "up",
                "pool",
                "connected",
                "connect",
                "threads",
            ],
        )
    {
        topics.insert("database_connections");
    }
    if database && (storage || any(&w, &["size"])) && !any(&w, &["pool"]) {
        topics.insert("database_size");
    }
    if redis
        && any(
            &w,
            &[
                "up",
                "connected",
                "clients",
                "connections",
                "connection",
                "connect",
                "rejected",
                "curr",
                "currconnections",
            ],
        )
    {
        topics.insert("redis");
    }
    if any(
        &w,
        &[
            "queue", "queues", "bull", "bullmq", "sqs", "rabbitmq", "jobs",
        ],
    ) && any(
        &w,
        &[
            "waiting", "wait", "depth", "size", "length", "backlog", "messages", "visible",
            "ready", "pending", "delayed", "lag", "count",
        ],
    ) {
        topics.insert("queue");
    }
    topics
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn promql_metric_names_are_found() {
        assert_eq!(
            promql_metrics(
                r#"100 - (avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100) > 80"#
            ),
            set(&["node_cpu_seconds_total"])
        );
        assert_eq!(
            promql_metrics(
                "histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket{job=\"api\"}[5m])) by (le)) > 0.5"
            ),
            set(&["http_request_duration_seconds_bucket"])
        );
        assert_eq!(
            promql_metrics(
                "(1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) * 100 > 80 and on(instance) up == 1"
            ),
            set(&[
                "node_memory_MemAvailable_bytes",
                "node_memory_MemTotal_bytes",
                "up"
            ])
        );
        assert_eq!(
            promql_metrics("sum without (pod) (pg_stat_activity_count) offset 5m"),
            set(&["pg_stat_activity_count"])
        );
    }

    #[test]
    fn datadog_metric_names_are_found() {
        assert_eq!(
            datadog_metrics("avg(last_5m):avg:system.cpu.user{env:prod} by {host} > 80"),
            set(&["system.cpu.user"])
        );
        assert_eq!(
            datadog_metrics(
                "avg(last_10m):avg:system.mem.used{*} / avg:system.mem.total{*} * 100 > 80"
            ),
            set(&["system.mem.total", "system.mem.used"])
        );
        assert_eq!(
            datadog_metrics(
                r#""redis.can_connect".over("env:prod").by("host").last(2).count_by_status()"#
            ),
            set(&["redis.can_connect"])
        );
    }

    #[test]
    fn words_split_at_case_changes() {
        assert_eq!(words("CPUUtilization"), ["cpu", "utilization"]);
        assert_eq!(words("FreeStorageSpace"), ["free", "storage", "space"]);
        assert_eq!(
            words("node_memory_MemAvailable_bytes"),
            ["node", "memory", "mem", "available", "bytes"]
        );
        assert_eq!(
            words("aws.rds.database_connections"),
            ["aws", "rds", "database", "connections"]
        );
    }

    fn topic(metric: &str) -> Vec<&'static str> {
        topics(metric).into_iter().collect()
    }

    #[test]
    fn metrics_are_read_as_the_checklists_topics() {
        assert_eq!(topic("node_cpu_seconds_total"), ["cpu"]);
        assert_eq!(topic("system.cpu.user"), ["cpu"]);
        assert_eq!(topic("aws.ecs.cpuutilization"), ["cpu"]);
        assert_eq!(topic("container_memory_working_set_bytes"), ["memory"]);
        assert_eq!(topic("system.mem.pct_usable"), ["memory"]);
        assert_eq!(topic("node_filesystem_avail_bytes"), ["disk"]);
        assert_eq!(topic("system.disk.in_use"), ["disk"]);
        assert_eq!(topic("http_request_duration_seconds_bucket"), ["latency"]);
        assert_eq!(topic("trace.express.request.duration"), ["latency"]);
        assert_eq!(topic("TargetResponseTime"), ["latency"]);
        assert_eq!(topic("trace.express.request"), ["latency"]);
        assert!(topic("trace.express.request.hits").is_empty());
        assert_eq!(topic("pg_stat_activity_count"), ["database_connections"]);
        assert_eq!(topic("pg_up"), ["database_connections"]);
        assert_eq!(
            topic("aws.rds.database_connections"),
            ["database_connections"]
        );
        assert_eq!(
            topic("postgresql.percent_usage_connections"),
            ["database_connections"]
        );
        assert_eq!(topic("pg_database_size_bytes"), ["database_size"]);
        assert_eq!(topic("aws.rds.free_storage_space"), ["database_size"]);
        assert_eq!(topic("redis_up"), ["redis"]);
        assert_eq!(topic("redis.can_connect"), ["redis"]);
        assert_eq!(topic("redis_connected_clients"), ["redis"]);
        assert_eq!(topic("bullmq_queue_waiting"), ["queue"]);
        assert_eq!(
            topic("aws.sqs.approximate_number_of_messages_visible"),
            ["queue"]
        );
        assert!(topic("http_requests_total").is_empty());
        assert!(topic("up").is_empty());
        assert!(topic("redis_commands_processed_total").is_empty());
    }
}
