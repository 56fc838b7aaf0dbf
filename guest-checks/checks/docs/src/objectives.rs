//! Recovery objectives written down: a recovery time objective (RTO) and a
//! recovery point objective (RPO), each named on a line of the project's
//! documentation together with a duration (`RTO: 4 hours`, `| RPO | 15
//! min |`, "Recovery point objective: at most 24 h"). A word alone, or an
//! objective left `TBD`, defines nothing.

use gonogo_check::{Value, json, workspace};

/// Units a duration is written in.
const UNITS: &[&str] = &[
    "seconds", "second", "secs", "sec", "s", "minutes", "minute", "mins", "min", "m", "hours",
    "hour", "hrs", "hr", "h", "days", "day", "d", "weeks", "week", "w",
];

/// Whether `line` names the objective `short` (`RTO`) or spells it out.
fn names(line: &str, short: &str, long: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.contains(long)
        || line
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| word == short)
}

/// The first duration written on `line` (`4 hours`, `15min`, `1h`, `24 h`).
fn duration(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let number = &lower[start..i];
        let rest = lower[i..].trim_start();
        let unit: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
        if UNITS.contains(&unit.as_str()) {
            return Some(format!("{number} {unit}"));
        }
    }
    None
}

/// The first line of `text` that names the objective with a duration: its
/// 1-based number and the duration.
fn stated(text: &str, short: &str, long: &str) -> Option<(usize, String)> {
    text.lines().enumerate().find_map(|(index, line)| {
        if !names(line, short, long) {
            return None;
        }
        duration(line).map(|d| (index + 1, d))
    })
}

/// Where the documents at `paths` state the RTO and the RPO: for each,
/// `path`, `line` and `value`, or null.
pub fn recovery_objectives<'a>(paths: impl Iterator<Item = &'a str>) -> Value {
    let mut rto = Value::Null;
    let mut rpo = Value::Null;
    for path in paths {
        if !rto.is_null() && !rpo.is_null() {
            break;
        }
        let Some(text) = workspace::read_text(path) else {
            continue;
        };
        for (slot, short, long) in [
            (&mut rto, "RTO", "recovery time objective"),
            (&mut rpo, "RPO", "recovery point objective"),
        ] {
            if slot.is_null()
                && let Some((line, value)) = stated(&text, short, long)
            {
                *slot = json!({"path": path, "line": line, "value": value});
            }
        }
    }
    json!({"rto": rto, "rpo": rpo})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_objective_is_stated_with_a_duration() {
        assert_eq!(
            stated(
                "## Recovery\nRTO: 4 hours\n",
                "RTO",
                "recovery time objective"
            ),
            Some((2, "4 hours".into()))
        );
        assert_eq!(
            stated("| RPO | 15min |", "RPO", "recovery point objective"),
            Some((1, "15 min".into()))
        );
        assert_eq!(
            stated(
                "Recovery point objective: at most 24 h of data",
                "RPO",
                "recovery point objective"
            ),
            Some((1, "24 h".into()))
        );
        assert_eq!(stated("RTO: TBD\n", "RTO", "recovery time objective"), None);
        assert_eq!(
            stated("We PROTOCOL 5 hours", "RTO", "recovery time objective"),
            None
        );
        assert_eq!(
            stated("RTO is in the v2 plan", "RTO", "recovery time objective"),
            None
        );
    }
}
