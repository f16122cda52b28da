//! One module per subcommand; each turns its arguments into pipeline options and prints.

pub mod build;
pub mod check;
pub mod watch;

use folio::diag::{self, Diagnostic};
use folio::photos::PhotoProgress;
use folio::project::Project;
use folio::{Kind, Outcome, Session};
use indicatif::{ProgressBar, ProgressStyle};
use parking_lot::Mutex;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

pub fn kind(only: Option<crate::Only>) -> Option<Kind> {
    only.map(|o| match o {
        crate::Only::Brochure | crate::Only::Screen => Kind::Brochure,
        crate::Only::Slides | crate::Only::Pptx | crate::Only::Handout => Kind::Slides,
    })
}

/// The one file of the deck `--only` asks for, if it names one.
pub fn only_file(only: Option<crate::Only>) -> Option<folio::products::OutFile> {
    use folio::products::OutFile;
    match only? {
        crate::Only::Pptx => Some(OutFile::SlidesPptx),
        crate::Only::Handout => Some(OutFile::Handout),
        crate::Only::Screen => Some(OutFile::BrochureScreen),
        _ => None,
    }
}

/// Opens the project or prints why not.
pub fn open(project: &Path, out: Option<&Path>) -> Option<Project> {
    match Project::open(project, out) {
        Ok(p) => Some(p),
        Err(e) => {
            diag::emit(&Default::default(), &[Diagnostic::error(e)]);
            None
        }
    }
}

/// A session whose photo preparation shows a progress bar on a terminal, plain lines otherwise
/// (only for photos actually resampled, not those read back from the cache).
pub fn session(project: Project) -> Session {
    let mut session = Session::new(project);
    let tty = std::io::stderr().is_terminal();
    let bar: Arc<Mutex<Option<ProgressBar>>> = Arc::new(Mutex::new(None));
    session.progress = Arc::new(move |event| {
        let mut bar = bar.lock();
        match event {
            PhotoProgress::Queued(n) if tty => match bar.as_ref() {
                Some(b) => b.inc_length(n as u64),
                None => {
                    let b = ProgressBar::new(n as u64);
                    b.set_style(
                        ProgressStyle::with_template("  photos {bar:30} {pos}/{len} {wide_msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_bar()),
                    );
                    *bar = Some(b);
                }
            },
            PhotoProgress::Done { name, .. } if tty => {
                if let Some(b) = bar.as_ref() {
                    b.set_message(name.to_string());
                    b.inc(1);
                    if b.position() >= b.length().unwrap_or(0) {
                        b.finish_and_clear();
                        *bar = None;
                    }
                }
            }
            PhotoProgress::Done {
                name,
                resampled: true,
            } => eprintln!("  resampled photo {name}"),
            _ => {}
        }
    });
    session
}

/// Prints the diagnostics of a run: errors and warnings with their snippets.
pub fn print_report(outcome: &Outcome) {
    let mut diags = outcome.report.diagnostics.clone();
    // Errors last, so they are what stays on screen.
    diags.sort_by_key(|d| d.severity);
    diag::emit(&outcome.sources, &diags);
}
