//! One module per subcommand; each turns its arguments into pipeline options and prints.

pub mod build;
pub mod check;
pub mod watch;

use folio::diag::{self, Diagnostic};
use folio::project::Project;
use folio::{Kind, Outcome, Session};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;
use std::sync::{Arc, Mutex};

pub fn kind(only: Option<crate::Only>) -> Option<Kind> {
    only.map(|o| match o {
        crate::Only::Brochure => Kind::Brochure,
        crate::Only::Slides => Kind::Slides,
    })
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

/// A session whose photo preparation shows a progress bar on a terminal, plain lines otherwise.
pub fn session(project: Project) -> Session {
    let mut session = Session::new(project);
    let tty = std::io::stderr().is_terminal();
    let bar: Arc<Mutex<Option<ProgressBar>>> = Arc::new(Mutex::new(None));
    session.progress = Arc::new(move |total, name| {
        if !tty {
            eprintln!("  prepared photo {name}");
            return;
        }
        let mut bar = bar.lock().unwrap();
        let b = bar.get_or_insert_with(|| {
            let b = ProgressBar::new(total as u64);
            b.set_style(
                ProgressStyle::with_template("  photos {bar:30} {pos}/{len} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        });
        b.set_message(name.to_string());
        b.inc(1);
        if b.position() >= b.length().unwrap_or(0) {
            b.finish_and_clear();
            *bar = None;
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
