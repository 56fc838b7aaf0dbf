//! A JavaScript/TypeScript tokenizer: enough of the lexical grammar that
//! comments, strings, template literals and regular expressions are never
//! mistaken for code, with helpers to walk calls and their arguments.

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword.
    Ident,
    /// A string literal; `text` holds its value without quotes.
    Str,
    /// A template literal; `text` holds its raw text without backticks.
    Template,
    /// A number.
    Number,
    /// A regular expression literal.
    Regex,
    /// Punctuation: one of `( ) [ ] { } , ; : . ? = ! < > + - * / % & | ^ ~ @ #`,
    /// or `=>`, `||`, `??`, `===`, `==`, `!==`, `!=`, `&&`, `...`, `?.`.
    Punct,
}

/// A token's text: inline up to 12 bytes (most identifiers and every
/// punctuation), so tokenizing a module does not allocate once per token.
pub type Text = compact_str::CompactString;

/// One token.
#[derive(Debug, Clone)]
pub struct Token {
    /// What it is.
    pub kind: Kind,
    /// Its text (string values without quotes).
    pub text: Text,
    /// 1-based line.
    pub line: u32,
}

impl Token {
    /// Whether it is the identifier `name`.
    pub fn is_ident(&self, name: &str) -> bool {
        self.kind == Kind::Ident && self.text == name
    }
    /// Whether it is the punctuation `p`.
    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == Kind::Punct && self.text == p
    }
    /// Whether it is a string or a template literal.
    pub fn is_string(&self) -> bool {
        matches!(self.kind, Kind::Str | Kind::Template)
    }
}

/// Tokenizes a source file. Never fails: an unterminated literal ends at
/// the end of the file.
pub fn tokenize(source: &str) -> Vec<Token> {
    let bytes = source.as_bytes();
    // About one token per four or five bytes of code: sized once rather
    // than grown (and copied) five or six times for a small module.
    let mut tokens: Vec<Token> = Vec::with_capacity(source.len() / 4 + 1);
    let mut i = 0;
    let mut line = 1u32;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    if bytes[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 2;
            }
            b'\'' | b'"' => {
                let start_line = line;
                let (value, end) = string_literal(source, i, c, &mut line);
                tokens.push(Token {
                    kind: Kind::Str,
                    text: value,
                    line: start_line,
                });
                i = end;
            }
            b'`' => {
                let start_line = line;
                let end = template_end(bytes, i + 1, &mut line);
                tokens.push(Token {
                    kind: Kind::Template,
                    text: Text::from(&source[i + 1..end.saturating_sub(1).max(i + 1)]),
                    line: start_line,
                });
                i = end;
            }
            b'/' if regex_allowed(tokens.last()) => {
                let start = i;
                i = regex_end(bytes, i + 1);
                tokens.push(Token {
                    kind: Kind::Regex,
                    text: Text::from(&source[start..i]),
                    line,
                });
            }
            c if c.is_ascii_digit() => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'.' | b'_'))
                {
                    i += 1;
                }
                tokens.push(Token {
                    kind: Kind::Number,
                    text: source[start..i].chars().filter(|c| *c != '_').collect(),
                    line,
                });
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || matches!(bytes[i], b'_' | b'$')
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                tokens.push(Token {
                    kind: Kind::Ident,
                    text: Text::from(&source[start..i]),
                    line,
                });
            }
            _ => {
                let len = punct_len(bytes, i).unwrap_or_else(|| utf8_len(c));
                let end = (i + len).min(bytes.len());
                tokens.push(Token {
                    kind: Kind::Punct,
                    text: Text::from(&source[i..end]),
                    line,
                });
                i = end;
            }
        }
    }
    // Mostly comments or long strings: give back what the estimate
    // reserved beyond twice what is used (as much as growing by doubling
    // would have left), since a service's tokens are kept for the run.
    if tokens.capacity() > 2 * tokens.len() + 16 {
        tokens.shrink_to_fit();
    }
    tokens
}

/// The length of the multi-character punctuation at `i`: `===`, `!==`,
/// `...`, `=>`, `||`, `??`, `==`, `!=`, `&&`, `?.`.
fn punct_len(bytes: &[u8], i: usize) -> Option<usize> {
    let at = |n: usize| bytes.get(i + n).copied();
    match (at(0)?, at(1), at(2)) {
        (b'=', Some(b'='), Some(b'='))
        | (b'!', Some(b'='), Some(b'='))
        | (b'.', Some(b'.'), Some(b'.')) => Some(3),
        (b'=', Some(b'>' | b'='), _) | (b'|', Some(b'|'), _) | (b'?', Some(b'?' | b'.'), _) => {
            Some(2)
        }
        (b'!', Some(b'='), _) | (b'&', Some(b'&'), _) => Some(2),
        _ => None,
    }
}

fn string_literal(source: &str, start: usize, quote: u8, line: &mut u32) -> (Text, usize) {
    let bytes = source.as_bytes();
    // Most literals have no escape: their value is their text.
    let body = &bytes[start + 1..];
    if let Some(end) = body
        .iter()
        .position(|b| matches!(*b, b'\\' | b'\n') || *b == quote)
        .filter(|&n| body[n] == quote)
    {
        let end = start + 1 + end;
        return (Text::from(&source[start + 1..end]), end + 1);
    }
    let mut i = start + 1;
    let mut value = Text::default();
    while i < bytes.len() && bytes[i] != quote {
        if bytes[i] == b'\n' {
            *line += 1;
            break; // unterminated
        }
        if bytes[i] == b'\\' && i + 1 < bytes.len() {
            i += 1;
        }
        let ch_len = utf8_len(bytes[i]);
        value.push_str(&source[i..(i + ch_len).min(bytes.len())]);
        i += ch_len;
    }
    (value, (i + 1).min(bytes.len()))
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// The index after the closing backtick, skipping `${ … }` with nesting.
fn template_end(bytes: &[u8], mut i: usize, line: &mut u32) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'\n' => *line += 1,
            b'`' if depth == 0 => return i + 1,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth > 0 => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

fn regex_end(bytes: &[u8], mut i: usize) -> usize {
    let mut in_class = false;
    while i < bytes.len() && bytes[i] != b'\n' {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' => in_class = true,
            b']' => in_class = false,
            b'/' if !in_class => {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                return i;
            }
            _ => {}
        }
        i += 1;
    }
    i
}

fn regex_allowed(previous: Option<&Token>) -> bool {
    match previous {
        None => true,
        Some(token) => match token.kind {
            Kind::Ident => matches!(
                token.text.as_str(),
                "return"
                    | "typeof"
                    | "case"
                    | "do"
                    | "else"
                    | "in"
                    | "of"
                    | "new"
                    | "delete"
                    | "void"
                    | "throw"
            ),
            Kind::Punct => !matches!(token.text.as_str(), ")" | "]" | "}"),
            _ => false,
        },
    }
}

/// The index of the token closing the bracket opened at `open`, or the
/// last index when unbalanced.
pub fn matching(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0i32;
    for (index, token) in tokens.iter().enumerate().skip(open) {
        if token.kind != Kind::Punct {
            continue;
        }
        match token.text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                depth -= 1;
                if depth == 0 {
                    return index;
                }
            }
            _ => {}
        }
    }
    tokens.len().saturating_sub(1)
}

/// The top-level arguments of the call whose `(` is at `open`, as token
/// ranges `start..end`.
pub fn arguments(tokens: &[Token], open: usize) -> Vec<std::ops::Range<usize>> {
    let close = matching(tokens, open);
    let mut args = Vec::new();
    let mut start = open + 1;
    let mut index = open + 1;
    while index < close {
        let token = &tokens[index];
        if token.kind == Kind::Punct && matches!(token.text.as_str(), "(" | "[" | "{") {
            index = matching(tokens, index) + 1;
            continue;
        }
        if token.is_punct(",") {
            args.push(start..index);
            start = index + 1;
        }
        index += 1;
    }
    if start < close {
        args.push(start..close);
    }
    args
}

/// In an object literal spanning `range` (its `{` first), the token range
/// of the value of top-level key `key`, if present.
pub fn object_value(
    tokens: &[Token],
    range: std::ops::Range<usize>,
    key: &str,
) -> Option<std::ops::Range<usize>> {
    let open = range.start;
    if !tokens.get(open)?.is_punct("{") {
        return None;
    }
    let close = matching(tokens, open).min(range.end);
    let mut index = open + 1;
    while index < close {
        let token = &tokens[index];
        if token.kind == Kind::Punct && matches!(token.text.as_str(), "(" | "[" | "{") {
            index = matching(tokens, index) + 1;
            continue;
        }
        let is_key = (token.kind == Kind::Ident || token.kind == Kind::Str) && token.text == key;
        let prev_ok = index == open + 1 || tokens[index - 1].is_punct(",");
        if is_key && prev_ok {
            if tokens.get(index + 1).is_some_and(|t| t.is_punct(":")) {
                let start = index + 2;
                let mut end = start;
                while end < close && !tokens[end].is_punct(",") {
                    if tokens[end].kind == Kind::Punct
                        && matches!(tokens[end].text.as_str(), "(" | "[" | "{")
                    {
                        end = matching(tokens, end);
                    }
                    end += 1;
                }
                return Some(start..end.min(close));
            }
            // Shorthand `{ key }`: the value is the variable of that name.
            if tokens
                .get(index + 1)
                .is_some_and(|t| t.is_punct(",") || t.is_punct("}"))
            {
                return Some(index..index + 1);
            }
        }
        index += 1;
    }
    None
}

/// `process.env.NAME` or `process.env['NAME']` starting at `index`: the
/// variable name and the index after the expression.
pub fn env_read(tokens: &[Token], index: usize) -> Option<(String, usize)> {
    let t = |offset: usize| tokens.get(index + offset);
    if !(t(0)?.is_ident("process") && t(1)?.is_punct(".") && t(2)?.is_ident("env")) {
        return None;
    }
    let dot = t(3)?;
    if dot.is_punct(".") || dot.is_punct("?.") {
        let name = t(4)?;
        return (name.kind == Kind::Ident).then(|| (name.text.to_string(), index + 5));
    }
    if dot.is_punct("[") && t(4)?.kind == Kind::Str && t(5)?.is_punct("]") {
        return Some((t(4)?.text.to_string(), index + 6));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str) -> Vec<String> {
        tokenize(source)
            .into_iter()
            .map(|t| t.text.to_string())
            .collect()
    }

    #[test]
    fn token_vectors_reserve_at_most_twice_what_they_hold() {
        let commented = format!("/* {} */ x", "c".repeat(10_000));
        let tokens = tokenize(&commented);
        assert_eq!(tokens.len(), 1);
        assert!(tokens.capacity() <= 2 * tokens.len() + 16);
    }

    #[test]
    fn comments_and_strings_are_not_code() {
        let tokens = tokenize("// app.use(helmet())\n/* cors() */ const s = 'app.use(cors())';\nx");
        assert!(
            tokens
                .iter()
                .all(|t| t.text != "helmet" && t.text != "cors")
        );
        assert_eq!(tokens[3].kind, Kind::Str);
        assert_eq!(tokens.last().map(|t| t.line), Some(3));
    }

    #[test]
    fn regexes_templates_and_division_are_told_apart() {
        assert_eq!(texts("a = b / c / d"), ["a", "=", "b", "/", "c", "/", "d"]);
        let tokens = tokenize("const r = /['\"]/g; const t = `x ${ y } '`; z");
        assert_eq!(tokens[3].kind, Kind::Regex);
        assert!(tokens.iter().any(|t| t.kind == Kind::Template));
        assert_eq!(tokens.last().map(|t| t.text.as_str()), Some("z"));
    }

    #[test]
    fn call_arguments_and_object_values_are_found() {
        let tokens = tokenize("cors({ origin: process.env.ORIGIN || '*', credentials: true }, x)");
        let args = arguments(&tokens, 1);
        assert_eq!(args.len(), 2);
        let origin = object_value(&tokens, args[0].clone(), "origin").expect("origin");
        assert_eq!(
            env_read(&tokens, origin.start).map(|(n, _)| n),
            Some("ORIGIN".into())
        );
        let credentials =
            object_value(&tokens, args[0].clone(), "credentials").expect("credentials");
        assert!(tokens[credentials.start].is_ident("true"));
    }

    #[test]
    fn punctuation_numbers_and_escapes_keep_their_text() {
        assert_eq!(
            texts("a === b !== c ... d => e || f ?? g == h != i && j?.k = !l"),
            [
                "a", "===", "b", "!==", "c", "...", "d", "=>", "e", "||", "f", "??", "g", "==",
                "h", "!=", "i", "&&", "j", "?.", "k", "=", "!", "l"
            ]
        );
        assert_eq!(
            texts("x = 1_000 + 0x1F;"),
            ["x", "=", "1000", "+", "0x1F", ";"]
        );
        assert_eq!(
            texts(r"s = 'it\'s a very long string value'"),
            ["s", "=", "it's a very long string value"]
        );
        assert_eq!(texts("n = 'é' + `t`"), ["n", "=", "é", "+", "t"]);
    }
}
