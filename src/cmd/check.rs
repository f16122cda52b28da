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
    /// Check a PDF file (folio's or not) against the PDF/X-4 rules a print shop's prepress
    /// checks, instead of checking the project.
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<std::path::PathBuf>,
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> ExitCode {
    if let Some(pdf) = &args.pdf {
        return check_pdf(pdf, args.format);
    }
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

/// `folio check --pdf FILE`: the file's PDF/X-4 problems, or that it has none.
fn check_pdf(path: &std::path::Path, format: Format) -> ExitCode {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("folio: cannot read {}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let problems = folio::print::check::pdfx_problems(&bytes);
    if format == Format::Json {
        let json = serde_json::json!({ "ok": problems.is_empty(), "standard": "PDF/X-4", "problems": problems });
        println!("{json:#}");
    } else if problems.is_empty() {
        println!(
            "{}: meets the PDF/X-4 rules folio checks (version, output intent and CMYK profile, Info and XMP, page boxes, no DeviceRGB, no annotations over the page, no JavaScript, actions or embedded files)",
            path.display()
        );
    } else {
        for p in &problems {
            println!("{}: {p}", path.display());
        }
        eprintln!(
            "folio: {} is not PDF/X-4: {} problem(s)",
            path.display(),
            problems.len()
        );
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
