//! Where reports go: the terminal (`--format`) and any number of files
//! (`--report FORMAT=PATH`), all rendered from the same report.

use crate::report::{Format, RenderOptions, Report};
use clap::ValueEnum;
use std::io::Write;
use std::path::PathBuf;

/// One `--report FORMAT=PATH`.
#[derive(Debug, Clone)]
pub struct ReportTarget {
    /// The format.
    pub format: Format,
    /// The file (`-` for standard output).
    pub path: PathBuf,
}

/// Parses `FORMAT=PATH`.
pub fn parse_report_target(text: &str) -> Result<ReportTarget, String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=PATH (e.g. `sarif=gonogo.sarif`), got `{text}`"))?;
    let format = Format::from_str(format, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_owned()))
            .collect();
        format!("unknown format `{format}` (formats: {})", names.join(", "))
    })?;
    if path.is_empty() {
        return Err(format!("no path after `{text}`"));
    }
    Ok(ReportTarget {
        format,
        path: PathBuf::from(path),
    })
}

/// Renders the report to the terminal in `format`, then to every target.
pub fn write_all(
    report: &Report,
    format: Format,
    targets: &[ReportTarget],
    options: &RenderOptions,
) -> Result<(), String> {
    let mut stdout = anstream::stdout();
    match format.renderer(options).render(report, &mut stdout) {
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(format!("cannot write the report: {error}"));
        }
        _ => {}
    }
    for target in targets {
        let mut buffer = Vec::new();
        target
            .format
            .renderer(options)
            .render(report, &mut buffer)
            .map_err(|e| format!("cannot render the {:?} report: {e}", target.format))?;
        if target.path.as_os_str() == "-" {
            let _ = std::io::stdout().write_all(&buffer);
            continue;
        }
        // `$GITHUB_STEP_SUMMARY` and friends are appended to, as CI expects.
        let append = matches!(target.format, Format::Markdown);
        let result = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(&target.path)
            .and_then(|mut file| file.write_all(&buffer));
        result.map_err(|e| format!("cannot write `{}`: {e}", target.path.display()))?;
    }
    Ok(())
}

/// The schema of the JSON written when the pack does not load.
pub const PACK_ERRORS_SCHEMA: &str = "gonogo.pack-errors/v1";

/// When the pack does not load, programs reading JSON (`--format json`,
/// `--report json=PATH`) get its problems, with their codes, instead of a
/// report; the other formats get nothing (the problems are on stderr).
pub fn write_pack_errors(
    pack: &str,
    error: &crate::policy::PolicyError,
    format: Format,
    targets: &[ReportTarget],
) -> Result<(), String> {
    let document = serde_json::json!({
        "schema": PACK_ERRORS_SCHEMA,
        "gonogo_version": env!("CARGO_PKG_VERSION"),
        "pack": pack,
        "decision": "error",
        "pack_errors": error.diagnostics.iter().map(|d| d.to_json()).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_vec_pretty(&document).map_err(|e| e.to_string())?;
    text.push(b'\n');
    if format == Format::Json {
        let _ = std::io::stdout().write_all(&text);
    }
    for target in targets.iter().filter(|t| t.format == Format::Json) {
        if target.path.as_os_str() == "-" {
            let _ = std::io::stdout().write_all(&text);
            continue;
        }
        std::fs::write(&target.path, &text)
            .map_err(|e| format!("cannot write `{}`: {e}", target.path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_targets_parse_or_explain() {
        let target = parse_report_target("SARIF=out/gonogo.sarif").expect("parses");
        assert_eq!(target.format, Format::Sarif);
        assert_eq!(target.path, PathBuf::from("out/gonogo.sarif"));
        assert!(
            parse_report_target("sarif")
                .unwrap_err()
                .contains("expected FORMAT=PATH")
        );
        assert!(
            parse_report_target("pdf=x")
                .unwrap_err()
                .contains("formats: human, json, sarif, junit, markdown")
        );
        assert!(
            parse_report_target("json=")
                .unwrap_err()
                .contains("no path")
        );
    }
}
