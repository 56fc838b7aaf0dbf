//! Classifies a value without revealing it: character class, entropy,
//! placeholder look, well-known key prefix.

/// The narrowest class of characters the value fits in.
pub fn charset(value: &str) -> &'static str {
    let all = |f: fn(char) -> bool| value.chars().all(f);
    if value.is_empty() {
        "empty"
    } else if all(|c| c.is_ascii_hexdigit()) {
        "hex"
    } else if all(|c| c.is_ascii_alphanumeric()) {
        "alphanumeric"
    } else if all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        "base64url"
    } else if is_base64(value) {
        "base64"
    } else {
        "printable"
    }
}

fn is_base64(value: &str) -> bool {
    let body = value.trim_end_matches('=');
    value.len() - body.len() <= 2
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/')
}

/// Shannon entropy of the value's characters times its length, in bits,
/// rounded to one decimal: an estimate of how hard it is to guess.
pub fn entropy_bits(value: &str) -> f64 {
    let chars: Vec<char> = value.chars().collect();
    if chars.is_empty() {
        return 0.0;
    }
    let mut counts = std::collections::HashMap::new();
    for c in &chars {
        *counts.entry(*c).or_insert(0usize) += 1;
    }
    let n = chars.len() as f64;
    let per_char: f64 = counts
        .values()
        .map(|&count| {
            let p = count as f64 / n;
            -p * p.log2()
        })
        .sum();
    // `abs` turns the -0.0 of a single repeated character into 0.0.
    ((per_char * n * 10.0).round() / 10.0).abs()
}

/// Whole values that are well-known defaults or dictionary words.
const WEAK_VALUES: &[&str] = &[
    "secret",
    "password",
    "passwd",
    "pass",
    "test",
    "testing",
    "dev",
    "development",
    "default",
    "admin",
    "root",
    "postgres",
    "redis",
    "123456",
    "12345678",
    "123456789",
    "qwerty",
    "abc123",
    "letmein",
    "jwt_secret",
    "jwtsecret",
    "jwt-secret",
    "mysecret",
    "my-secret",
    "my_secret",
    "supersecret",
    "super-secret",
    "super_secret",
    "s3cr3t",
    "secretkey",
    "secret-key",
    "secret_key",
    "none",
    "null",
    "undefined",
    "key",
    "token",
    "foobar",
    "foo",
    "bar",
];

/// Substrings that only a placeholder contains.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "changeme",
    "change-me",
    "change_me",
    "change-this",
    "change_this",
    "changethis",
    "replace-me",
    "replace_me",
    "replaceme",
    "replace-with",
    "replace_with",
    "your-",
    "your_",
    "yoursecret",
    "yourkey",
    "placeholder",
    "example",
    "dummy",
    "sample",
    "todo",
    "fixme",
    "insecure",
    "not-a-secret",
    "notasecret",
    "xxxx",
    "<",
    ">",
    "...",
    "generate-",
];

/// Whether the value looks like a placeholder or a well-known default.
pub fn is_placeholder(value: &str, extra: &[String]) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return false;
    }
    let mut chars = lower.chars();
    let first = chars.next();
    let single_repeated = chars.all(|c| Some(c) == first) && lower.len() > 1;
    single_repeated
        || WEAK_VALUES.contains(&lower.as_str())
        || PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m))
        || extra
            .iter()
            .any(|m| !m.is_empty() && lower.contains(&m.to_ascii_lowercase()))
}

/// Whether a URL password is a well-known default.
pub fn is_weak_password(password: &str) -> bool {
    is_placeholder(password, &[])
}

/// Well-known, non-secret key prefixes (they name the kind of key).
const KNOWN_PREFIXES: &[&str] = &[
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "pk_live_",
    "pk_test_",
    "whsec_",
    "SG.",
    "key-",
    "xoxb-",
    "xoxp-",
    "ghp_",
    "github_pat_",
    "glpat-",
    "AKIA",
    "ASIA",
    "sk-",
];

/// The well-known prefix the value starts with, if any.
pub fn known_prefix(value: &str) -> Option<&'static str> {
    KNOWN_PREFIXES
        .iter()
        .copied()
        .find(|p| value.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets_are_the_narrowest_fit() {
        assert_eq!(charset("deadBEEF01"), "hex");
        assert_eq!(charset("abcXYZ09"), "alphanumeric");
        assert_eq!(charset("ab-c_d"), "base64url");
        assert_eq!(charset("ab+c/d=="), "base64");
        assert_eq!(charset("a b!"), "printable");
    }

    #[test]
    fn placeholders_are_recognised() {
        for value in [
            "changeme",
            "your-secret-here",
            "xxxxxxxx",
            "secret",
            "<jwt secret>",
            "aaaaaaaa",
        ] {
            assert!(is_placeholder(value, &[]), "{value}");
        }
        assert!(!is_placeholder("k3J9x0Qm2ZpL7vR1tY8wN4bC6dF5gH", &[]));
        assert!(is_placeholder("acme-staging", &["STAGING".into()]));
    }

    #[test]
    fn entropy_grows_with_variety() {
        assert_eq!(entropy_bits("aaaa"), 0.0);
        assert!(entropy_bits("abcdefgh") > entropy_bits("aabbaabb"));
    }
}
