//! Test-only hostile check: each `attack` tries to break one promise of the
//! sandbox and reports, as facts, what it managed to see.

use gonogo_check::{Check, Finding, Info, LogLevel, Report, Severity, Value, json};
use serde::Deserialize;

/// Which attack to run.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    attack: String,
    /// URLs the `probe` attack requests, in order.
    #[serde(default)]
    urls: Vec<String>,
    /// Names whose TXT records the `probe` attack looks up.
    #[serde(default)]
    dns: Vec<String>,
    /// `host:port` pairs the `probe` attack shakes hands with.
    #[serde(default)]
    tls: Vec<(String, u16)>,
    /// Follow redirects on the `probe` attack's requests.
    #[serde(default)]
    follow: bool,
    /// Headers the `probe` attack sets on every request.
    #[serde(default)]
    headers: Vec<(String, String)>,
    /// A granted variable whose value the `probe` attack sends as a bearer token.
    #[serde(default)]
    token_env: Option<String>,
    /// Files the `inputs` mode reads through the `workspace` interface.
    #[serde(default)]
    read: Vec<String>,
    /// Paths the `inputs` mode asks `workspace.ignored` about.
    #[serde(default)]
    ask_ignored: Vec<String>,
    /// Paths the `inputs` mode asks `workspace.present` about.
    #[serde(default)]
    ask_present: Vec<String>,
    /// Whether the `inputs` mode counts the listing.
    #[serde(default)]
    list: bool,
    /// The keys the `parts` mode asks `host.parts` for, in one call, and
    /// `parts-one-by-one` in a call each (see `Hostile::part`).
    #[serde(default)]
    parts: Vec<String>,
    /// Variables the `datastore` attack asks `connection` and `indexes` of.
    #[serde(default)]
    datastores: Vec<String>,
}

/// Set by `run` before it asks for parts: a part, in an instance of its
/// own, must not see it.
static SET_BY_RUN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// One probe's outcome, as a short text fact.
fn probe_answer<T>(
    result: Result<T, gonogo_check::probe::ProbeError>,
    describe: impl Fn(T) -> String,
) -> String {
    use gonogo_check::probe::ProbeError;
    match result {
        Ok(answer) => describe(answer),
        Err(ProbeError::NotGranted(why)) => format!("not-granted: {why}"),
        Err(ProbeError::InvalidRequest(why)) => format!("invalid-request: {why}"),
        Err(ProbeError::Timeout) => "timeout".into(),
        Err(ProbeError::Connection(why)) => format!("connection: {why}"),
        Err(ProbeError::BudgetExhausted) => "budget-exhausted".into(),
    }
}

struct Hostile;

/// What reading `path` gave: the first line, or the error.
fn try_read(path: &str) -> Value {
    match std::fs::read_to_string(path) {
        Ok(text) => json!({ "read": true, "first_line": text.lines().next().unwrap_or("") }),
        Err(error) => json!({ "read": false, "error": error.to_string() }),
    }
}

impl Check for Hostile {
    type Config = Config;
    const INFO: Info = Info {
        id: "hostile",
        name: "Hostile test check",
        version: "0.1.0",
        description: "Attacks the sandbox; for the host's tests only.",
    };

    fn run(config: Config) -> Result<Report, String> {
        let mut report = Report::new();
        match config.attack.as_str() {
            "escape-fs" => {
                for (key, path) in [
                    ("etc_passwd", "/etc/passwd"),
                    ("dot_dot", "/project/../etc/passwd"),
                    ("relative_dot_dot", "../etc/passwd"),
                    ("symlink_out", "/project/link-to-passwd"),
                    ("symlink_dir_out", "/project/link-to-etc/passwd"),
                    ("inside", "/project/inside.txt"),
                ] {
                    report.fact(key, try_read(path));
                }
                for (key, path) in [
                    ("proc_environ", "/proc/self/environ"),
                    ("proc_maps", "/proc/self/maps"),
                    ("proc_init", "/proc/1/cmdline"),
                ] {
                    report.fact(key, try_read(path));
                }
                let writable = std::fs::write("/project/written.txt", "x").is_ok();
                report.fact("write_project", writable);
                report.fact(
                    "hard_link_in",
                    std::fs::hard_link("/project/inside.txt", "/project/linked.txt").is_ok(),
                );
                report.fact(
                    "hard_link_out",
                    std::fs::hard_link("/etc/passwd", "/project/passwd-link").is_ok(),
                );

                let root: Vec<String> = std::fs::read_dir("/")
                    .map(|d| {
                        d.filter_map(|e| e.ok())
                            .map(|e| e.file_name().to_string_lossy().into_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                report.fact("root_entries", root);
            }
            "ungranted-env" => {
                let all: Vec<String> = std::env::vars().map(|(k, _)| k).collect();
                report.fact("visible_names", all);
                report.fact("ungranted", std::env::var("GONOGO_TEST_UNGRANTED").ok());
                report.fact("path", std::env::var("PATH").ok());
                report.fact("home", std::env::var("HOME").ok());
            }
            "spin" => {
                let mut counter: u64 = 0;
                loop {
                    counter = std::hint::black_box(counter.wrapping_add(1));
                }
            }
            "leak" => {
                let secret = std::env::var("GONOGO_TEST_SECRET").unwrap_or_default();
                gonogo_check::log(LogLevel::Warn, &format!("the secret is {secret}"));
                println!("stdout: {secret}");
                eprintln!("stderr: {secret}");
                report.fact("stolen", secret.clone());
                report.fact(&secret, "as a key");
                report.push(
                    Finding::fail("leak", Severity::High, format!("secret={secret}"))
                        .at(&format!("{secret}.txt"), Some(1))
                        .fix(secret.clone()),
                );
            }
            "sleep" => {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
            "recursion" => {
                report.fact("depth", recurse(0));
            }
            "log-flood" => {
                let line = "x".repeat(1024);
                for _ in 0..100_000 {
                    gonogo_check::log(LogLevel::Info, &line);
                }
            }
            "stdout-flood" => {
                let line = "y".repeat(1024);
                loop {
                    println!("{line}");
                }
            }
            "memory" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 16 << 20]);
                    std::hint::black_box(&hoard);
                }
            }
            "huge-outcome" => {
                let big = "x".repeat(4 << 20);
                report.fact("big", big);
            }
            "workspace" => {
                // The host's file service: only listed regular files, never
                // through a link, never outside the project.
                use gonogo_check::bindings::gonogo::check::workspace as ws;
                let read = |path: &str| {
                    ws::read(path).map(|bytes| {
                        String::from_utf8_lossy(&bytes)
                            .lines()
                            .next()
                            .unwrap_or("")
                            .to_owned()
                    })
                };
                for (fact, path) in [
                    ("read_inside", "inside.txt"),
                    ("read_dot_dot", "../outside.txt"),
                    ("read_absolute", "/etc/passwd"),
                    ("read_symlink_out", "link-to-passwd"),
                    ("read_through_dir_link", "link-to-etc/passwd"),
                    ("read_git_config", ".git/config"),
                ] {
                    report.fact(fact, read(path));
                }
                let listed: Vec<String> = ws::files().into_iter().map(|f| f.path).collect();
                report.fact("listed", listed);
                report.fact(
                    "ignored_outside",
                    ws::ignored(&["../outside.txt".to_owned(), "/etc/passwd".to_owned()]),
                );
                let many: Vec<String> = (0..100_000).map(|i| format!("f{i}")).collect();
                report.fact("ignored_many", ws::ignored(&many).len());
            }
            "datastore" => {
                use gonogo_check::datastore::{self, Question};
                let granted: Vec<String> = datastore::granted()
                    .iter()
                    .map(|g| format!("{}={:?}", g.variable, g.engine))
                    .collect();
                report.fact("granted", granted);
                for question in [Question::Connection, Question::Indexes] {
                    let name = match question {
                        Question::Connection => "connection",
                        _ => "indexes",
                    };
                    let answers: Vec<String> = config
                        .datastores
                        .iter()
                        .map(|variable| {
                            probe_answer(datastore::ask(variable, &question), |t| {
                                format!("{} rows", t.rows.len())
                            })
                        })
                        .collect();
                    report.fact(name, answers);
                }
                // The URL is the host's: the check's environment does not hold it.
                let seen: Vec<bool> = config
                    .datastores
                    .iter()
                    .map(|v| std::env::var(v).is_ok())
                    .collect();
                report.fact("url_in_env", seen);
            }
            "probe" => {
                use gonogo_check::probe;
                let token = config
                    .token_env
                    .as_deref()
                    .and_then(|name| std::env::var(name).ok());
                let http: Vec<String> = config
                    .urls
                    .iter()
                    .map(|url| {
                        let request = probe::HttpRequest {
                            method: "GET".into(),
                            url: url.clone(),
                            headers: token
                                .iter()
                                .map(|t| ("authorization".to_owned(), format!("Bearer {t}")))
                                .chain(config.headers.iter().cloned())
                                .collect(),
                            body: None,
                            follow_redirects: config.follow,
                            timeout_ms: None,
                        };
                        probe_answer(probe::http(&request), |r| {
                            format!(
                                "answered {} via {} body {}{}",
                                r.status,
                                r.redirects.len(),
                                r.body.len(),
                                if r.body_truncated { " truncated" } else { "" }
                            )
                        })
                    })
                    .collect();
                report.fact("http", http);
                let dns: Vec<String> = config
                    .dns
                    .iter()
                    .map(|name| probe_answer(probe::dns_txt(name), |r| r.join(" | ")))
                    .collect();
                report.fact("dns", dns);
                let tls: Vec<String> = config
                    .tls
                    .iter()
                    .map(|(host, port)| {
                        probe_answer(probe::tls(host, *port), |t| {
                            format!(
                                "{} valid={} days={}",
                                t.protocol, t.chain_valid, t.days_left
                            )
                        })
                    })
                    .collect();
                report.fact("tls", tls);
            }
            // Not attacks: what the host may or may not reuse an outcome for.
            "inputs" => {
                use gonogo_check::bindings::gonogo::check::workspace as ws;
                let read: gonogo_check::Map<String, Value> = config
                    .read
                    .iter()
                    .map(|path| {
                        let text = ws::read(path).map(|b| String::from_utf8_lossy(&b).into_owned());
                        (path.clone(), json!(text))
                    })
                    .collect();
                report.fact("read", read);
                if !config.ask_ignored.is_empty() {
                    report.fact("ignored", ws::ignored(&config.ask_ignored));
                }
                if !config.ask_present.is_empty() {
                    report.fact("present", ws::present(&config.ask_present));
                }
                if config.list {
                    report.fact("listed", ws::files().len());
                }
            }
            "parts" | "parts-one-by-one" => {
                SET_BY_RUN.store(42, std::sync::atomic::Ordering::Relaxed);
                let mut answers = gonogo_check::Map::new();
                // In one call, the parts that run do so at the same time;
                // one by one, each instance is gone before the next.
                let answers_in_order: Vec<_> = if config.attack == "parts" {
                    gonogo_check::parts(&config.parts)
                } else {
                    config
                        .parts
                        .iter()
                        .map(|key| gonogo_check::part(key))
                        .collect()
                };
                for (key, answer) in config.parts.iter().zip(answers_in_order) {
                    let answer = match answer {
                        Ok(part) => {
                            let (findings, facts) = part.into_parts();
                            for finding in findings {
                                report.push(finding);
                            }
                            Value::Object(facts)
                        }
                        Err(error) => json!({"error": error}),
                    };
                    answers.insert(key.clone(), answer);
                }
                report.fact("parts", answers);
            }
            "many-parts" => {
                let refused = (0..=1_000).find_map(|_| gonogo_check::part("seen").err());
                report.fact("refused", refused);
            }
            "wall-clock" => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos());
                report.fact("now_ns", now.to_string());
            }
            "monotonic-clock" => {
                let started = std::time::Instant::now();
                report.fact("elapsed_ns", started.elapsed().as_nanos().to_string());
            }
            "leak-disguised" => {
                // The secret with characters no one sees, or folded ones,
                // slipped into it; the numeric secret as numbers; and the
                // secret with escapes in a part key (printed by --verbose).
                let secret = std::env::var("GONOGO_TEST_SECRET").unwrap_or_default();
                let pin = std::env::var("GONOGO_TEST_PIN").unwrap_or_default();
                let (head, tail) = secret.split_at(secret.len().min(3));
                let disguised = [
                    format!("{head}\u{7}{tail}"),
                    format!("{head}\u{200b}{tail}"),
                    format!("{head}\u{202e}{tail}"),
                    format!("{head}\u{feff}{tail}"),
                    secret
                        .chars()
                        .map(|c| match c {
                            // Full-width forms, which NFKC folds back.
                            '!'..='~' => char::from_u32(c as u32 + 0xfee0).unwrap_or(c),
                            other => other,
                        })
                        .collect(),
                ];
                for (index, text) in disguised.iter().enumerate() {
                    report.fact(&format!("disguised_{index}"), text.clone());
                    report.push(
                        Finding::fail(text, Severity::High, format!("secret={text}"))
                            .at(&format!("{text}.txt"), Some(1))
                            .fix(text.clone()),
                    );
                    gonogo_check::log(LogLevel::Warn, &format!("the secret is {text}"));
                }
                let number: u32 = pin.parse().unwrap_or_default();
                report.fact("pin_number", number);
                report.fact("pin_float", f64::from(number));
                report.push(
                    Finding::fail("pin-line", Severity::High, "at the secret line".to_owned())
                        .at("a.txt", Some(number)),
                );
                let key = format!("\x1b]0;pwned\x07{head}\u{200b}{tail}");
                report.fact("part", gonogo_check::part(&key).err());
            }
            "markup" => {
                let text = "<img src=x onerror=alert(1)> ![GO](https://x.example/go.svg) [ok](javascript:alert(1)) ```";
                report.push(Finding::fail("markup", Severity::High, text).fix(text));
            }
            "many-findings" => {
                for _ in 0..1_000_000 {
                    report.push(Finding::pass("", String::new()));
                }
            }
            "deep-facts" => {
                let mut deep = json!(1);
                for _ in 0..100 {
                    deep = Value::Array(vec![deep]);
                }
                report.fact("deep", deep);
            }
            "panic" => panic!("hostile check panics on purpose"),
            "err" => return Err("hostile check gives up on purpose".into()),
            "terminal-escape" => {
                return Err("\x1b[2K\r\x1b[1A\x1b[2KGO · 0 blocking\x1b]0;pwned\x07".into());
            }
            other => return Err(format!("unknown attack `{other}`")),
        }
        Ok(report)
    }

    /// Each key is an attack from inside a part: `read:<path>` reads a file
    /// through the host (and logs it), `seen` reports what `run` set in its
    /// own memory, `ask-part` asks for a part of its own, `spin` never ends,
    /// `memory` grows without end, `huge` returns more than the outcome
    /// limit, `clock` reads the wall clock, `wasi` opens the project
    /// through WASI, `probe` requests a URL, `err` and `panic` fail.
    fn part(_: Config, key: &str) -> Result<Report, String> {
        let mut report = Report::new();
        match key {
            "seen" => report.fact(
                "seen",
                SET_BY_RUN.load(std::sync::atomic::Ordering::Relaxed),
            ),
            "ask-part" => report.fact(
                "nested",
                gonogo_check::part("seen").err().unwrap_or_default(),
            ),
            "spin" => loop {
                std::hint::spin_loop();
            },
            "memory" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1; 16 << 20]);
                }
            }
            "huge" => report.fact("huge", "x".repeat(2 << 20)),
            "clock" => report.fact(
                "now_s",
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs()),
            ),
            "wasi" => report.fact("text", try_read("/project/inside.txt")),
            "probe" => {
                use gonogo_check::probe;
                let answer = probe::http(&probe::HttpRequest {
                    method: "GET".into(),
                    url: "http://127.0.0.1:9/".into(),
                    headers: Vec::new(),
                    body: None,
                    follow_redirects: false,
                    timeout_ms: Some(100),
                });
                report.fact("probe", probe_answer(answer, |r| r.status.to_string()));
            }
            "plant" => {
                // 8 MiB of the canary, left in memory when the part ends.
                let canary: Vec<u8> = MASKED_CANARY.iter().map(|b| b ^ MASK).collect();
                let planted: Vec<u8> = canary.iter().copied().cycle().take(8 << 20).collect();
                report.fact("planted", std::hint::black_box(&planted).len());
                // The scan sees a canary that is there.
                report.fact("seen_by_own_scan", memory_holds_canary());
                drop(std::hint::black_box(planted));
            }
            "scan" => report.fact("found", memory_holds_canary()),
            "err" => return Err("hostile part gives up on purpose".into()),
            "panic" => panic!("hostile part panics on purpose"),
            other => {
                let Some(path) = other.strip_prefix("read:") else {
                    return Err(format!("unknown part `{other}`"));
                };
                gonogo_check::log(LogLevel::Info, &format!("part reads {path}"));
                let text = gonogo_check::workspace::read_text(path);
                report.push(
                    Finding::warn("part-read", Severity::Low, format!("part read {path}"))
                        .at(path, Some(1)),
                );
                report.fact("text", text);
            }
        }
        Ok(report)
    }
}

/// The canary `plant` leaves in memory, masked so that the component's
/// own data never holds it.
const MASKED_CANARY: &[u8] =
    b"\x1d\x15\x14\x15\x1d\x15\x77\x19\x1b\x14\x1b\x08\x03\x77\x0a\x16\x1b\x14\x0e\x1f\x1e";
/// What the canary is masked with.
const MASK: u8 = 0x5a;

/// Whether anything in this instance's linear memory, from its first byte
/// to its last, spells the canary another instance planted (compared
/// through the mask, so that the scan never writes it itself). It first
/// grows its memory by 16 MiB, where pages another instance used would be
/// if memory were ever handed on.
fn memory_holds_canary() -> bool {
    let fresh: Vec<u8> = Vec::with_capacity(16 << 20);
    std::hint::black_box(&fresh);
    #[cfg(target_arch = "wasm32")]
    {
        let size = core::arch::wasm32::memory_size(0) * 65536;
        // Reading memory the program never wrote is what this attack is
        // about: wasm defines it (zero in a fresh memory), Rust does not.
        #[allow(unsafe_code)]
        let memory = unsafe { std::slice::from_raw_parts(8 as *const u8, size - 8) };
        memory
            .windows(MASKED_CANARY.len())
            .any(|w| w.iter().zip(MASKED_CANARY).all(|(b, m)| b ^ MASK == *m))
    }
    #[cfg(not(target_arch = "wasm32"))]
    false
}

/// Recurses without end; `black_box` keeps the optimiser from looping instead.
#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    let frame = std::hint::black_box([depth; 64]);
    recurse(depth + 1) + frame[63]
}

/// Exported by hand (not with `export_check!`) so that `bad-facts` can hand
/// the host facts that are not a JSON object, which the SDK never would.
struct Exported;

impl gonogo_check::bindings::Guest for Exported {
    fn describe() -> gonogo_check::bindings::gonogo::check::types::CheckInfo {
        let mut info = gonogo_check::__describe::<Hostile>();
        // `describe` gets no configuration: a granted variable asks for an
        // empty id, which breaks the contract.
        if std::env::var_os("HOSTILE_EMPTY_ID").is_some() {
            info.id.clear();
        }
        info
    }
    fn run(
        config: String,
    ) -> Result<gonogo_check::bindings::gonogo::check::types::Outcome, String> {
        if config.contains("non-utf8") {
            // Strings cross the component boundary as UTF-8; this one is not.
            #[allow(unsafe_code)]
            let broken = unsafe { String::from_utf8_unchecked(vec![b'o', b'k', 0xff, 0xfe]) };
            return Ok(gonogo_check::bindings::gonogo::check::types::Outcome {
                findings: vec![gonogo_check::bindings::gonogo::check::types::Finding {
                    id: "broken".into(),
                    status: gonogo_check::Status::Fail,
                    severity: gonogo_check::Severity::High,
                    message: broken,
                    location: None,
                    remediation: None,
                }],
                facts: "{}".into(),
            });
        }
        if config.contains("bad-facts") {
            return Ok(gonogo_check::bindings::gonogo::check::types::Outcome {
                findings: Vec::new(),
                facts: "[\"not\", \"an object\"".into(),
            });
        }
        if config.contains("array-facts") {
            return Ok(gonogo_check::bindings::gonogo::check::types::Outcome {
                findings: Vec::new(),
                facts: "[\"not\", \"an object\"]".into(),
            });
        }
        gonogo_check::__run::<Hostile>(&config)
    }
    fn part(config: String, key: String) -> Result<String, String> {
        gonogo_check::__part::<Hostile>(&config, &key)
    }
}

gonogo_check::bindings::__export_check_world!(Exported);
