//! `--format json`: the report as pretty JSON (schema `gonogo.report/v1`).

use super::{Renderer, Report};
use std::io::{self, Write};

/// The JSON renderer.
pub struct Json;

impl Renderer for Json {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)
    }
}
