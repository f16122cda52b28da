//! The whole run, used by every command, in named steps: `check` the content, photos and fonts;
//! `render` the outputs (and read their pages); `finish` each output into its files in memory;
//! `write` them, only when everything succeeded. A failed run leaves `out/` untouched.

use crate::content::{self, Document, Trim};
use crate::diag::{Diagnostic, Report, SourceMap};
use crate::fonts::{self, Fonts};
use crate::output;
use crate::photos::{self, PhotoSet, Pixels};
use crate::print::{self, Geometry};
use crate::products::{Kind, OutFile};
use crate::project::Project;
use crate::render::data::{self, FontChains};
use crate::render::{Job, Rendered, Renderer, ScreenJob, flow, inspect};
use crate::unchanged::{self, Finishing};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to build and how; command-line flags override the content's settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub only: Option<Kind>,
    pub trim: Option<Trim>,
    pub no_marks: bool,
    pub impose: bool,
    /// Render but write nothing (`folio check`); the photo cache is read, not written.
    pub dry_run: bool,
    /// Skip flushing outputs to disk before renaming them into place, and free the versions
    /// they replace in the background (the watch loop).
    pub no_sync: bool,
    /// A plain PDF print file instead of PDF/X-4 (overrides `settings.pdfx`).
    pub no_pdfx: bool,
    /// A built-in profile name or an `.icc` file (overrides `settings.output_profile`).
    pub output_profile: Option<String>,
    /// Print photos separated into the output profile's CMYK (as `settings.cmyk_photos`).
    pub cmyk_photos: bool,
    /// No `slides.pptx` (overrides `settings.pptx`).
    pub no_pptx: bool,
    /// No `handout.pdf` (overrides `settings.handout`).
    pub no_handout: bool,
    /// No `brochure-screen.pdf` (overrides `settings.screen`).
    pub no_screen: bool,
    /// Of an output's files, only this one (`--only pptx|handout|screen`; `only` is then its
    /// output).
    pub only_file: Option<OutFile>,
    /// Also prepare the brochure's photos at screen resolution, for page images drawn from the
    /// pages (`watch --serve`).
    pub screen_photos: bool,
}

/// Told how photo preparation goes (a progress bar, or log lines).
pub type Progress = Arc<dyn Fn(photos::PhotoProgress) + Send + Sync>;

/// A long-lived build session: fonts and typst Worlds survive between builds (watch mode).
pub struct Session {
    pub project: Project,
    pub fonts: Arc<Fonts>,
    renderer: Renderer,
    memory: photos::Memory,
    pub progress: Progress,
    /// What this session last wrote for each output.
    written: unchanged::Memory,
}

/// The result of one run.
pub struct Outcome {
    pub sources: SourceMap,
    pub report: Report,
    /// Files written (unchanged files are not rewritten).
    pub written: Vec<PathBuf>,
    pub rendered: Vec<Rendered>,
    /// The photos the pages placed, prepared (for page images drawn from `rendered`).
    pub photos: Option<Arc<PhotoSet>>,
    /// The press the brochure is printed for (its colours, seen on screen).
    pub output_profile: Option<Arc<crate::profiles::OutputProfile>>,
    /// The brochure's trim, bleed and marks, as built.
    pub geometry: Option<Geometry>,
    pub timings: Timings,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    pub check: Duration,
    pub render: Duration,
    pub write: Duration,
    /// Of `write`, the time spent making `slides.pptx` and `handout.pdf` (zero when they
    /// were not made).
    pub pptx: Duration,
    pub handout: Duration,
}

/// The content, checked and ready to render.
struct Checked {
    doc: Document,
    photos: Arc<PhotoSet>,
    logo: Option<Vec<u8>>,
}

/// One output's files, finished in memory, and what finishing reported.
#[derive(Default)]
struct Finished {
    files: Vec<File>,
    diagnostics: Vec<Diagnostic>,
    /// Time spent making `slides.pptx` and `handout.pdf`.
    pptx: Duration,
    handout: Duration,
}

/// One file of an output, post-processed in memory and waiting to be written.
struct File {
    of: OutFile,
    path: PathBuf,
    bytes: output::Parts,
}

impl Session {
    pub fn new(project: Project) -> Session {
        let memory = photos::Memory::default();
        // The first run's reading (the content files parsed, the photos' headers and hashes)
        // happens beside the font discovery, which it does not need; both are kept in caches
        // keyed by what was read, so the run finds them ready and reports any problem itself.
        let fonts = std::thread::scope(|s| {
            s.spawn(|| read_ahead(&project, &memory));
            Fonts::discover(&project.font_dirs)
        });
        let renderer = Renderer::new(fonts.clone(), &project.layouts);
        output::remove_stale(&project.out);
        Session {
            project,
            fonts,
            renderer,
            memory,
            progress: Arc::new(|_| {}),
            written: Default::default(),
        }
    }

    /// The path of an output file in this session's output folder.
    pub fn path(&self, file: OutFile) -> PathBuf {
        self.project.out.join(file.file_name())
    }

    /// The data the last run handed `kind`'s layout (`/data.json`), e.g. to compile the same
    /// pages elsewhere.
    pub fn layout_data(&self, kind: Kind) -> Vec<u8> {
        self.renderer.data(kind).to_vec()
    }

    pub fn run(&self, opts: &Options) -> Outcome {
        let outcome = self.steps(opts);
        // typst's caches are trimmed once the files are written: at 200 pages this takes
        // 10-15 ms, which a save would otherwise wait for.
        self.renderer.evict();
        outcome
    }

    /// `run`'s steps, in order.
    fn steps(&self, opts: &Options) -> Outcome {
        let start = Instant::now();
        let mut outcome = Outcome {
            sources: SourceMap::default(),
            report: Report::default(),
            written: Vec::new(),
            rendered: Vec::new(),
            photos: None,
            output_profile: None,
            geometry: None,
            timings: Timings::default(),
        };
        let checked = self.check(opts, &mut outcome);
        outcome.timings.check = start.elapsed();
        let Some(checked) = checked else {
            return outcome;
        };

        let render_start = Instant::now();
        let settings = &checked.doc.settings;
        let finishing = Finishing {
            impose: opts.impose,
            geometry: self.geometry(&checked.doc, opts),
            pdfx: (settings.pdfx && !opts.no_pdfx).then(|| settings.output_profile.key()),
            print_pdf: opts.only_file.is_none(),
            screen: match opts.only_file {
                Some(f) => f == OutFile::BrochureScreen,
                None => settings.screen && !opts.no_screen,
            },
            deck_pdf: opts.only_file.is_none(),
            pptx: match opts.only_file {
                Some(f) => f == OutFile::SlidesPptx,
                None => settings.pptx && !opts.no_pptx,
            },
            handout: match opts.only_file {
                Some(f) => f == OutFile::Handout,
                None => settings.handout && !opts.no_handout,
            },
        };
        if finishing.pdfx.is_some() {
            // The profile's compression is needed only when the brochure is finished: do it
            // while the pages are laid out.
            let profile = settings.output_profile.clone();
            rayon::spawn(move || {
                profile.stored();
            });
        }
        // The build's date (a scan of the sources' times) is found once, by whichever output
        // needs it first.
        let date = std::sync::OnceLock::new();
        outcome.geometry = Some(finishing.geometry);
        self.render(&checked, opts, finishing, &date, &mut outcome);
        outcome.timings.render = render_start.elapsed();
        if outcome.report.has_errors() {
            return outcome;
        }

        let write_start = Instant::now();
        // Post-process everything in memory first: a failure here must not leave half the set.
        // The two outputs are finished side by side (the brochure's PDF/X update, the deck's
        // pptx), each from its own rendered output.
        let mut rendered = std::mem::take(&mut outcome.rendered);
        let finished: Vec<Finished> = {
            use rayon::prelude::*;
            rendered
                .par_iter_mut()
                .filter(|r| !r.unchanged)
                .map(|r| self.finish(r, &checked, finishing, &date))
                .collect()
        };
        outcome.rendered = rendered;
        let mut files: Vec<File> = Vec::new();
        for f in finished {
            files.extend(f.files);
            outcome.report.diagnostics.extend(f.diagnostics);
            outcome.timings.pptx += f.pptx;
            outcome.timings.handout += f.handout;
        }
        if !opts.dry_run && !outcome.report.has_errors() {
            self.write(&files, opts, &mut outcome);
            self.remember(&files, finishing, &outcome);
        }
        outcome.timings.write = write_start.elapsed();
        outcome
    }

    /// Content, fonts, photos and logo: everything that can be known before rendering.
    fn check(&self, opts: &Options, outcome: &mut Outcome) -> Option<Checked> {
        let loaded = content::load(&self.project);
        outcome.sources = loaded.sources;
        outcome.report = loaded.report;
        let mut doc = loaded.document?;
        let (sources, report) = (&outcome.sources, &mut outcome.report);
        if let Some(choice) = &opts.output_profile {
            match output_profile(choice) {
                Ok(p) => doc.settings.output_profile = p,
                Err(d) => report.push(*d),
            }
        }
        doc.settings.cmyk_photos |= opts.cmyk_photos;
        fonts::check_coverage(&doc, &self.fonts, sources, report);
        let cache = photos::cache::DiskCache::new(Some(self.project.cache_dir()), !opts.dry_run);
        let photos = Arc::new(PhotoSet::load(
            &doc,
            sources,
            report,
            cache,
            self.memory.clone(),
        ));
        let logo = doc
            .logo
            .as_ref()
            .and_then(|path| match std::fs::read(path) {
                Ok(b) => Some(b),
                Err(e) => {
                    report.push(Diagnostic::error(format!(
                        "cannot read the logo {}: {e}",
                        path.display()
                    )));
                    None
                }
            });
        (!report.has_errors()).then_some(Checked { doc, photos, logo })
    }

    /// Renders the outputs asked for, on two threads, and reads their pages for what a print
    /// shop would refuse (`render::inspect`).
    fn render(
        &self,
        c: &Checked,
        opts: &Options,
        finishing: Finishing,
        date: &std::sync::OnceLock<time::OffsetDateTime>,
        outcome: &mut Outcome,
    ) {
        let kinds: Vec<Kind> = match opts.only {
            Some(k) => vec![k],
            None => Kind::ALL.to_vec(),
        };
        let geometry = finishing.geometry;
        let sizes: Vec<Pixels> = c
            .photos
            .sources
            .iter()
            .map(|s| Pixels {
                width: s.probe.width,
                height: s.probe.height,
            })
            .collect();
        let chains = FontChains {
            body: self.fonts.chain(&c.doc.settings.body_font),
            heading: self.fonts.chain(&c.doc.settings.heading_font),
        };
        let inputs = data::Inputs {
            doc: &c.doc,
            geometry,
            fonts: &chains,
            has_logo: c.logo.is_some(),
            sizes: &sizes,
        };
        let step: &(dyn Fn(photos::PhotoProgress) + Sync) = &*self.progress;
        self.renderer.set_theme(&c.doc.settings.theme);
        // The flow plan the last run settled on: the brochure is then usually laid out once.
        let plan_file = self.project.cache_dir().join("flow-plan.json");
        let plan_before = self.renderer.plan_json();
        if plan_before == flow::Plan::default().to_json()
            && let Ok(saved) = std::fs::read(&plan_file)
        {
            self.renderer.restore_plan(&saved);
        }
        // Each output's data is written on its own thread (at 200 pages, 2-3 ms each).
        use rayon::prelude::*;
        let jobs: Vec<Job> = kinds
            .par_iter()
            .map(|&kind| Job {
                kind,
                data: data::build(&inputs, kind),
                unless_unchanged: (!opts.dry_run)
                    .then(|| self.written.still_written(kind, &finishing))
                    .flatten(),
                pdf: match kind {
                    Kind::Brochure => finishing.print_pdf || finishing.impose,
                    Kind::Slides => finishing.deck_pdf,
                },
                screen: (kind == Kind::Brochure && finishing.screen).then(|| ScreenJob {
                    alts: c.doc.photos.iter().map(|p| p.alt_text()).collect(),
                    profile: c.doc.settings.output_profile.clone(),
                    date: *date
                        .get_or_init(|| print::pdfx::build_date(|| self.sources_changed(&c.doc))),
                    title: c.doc.title.clone(),
                    lang: c.doc.language.clone(),
                    region: c.doc.region.clone(),
                }),
                screen_photos: kind == Kind::Brochure && opts.screen_photos,
                // Text wholly beyond the bleed (a printer's slug line) is not checked.
                guard_bleed: match kind {
                    Kind::Brochure => geometry.bleed * print::MM,
                    Kind::Slides => 0.0,
                },
            })
            .collect();
        let rendered = self
            .renderer
            .render_all(jobs, c.photos.clone(), c.logo.clone(), step);
        outcome.photos = Some(c.photos.clone());
        outcome.output_profile = Some(c.doc.settings.output_profile.clone());
        let plan_after = self.renderer.plan_json();
        if !opts.dry_run && plan_after != plan_before {
            // Only a cache: a plan not written costs a layout next time.
            let _ = std::fs::create_dir_all(self.project.cache_dir())
                .and_then(|_| std::fs::write(&plan_file, &plan_after));
        }
        for r in rendered {
            match r {
                Ok(mut out) => {
                    let findings = std::mem::take(&mut out.findings);
                    if !findings.is_empty() {
                        keep_rejected(&out);
                    }
                    let report = &mut outcome.report;
                    let pages = out.document.pages().len();
                    if out.kind == Kind::Brochure && !pages.is_multiple_of(4) {
                        // The layout pads to a multiple of four; a page that overflowed would
                        // break the count and the stapled brochure.
                        report.push(
                            Diagnostic::error(format!(
                                "the brochure came out with {pages} pages, not a multiple of 4, so it cannot be saddle-stitched"
                            ))
                            .hint("this is a layout bug: report it with your content; FOLIO_KEEP_REJECTED=DIR keeps the pages to look at"),
                        );
                        keep_rejected(&out);
                    }
                    report.diagnostics.extend(out.warnings.iter().cloned());
                    // The screen edition is made from these pages: when the guard refused them,
                    // what it says explains the screen edition's errors too.
                    if let Err(errors) = &out.screen
                        && findings.is_empty()
                    {
                        report.diagnostics.extend(errors.iter().cloned());
                    }
                    report.diagnostics.extend(inspect::diagnose(
                        &findings,
                        out.kind.name(),
                        &c.doc,
                        &outcome.sources,
                    ));
                    outcome.rendered.push(out);
                }
                Err(errors) => outcome.report.diagnostics.extend(errors),
            }
        }
    }

    /// The files of one output, post-processed in memory. The PDF moves out of the rendered
    /// output rather than being copied: at scale it is ~150 MB.
    fn finish(
        &self,
        out: &mut Rendered,
        checked: &Checked,
        finishing: Finishing,
        date: &std::sync::OnceLock<time::OffsetDateTime>,
    ) -> Finished {
        let doc = &checked.doc;
        let date = || *date.get_or_init(|| print::pdfx::build_date(|| self.sources_changed(doc)));
        let pdf = std::mem::take(&mut out.pdf);
        let screen = std::mem::replace(&mut out.screen, Ok(Vec::new())).unwrap_or_default();
        let mut done = Finished::default();
        let file = |of: OutFile, bytes: output::Parts| File {
            of,
            path: self.path(of),
            bytes,
        };
        let report = &mut done.diagnostics;
        // The photos go into the PDFs' slots here, in the same update as the print finishing.
        let splice = photos::slot::Splice {
            photos: &checked.photos,
        };
        done.files = match out.kind {
            Kind::Brochure => {
                let mut files = Vec::new();
                if finishing.screen {
                    match print::update::apply(screen, &splice) {
                        Ok(pdf) => files.push(file(OutFile::BrochureScreen, pdf)),
                        Err(e) => report.push(photo_error(e)),
                    }
                }
                if !(finishing.print_pdf || finishing.impose) {
                    done.files = files;
                    return done;
                }
                let geometry = finishing.geometry;
                let identity = format!("{}\n{}\nbrochure", doc.title, doc.organisation);
                let pdfx = finishing.pdfx.map(|_| print::pdfx::PdfX {
                    profile: &doc.settings.output_profile,
                    title: &doc.title,
                    author: &doc.organisation,
                    date: date(),
                    document_id: print::pdfx::uuid(blake3::hash(identity.as_bytes()).as_bytes()),
                    // From typst's own file identifier (a hash of what it wrote): the same
                    // from run to run for the same pages, and cheaper than hashing megabytes.
                    instance_id: print::pdfx::uuid(
                        blake3::hash(print::update::trailer_id(&pdf).unwrap_or(&pdf)).as_bytes(),
                    ),
                });
                let bleed = geometry.bleed * print::MM;
                let pdf = match print::finish::print_file(pdf, bleed, pdfx.as_ref(), &splice) {
                    Ok(pdf) => pdf,
                    Err(e) => {
                        report.push(Diagnostic::error(format!("print finishing failed: {e}")));
                        return done;
                    }
                };
                if finishing.impose {
                    match print::impose::saddle(&pdf.to_vec(), &geometry) {
                        Ok(imposed) => files.push(file(OutFile::BrochureImposed, imposed.into())),
                        Err(e) => report.push(Diagnostic::error(format!("imposition failed: {e}"))),
                    }
                }
                if finishing.print_pdf {
                    files.push(file(OutFile::Brochure, pdf));
                }
                files
            }
            Kind::Slides => {
                let mut files = Vec::new();
                let notes = crate::notes::per_page(&out.document);
                if finishing.pptx {
                    let started = Instant::now();
                    let date = date()
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default();
                    match crate::pptx::pptx(&out.document, &checked.photos, doc, &notes, date) {
                        Ok(bytes) => files.push(file(OutFile::SlidesPptx, bytes.into())),
                        Err(e) => report.push(Diagnostic::error(format!(
                            "slides.pptx could not be written: {e}"
                        ))),
                    }
                    done.pptx = started.elapsed();
                }
                if finishing.handout {
                    let started = Instant::now();
                    let data = data::handout(&self.renderer.data(Kind::Slides), &notes);
                    match self.renderer.handout(data, &out.document) {
                        Ok(bytes) => match print::update::apply(bytes, &splice) {
                            Ok(bytes) => files.push(file(OutFile::Handout, bytes)),
                            Err(e) => report.push(photo_error(e)),
                        },
                        Err(errors) => report.extend(errors),
                    }
                    done.handout = started.elapsed();
                }
                if finishing.deck_pdf {
                    match print::update::apply(pdf, &splice) {
                        Ok(pdf) => files.push(file(OutFile::Slides, pdf)),
                        Err(e) => report.push(photo_error(e)),
                    }
                    files.push(file(
                        OutFile::SlidesNotes,
                        crate::notes::pdfpc(&notes).into(),
                    ));
                }
                files
            }
        };
        done
    }

    /// Writes the files that changed, in parallel, each through a temporary file and a rename.
    fn write(&self, files: &[File], opts: &Options, outcome: &mut Outcome) {
        use rayon::prelude::*;
        let results: Vec<_> = files
            .par_iter()
            .map(|f| {
                let result = output::write_if_changed(&f.path, &f.bytes, !opts.no_sync);
                (&f.path, result)
            })
            .collect();
        for (path, result) in results {
            match result {
                Ok(true) => outcome.written.push(path.clone()),
                Ok(false) => {}
                Err(e) => outcome.report.push(
                    Diagnostic::error(format!("cannot write {}: {e}", path.display()))
                        .hint("check the output folder exists and is writable, and that the disk is not full"),
                ),
            }
        }
    }

    /// Records what was written; after a failed write nothing is known for sure.
    fn remember(&self, files: &[File], finishing: Finishing, outcome: &Outcome) {
        if outcome.report.has_errors() {
            self.written.forget();
            return;
        }
        for r in outcome.rendered.iter().filter(|r| !r.unchanged) {
            let paths: Vec<&std::path::Path> = files
                .iter()
                .filter(|f| f.of.kind() == r.kind)
                .map(|f| f.path.as_path())
                .collect();
            self.written.remember(r.kind, r.hash, finishing, &paths);
        }
    }

    /// When the newest of the brochure's sources changed: content, captions, photos, logo and
    /// layouts.
    fn sources_changed(&self, doc: &Document) -> Option<std::time::SystemTime> {
        let p = &self.project;
        let files_in = |dir: &std::path::Path| {
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .collect::<Vec<_>>()
        };
        let mut files = files_in(&p.content);
        files.push(p.photos.join("captions.yaml"));
        files.extend(doc.photos.iter().map(|ph| ph.path.clone()));
        files.extend(doc.logo.iter().cloned());
        for dir in &p.layouts {
            files.extend(files_in(dir));
        }
        files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok()?.modified().ok())
            .max()
    }

    fn geometry(&self, doc: &Document, opts: &Options) -> Geometry {
        Geometry {
            trim: opts.trim.unwrap_or(doc.settings.trim),
            bleed: doc.settings.bleed_mm,
            marks: doc.settings.crop_marks && !opts.no_marks,
        }
    }
}

/// Reads what a run will read first, into the caches it looks in: the content files' parses
/// (`content::yaml`) and the photos' headers and hashes (`memory`). What it finds wrong is left
/// for the run to report.
fn read_ahead(project: &Project, memory: &photos::Memory) {
    let loaded = content::load(project);
    if let Some(doc) = loaded.document {
        let cache = photos::cache::DiskCache::new(None, false);
        let mut report = Report::default();
        PhotoSet::load(&doc, &loaded.sources, &mut report, cache, memory.clone());
    }
}

/// For layout developers: with `FOLIO_KEEP_REJECTED=DIR`, pages the guard refused are written
/// to `DIR/<output>.pdf` (never to `out/`) so they can be looked at.
fn keep_rejected(r: &Rendered) {
    if let Some(dir) = std::env::var_os("FOLIO_KEEP_REJECTED") {
        let path = std::path::Path::new(&dir).join(format!("{}.pdf", r.kind.name()));
        if let Err(e) = output::write_atomic(&path, &r.pdf, false) {
            eprintln!("cannot keep the rejected pages in {}: {e}", path.display());
        }
    }
}

/// `--output-profile`: a built-in name, or a profile file (relative to the current folder).
fn output_profile(choice: &str) -> Result<Arc<crate::profiles::OutputProfile>, Box<Diagnostic>> {
    use crate::profiles::output;
    if let Some(p) = output::builtin(choice) {
        return Ok(p);
    }
    let names = output::builtin_names().join(", ");
    let path = std::path::Path::new(choice);
    if !path.is_file() {
        let d = Diagnostic::error(format!(
            "--output-profile {choice}: no such profile or file"
        ))
        .hint(format!(
            "write one of: {names}; or the path of an .icc file"
        ));
        return Err(Box::new(d));
    }
    output::from_file(path).map(Arc::new).map_err(|e| {
        let d = Diagnostic::error(format!("--output-profile {choice} cannot be used: {e}")).hint(
            format!(
                "ask the print shop for their CMYK output profile (.icc), or use one of: {names}"
            ),
        );
        Box::new(d)
    })
}

/// A photo that could not be written into a PDF (a bug: the PDF is not written).
fn photo_error(e: String) -> Diagnostic {
    Diagnostic::error(format!("the photos could not be placed in the PDF: {e}"))
        .hint("this is a bug in folio; please report it with the project")
}
