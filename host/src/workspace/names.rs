//! File names that are not UTF-8, listed without loss: a check sees every
//! path as text, so a byte that is not UTF-8 is written as `�` (U+FFFD)
//! and its two hex digits (`bad\xff.env` is listed as `bad�ff.env`), and a
//! `�` that is really in a name is written twice. The encoding is one to
//! one, so the host maps a listed path back to the bytes on disk to read
//! it; a file is never dropped from the listing (and from every scan)
//! because of its name.

use std::borrow::Cow;

/// What starts an escaped byte.
const ESCAPE: char = '\u{fffd}';

/// The listed form of the file name (or path) `raw`.
pub fn listed(raw: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(raw)
        && !text.contains(ESCAPE)
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(raw.len() + 8);
    for chunk in raw.utf8_chunks() {
        for c in chunk.valid().chars() {
            out.push(c);
            if c == ESCAPE {
                out.push(ESCAPE);
            }
        }
        for byte in chunk.invalid() {
            out.push(ESCAPE);
            out.push_str(&format!("{byte:02x}"));
        }
    }
    Cow::Owned(out)
}

/// The bytes on disk of the listed path `listed`; `None` when it is not
/// the listed form of any name (an escape of a byte that is valid UTF-8,
/// or a broken escape).
pub fn raw(listed: &str) -> Option<Cow<'_, [u8]>> {
    if !listed.contains(ESCAPE) {
        return Some(Cow::Borrowed(listed.as_bytes()));
    }
    let mut out = Vec::with_capacity(listed.len());
    let mut chars = listed.chars();
    while let Some(c) = chars.next() {
        if c != ESCAPE {
            let mut buffer = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            continue;
        }
        match chars.next()? {
            ESCAPE => out.extend_from_slice(ESCAPE.to_string().as_bytes()),
            high => {
                let low = chars.next()?;
                let byte = u8::from_str_radix(&format!("{high}{low}"), 16).ok()?;
                // Only bytes that cannot be UTF-8 on their own are escaped:
                // `/`, `.` or NUL cannot be smuggled in this way.
                if byte < 0x80 {
                    return None;
                }
                out.push(byte);
            }
        }
    }
    Some(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_are_not_utf8_are_listed_losslessly_and_map_back() {
        for raw_name in [
            &b"bad\xff\xfe.env"[..],
            b"plain/name.ts",
            "with \u{fffd} in it".as_bytes(),
            b"\xc3(\xfffd",
            b"",
        ] {
            let shown = listed(raw_name);
            assert_eq!(raw(&shown).as_deref(), Some(raw_name), "{shown}");
        }
        assert_eq!(listed(b"bad\xff\xfe.env"), "bad\u{fffd}ff\u{fffd}fe.env");
        assert_eq!(listed(b"plain.ts"), "plain.ts");
    }

    #[test]
    fn an_escape_cannot_make_a_separator_or_a_broken_name() {
        assert_eq!(raw("a\u{fffd}2f..\u{fffd}2fetc"), None);
        assert_eq!(raw("a\u{fffd}00"), None);
        assert_eq!(raw("a\u{fffd}f"), None);
        assert_eq!(raw("a\u{fffd}zz"), None);
    }
}
