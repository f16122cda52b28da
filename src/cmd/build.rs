//! `folio build`: check, render, write.

use crate::ProjectArgs;
use folio::Options;
use folio::content::Trim;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub output: crate::OutputArgs,
    /// Brochure trim size: a4, a5 or WIDTHxHEIGHT in millimetres (overrides settings.trim).
    #[arg(long, value_parser = Trim::parse)]
    pub trim: Option<Trim>,
    /// Leave crop marks off the brochure (the bleed stays).
    #[arg(long)]
    pub no_marks: bool,
    /// Also write out/brochure-imposed.pdf: printer's spreads for saddle stitching.
    #[arg(long, value_enum)]
    pub impose: Option<Impose>,
    /// Write the print file as a plain PDF, not PDF/X-4 (overrides settings.pdfx).
    #[arg(long)]
    pub no_pdfx: bool,
    /// The printing condition: fogra39 (default), fogra52, gracol2013, japancolor2011, or a
    /// print shop's .icc file (overrides settings.output_profile).
    #[arg(long, value_name = "NAME|FILE")]
    pub output_profile: Option<String>,
    /// Convert the brochure's photos to the output profile's CMYK (as settings.cmyk_photos).
    #[arg(long)]
    pub cmyk_photos: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Impose {
    /// Pages paired on sheets twice their size, in saddle-stitch order.
    Saddle,
}

pub fn run(args: Args) -> ExitCode {
    let Some(project) = super::open(&args.project.project, args.output.out.as_deref()) else {
        return ExitCode::from(2);
    };
    let opened = std::time::Instant::now();
    let session = super::session(project);
    let opened = opened.elapsed();
    let opts = Options {
        only: super::kind(args.output.only),
        trim: args.trim,
        no_marks: args.no_marks,
        impose: args.impose.is_some(),
        dry_run: false,
        no_sync: false,
        no_pdfx: args.no_pdfx,
        output_profile: args.output_profile,
        cmyk_photos: args.cmyk_photos,
        no_pptx: args.output.no_pptx,
        no_handout: args.output.no_handout,
        no_screen: args.output.no_screen,
        only_file: super::only_file(args.output.only),
        screen_photos: false,
    };
    let started = std::time::Instant::now();
    let outcome = session.run(&opts);
    if std::env::var_os("FOLIO_DEBUG_TIMES").is_some() {
        // For folio's developers: where a build's time goes.
        eprintln!("fonts found in {opened:?}; {:?}", outcome.timings);
    }
    super::print_report(&outcome);
    if outcome.report.has_errors() {
        eprintln!(
            "folio: {} error(s); nothing was written, the previous PDFs in {} are unchanged",
            outcome.report.errors(),
            session.project.display_path(&session.project.out).display()
        );
        return ExitCode::FAILURE;
    }
    let main_pdfs: Vec<_> = outcome
        .rendered
        .iter()
        .map(|r| session.path(opts.only_file.unwrap_or(r.kind.pdf())))
        .collect();
    for (r, path) in outcome.rendered.iter().zip(&main_pdfs) {
        let state = if outcome.written.contains(path) {
            "wrote"
        } else {
            "unchanged"
        };
        let pages = match opts.only_file {
            // The file is not the laid-out output itself (a pptx, the handout).
            Some(_) => String::new(),
            None => format!(" ({} pages)", r.document.pages().len()),
        };
        eprintln!(
            "{state} {}{pages}",
            session.project.display_path(path).display()
        );
    }
    // The other files (notes, imposed sheets): named when written.
    for p in outcome.written.iter().filter(|p| !main_pdfs.contains(p)) {
        eprintln!("wrote {}", session.project.display_path(p).display());
    }
    eprintln!(
        "done in {:.2} s ({} warning(s))",
        started.elapsed().as_secs_f64(),
        outcome.report.warnings()
    );
    ExitCode::SUCCESS
}
