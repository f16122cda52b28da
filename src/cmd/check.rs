//! `folio check`: everything `build` verifies, without writing a PDF.

use crate::ProjectArgs;
use folio::Options;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// Check photo resolution at this trim size: a4, a5 or WIDTHxHEIGHT in mm (as `build --trim`).
    #[arg(long, value_parser = folio::content::Trim::parse)]
    pub trim: Option<folio::content::Trim>,
    /// Output format: human-readable text, or JSON for tools.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> ExitCode {
    let Some(project) = super::open(&args.project.project, None) else {
        return ExitCode::from(2);
    };
    let session = super::session(project);
    let outcome = session.run(&Options {
        dry_run: true,
        trim: args.trim,
        ..Default::default()
    });
    let (errors, warnings) = (outcome.report.errors(), outcome.report.warnings());
    let failed = errors > 0 || (args.strict && warnings > 0);
    if args.format == Format::Json {
        let json = serde_json::json!({
            "ok": !failed,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": outcome.report.diagnostics,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        );
    } else {
        super::print_report(&outcome);
        let pages: Vec<String> = outcome
            .rendered
            .iter()
            .map(|r| format!("{} {} pages", r.kind.name(), r.document.pages().len()))
            .collect();
        eprintln!(
            "folio check: {errors} error(s), {warnings} warning(s){}{}",
            if pages.is_empty() {
                String::new()
            } else {
                format!("; {}", pages.join(", "))
            },
            if args.strict && warnings > 0 {
                " (--strict: warnings count as errors)"
            } else {
                ""
            }
        );
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
