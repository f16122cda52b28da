//! `folio watch`: one long-lived session; every saved change re-renders, incrementally.
//! A broken save prints its error and keeps the last good PDFs; Ctrl-C exits cleanly.

use crate::ProjectArgs;
use folio::preview::{Preview, server};
use folio::{Options, Session};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub output: crate::OutputArgs,
    /// Longest wait for a burst of changes to end before re-rendering, in milliseconds. A
    /// burst ends sooner: 2 ms after a file is complete (closed after writing, or renamed into
    /// place, as editors save), or after 10 ms without events.
    #[arg(long, default_value_t = 50)]
    pub debounce_ms: u64,
    /// Also serve a live preview of the pages and a presenter view to the browser (the
    /// address is printed).
    #[arg(long)]
    pub serve: bool,
    /// The preview's port; 0 picks a free one.
    #[arg(long, default_value_t = 7878, requires = "serve")]
    pub port: u16,
    /// The address the preview listens on. The default answers this computer only; 0.0.0.0
    /// lets other computers on the network see the pages.
    #[arg(long, default_value = "127.0.0.1", requires = "serve")]
    pub host: String,
}

/// How long without events ends a burst of them.
const QUIET: Duration = Duration::from_millis(10);
/// How long without events ends a burst once a file of the project is complete: what an
/// editor does right after saving (a permission change, a backup's removal) comes within it.
const SETTLE: Duration = Duration::from_millis(2);

enum Event {
    /// Paths changed; `complete` when the event says a file is whole (closed after writing,
    /// or renamed into place): a copy still in progress sends only data events.
    Changed {
        paths: Vec<PathBuf>,
        complete: bool,
    },
    Stop,
}

/// Whether an event marks a file as whole.
fn completes(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
    matches!(
        kind,
        notify::EventKind::Access(AccessKind::Close(AccessMode::Write))
            | notify::EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    )
}

pub fn run(args: Args) -> ExitCode {
    let Some(project) = super::open(&args.project.project, args.output.out.as_deref()) else {
        return ExitCode::from(2);
    };
    let opts = Options {
        only: super::kind(args.output.only),
        no_pptx: args.output.no_pptx,
        // The handout is for the day of the meeting; at 430 slides it would add about a quarter
        // to every edit of the deck. `folio build` writes it.
        no_handout: true,
        // The screen edition is for publishing, and a second PDF export of the brochure:
        // `folio build` writes it (or `watch --only screen`).
        no_screen: true,
        only_file: super::only_file(args.output.only),
        no_sync: true,
        // The preview draws the brochure's photos at screen resolution.
        screen_photos: args.serve,
        ..Default::default()
    };
    let preview = if args.serve {
        let preview = Preview::new();
        match server::start(&args.host, args.port, preview.clone()) {
            Ok(served) => {
                // A socket address displays as `ip:port`, an IPv6 one as `[ip]:port`.
                let url = format!("http://{}", served.addr);
                eprintln!("preview at {url}/ (presenter view: {url}/present)");
            }
            Err(e) => {
                eprintln!(
                    "folio: cannot serve the preview on {}:{}: {e}\n  help: another program may use the port: pick another with --port, or --port 0 for a free one",
                    args.host, args.port
                );
                return ExitCode::from(2);
            }
        }
        Some(preview)
    } else {
        None
    };
    let preview = preview.as_deref();
    let (tx, rx) = mpsc::channel::<Event>();
    let stop = tx.clone();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop.send(Event::Stop);
    }) {
        eprintln!("folio: cannot catch Ctrl-C: {e}");
    }
    let mut session = super::session(project);
    let watched = watched_dirs(&session);
    let events = tx.clone();
    let mut watcher =
        match notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            if let Ok(ev) = res {
                let complete = completes(&ev.kind);
                // Reads (and closing a file opened for reading) change nothing.
                if complete || !matches!(ev.kind, notify::EventKind::Access(_)) {
                    let _ = events.send(Event::Changed {
                        paths: ev.paths,
                        complete,
                    });
                }
            }
        }) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("folio: cannot watch files: {e}");
                return ExitCode::FAILURE;
            }
        };
    for dir in &watched {
        if let Err(e) = watcher.watch(dir, RecursiveMode::Recursive) {
            eprintln!("folio: cannot watch {}: {e}", dir.display());
        }
    }
    build(&session, &opts, preview, "first build");
    eprintln!("watching {} (Ctrl-C to stop)", list(&session, &watched));
    let longest = Duration::from_millis(args.debounce_ms);
    while let Ok(Event::Changed {
        paths: mut changed,
        complete,
    }) = rx.recv()
    {
        // Collect the burst of events one save makes: until 2 ms pass without one after a
        // project file is complete (10 ms before that), and no longer than `--debounce-ms`.
        let until = Instant::now() + longest;
        let mut whole = complete && changed.iter().any(|p| relevant(&session, p));
        loop {
            let left = until.saturating_duration_since(Instant::now());
            let quiet = if whole { SETTLE } else { QUIET };
            match rx.recv_timeout(left.min(quiet)) {
                Ok(Event::Changed { paths, complete }) => {
                    whole |= complete && paths.iter().any(|p| relevant(&session, p));
                    changed.extend(paths);
                }
                Ok(Event::Stop) => return stopped(),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return stopped(),
            }
        }
        changed.retain(|p| relevant(&session, p));
        changed.sort();
        changed.dedup();
        if changed.is_empty() {
            continue;
        }
        if changed
            .iter()
            .any(|p| session.project.font_dirs.iter().any(|d| p.starts_with(d)))
        {
            // New or removed fonts: rescan them (rare), keeping the project.
            session = super::session(session.project.clone());
        }
        let what = changed
            .iter()
            .map(|p| session.project.display_path(p).display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        build(&session, &opts, preview, &format!("{what} changed"));
    }
    stopped()
}

fn stopped() -> ExitCode {
    eprintln!("stopped");
    ExitCode::SUCCESS
}

fn watched_dirs(session: &Session) -> Vec<PathBuf> {
    let p = &session.project;
    let mut dirs = vec![p.content.clone(), p.photos.clone()];
    dirs.extend(p.layouts.iter().cloned());
    dirs.extend(p.font_dirs.iter().cloned());
    dirs.retain(|d| d.is_dir());
    dirs.dedup();
    dirs
}

fn list(session: &Session, dirs: &[PathBuf]) -> String {
    dirs.iter()
        .map(|d| session.project.display_path(d).display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Ignores the output folder, our own temporary files and editors' swap and backup files.
fn relevant(session: &Session, path: &Path) -> bool {
    if path.starts_with(&session.project.out) {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    !(name.starts_with(".folio-")
        || name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913")
}

/// One rebuild, reported in one line (plus the diagnostics of a broken save), and shown in
/// the preview when there is one.
fn build(session: &Session, opts: &Options, preview: Option<&Preview>, why: &str) {
    if let Some(p) = preview {
        p.building();
    }
    let start = Instant::now();
    let outcome = session.run(opts);
    let ms = start.elapsed().as_millis();
    report(&outcome, why, ms);
    if let Some(p) = preview {
        p.update(&outcome);
    }
}

fn report(outcome: &folio::Outcome, why: &str, ms: u128) {
    let clock = clock();
    if outcome.report.has_errors() {
        super::print_report(outcome);
        eprintln!(
            "[{clock}] {why}: {} error(s), kept the last good PDFs ({ms} ms)",
            outcome.report.errors()
        );
        return;
    }
    let warnings = outcome.report.warnings();
    if warnings > 0 && why == "first build" {
        super::print_report(outcome);
    }
    let written: Vec<String> = outcome
        .written
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let result = if written.is_empty() {
        "no output changed".to_string()
    } else {
        format!("rewrote {}", written.join(", "))
    };
    eprintln!("[{clock}] {why}: {result} in {ms} ms");
}

/// The local wall-clock time, as the person at the terminal reads it.
fn clock() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as libc::time_t)
        .unwrap_or(0);
    // SAFETY: localtime_r only writes the `tm` it is given; a zeroed `tm` is a valid value.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&now, &mut tm).is_null() {
            return format!(
                "{:02}:{:02}:{:02} UTC",
                now / 3600 % 24,
                now / 60 % 60,
                now % 60
            );
        }
        tm
    };
    format!("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec)
}

#[cfg(test)]
mod tests {
    use super::completes;
    use notify::EventKind;
    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind, RenameMode};

    #[test]
    fn a_file_is_complete_when_closed_after_writing_or_renamed_into_place() {
        // An editor's save (write a temporary file, rename it over the original) and a plain
        // write (open, write, close) both end with one of these.
        assert!(completes(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(completes(&EventKind::Modify(ModifyKind::Name(
            RenameMode::To
        ))));
        assert!(completes(&EventKind::Modify(ModifyKind::Name(
            RenameMode::Both
        ))));
        // A copy in progress: created, then written in pieces; not complete yet.
        assert!(!completes(&EventKind::Create(CreateKind::File)));
        assert!(!completes(&EventKind::Modify(ModifyKind::Data(
            DataChange::Content
        ))));
        assert!(!completes(&EventKind::Modify(ModifyKind::Name(
            RenameMode::From
        ))));
        assert!(!completes(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
    }
}
