//! Bounded fuzzing in CI: each target of `gonogo::fuzzing` is fed seeded
//! random mutations of its corpus for a time budget, then every saved
//! regression input is replayed. A panic fails the test and saves the input.
//!
//! `GONOGO_FUZZ_SECONDS` (default 15) sets the budget per target and
//! `GONOGO_FUZZ_SEED` replays a run (the seed is printed on failure).
//! Coverage-free by design: it needs no nightly toolchain and no
//! instrumented rebuild of wasmtime. See docs/security.md#fuzzing.

use gonogo::fuzzing::TARGETS;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Seeds: the target's corpus folder plus the real files of the repo it reads.
fn seeds(target: &str) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = read_dir(&repo().join("tests/fuzz/corpus").join(target));
    let extra: &[&str] = match target {
        "pack_loader" => &[
            "policies/production-readiness/gonogo.yaml",
            "guest-checks/checks/env/fixtures/gonogo.yaml",
        ],
        "dotenv" => &[
            "examples/deploy/shop-api.env",
            "examples/deploy/shop-api-misconfigured.env",
            "guest-checks/checks/env/fixtures/secrets.env",
            "guest-checks/checks/env/fixtures/urls.env",
        ],
        _ => &[],
    };
    files.extend(extra.iter().map(|f| repo().join(f)));
    files
        .iter()
        .map(|f| std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display())))
        .collect()
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Tokens worth inserting, per target.
fn dictionary(target: &str) -> &'static [&'static [u8]] {
    match target {
        "pack_loader" => &[
            b"\nrules:\n  - id: x\n    title: t\n    severity: low\n    expr: ",
            b"checks.",
            b"facts.",
            b"${",
            b"}",
            b"has(",
            b".all(x, ",
            b".exists(f, ",
            b" && ",
            b" || ",
            b" == ",
            b"'",
            b"\"",
            b"[",
            b"]",
            b"{",
            b"}",
            b": ",
            b"\n  ",
            b"- ",
            b"use: ",
            b"sha256: ",
            b"builtin:env",
            b"&a ",
            b"*a",
            b"<<: ",
            b"!!str ",
            b"|\n",
            b">-\n",
            b"#",
            b"\t",
            b"null",
            b"~",
            b"1e999",
            b"-1",
            b"0x",
            b"\\u0000",
        ],
        "dotenv" => &[
            b"export ",
            b"=",
            b"\"",
            b"'",
            b"\\",
            b"\\n",
            b"#",
            b" #",
            b"\n",
            b"\r\n",
            b"\xef\xbb\xbf",
            b"$",
        ],
        _ => &[
            b"{", b"}", b"[", b"]", b"\"", b":", b",", b"\x1f", b"1e999", b"-0", b"null",
            b"\\ud800", b"\xff",
        ],
    }
}

/// xorshift64*: small, seedable, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, input: &[u8], seeds: &[Vec<u8>], dictionary: &[&[u8]]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(7) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] = b"\n:-{}[]\"'$#=, \x00\xff"[rng.below(16)];
            }
            2 => {
                let token = dictionary[rng.below(dictionary.len())];
                data.splice(at..at, token.iter().copied());
            }
            3 if !data.is_empty() => {
                let end = (at + 1 + rng.below(32)).min(data.len());
                data.drain(at.min(end)..end);
            }
            4 if !data.is_empty() => {
                let start = rng.below(data.len());
                let end = (start + 1 + rng.below(64)).min(data.len());
                let chunk = data[start..end].to_vec();
                data.splice(at..at, chunk);
            }
            5 => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let start = rng.below(other.len());
                    let end = (start + 1 + rng.below(128)).min(other.len());
                    data.splice(at..at, other[start..end].iter().copied());
                }
            }
            _ => {
                let depth = 1 + rng.below(200);
                let (open, close) =
                    [(b"[" as &[u8], b"]" as &[u8]), (b"(", b")"), (b"{", b"}")][rng.below(3)];
                let nested: Vec<u8> = open
                    .repeat(depth)
                    .into_iter()
                    .chain(close.repeat(depth))
                    .collect();
                data.splice(at..at, nested);
            }
        }
        data.truncate(64 << 10);
    }
    data
}

/// Runs `target` on `input`; a panic is returned as its message.
fn run(target: fn(&[u8]), input: &[u8]) -> Result<(), String> {
    std::panic::catch_unwind(|| target(input)).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".into())
    })
}

#[test]
fn fuzz_targets_survive_their_corpus_mutations_and_regressions() {
    let budget = std::env::var("GONOGO_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(Duration::from_secs(10), Duration::from_secs);
    let seed = std::env::var("GONOGO_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    let crashes = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-crashes");
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let mut executions = Vec::new();
    for (name, target) in TARGETS {
        for regression in read_dir(&repo().join("tests/fuzz/regressions").join(name)) {
            let input = std::fs::read(&regression).expect("regression input");
            if let Err(message) = run(*target, &input) {
                failures.push(format!(
                    "{name}: regression {} panics: {message}",
                    regression.display()
                ));
            }
        }
        let seeds = seeds(name);
        let dictionary = dictionary(name);
        let mut rng = Rng(seed ^ name.len() as u64);
        let started = Instant::now();
        let mut count = 0u64;
        while started.elapsed() < budget {
            let base = &seeds[rng.below(seeds.len())];
            let input = mutate(&mut rng, base, &seeds, dictionary);
            count += 1;
            if let Err(message) = run(*target, &input) {
                let file = crashes.join(name).join(format!("{count}.input"));
                std::fs::create_dir_all(file.parent().expect("folder")).expect("crash folder");
                std::fs::write(&file, &input).expect("crash input");
                failures.push(format!(
                    "{name}: {message} (input saved to {})",
                    file.display()
                ));
                break;
            }
        }
        executions.push(format!("{name}: {count} inputs"));
    }
    let _ = std::panic::take_hook();
    println!("fuzzing with seed {seed}: {}", executions.join(", "));
    assert!(
        failures.is_empty(),
        "fuzzing found crashes (seed {seed}; replay with GONOGO_FUZZ_SEED={seed}; keep each input in tests/fuzz/regressions/<target>/ once fixed):\n{}",
        failures.join("\n")
    );
}
