//! The whole run, used by every command: check the content, photos and fonts; render the
//! outputs; write them only when everything succeeded. A failed run leaves `out/` untouched.

use crate::content::{self, Document, Trim};
use crate::diag::{Diagnostic, Report, SourceMap};
use crate::fonts::{self, Fonts};
use crate::output;
use crate::photos::{self, PhotoSet};
use crate::print;
use crate::project::Project;
use crate::render::data::{self, Geometry, Kind};
use crate::render::{Rendered, Renderer, inspect};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// What to build and how; command-line flags override the content's settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub only: Option<Kind>,
    pub trim: Option<Trim>,
    pub no_marks: bool,
    pub impose: bool,
    /// Render but write nothing (`folio check`).
    pub dry_run: bool,
    /// Skip flushing outputs to disk before renaming them into place, and free the versions
    /// they replace in the background (the watch loop).
    pub no_sync: bool,
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
    written: Mutex<HashMap<Kind, Written>>,
}

/// One output as this session last wrote it. When a later run lays out the same pages and the
/// files are still as written, the output is neither exported nor written again: in watch mode
/// a change that only touches the brochure (the middle of a paragraph, say) re-exports only it.
struct Written {
    pages: u128,
    /// Everything besides the pages that shapes the files: imposition and the bleed.
    finishing: String,
    files: Vec<(PathBuf, Stamp)>,
}

/// A file's size and modification time, to notice a file changed or deleted by someone else.
type Stamp = (u64, Option<SystemTime>);

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()))
}

/// The result of one run.
pub struct Outcome {
    pub sources: SourceMap,
    pub report: Report,
    /// Files written (unchanged files are not rewritten).
    pub written: Vec<PathBuf>,
    pub rendered: Vec<Rendered>,
    pub timings: Timings,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    pub check: Duration,
    pub render: Duration,
    pub write: Duration,
}

impl Session {
    pub fn new(project: Project) -> Session {
        let fonts = Fonts::discover(&project.font_dirs);
        let renderer = Renderer::new(fonts.clone(), &project.layouts);
        output::remove_stale(&project.out);
        Session {
            project,
            fonts,
            renderer,
            memory: Default::default(),
            progress: Arc::new(|_| {}),
            written: Default::default(),
        }
    }

    pub fn run(&self, opts: &Options) -> Outcome {
        let start = Instant::now();
        let mut timings = Timings::default();
        let loaded = content::load(&self.project);
        let sources = loaded.sources;
        let mut report = loaded.report;
        let fail = |sources, report, timings| Outcome {
            sources,
            report,
            written: Vec::new(),
            rendered: Vec::new(),
            timings,
        };
        let Some(doc) = loaded.document else {
            timings.check = start.elapsed();
            return fail(sources, report, timings);
        };
        fonts::check_coverage(&doc, &self.fonts, &sources, &mut report);
        let cache = (!opts.dry_run).then(|| self.project.cache_dir());
        let photos = Arc::new(PhotoSet::load(
            &doc,
            &sources,
            &mut report,
            cache,
            self.memory.clone(),
        ));
        let logo = match &doc.logo {
            Some(path) => match std::fs::read(path) {
                Ok(b) => Some(b),
                Err(e) => {
                    report.push(Diagnostic::error(format!(
                        "cannot read the logo {}: {e}",
                        path.display()
                    )));
                    None
                }
            },
            None => None,
        };
        timings.check = start.elapsed();
        if report.has_errors() {
            return fail(sources, report, timings);
        }

        let render_start = Instant::now();
        let kinds: Vec<Kind> = match opts.only {
            Some(k) => vec![k],
            None => vec![Kind::Brochure, Kind::Slides],
        };
        let geometry = self.geometry(&doc, opts);
        let sizes: Vec<(u32, u32)> = photos
            .sources
            .iter()
            .map(|s| (s.probe.width, s.probe.height))
            .collect();
        let step: &(dyn Fn(photos::PhotoProgress) + Sync) = &*self.progress;
        let finishing = format!("{:?} {:?}", opts.impose, geometry);
        let chains = data::FontChains {
            body: self.fonts.chain(&doc.settings.body_font),
            heading: self.fonts.chain(&doc.settings.heading_font),
        };
        type Inspected = Result<(Rendered, Vec<inspect::Finding>), Vec<Diagnostic>>;
        let results: Vec<Inspected> = std::thread::scope(|s| {
            let handles: Vec<_> = kinds
                .iter()
                .map(|&kind| {
                    let data = data::build(&doc, kind, geometry, &chains, logo.is_some(), &sizes);
                    let (photos, logo) = (photos.clone(), logo.clone());
                    let unless = (!opts.dry_run)
                        .then(|| self.still_written(kind, &finishing))
                        .flatten();
                    // The pages are read for what a print shop would refuse on the same
                    // thread, while the other output renders.
                    let bleed_pt = match kind {
                        Kind::Brochure => geometry.bleed * print::MM,
                        Kind::Slides => 0.0,
                    };
                    s.spawn(move || {
                        let r = self
                            .renderer
                            .render(kind, data, photos, logo, unless, step)?;
                        let findings = inspect::inspect(&r.document, bleed_pt);
                        Ok((r, findings))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(vec![Diagnostic::error("the renderer crashed")]))
                })
                .collect()
        });
        self.renderer.evict();
        let mut rendered: Vec<Rendered> = Vec::new();
        for r in results {
            match r {
                Ok((out, findings)) => {
                    report.diagnostics.extend(out.warnings.iter().cloned());
                    let what = match out.kind {
                        Kind::Brochure => "brochure",
                        Kind::Slides => "slides",
                    };
                    report
                        .diagnostics
                        .extend(inspect::diagnose(&findings, what, &doc, &sources));
                    rendered.push(out);
                }
                Err(errors) => report.diagnostics.extend(errors),
            }
        }
        timings.render = render_start.elapsed();
        if report.has_errors() {
            return fail(sources, report, timings);
        }

        // Post-process everything in memory first: a failure here must not leave half the set.
        // The PDFs move out of `rendered` rather than being copied: at scale they are ~150 MB.
        let write_start = Instant::now();
        // Each file with the output it belongs to.
        let mut files: Vec<(Kind, PathBuf, Vec<u8>)> = Vec::new();
        for out in rendered.iter_mut().filter(|r| !r.unchanged) {
            let pdf = std::mem::take(&mut out.pdf);
            match out.kind {
                Kind::Brochure => {
                    match print::boxes::add_bleed_boxes(pdf, geometry.bleed * print::MM) {
                        Ok(pdf) => {
                            if opts.impose {
                                match print::impose::saddle(&pdf, &geometry) {
                                    Ok(imposed) => files.push((
                                        out.kind,
                                        self.project.out.join("brochure-imposed.pdf"),
                                        imposed,
                                    )),
                                    Err(e) => report
                                        .push(Diagnostic::error(format!("imposition failed: {e}"))),
                                }
                            }
                            files.push((out.kind, self.project.out.join("brochure.pdf"), pdf));
                        }
                        Err(e) => {
                            report.push(Diagnostic::error(format!("print finishing failed: {e}")))
                        }
                    }
                }
                Kind::Slides => {
                    files.push((out.kind, self.project.out.join("slides.pdf"), pdf));
                    files.push((
                        out.kind,
                        self.project.out.join("slides.pdfpc"),
                        crate::notes::pdfpc(&out.document),
                    ));
                }
            }
        }
        let mut written = Vec::new();
        if !opts.dry_run && !report.has_errors() {
            use rayon::prelude::*;
            let results: Vec<_> = files
                .par_iter()
                .map(|(_, path, bytes)| {
                    (path, output::write_if_changed(path, bytes, !opts.no_sync))
                })
                .collect();
            for (path, result) in results {
                match result {
                    Ok(true) => written.push(path.clone()),
                    Ok(false) => {}
                    Err(e) => report.push(
                        Diagnostic::error(format!("cannot write {}: {e}", path.display()))
                            .hint("check the output folder exists and is writable, and that the disk is not full"),
                    ),
                }
            }
        }
        if !opts.dry_run {
            self.remember(&rendered, &files, &finishing, report.has_errors());
        }
        timings.write = write_start.elapsed();
        Outcome {
            sources,
            report,
            written,
            rendered,
            timings,
        }
    }

    /// The pages hash of `kind` as last written, if its files are still exactly as written.
    fn still_written(&self, kind: Kind, finishing: &str) -> Option<u128> {
        let written = self.written.lock().unwrap();
        let w = written.get(&kind)?;
        let intact = w.finishing == finishing
            && w.files
                .iter()
                .all(|(path, s)| stamp(path).as_ref() == Some(s));
        intact.then_some(w.pages)
    }

    /// Records what was written; after a failed write nothing is known for sure.
    fn remember(
        &self,
        rendered: &[Rendered],
        files: &[(Kind, PathBuf, Vec<u8>)],
        finishing: &str,
        failed: bool,
    ) {
        let mut written = self.written.lock().unwrap();
        if failed {
            written.clear();
            return;
        }
        for r in rendered.iter().filter(|r| !r.unchanged) {
            let stamps: Option<Vec<_>> = files
                .iter()
                .filter(|(kind, _, _)| *kind == r.kind)
                .map(|(_, p, _)| Some((p.clone(), stamp(p)?)))
                .collect();
            match stamps {
                Some(files) => {
                    written.insert(
                        r.kind,
                        Written {
                            pages: r.hash,
                            finishing: finishing.to_string(),
                            files,
                        },
                    );
                }
                None => {
                    written.remove(&r.kind);
                }
            }
        }
    }

    fn geometry(&self, doc: &Document, opts: &Options) -> Geometry {
        let trim = opts.trim.unwrap_or(doc.settings.trim);
        Geometry {
            trim: (trim.width_mm, trim.height_mm),
            bleed: doc.settings.bleed_mm,
            marks: doc.settings.crop_marks && !opts.no_marks,
        }
    }
}
