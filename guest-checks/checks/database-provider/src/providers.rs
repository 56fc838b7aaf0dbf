//! What Supabase and Neon say of a database's backups.

use gonogo_check::Value;
use gonogo_check::api::Api;

/// Supabase's Management API.
pub const SUPABASE: &str = "https://api.supabase.com";
/// Neon's API.
pub const NEON: &str = "https://console.neon.tech";

/// A provider's backups, as the rules need them.
#[derive(Debug, Clone, PartialEq)]
pub struct Backups {
    /// `supabase` or `neon`.
    pub provider: &'static str,
    /// Hours since the newest completed backup (or the end of the
    /// point-in-time window); none when there is none.
    pub last_backup_hours: Option<f64>,
    /// Point-in-time recovery.
    pub pitr: bool,
    /// How many days back a restore can reach.
    pub retention_days: Option<f64>,
    /// History kept continuously (Neon).
    pub continuous: bool,
}

/// Seconds since the Unix epoch of an RFC 3339 / ISO 8601 time
/// (`2026-12-06T03:00:00.123Z`, `…+01:00`, or without a zone: UTC).
pub fn epoch_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let (date, time) = text.split_once(['T', ' '])?;
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(at) => (&time[..at], &time[at..]),
        None => (time, ""),
    };
    let mut hms = clock.split(':');
    let hours: f64 = hms.next()?.parse().ok()?;
    let minutes: f64 = hms.next()?.parse().ok()?;
    let seconds: f64 = hms.next().map_or(Some(0.0), |s| s.parse().ok())?;
    let offset_seconds = match offset {
        "" | "Z" | "z" => 0.0,
        signed => {
            let sign = if signed.starts_with('-') { -1.0 } else { 1.0 };
            let (h, m) = signed[1..].split_once(':').unwrap_or((&signed[1..], "0"));
            sign * (h.parse::<f64>().ok()? * 3600.0 + m.parse::<f64>().ok()? * 60.0)
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days as f64 * 86_400.0 + hours * 3600.0 + minutes * 60.0 + seconds - offset_seconds)
}

/// Reads Supabase's answer (`GET /v1/projects/{ref}/database/backups`) at `now`.
pub fn supabase_backups(answer: &Value, now: f64) -> Result<Backups, String> {
    let listed = answer
        .get("backups")
        .and_then(Value::as_array)
        .ok_or("no `backups` list in the answer")?;
    let completed: Vec<f64> = listed
        .iter()
        .filter(|b| b.get("status").and_then(Value::as_str) == Some("COMPLETED"))
        .filter_map(|b| epoch_seconds(b.get("inserted_at")?.as_str()?))
        .collect();
    let window = |key: &str| {
        answer
            .pointer(&format!("/physical_backup_data/{key}"))
            .and_then(Value::as_f64)
            .filter(|t| *t > 0.0)
    };
    let newest = completed
        .iter()
        .copied()
        .chain(window("latest_physical_backup_date_unix"))
        .fold(None, |best: Option<f64>, t| {
            Some(best.map_or(t, |b| b.max(t)))
        });
    let oldest = completed
        .iter()
        .copied()
        .chain(window("earliest_physical_backup_date_unix"))
        .fold(None, |best: Option<f64>, t| {
            Some(best.map_or(t, |b| b.min(t)))
        });
    Ok(Backups {
        provider: "supabase",
        last_backup_hours: newest.map(|t| ((now - t) / 3600.0).max(0.0)),
        pitr: answer.get("pitr_enabled").and_then(Value::as_bool) == Some(true),
        retention_days: oldest.map(|t| ((now - t) / 86_400.0).max(0.0)),
        continuous: false,
    })
}

/// Asks Supabase.
pub fn supabase(base: &str, token: &str, project: &str, now: f64) -> Result<Backups, String> {
    let api = Api::new(
        base,
        vec![("authorization".into(), format!("Bearer {token}"))],
    );
    let answer = api
        .get(&format!("/v1/projects/{project}/database/backups"))
        .map_err(|e| e.to_string())?;
    supabase_backups(&answer, now)
}

/// Reads Neon's answer (`GET /api/v2/projects/{id}`).
pub fn neon_backups(answer: &Value) -> Result<Backups, String> {
    let seconds = answer
        .pointer("/project/history_retention_seconds")
        .and_then(Value::as_f64)
        .ok_or("no `project.history_retention_seconds` in the answer")?;
    Ok(Backups {
        provider: "neon",
        // History is written continuously: a day of it is a backup as
        // recent as the last write.
        last_backup_hours: (seconds >= 86_400.0).then_some(0.0),
        pitr: seconds > 0.0,
        retention_days: Some(seconds / 86_400.0),
        continuous: true,
    })
}

/// Asks Neon.
pub fn neon(base: &str, token: &str, project: &str) -> Result<Backups, String> {
    let api = Api::new(
        base,
        vec![
            ("authorization".into(), format!("Bearer {token}")),
            ("accept".into(), "application/json".into()),
        ],
    );
    let answer = api
        .get(&format!("/api/v2/projects/{project}"))
        .map_err(|e| e.to_string())?;
    neon_backups(&answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gonogo_check::json;

    #[test]
    fn times_are_read() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            epoch_seconds("2026-12-06T03:00:00.500Z"),
            Some(1_796_526_000.5)
        );
        assert_eq!(
            epoch_seconds("2026-12-06T04:00:00+01:00"),
            Some(1_796_526_000.0)
        );
        assert_eq!(epoch_seconds("2000-02-29 12:00:00"), Some(951_825_600.0));
        assert_eq!(epoch_seconds("not a date"), None);
        assert_eq!(epoch_seconds("2026-13-01T00:00:00Z"), None);
    }

    #[test]
    fn supabase_backups_are_read_from_the_list_and_the_window() {
        let now = epoch_seconds("2026-12-07T06:00:00Z").unwrap_or_default();
        let answer = json!({
            "region": "eu-central-1", "walg_enabled": true, "pitr_enabled": false,
            "backups": [
                { "is_physical_backup": true, "status": "COMPLETED", "inserted_at": "2026-12-07T02:00:00.000Z" },
                { "is_physical_backup": true, "status": "FAILED", "inserted_at": "2026-12-06T02:00:00.000Z" },
                { "is_physical_backup": true, "status": "COMPLETED", "inserted_at": "2026-11-30T02:00:00.000Z" }
            ]
        });
        let backups = supabase_backups(&answer, now).expect("read");
        assert_eq!(backups.last_backup_hours, Some(4.0));
        assert!(!backups.pitr);
        assert!((backups.retention_days.unwrap_or_default() - 7.1667).abs() < 0.01);
        assert!(supabase_backups(&json!({}), now).is_err());
    }

    #[test]
    fn neon_history_is_its_backup() {
        let backups =
            neon_backups(&json!({ "project": { "id": "x", "history_retention_seconds": 604800 } }))
                .expect("read");
        assert_eq!(
            (
                backups.last_backup_hours,
                backups.pitr,
                backups.retention_days
            ),
            (Some(0.0), true, Some(7.0))
        );
        let short = neon_backups(&json!({ "project": { "history_retention_seconds": 21600 } }))
            .expect("read");
        assert_eq!(short.last_backup_hours, None);
    }
}
