use super::codec::{Damaged, Decoder, encode};
use super::*;
use crate::expr::environment;

/// Sources covering every kind of node the parser makes: calls with and
/// without a target, macros (comprehensions, the extensions' too), lists,
/// maps, literals of every type, selections and presence tests.
const SOURCES: &[&str] = &[
    "checks.env.status == 'pass' && !(facts.n > 3)",
    "[1, 2.5, -3, 4u, b'x', null, true, \"s\"].size() == 8",
    "{'a': [1], 'b': {'c': false}}.b.c == false",
    "facts.services.all(s, s.name.startsWith('api') || has(s.port))",
    "facts.items.exists_one(i, i > 0) ? 'one' : 'not one'",
    "facts.items.map(i, i * 2).filter(j, j < 10)",
    "math.greatest(1, 2) == 2 && [3, 1, 2].sortBy(x, x)[0] == 1",
    "'TacoCat'.lowerAscii().split('c').size() > 1",
];

fn reencoded(expr: &IdedExpr) -> Result<IdedExpr, Damaged> {
    let mut bytes = Vec::new();
    encode(expr, &mut bytes);
    let mut decoder = Decoder::new(&bytes);
    let decoded = decoder.expr()?;
    assert!(decoder.is_empty(), "bytes left after the expression");
    Ok(decoded)
}

#[test]
fn every_kind_of_node_decodes_to_what_the_parser_gives() {
    let env = environment();
    for source in SOURCES {
        let parsed = env.parser().parse(source).expect(source);
        assert_eq!(reencoded(&parsed), Ok(parsed), "{source}");
    }
}

#[test]
fn every_expression_of_the_built_in_packs_decodes_to_what_the_parser_gives() {
    let env = environment();
    let mut seen = 0;
    for pack in crate::builtins::BUILTIN_PACKS {
        let plan = crate::policy::parse(pack.yaml, pack.name, None).expect(pack.name);
        for rule in &plan.rules {
            let templates = rule.message.iter().flat_map(|t| &t.pieces);
            let pieces = templates.filter_map(|piece| match piece {
                crate::expr::template::Piece::Expr(expr) => Some(expr),
                crate::expr::template::Piece::Text(_) => None,
            });
            for compiled in std::iter::once(&rule.expr).chain(&rule.when).chain(pieces) {
                let parsed = env.parser().parse(&compiled.source).expect("parses");
                assert_eq!(reencoded(&parsed), Ok(parsed), "{}", compiled.source);
                seen += 1;
            }
        }
    }
    assert!(seen > 100, "only {seen} expressions in the built-in packs");
}

#[test]
fn a_second_run_decodes_what_the_first_parsed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = environment();
    let first = ParsedStore::open(dir.path());
    for source in SOURCES {
        first.parse(&env, source).expect(source);
    }
    assert_eq!(first.reused(), 0);
    first.save();

    let second = ParsedStore::open(dir.path());
    for source in SOURCES {
        let expr = second.parse(&env, source).expect(source);
        assert_eq!(*expr, env.parser().parse(source).expect(source), "{source}");
    }
    assert_eq!(second.reused(), SOURCES.len());
    // Nothing new was parsed: the file is left as it was.
    let before = std::fs::metadata(dir.path().join(FILE)).expect("stored");
    std::fs::remove_file(dir.path().join(FILE)).expect("removed");
    second.save();
    assert!(!dir.path().join(FILE).exists());
    assert!(before.len() > 0);
}

#[test]
fn a_later_run_keeps_what_earlier_runs_stored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = environment();
    let first = ParsedStore::open(dir.path());
    first.parse(&env, SOURCES[0]).expect("parses");
    first.save();
    let second = ParsedStore::open(dir.path());
    second.parse(&env, SOURCES[1]).expect("parses");
    second.save();
    let third = ParsedStore::open(dir.path());
    third.parse(&env, SOURCES[0]).expect("parses");
    third.parse(&env, SOURCES[1]).expect("parses");
    assert_eq!(third.reused(), 2);
}

fn stored_file(dir: &Path) -> Vec<u8> {
    let store = ParsedStore::open(dir);
    for source in SOURCES {
        store.parse(&environment(), source).expect(source);
    }
    store.save();
    std::fs::read(dir.join(FILE)).expect("stored")
}

#[test]
fn a_damaged_or_foreign_file_is_parsed_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = environment();
    let good = stored_file(dir.path());
    let header_len = ParsedStore::open(dir.path()).header.len();
    let mut foreign = good.clone();
    foreign[MAGIC.len()] ^= 1; // another version or build
    // The kind of the first entry's root node: entries are sorted by
    // source, each is its source's length and bytes, then its expression's
    // length, id and kind.
    let first = SOURCES.iter().min().expect("sources");
    let mut bad_tag = good.clone();
    bad_tag[header_len + 4 + 4 + first.len() + 4 + 8] = 0xff;
    for (what, bytes) in [
        ("truncated", good[..good.len() - 3].to_vec()),
        ("foreign", foreign),
        ("an unknown kind of node", bad_tag),
        ("empty", Vec::new()),
    ] {
        std::fs::write(dir.path().join(FILE), &bytes).expect("written");
        let store = ParsedStore::open(dir.path());
        for source in SOURCES {
            let expr = store.parse(&env, source).expect(source);
            assert_eq!(*expr, env.parser().parse(source).expect(source), "{what}");
        }
        assert!(
            store.reused() < SOURCES.len(),
            "{what}: damaged entries used"
        );
        // The run rewrites the file whole again.
        store.save();
        let again = ParsedStore::open(dir.path());
        for source in SOURCES {
            again.parse(&env, source).expect(source);
        }
        assert_eq!(again.reused(), SOURCES.len(), "{what}: not rewritten");
    }
}

#[test]
fn a_source_that_does_not_parse_is_never_stored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = environment();
    let store = ParsedStore::open(dir.path());
    assert!(store.parse(&env, "1 +").is_err());
    store.parse(&env, "1 + 1").expect("parses");
    store.save();
    let again = ParsedStore::open(dir.path());
    assert!(again.parse(&env, "1 +").is_err());
    assert_eq!(again.reused(), 0);
}

#[test]
fn nesting_past_the_depth_limit_is_refused_without_recursing_on() {
    // 100,000 nested `!`, as a damaged or hostile file could hold: refused
    // at the depth limit, not by overflowing the stack.
    let mut bytes = Vec::new();
    for _ in 0..100_000 {
        bytes.extend_from_slice(&0u64.to_le_bytes());
        bytes.push(1); // a call
        bytes.extend_from_slice(&2u32.to_le_bytes());
        bytes.extend_from_slice(b"!_");
        bytes.push(0); // no target
        bytes.extend_from_slice(&1u32.to_le_bytes()); // one argument
    }
    assert_eq!(Decoder::new(&bytes).expr(), Err(Damaged));
}

#[test]
fn a_length_past_the_end_is_refused_without_allocating_it() {
    let mut bytes = 0u64.to_le_bytes().to_vec();
    bytes.push(4); // a list
    bytes.extend_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(Decoder::new(&bytes).expr(), Err(Damaged));
}

#[test]
fn a_tree_too_deep_to_decode_is_not_stored_and_still_parses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = environment();
    // A selection chain is parsed in a loop: valid, and deeper than the
    // decoder takes.
    let deep = format!("a{}", ".b".repeat(codec::MAX_DEPTH as usize + 10));
    let store = ParsedStore::open(dir.path());
    store.parse(&env, &deep).expect("parses");
    store.parse(&env, SOURCES[0]).expect("parses");
    store.save();
    let again = ParsedStore::open(dir.path());
    let expr = again.parse(&env, &deep).expect("parses");
    assert_eq!(*expr, env.parser().parse(&deep).expect("parses"));
    again.parse(&env, SOURCES[0]).expect("parses");
    assert_eq!(again.reused(), 1, "only the shallow one was stored");
}
