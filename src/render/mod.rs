//! Rendering: content data + layouts → typst → PDF bytes (and, for the deck, speaker notes).
//!
//! A [`Renderer`] holds one long-lived World per output, so a re-render after an edit only
//! recomputes what the edit touched (typst's comemo cache is process-wide).

pub mod data;
pub mod flow;
pub mod frames;
pub mod inspect;
pub mod screen;
mod seeded;
pub mod world;

use crate::diag::Diagnostic;
use crate::fonts::Fonts;
use crate::photos::{PhotoSet, Request};
use crate::products::Kind;
use std::path::PathBuf;
use std::sync::Arc;
use typst::World;
use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::Smart;
use typst_layout::PagedDocument;
use world::FolioWorld;

/// The layout of the handout (`out/handout.pdf`).
pub const HANDOUT_LAYOUT: &str = "handout.typ";

/// How many times the brochure may be laid out again with a new flow plan.
const MAX_FLOW_ROUNDS: usize = 3;

pub struct Renderer {
    brochure: FolioWorld,
    slides: FolioWorld,
    /// The handout places the deck's pages; it is compiled after the deck.
    handout: FolioWorld,
    /// The brochure's flow plan, kept between renders (`flow`).
    plan: parking_lot::Mutex<flow::Plan>,
    /// The last layout of each output, whose page numbers and queries the next compile starts
    /// from (`seeded`).
    last_layouts: [parking_lot::Mutex<Option<PagedDocument>>; 2],
}

/// An output to render: its layout's data, and the hash of the pages already written for it.
pub struct Job {
    pub kind: Kind,
    pub data: Vec<u8>,
    pub unless_unchanged: Option<u128>,
    /// Export the output's own PDF (not when only a file made from its pages is wanted).
    pub pdf: bool,
    /// Of the brochure: also its screen edition.
    pub screen: Option<ScreenJob>,
    /// Prepare the photos at screen resolution too (the preview's page images), as the screen
    /// edition does.
    pub screen_photos: bool,
    /// The page guard (`inspect`) leaves alone text wholly this far beyond the trim (points;
    /// the bleed, where a printer's slug line goes).
    pub guard_bleed: f64,
}

/// What the screen edition needs besides the brochure's pages (`screen`).
pub struct ScreenJob {
    /// Each photo's alt text, by photo id.
    pub alts: Vec<String>,
    /// The press whose colours the screen shows.
    pub profile: Arc<crate::profiles::OutputProfile>,
    /// The document's date (PDF/A requires one): the print file's.
    pub date: time::OffsetDateTime,
    /// The document's title and language, for a layout that does not set them (PDF/UA
    /// requires both).
    pub title: String,
    pub lang: String,
    pub region: Option<String>,
}

/// Which PDFs an output's export makes, and the page guard's bleed.
#[derive(Clone, Copy)]
struct Wanted<'a> {
    pdf: bool,
    screen: Option<&'a ScreenJob>,
    guard_bleed: f64,
}

/// One rendered output.
pub struct Rendered {
    pub kind: Kind,
    pub document: PagedDocument,
    pub pdf: Vec<u8>,
    pub warnings: Vec<Diagnostic>,
    /// Time spent in typst's compiler (all passes) and in PDF export.
    pub compile: std::time::Duration,
    pub export: std::time::Duration,
    pub passes: usize,
    /// A hash of the laid-out pages: equal pages give an equal PDF.
    pub hash: u128,
    /// The pages hash to `unless_unchanged`: no PDF was exported (`pdf` is empty).
    pub unchanged: bool,
    /// The screen edition (`screen`), when asked for and the pages changed (else empty); its
    /// slots are filled like the print file's. Its errors do not discard the print file's
    /// pages: the page guard reads them first, and its findings explain most of them.
    pub screen: Result<Vec<u8>, Vec<Diagnostic>>,
    /// What the page guard found on the pages (read while the PDF exported).
    pub findings: Vec<inspect::Finding>,
}

impl Renderer {
    pub fn new(fonts: Arc<Fonts>, layouts: &[PathBuf]) -> Renderer {
        Renderer {
            brochure: FolioWorld::new(fonts.clone(), layouts.to_vec(), Kind::Brochure.layout()),
            slides: FolioWorld::new(fonts.clone(), layouts.to_vec(), Kind::Slides.layout()),
            handout: FolioWorld::new(fonts, layouts.to_vec(), HANDOUT_LAYOUT),
            plan: parking_lot::Mutex::new(flow::Plan::default()),
            last_layouts: Default::default(),
        }
    }

    fn world(&self, kind: Kind) -> &FolioWorld {
        match kind {
            Kind::Brochure => &self.brochure,
            Kind::Slides => &self.slides,
        }
    }

    /// Renders the outputs of `jobs` side by side, each exported as a PDF unless its pages hash
    /// to the job's `unless_unchanged`. Photos are slots in the layout (`photos::slot`); the
    /// photos all outputs asked for are prepared together while the PDFs export, so a photo is
    /// decoded once for every size any output needs. The caller writes them into the PDFs
    /// (`photos::slot::Splice`).
    pub fn render_all(
        &self,
        mut jobs: Vec<Job>,
        photos: Arc<PhotoSet>,
        logo: Option<Vec<u8>>,
        progress: &(dyn Fn(crate::photos::PhotoProgress) + Sync),
    ) -> Vec<Result<Rendered, Vec<Diagnostic>>> {
        for job in &mut jobs {
            let data = std::mem::take(&mut job.data);
            self.world(job.kind)
                .update(data, photos.clone(), logo.clone());
        }
        let debug = std::env::var_os("FOLIO_DEBUG_TIMES").is_some();
        if debug {
            let simd = if crate::photos::jpeg::simd() {
                "with"
            } else {
                "without"
            };
            eprintln!("render: libjpeg-turbo {simd} SIMD");
        }
        // Each output is laid out and exported on its own thread: the deck usually finishes
        // its layout first, and exports while the brochure is still being laid out. The
        // photos every output asked for are prepared together once all are laid out (a
        // photo's decode depends on all its frames), beside the exports, which need only
        // slots.
        let (asked, requests) = std::sync::mpsc::channel::<(usize, Vec<Request>)>();
        std::thread::scope(|s| {
            let handles: Vec<_> = jobs
                .iter()
                .enumerate()
                .map(|(i, job)| {
                    let asked = asked.clone();
                    let (kind, unless, photos) = (job.kind, job.unless_unchanged, &photos);
                    let wanted = Wanted {
                        pdf: job.pdf,
                        screen: job.screen.as_ref(),
                        guard_bleed: job.guard_bleed,
                    };
                    let screen_photos = job.screen_photos || job.screen.is_some();
                    s.spawn(move || {
                        let started = std::time::Instant::now();
                        let (compiled, passes) = self.lay_out(kind);
                        let compile = started.elapsed();
                        if debug {
                            eprintln!(
                                "render: {} laid out in {compile:?}, {passes} flow round(s)",
                                kind.name()
                            );
                        }
                        let mut used = Vec::new();
                        if compiled.is_ok() {
                            let placed = self.world(kind).used();
                            if screen_photos {
                                used.extend(screen::requests(&placed));
                            }
                            used.extend(placed);
                        }
                        let _ = asked.send((i, used));
                        drop(asked);
                        let (document, warnings) = compiled?;
                        let timing = (compile, passes);
                        self.export(kind, document, &warnings, photos, unless, wanted, timing)
                    })
                })
                .collect();
            drop(asked);
            let prepared = s.spawn(|| {
                // In the outputs' order, whichever finished first, so a build's bytes never
                // depend on which layout was quicker.
                let mut by_output: Vec<Vec<Request>> = vec![Vec::new(); jobs.len()];
                for (i, used) in requests {
                    by_output[i] = used;
                }
                let requests: Vec<Request> = by_output.concat();
                let started = std::time::Instant::now();
                let done = photos.prepare(&requests, progress);
                if debug {
                    eprintln!(
                        "render: {} photo requests ready in {:?}",
                        requests.len(),
                        started.elapsed()
                    );
                }
                done
            });
            let rendered: Vec<Result<Rendered, Vec<Diagnostic>>> = handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(vec![Diagnostic::error("the renderer crashed")]))
                })
                .collect();
            match prepared.join() {
                Ok(Ok(())) => rendered,
                Ok(Err(e)) => {
                    let error = Diagnostic::error(e.message).hint(e.hint);
                    rendered
                        .into_iter()
                        .map(|_| Err(vec![error.clone()]))
                        .collect()
                }
                Err(_) => rendered
                    .into_iter()
                    .map(|_| Err(vec![Diagnostic::error("photo preparation crashed")]))
                    .collect(),
            }
        })
    }

    /// `kind` laid out: typst's compile, and for the brochure again while its pages call for
    /// another flow plan. Also how many times it was laid out.
    #[allow(clippy::type_complexity)]
    fn lay_out(
        &self,
        kind: Kind,
    ) -> (
        Result<(PagedDocument, Vec<SourceDiagnostic>), Vec<Diagnostic>>,
        usize,
    ) {
        let world = self.world(kind);
        let mut passes = 0;
        let mut flow_rounds = 0;
        loop {
            passes += 1;
            world.begin();
            let last = self.last_layout(kind).lock().clone();
            let warned = seeded::compile(world, last.as_ref());
            let out = warned
                .output
                .map(|doc| (doc, warned.warnings.to_vec()))
                .map_err(|e| self.convert(world, &e));
            if let Ok((doc, _)) = &out {
                *self.last_layout(kind).lock() = Some(doc.clone());
                // The brochure is laid out again when its pages call for another flow plan.
                if kind == Kind::Brochure
                    && flow_rounds <= MAX_FLOW_ROUNDS
                    && self.replan(doc, flow_rounds == MAX_FLOW_ROUNDS)
                {
                    flow_rounds += 1;
                    continue;
                }
            }
            return (out, passes);
        }
    }

    /// Reads the flow markers of a laid-out brochure; when they call for another plan, sets it
    /// for the next compile and says so. `last`: the plan has not settled in the rounds
    /// allowed, so the brochure is laid out once more without one (photos float as typst
    /// places them), which is always a layout that fits.
    fn replan(&self, doc: &PagedDocument, last: bool) -> bool {
        let Some(facts) = flow::Facts::read(doc) else {
            return false;
        };
        let mut plan = self.plan.lock();
        let mut next = facts.plan(&plan);
        if std::env::var_os("FOLIO_DEBUG_FLOW").is_some() {
            eprintln!("flow: {facts:?}\n  {plan:?} -> {next:?}");
        }
        if next == *plan {
            return false;
        }
        if last {
            next = flow::Plan::default();
        }
        self.brochure.set_flow(next.to_json());
        *plan = next;
        true
    }

    /// An output's warnings from its laid-out pages, and its PDFs unless the pages hash to
    /// `unless_unchanged`. The screen edition is exported beside the print file.
    #[allow(clippy::too_many_arguments)]
    fn export(
        &self,
        kind: Kind,
        document: PagedDocument,
        typst_warnings: &[SourceDiagnostic],
        photos: &PhotoSet,
        unless_unchanged: Option<u128>,
        wanted: Wanted,
        (compile, passes): (std::time::Duration, usize),
    ) -> Result<Rendered, Vec<Diagnostic>> {
        let world = self.world(kind);
        let mut warnings = self.convert(world, typst_warnings);
        if kind == Kind::Slides {
            warnings.extend(frames::heavy_crops(&document, world, photos));
        }
        if kind == Kind::Brochure {
            warnings.extend(frames::low_resolution(
                &document,
                world,
                photos,
                kind.dpi() as f64,
            ));
        }
        // Cheap: typst caches the hash of every frame it did not lay out again.
        let hash = typst::utils::hash128(&document);
        let unchanged = unless_unchanged == Some(hash);
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(format!("folio-{}", kind.name())),
            standards: kind.pdf_standards(),
            tagged: kind.tagged(),
            ..Default::default()
        };
        let export_start = std::time::Instant::now();
        let (pdf, screen, findings) = std::thread::scope(|s| {
            let screen = wanted
                .screen
                .filter(|_| !unchanged)
                .map(|job| s.spawn(|| self.screen(&document, photos, job)));
            // The page guard reads the pages while they export. Pages that hash as the ones
            // last written passed it then (an output is remembered only after a build without
            // errors), so they are not read again.
            let guard =
                (!unchanged).then(|| s.spawn(|| inspect::inspect(&document, wanted.guard_bleed)));
            let pdf = if unchanged || !wanted.pdf {
                Ok(Vec::new())
            } else {
                typst_pdf::pdf(&document, &options).map_err(|e| self.convert(world, &e))
            };
            let screen = match screen {
                Some(h) => h
                    .join()
                    .unwrap_or_else(|_| Err(vec![Diagnostic::error("the screen edition crashed")])),
                None => Ok(Vec::new()),
            };
            let findings = match guard {
                Some(g) => g.join(),
                None => Ok(Vec::new()),
            };
            (pdf, screen, findings)
        });
        // Pages the guard could not read are never written.
        let findings = findings.map_err(|_| vec![Diagnostic::error("the page guard crashed")])?;
        let pdf = pdf?;
        Ok(Rendered {
            kind,
            document,
            pdf,
            warnings,
            compile,
            export: export_start.elapsed(),
            passes,
            hash,
            unchanged,
            screen,
            findings,
        })
    }

    /// The screen edition of the laid-out brochure (`screen`), exported as PDF/UA-1 and
    /// PDF/A-2b; krilla checks both while writing, and what breaks them is an error.
    fn screen(
        &self,
        print: &PagedDocument,
        photos: &PhotoSet,
        job: &ScreenJob,
    ) -> Result<Vec<u8>, Vec<Diagnostic>> {
        let failed = |e: String| vec![Diagnostic::error(format!("the screen edition: {e}"))];
        let colours = job.profile.to_screen().map_err(failed)?;
        let edition = screen::Edition {
            photos: screen::Photos::Slots {
                photos,
                alts: &job.alts,
            },
            colours: &colours,
        };
        let meta = screen::Meta {
            title: &job.title,
            lang: &job.lang,
            region: job.region.as_deref(),
        };
        let document = screen::pages(print, &edition, &meta).map_err(failed)?;
        use typst_pdf::PdfStandard;
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom("folio-brochure-screen".into()),
            standards: typst_pdf::PdfStandards::new(&[PdfStandard::A_2b, PdfStandard::Ua_1])
                .map_err(|e| failed(e.message().to_string()))?,
            tagged: true,
            timestamp: timestamp(job.date),
            ..Default::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|e| {
            let mut errors = self.convert(&self.brochure, &e);
            for d in &mut errors {
                d.message = format!("the screen edition (PDF/UA-1, PDF/A-2b): {}", d.message);
                let skip = "or build without the screen edition: `screen: false` in the settings, or --no-screen";
                d.hint = Some(match d.hint.take() {
                    Some(h) => format!("{h}; {skip}"),
                    None => skip.to_string(),
                });
            }
            errors
        })
    }

    /// The data the last compile of `kind` read.
    pub fn data(&self, kind: Kind) -> typst::foundations::Bytes {
        self.world(kind).data()
    }

    /// The handout (`handout.typ`): `data` is its JSON (the deck's meta and theme, and each
    /// slide's notes). The layout leaves a marker where each slide goes; the deck's laid-out
    /// page is put there, scaled, so the handout shows the deck's own pages (its photos are
    /// the same images) without laying the slides out again or reading the deck's PDF.
    pub fn handout(&self, data: Vec<u8>, deck: &PagedDocument) -> Result<Vec<u8>, Vec<Diagnostic>> {
        let world = &self.handout;
        world.update(data, Arc::new(PhotoSet::empty()), None);
        world.begin();
        let warned = typst::compile::<PagedDocument>(world);
        let document = warned.output.map_err(|e| self.convert(world, &e))?;
        let pages: typst::ecow::EcoVec<typst_layout::Page> = document
            .pages()
            .iter()
            .map(|page| {
                let mut page = page.clone();
                for (at, index) in frames::handout_slots(&page.frame) {
                    if let Some(slide) = deck.pages().get(index) {
                        frames::place_page(&mut page.frame, at, slide);
                    }
                }
                page
            })
            .collect();
        let handout = PagedDocument::new(pages, typst::model::Document::info(&document).clone());
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom("folio-handout".into()),
            ..Default::default()
        };
        typst_pdf::pdf(&handout, &options).map_err(|e| self.convert(world, &e))
    }

    /// typst's diagnostics, pointed at the layout file and line.
    fn convert(&self, world: &FolioWorld, diags: &[SourceDiagnostic]) -> Vec<Diagnostic> {
        diags
            .iter()
            .map(|d| {
                let mut out = match d.severity {
                    Severity::Error => Diagnostic::error(format!("layout: {}", d.message)),
                    Severity::Warning => Diagnostic::warning(format!("layout: {}", d.message)),
                };
                if let Some(id) = d.span.id() {
                    // The layouts folder that served the file, as the World resolved it.
                    let file = world
                        .layout_path(id)
                        .unwrap_or_else(|_| PathBuf::from(id.get().vpath().get_without_slash()));
                    out = out.in_file(file.clone());
                    if let (Some(range), Ok(source)) = (world.range(d.span), world.source(id))
                        && let Some((line, col)) = source.lines().byte_to_line_column(range.start)
                    {
                        out.line = Some(line + 1);
                        out.column = Some(col + 1);
                    }
                }
                let hints: Vec<String> = d.hints.iter().map(|h| h.v.to_string()).collect();
                if !hints.is_empty() {
                    out = out.hint(hints.join("; "));
                }
                out
            })
            .collect()
    }

    /// The theme both outputs' layouts import (see `FolioWorld::set_theme`).
    pub fn set_theme(&self, theme: &str) {
        self.brochure.set_theme(theme);
        self.slides.set_theme(theme);
    }

    /// The brochure's flow plan as JSON (kept in the project's cache so the next run starts
    /// from it), and setting it from there. A plan that no longer suits the content is
    /// corrected by the first layout, like any other.
    pub fn plan_json(&self) -> Vec<u8> {
        self.plan.lock().to_json()
    }

    pub fn restore_plan(&self, json: &[u8]) {
        if let Ok(plan) = serde_json::from_slice::<flow::Plan>(json) {
            self.brochure.set_flow(plan.to_json());
            *self.plan.lock() = plan;
        }
    }

    fn last_layout(&self, kind: Kind) -> &parking_lot::Mutex<Option<PagedDocument>> {
        match kind {
            Kind::Brochure => &self.last_layouts[0],
            Kind::Slides => &self.last_layouts[1],
        }
    }

    /// Drops cached typst results unused for a few compiles, keeping memory bounded.
    pub fn evict(&self) {
        typst::comemo::evict(10);
    }
}

/// A date as typst's PDF export takes it (UTC).
fn timestamp(date: time::OffsetDateTime) -> Option<typst_pdf::Timestamp> {
    let d = date.to_offset(time::UtcOffset::UTC);
    typst::foundations::Datetime::from_ymd_hms(
        d.year(),
        d.month() as u8,
        d.day(),
        d.hour(),
        d.minute(),
        d.second(),
    )
    .map(typst_pdf::Timestamp::new_utc)
}
