//! The `folio` command line: parses arguments and hands over to `folio::cmd`-style modules.

mod cmd;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

// A re-render at scale allocates and frees hundreds of megabytes of PDF buffers. glibc hands
// each one back to the kernel and the next build pays to fault in fresh zeroed pages; mimalloc
// reuses them (about 13% off the scale case's edit-to-PDF time, see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (the enum in its `mimalloc.h`, v3): how many milliseconds
/// freed memory is kept for reuse before it goes back to the system (1000 by default).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A one-shot build has no next build to keep memory for: freed memory goes back after 100 ms,
/// long enough to be reused between the steps of one build. This takes the sample's cold build
/// from about 450 MB to about 350 MB at its peak with no loss of time (0 ms: about 300 MB, but
/// warm builds slow down by half). `watch` keeps the default, so each re-render reuses the last
/// one's buffers. A `MIMALLOC_PURGE_DELAY` set by the user wins.
fn return_freed_memory_soon() {
    // SAFETY: mimalloc's options may only be set while no other thread allocates; this runs
    // first thing in `main`, before any thread is started.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 100) }
    // libjpeg-turbo allocates through the C library's malloc, whose threshold for giving large
    // blocks straight back to the system rises after the first is freed: the next photo's
    // buffers then stay in its heap. A fixed threshold returns each decode's megabytes when
    // it is done (the sample's cold build: about 50 MB lower at its peak).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: as above, before any thread exists; mallopt only sets a tuning parameter.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Turn YAML content and captioned photos into a print-ready PDF brochure and a 16:9 deck.
#[derive(Parser)]
#[command(name = "folio", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render out/brochure.pdf and out/slides.pdf (with out/slides.pdfpc speaker notes).
    ///
    /// Everything is checked first; on any error nothing in the output folder is touched.
    Build(cmd::build::Args),
    /// Check content, photos and fonts as `build` does, without writing any PDF.
    Check(cmd::check::Args),
    /// Build, then re-render whenever content/, photos/, layouts/ or fonts/ change.
    Watch(cmd::watch::Args),
}

/// Which output to render.
#[derive(Clone, Copy, ValueEnum)]
pub enum Only {
    Brochure,
    /// The deck: slides.pdf, slides.pdfpc and slides.pptx.
    Slides,
    /// Of the deck, only slides.pptx.
    Pptx,
    /// Of the deck, only handout.pdf.
    Handout,
    /// Of the brochure, only brochure-screen.pdf.
    Screen,
}

/// Project folder argument shared by the subcommands.
#[derive(clap::Args, Clone)]
pub struct ProjectArgs {
    /// The project folder (holding content/ and photos/); defaults to the current folder.
    #[arg(default_value = ".")]
    pub project: PathBuf,
}

/// Where outputs go and which, shared by `build` and `watch`.
#[derive(clap::Args, Clone)]
pub struct OutputArgs {
    /// Output folder (default: PROJECT/out).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Render only one of the two outputs (or, of the deck, only its .pptx or its handout; of
    /// the brochure, only its screen edition).
    #[arg(long, value_enum)]
    pub only: Option<Only>,
    /// Do not write out/slides.pptx (overrides settings.pptx).
    #[arg(long)]
    pub no_pptx: bool,
    /// Do not write out/handout.pdf (overrides settings.handout).
    #[arg(long)]
    pub no_handout: bool,
    /// Do not write out/brochure-screen.pdf (overrides settings.screen).
    #[arg(long)]
    pub no_screen: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Watch(_))
        && std::env::var_os("MIMALLOC_PURGE_DELAY").is_none()
    {
        return_freed_memory_soon();
    }
    match cli.command {
        Command::Build(a) => cmd::build::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Watch(a) => cmd::watch::run(a),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_we_mean() {
        // No other option defaults to 1000: a renumbering in a new mimalloc would show here.
        // SAFETY: reading an option; this test sets none.
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(get(super::MI_OPTION_PURGE_DELAY), 1000);
        }
    }
}
