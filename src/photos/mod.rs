//! Photos: probed and hashed once per build, then cropped and resampled for exactly the frame a
//! layout places them in (300 ppi for print), on demand, in parallel, with a disk cache.
//!
//! Layouts ask for a photo by a virtual path `/folio/photos/<id>/<W>x<H>@<DPI>`: photo number,
//! the frame's size in pixels at the output's resolution, and that resolution. Every request is
//! answered at once with a slot of the frame's size (`slot.rs`); the renderer prepares the
//! requests while the PDFs export, and the photos are written into the slots afterwards.

pub mod cache;
pub mod decode;
pub mod jpeg;
pub mod resample;
pub mod separate;
pub mod slot;
pub mod wrap;

use crate::content::{Document, Focus};
use crate::diag::{Diagnostic, Report, SourceMap};
use decode::{PhotoError, Probe};
use parking_lot::Mutex;
use rayon::prelude::*;
pub use resample::{Crop, Pixels};
pub use separate::Press;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use typst::foundations::Bytes;

/// One photo of the document, as found on disk.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub path: PathBuf,
    pub focus: Focus,
    pub hash: blake3::Hash,
    pub probe: Probe,
}

/// A layout's request: photo `photo` in a frame of `width` × `height` pixels at `dpi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Request {
    pub photo: usize,
    pub width: u32,
    pub height: u32,
    pub dpi: u32,
}

impl Request {
    /// Where layouts find photos: `<PREFIX><id>/<W>x<H>@<DPI>`. The data gives each photo's
    /// `src` (the prefix and id, `base`); `photo()` in theme.typ adds the frame and resolution.
    pub const PREFIX: &str = "/folio/photos/";

    /// The `src` of photo `id`, as the data hands it to layouts.
    pub fn base(id: usize) -> String {
        format!("{}{id}", Self::PREFIX)
    }

    /// The request a virtual path names, if it names one.
    pub fn from_path(path: &str) -> Option<Request> {
        Self::parse(path.strip_prefix(Self::PREFIX)?)
    }

    /// The same photo in the same frame at `dpi` (the pixels rounded up).
    pub fn at_dpi(&self, dpi: u32) -> Request {
        let scale = |px: u32| (px as u64 * dpi as u64).div_ceil(self.dpi as u64).max(1) as u32;
        Request {
            photo: self.photo,
            width: scale(self.width),
            height: scale(self.height),
            dpi,
        }
    }

    /// Parses the path part after the prefix.
    fn parse(path: &str) -> Option<Request> {
        let (photo, rest) = path.split_once('/')?;
        let (size, dpi) = rest.split_once('@')?;
        let (w, h) = size.split_once('x')?;
        let r = Request {
            photo: photo.parse().ok()?,
            width: w.parse().ok()?,
            height: h.parse().ok()?,
            dpi: dpi.parse().ok()?,
        };
        (r.width > 0 && r.height > 0 && r.width <= 40_000 && r.height <= 40_000 && r.dpi > 0)
            .then_some(r)
    }
}

/// A prepared photo for one request.
#[derive(Clone)]
pub struct Served {
    /// The JPEG written into the PDFs' slots (and placed by `slides.pptx`).
    pub jpeg: Bytes,
}

/// What a process remembers between builds (the watch loop): prepared photos, keyed by the
/// source's content so an edited photo never matches an old entry, and each file's hash and
/// header, reused while the file's size and modification time stay the same.
#[derive(Default)]
pub struct MemoryCache {
    prepared: Mutex<HashMap<MemoryKey, Served>>,
    probed: Mutex<HashMap<PathBuf, (u64, std::time::SystemTime, blake3::Hash, Probe)>>,
}

pub type Memory = Arc<MemoryCache>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MemoryKey {
    hash: blake3::Hash,
    /// The focus point's bits: a float is not `Hash`.
    focus: (u64, u64),
    width: u32,
    height: u32,
    dpi: u32,
    /// The separation into CMYK, for print photos with `cmyk_photos`.
    press: Option<blake3::Hash>,
    /// The reduction the photo is decoded at (`decode_scale`).
    shrink: u32,
}

/// The photos of one document, shared by both outputs' Worlds.
pub struct PhotoSet {
    pub sources: Vec<Source>,
    cache: cache::DiskCache,
    memory: Memory,
    /// Print photos are separated into this CMYK (`cmyk_photos`); screen photos stay RGB.
    press: Option<Press>,
    /// Each photo's decode reduction in this build, from all its frames (`prepare`).
    scales: Mutex<HashMap<usize, u32>>,
}

impl PhotoSet {
    /// Reads, hashes and probes every photo of `doc` (header only: cheap). Problems are
    /// reported against the place the photo is first used.
    pub fn load(
        doc: &Document,
        sources: &SourceMap,
        report: &mut Report,
        cache: cache::DiskCache,
        memory: Memory,
    ) -> PhotoSet {
        let probed: Vec<Result<Source, PhotoError>> = doc
            .photos
            .par_iter()
            .map(|p| {
                let stamp = std::fs::metadata(&p.path)
                    .ok()
                    .and_then(|m| Some((m.len(), m.modified().ok()?)));
                let known = stamp.and_then(|(len, time)| {
                    let probed = memory.probed.lock();
                    probed
                        .get(&p.path)
                        .filter(|e| e.0 == len && e.1 == time)
                        .map(|e| (e.2, e.3))
                });
                let (hash, probe) = match known {
                    Some(k) => k,
                    None => {
                        let bytes = decode::read_file(&p.path)?;
                        let probe = decode::probe(&bytes, &p.name)?;
                        let hash = blake3::hash(&bytes);
                        if let Some((len, time)) = stamp {
                            memory
                                .probed
                                .lock()
                                .insert(p.path.clone(), (len, time, hash, probe));
                        }
                        (hash, probe)
                    }
                };
                Ok(Source {
                    name: p.name.clone(),
                    path: p.path.clone(),
                    focus: p.focus,
                    hash,
                    probe,
                })
            })
            .collect();
        let mut list = Vec::new();
        for (photo, r) in doc.photos.iter().zip(probed) {
            match r {
                Ok(s) => list.push(s),
                Err(e) => {
                    report.push(
                        Diagnostic::error(e.message)
                            .at(sources, photo.loc)
                            .hint(e.hint),
                    );
                    list.push(Source {
                        name: photo.name.clone(),
                        path: photo.path.clone(),
                        focus: photo.focus,
                        hash: blake3::hash(b""),
                        probe: Probe {
                            width: 1,
                            height: 1,
                            format: image::ImageFormat::Png,
                            reoriented: false,
                            cmyk: false,
                        },
                    });
                }
            }
        }
        PhotoSet {
            sources: list,
            cache,
            memory,
            press: doc.settings.cmyk_photos.then(|| Press {
                profile: doc.settings.output_profile.clone(),
                perceptual: doc.settings.cmyk_perceptual,
            }),
            scales: Mutex::default(),
        }
    }

    /// A set with no photos (before the first build).
    pub fn empty() -> PhotoSet {
        PhotoSet {
            sources: Vec::new(),
            cache: cache::DiskCache::new(None, false),
            memory: Memory::default(),
            press: None,
            scales: Mutex::default(),
        }
    }

    /// The prepared photo for `req`, if it has been prepared.
    pub fn lookup(&self, req: &Request) -> Option<Served> {
        let key = self.key(req)?;
        self.memory.prepared.lock().get(&key).cloned()
    }

    fn key(&self, req: &Request) -> Option<MemoryKey> {
        let src = self.sources.get(req.photo)?;
        Some(MemoryKey {
            hash: src.hash,
            focus: (src.focus.x.to_bits(), src.focus.y.to_bits()),
            width: req.width,
            height: req.height,
            dpi: req.dpi,
            press: self.press_for(req).map(Press::key),
            shrink: self.decode_scale(req.photo),
        })
    }

    /// The reduction photo `photo` is decoded at in this build: the largest every one of its
    /// frames allows (`Plan::shrink`), so one decode serves them all. It is part of each
    /// prepared photo's identity, so a build's photos are the same whatever was cached.
    pub fn decode_scale(&self, photo: usize) -> u32 {
        self.scales.lock().get(&photo).copied().unwrap_or(1)
    }

    /// The separation a request gets: print photos only, when `cmyk_photos` is on.
    fn press_for(&self, req: &Request) -> Option<&Press> {
        let print = resample::Encoding::for_dpi(req.dpi) == resample::Encoding::Print;
        self.press.as_ref().filter(|_| print)
    }

    pub fn contains(&self, req: &Request) -> bool {
        req.photo < self.sources.len()
    }

    /// The name of `req`'s slot: the request and a hash of what fills it (the photo's
    /// content, focus and separation), so a changed photo changes the slot.
    pub fn slot_name(&self, req: &Request) -> Option<String> {
        let key = self.key(req)?;
        let mut h = blake3::Hasher::new();
        h.update(key.hash.as_bytes());
        h.update(&key.focus.0.to_le_bytes());
        h.update(&key.focus.1.to_le_bytes());
        if let Some(p) = key.press {
            h.update(p.as_bytes());
        }
        Some(slot::name(req, &h.finalize()))
    }

    /// What typst places for `req`: its slot, a one-page PDF of the frame's size.
    pub fn slot(&self, req: &Request) -> Option<Bytes> {
        let (w_pt, h_pt) = (
            req.width as f64 * 72.0 / req.dpi as f64,
            req.height as f64 * 72.0 / req.dpi as f64,
        );
        Some(Bytes::new(slot::pdf(&self.slot_name(req)?, w_pt, h_pt)))
    }

    /// A raster slot for `req`: a 1 × 1 JPEG naming it, for a PDF that may not embed other
    /// PDFs (the screen edition, see `slot::jpeg`).
    pub fn raster_slot(&self, req: &Request) -> Option<Bytes> {
        Some(Bytes::new(slot::jpeg(&self.slot_name(req)?)))
    }

    /// How `req` will be prepared: crop and pixels, known before any decoding.
    pub fn plan(&self, req: &Request) -> Option<Plan> {
        let src = self.sources.get(req.photo)?;
        Some(Plan::new(src, req, self.press_for(req)))
    }

    /// Prepares `requests` (decode once per photo, crop, resample, encode), in parallel,
    /// from the disk cache where possible, telling `progress` how it goes.
    pub fn prepare(
        &self,
        requests: &[Request],
        progress: &(dyn Fn(PhotoProgress) + Sync),
    ) -> Result<(), PhotoError> {
        // Every frame counts for the decode's scale, prepared already or not.
        {
            let mut scales = self.scales.lock();
            for r in requests.iter().filter(|r| self.contains(r)) {
                let plan = Plan::new(&self.sources[r.photo], r, self.press_for(r));
                if !plan.pass_through {
                    let s = scales.entry(r.photo).or_insert(8);
                    *s = (*s).min(plan.shrink());
                }
            }
        }
        let mut by_photo: HashMap<usize, Vec<Request>> = HashMap::new();
        for r in requests {
            if self.contains(r) && self.lookup(r).is_none() {
                by_photo.entry(r.photo).or_default().push(*r);
            }
        }
        if by_photo.is_empty() {
            return Ok(());
        }
        let mut groups: Vec<(usize, Vec<Request>)> = by_photo.into_iter().collect();
        // Largest photos first, so the last one to finish is a small one (both cores stay
        // busy to the end rather than one decoding a 20-megapixel photo alone).
        groups.sort_by_key(|(id, _)| {
            let p = &self.sources[*id].probe;
            std::cmp::Reverse(p.width as u64 * p.height as u64)
        });
        progress(PhotoProgress::Queued(groups.len()));
        // Each worker takes the next photo in that order (rayon's halving would hand one core
        // the six largest).
        let next = std::sync::atomic::AtomicUsize::new(0);
        let done: Mutex<Vec<Prepared>> = Mutex::new(Vec::new());
        rayon::scope(|s| {
            for _ in 0..rayon::current_num_threads().min(groups.len()) {
                s.spawn(|_| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((id, reqs)) = groups.get(i) else {
                            break;
                        };
                        let out =
                            self.prepare_photo(&self.sources[*id], reqs, self.decode_scale(*id));
                        let resampled = out.as_ref().is_ok_and(|o| o.1);
                        progress(PhotoProgress::Done {
                            name: &self.sources[*id].name,
                            resampled,
                        });
                        done.lock().push(out.map(|o| o.0));
                    }
                });
            }
        });
        let results = done.into_inner();
        let mut memory = self.memory.prepared.lock();
        for r in results {
            for (req, served) in r? {
                if let Some(key) = self.key(&req) {
                    memory.insert(key, served);
                }
            }
        }
        Ok(())
    }

    /// `src`'s requests, all from one decode at 1/`shrink` of its size (`decode_scale`).
    fn prepare_photo(
        &self,
        src: &Source,
        reqs: &[Request],
        shrink: u32,
    ) -> Result<(Vec<(Request, Served)>, bool), PhotoError> {
        let mut out = Vec::new();
        let mut decoded: Option<resample::Levels> = None;
        let mut original: Option<Vec<u8>> = None;
        // The finest resampled pixels of each crop so far: a screen version of the same crop
        // (the screen edition's 150 ppi copy of a 300 ppi print photo) is resampled from them,
        // a fraction of the pixels of a large original. Print photos always come from the
        // original.
        let mut finer: Vec<(Crop, image::DynamicImage)> = Vec::new();
        let mut reqs = reqs.to_vec();
        reqs.sort_by_key(|r| std::cmp::Reverse(r.width as u64 * r.height as u64));
        for req in &reqs {
            let press = self.press_for(req);
            let plan = Plan::new(src, req, press);
            let key = self.cache.key(&src.hash, &plan, shrink);
            let bytes = if plan.pass_through {
                if original.is_none() {
                    original = Some(decode::read_file(&src.path)?);
                }
                original.clone().unwrap()
            } else if let Some(b) = self.cache.get(&key) {
                b
            } else {
                let failed = |e: String| PhotoError {
                    message: format!("photo {} could not be resampled: {e}", src.name),
                    hint: "export the photo again as a plain RGB JPEG".into(),
                };
                if decoded.is_none() {
                    let bytes = decode::read_file(&src.path)?;
                    let d = decode::decode_reduced(&bytes, &src.name, shrink)?;
                    decoded = Some(resample::Levels::new(d));
                }
                let levels = decoded.as_mut().unwrap();
                let screen = plan.encoding == resample::Encoding::Screen;
                let pixels = match finer
                    .iter()
                    .find(|(c, p)| screen && same_crop(c, &plan.crop) && p.width() > plan.out.width)
                {
                    Some((_, p)) => resample::shrink(p, plan.out),
                    None => levels.resize(plan.crop, plan.out),
                }
                .map_err(failed)?;
                let icc = levels.decoded().icc.as_deref();
                let b = resample::encode(&pixels, icc, plan.encoding, press).map_err(failed)?;
                if !finer.iter().any(|(c, _)| same_crop(c, &plan.crop)) {
                    finer.push((plan.crop, pixels));
                }
                self.cache.put(&key, &b);
                b
            };
            out.push((
                *req,
                Served {
                    jpeg: Bytes::new(bytes),
                },
            ));
        }
        Ok((out, decoded.is_some()))
    }
}

/// Whether two crops of a photo show the same region, to within the rounding of their frames'
/// pixels (half a percent).
fn same_crop(a: &Crop, b: &Crop) -> bool {
    let near = |x: u32, y: u32, size: u32| x.abs_diff(y) as f64 <= size as f64 * 0.005 + 1.0;
    near(a.left, b.left, a.width)
        && near(a.top, b.top, a.height)
        && near(a.width, b.width, a.width)
        && near(a.height, b.height, a.height)
}

/// One photo's prepared requests, or why it could not be prepared.
type Prepared = Result<Vec<(Request, Served)>, PhotoError>;

/// What photo preparation reports as it goes.
#[derive(Debug, Clone, Copy)]
pub enum PhotoProgress<'a> {
    /// This many more photos are about to be prepared.
    Queued(usize),
    /// One photo is ready; `resampled` when it was decoded and resampled (not from the cache).
    Done { name: &'a str, resampled: bool },
}

/// What to do for one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// Region of the upright photo that the frame shows.
    pub crop: Crop,
    /// Size of the image to embed: the frame's pixels, or fewer (never upsampled).
    pub out: Pixels,
    /// Embed the original file unchanged (it already fits: right shape, not too large).
    pub pass_through: bool,
    pub encoding: resample::Encoding,
    /// Separated into CMYK for this press (its key), or kept RGB.
    pub press: Option<blake3::Hash>,
}

impl Plan {
    /// How far the photo's pixels can be reduced for this frame (`resample::reduction`).
    pub fn shrink(&self) -> u32 {
        resample::reduction(self.crop, self.out)
    }

    /// Resolution of the prepared photo in its frame (pixels per inch of the placed size).
    pub fn ppi(&self, req: &Request) -> f64 {
        req.dpi as f64 * self.out.width as f64 / req.width as f64
    }

    pub fn new(src: &Source, req: &Request, press: Option<&Press>) -> Plan {
        let (w, h) = (src.probe.width, src.probe.height);
        let aspect = req.width as f64 / req.height as f64;
        let crop = resample::crop_box(w, h, aspect, src.focus);
        // Within 10% of the needed pixels, keep the photo's own pixels rather than resample.
        let small_enough = crop.width as f64 <= req.width as f64 * 1.1;
        let out = if small_enough {
            crop.size()
        } else {
            Pixels {
                width: req.width,
                height: req.height,
            }
        };
        let whole = crop.size()
            == Pixels {
                width: w,
                height: h,
            };
        let pass_through = small_enough
            && whole
            && src.probe.format == image::ImageFormat::Jpeg
            && !src.probe.reoriented
            && !src.probe.cmyk
            && press.is_none();
        Plan {
            crop,
            out,
            pass_through,
            encoding: resample::Encoding::for_dpi(req.dpi),
            press: press.map(Press::key),
        }
    }
}
