//! The README's sample output is a real run: each of its lines, in order,
//! is a line of `gonogo check` over the misconfigured example (`…` stands
//! for lines left out; the commit differs between clones).

mod common;

const BAD: &str = "examples/shop-api-misconfigured";

/// The first code block of the README: the sample output.
fn sample() -> Vec<String> {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).expect("README");
    readme
        .split("```")
        .nth(1)
        .expect("a code block")
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

/// The commit in the header, which the README writes `1a2b3c4d5e6f`.
fn without_commit(line: &str) -> String {
    match (line.find(" @ "), line.find(") · environment")) {
        (Some(at), Some(end)) if at < end => format!("{}{}", &line[..at], &line[end..]),
        _ => line.to_owned(),
    }
}

/// `gonogo check` over the misconfigured example, in `format`.
fn run(format: &str) -> String {
    common::check_example(BAD, format, &[], 1)
}

#[test]
fn the_readme_sample_is_what_gonogo_prints() {
    let report = run("human");
    let mut printed = report.lines().map(without_commit);
    for line in sample().iter().filter(|l| l.as_str() != "…") {
        let wanted = without_commit(line);
        assert!(
            printed.any(|p| p == wanted),
            "the README's line is not printed (in this order):\n{wanted}"
        );
    }
}

#[test]
fn the_default_report_fits_on_two_screens_and_names_every_failure() {
    let report = run("human");
    assert!(
        report.lines().count() <= 120,
        "{} lines",
        report.lines().count()
    );
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("JSON");
    for rule in json["rules"].as_array().expect("rules") {
        if matches!(rule["status"].as_str(), Some("fail" | "error")) {
            let id = rule["id"].as_str().expect("id");
            assert!(
                report
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .any(|word| word == id),
                "`{id}` fails but is not named"
            );
        }
    }
}
