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
    Slides,
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
    /// Render only one of the two outputs.
    #[arg(long, value_enum)]
    pub only: Option<Only>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(a) => cmd::build::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Watch(a) => cmd::watch::run(a),
    }
}
