//! `folio watch --serve`: the brochure and the deck in a browser while you write, and a
//! presenter view.
//!
//! The watch loop hands each build's outcome to [`Preview::update`]. It draws the pages whose
//! look changed (`pages::look`) as PNGs with typst-render, from the laid-out pages the build
//! already has (no PDF is read), seen as a screen shows them (`render::screen::Edition`: the
//! press's colours, the photos' own pixels at screen resolution). Then it tells every open
//! browser the new state over Server-Sent Events (`server`). A broken save keeps the last good
//! pages and sends its errors, which the page shows over them.

mod pages;
pub mod server;

use crate::diag::{self, Diagnostic, SourceMap};
use crate::photos::{PhotoSet, Request};
use crate::pipeline::Outcome;
use crate::products::Kind;
use crate::profiles::output::ToScreen;
use crate::render::screen::{self, SCREEN_DPI};
use parking_lot::Mutex;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, mpsc};
use typst::foundations::Smart;
use typst::visualize::{ExchangeFormat, Image, RasterImage};
use typst_layout::Page;

/// How wide page images are drawn, in pixels, bleed included: the grid's thumbnails, and a
/// page opened large (or the presenter's current slide).
const THUMB_WIDTH: u32 = 480;
const LARGE_WIDTH: u32 = 1600;
/// How many decoded photos the preview keeps for drawing pages.
const MAX_DECODED_PHOTOS: usize = 400;

/// The preview's state, shared by the watch loop (which updates it) and the server (which
/// reads it and tells browsers).
#[derive(Default)]
pub struct Preview {
    state: Mutex<State>,
    /// Browsers listening for changes, each sent the state's JSON.
    listeners: Mutex<Vec<mpsc::Sender<Arc<str>>>>,
    /// Photos decoded once for page images, by slot name (which names the photo's content).
    photos: Mutex<HashMap<String, Image>>,
    /// The output profile's screen colours, by the profile's key.
    colours: Mutex<Option<(blake3::Hash, ToScreen)>>,
}

#[derive(Default)]
struct State {
    snapshot: Snapshot,
    json: Option<Arc<str>>,
    /// Drawn pages by output and look: the current pages' and the previous build's (a browser
    /// may still be fetching those).
    drawn: HashMap<(Kind, u64), Arc<Drawn>>,
}

/// A page as the preview shows it.
struct Drawn {
    /// The page in screen colours with its photos' pixels, for drawing it large.
    page: Page,
    thumb: Arc<Vec<u8>>,
    large: OnceLock<Result<Arc<Vec<u8>>, String>>,
}

/// What the browser is sent: everything the page shows, but the images.
#[derive(Serialize, Default, Clone)]
struct Snapshot {
    /// Counts the updates, so a page can tell a new state from one it has.
    version: u64,
    /// A build is under way.
    building: bool,
    title: String,
    /// `None` until the output is built (`--only` leaves one out).
    brochure: Option<Vec<PageInfo>>,
    slides: Option<Vec<PageInfo>>,
    /// Each slide's speaker notes.
    notes: Vec<String>,
    errors: Vec<Message>,
    warnings: Vec<Message>,
}

#[derive(Serialize, Clone)]
struct PageInfo {
    /// The page's look (sent as hex): its image's address, so an unchanged page keeps its
    /// image.
    #[serde(serialize_with = "hex")]
    look: u64,
    /// The trim size, in points.
    width: f64,
    height: f64,
    /// What the image shows beyond the trim on each side (left, top, right, bottom): the
    /// bleed and the room for crop marks, in points.
    margin: [f64; 4],
    /// The print bleed, in points (0 for slides).
    bleed: f64,
}

#[derive(Serialize, Clone)]
struct Message {
    /// `file:line:column: error: …` as the terminal's one-line form.
    short: String,
    /// The terminal's full message (the source line quoted, the culprit underlined).
    detail: String,
}

/// A page image's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Thumb,
    Large,
}

impl Preview {
    pub fn new() -> Arc<Preview> {
        Arc::new(Preview::default())
    }

    /// Says a build has started (the page shows it until the next update).
    pub fn building(&self) {
        let mut state = self.state.lock();
        state.snapshot.building = true;
        self.publish(&mut state);
    }

    /// Takes in a build's outcome: its pages (drawing those that look new), or its errors
    /// (keeping the last good pages).
    pub fn update(&self, outcome: &Outcome) {
        let started = std::time::Instant::now();
        let errors: Vec<&Diagnostic> = outcome
            .report
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect();
        let warnings: Vec<&Diagnostic> = outcome
            .report
            .diagnostics
            .iter()
            .filter(|d| !d.is_error())
            .collect();
        let messages = |ds: &[&Diagnostic]| -> Vec<Message> {
            ds.iter().map(|d| message(&outcome.sources, d)).collect()
        };
        let bleed = |kind| match (kind, outcome.geometry) {
            (Kind::Brochure, Some(g)) => g.bleed * crate::print::MM,
            _ => 0.0,
        };
        let mut fresh: Vec<((Kind, u64), Arc<Drawn>)> = Vec::new();
        let mut listed: Vec<(Kind, Vec<PageInfo>)> = Vec::new();
        let mut drawing_failed = Vec::new();
        if errors.is_empty() {
            let known: std::collections::HashSet<(Kind, u64)> =
                self.state.lock().drawn.keys().copied().collect();
            for r in &outcome.rendered {
                let infos: Vec<PageInfo> = r
                    .document
                    .pages()
                    .iter()
                    .map(|p| page_info(p, pages::look(p), bleed(r.kind)))
                    .collect();
                let new: Vec<(&Page, u64)> = r
                    .document
                    .pages()
                    .iter()
                    .zip(&infos)
                    .map(|(p, info)| (p, info.look))
                    .filter(|(_, look)| !known.contains(&(r.kind, *look)))
                    .collect();
                match self.draw(outcome, &new) {
                    Ok(drawn) => fresh.extend(drawn.into_iter().map(|(l, d)| ((r.kind, l), d))),
                    Err(e) => drawing_failed.push(e),
                }
                listed.push((r.kind, infos));
            }
        }
        let mut state = self.state.lock();
        let snap = &mut state.snapshot;
        snap.building = false;
        snap.errors = messages(&errors);
        snap.warnings = messages(&warnings);
        for e in drawing_failed {
            snap.warnings.push(Message {
                short: format!("the preview could not draw a page: {e}"),
                detail: String::new(),
            });
        }
        if errors.is_empty() {
            for r in &outcome.rendered {
                if r.kind == Kind::Slides {
                    snap.notes = crate::notes::per_page(&r.document);
                }
                if (r.kind == Kind::Brochure || snap.title.is_empty())
                    && let Some(t) = &typst::model::Document::info(&r.document).title
                {
                    snap.title = t.to_string();
                }
            }
            // Keep what the pages now show and what the last state showed.
            let mut keep: std::collections::HashSet<(Kind, u64)> = Default::default();
            for (kind, pages) in [
                (Kind::Brochure, &snap.brochure),
                (Kind::Slides, &snap.slides),
            ] {
                keep.extend(pages.iter().flatten().map(|p| (kind, p.look)));
            }
            for (kind, infos) in listed {
                keep.extend(infos.iter().map(|p| (kind, p.look)));
                match kind {
                    Kind::Brochure => snap.brochure = Some(infos),
                    Kind::Slides => snap.slides = Some(infos),
                }
            }
            state.drawn.retain(|k, _| keep.contains(k));
            if std::env::var_os("FOLIO_DEBUG_TIMES").is_some() {
                eprintln!(
                    "preview: {} page(s) drawn in {:?}",
                    fresh.len(),
                    started.elapsed()
                );
            }
            state.drawn.extend(fresh);
        }
        self.publish(&mut state);
    }

    /// Draws pages as the screen shows them: seen through the screen edition one by one (its
    /// colour transform is not shareable between threads), drawn in parallel.
    fn draw(
        &self,
        outcome: &Outcome,
        new: &[(&Page, u64)],
    ) -> Result<Vec<(u64, Arc<Drawn>)>, String> {
        if new.is_empty() {
            return Ok(Vec::new());
        }
        let profile = outcome
            .output_profile
            .clone()
            .ok_or("the build named no output profile")?;
        let empty = PhotoSet::empty();
        let photos = outcome.photos.as_deref().unwrap_or(&empty);
        let pixels = |req: &Request| self.photo(photos, req);
        let seen: Vec<(u64, Page)> = {
            let mut colours = self.colours.lock();
            if colours.as_ref().is_none_or(|(k, _)| *k != profile.key()) {
                *colours = Some((profile.key(), profile.to_screen()?));
            }
            let (_, colours) = colours.as_ref().expect("made above");
            let edition = screen::Edition {
                photos: screen::Photos::Pixels(&pixels),
                colours,
            };
            new.iter()
                .map(|(page, look)| Ok((*look, edition.page(page)?)))
                .collect::<Result<_, String>>()?
        };
        use rayon::prelude::*;
        seen.into_par_iter()
            .map(|(look, page)| {
                let thumb = Arc::new(pages::draw(&page, THUMB_WIDTH)?);
                let large = OnceLock::new();
                Ok((look, Arc::new(Drawn { page, thumb, large })))
            })
            .collect()
    }

    /// A photo slot's pixels at screen resolution, decoded once; `None` (the slot's grey)
    /// when the build did not prepare them.
    fn photo(&self, photos: &PhotoSet, print: &Request) -> Option<Image> {
        let req = if print.dpi > SCREEN_DPI {
            print.at_dpi(SCREEN_DPI)
        } else {
            *print
        };
        let name = photos.slot_name(&req)?;
        if let Some(image) = self.photos.lock().get(&name) {
            return Some(image.clone());
        }
        let served = photos.lookup(&req)?;
        let raster = RasterImage::new(served.jpeg, ExchangeFormat::Jpg, Smart::Auto).ok()?;
        let image = Image::new(raster, None, Smart::Auto);
        let mut decoded = self.photos.lock();
        // Photos swapped during a long session are not kept forever: past a few hundred
        // decoded photos (a 200-photo document's worth) the memory starts over.
        if decoded.len() >= MAX_DECODED_PHOTOS {
            decoded.clear();
        }
        decoded.insert(name, image.clone());
        Some(image)
    }

    /// Serialises the state and tells every listening browser.
    fn publish(&self, state: &mut State) {
        state.snapshot.version += 1;
        let json: Arc<str> = serde_json::to_string(&state.snapshot)
            .unwrap_or_else(|_| "{}".into())
            .into();
        state.json = Some(json.clone());
        self.listeners
            .lock()
            .retain(|l| l.send(json.clone()).is_ok());
    }

    /// The state as JSON (`None` before the first build has started).
    pub fn json(&self) -> Option<Arc<str>> {
        self.state.lock().json.clone()
    }

    /// A channel that receives the state's JSON at every change.
    pub fn listen(&self) -> mpsc::Receiver<Arc<str>> {
        let (tx, rx) = mpsc::channel();
        self.listeners.lock().push(tx);
        rx
    }

    /// A page image by output and look (as the state names it), drawn large on first request.
    pub fn image(&self, kind: Kind, look: u64, size: Size) -> Option<Result<Arc<Vec<u8>>, String>> {
        let drawn = self.state.lock().drawn.get(&(kind, look)).cloned()?;
        Some(match size {
            Size::Thumb => Ok(drawn.thumb.clone()),
            Size::Large => drawn
                .large
                .get_or_init(|| pages::draw(&drawn.page, LARGE_WIDTH).map(Arc::new))
                .clone(),
        })
    }
}

fn page_info(page: &Page, look: u64, bleed: f64) -> PageInfo {
    let b = &page.bleed;
    let margin = [b.left, b.top, b.right, b.bottom].map(|a| a.to_pt());
    PageInfo {
        look,
        width: page.frame.width().to_pt(),
        height: page.frame.height().to_pt(),
        bleed: margin.iter().fold(bleed, |b, m| b.min(*m)),
        margin,
    }
}

/// A look as the page image's address names it: 16 hex digits.
fn hex<S: serde::Serializer>(look: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{look:016x}"))
}

fn message(sources: &SourceMap, d: &Diagnostic) -> Message {
    Message {
        short: d.short(),
        detail: diag::render(sources, std::slice::from_ref(d)),
    }
}
