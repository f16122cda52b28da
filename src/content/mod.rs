//! Content: the YAML files of `content/` and `photos/captions.yaml`, parsed, validated and
//! resolved into a [`Document`] that the rest of folio reads.

pub mod model;
pub mod trim;
mod yaml;

use crate::diag::{Diagnostic, Loc, Report, SourceMap};
use crate::project::Project;
use model::{CaptionsFile, DocumentFile, SlideText};
use serde_saphyr::Spanned;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
pub use trim::Trim;

pub type PhotoId = usize;

/// The whole publication, validated.
#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    pub subtitle: Option<String>,
    pub organisation: String,
    pub year: i64,
    pub language: String,
    pub region: Option<String>,
    pub settings: Settings,
    pub cover: Option<PhotoId>,
    pub logo: Option<PathBuf>,
    pub notes: Option<String>,
    pub intro: Option<Section>,
    pub sections: Vec<Section>,
    pub closing: Option<Section>,
    /// Every photo the content places, in order of first use.
    pub photos: Vec<Photo>,
    /// Every user string that ends up on a page, with where it was written.
    pub texts: Vec<(String, Loc)>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub trim: Trim,
    pub bleed_mm: f64,
    pub crop_marks: bool,
    pub theme: String,
    /// CMYK percentages.
    pub primary: [f64; 4],
    pub accent: [f64; 4],
    pub paper: [f64; 4],
    pub body_font: String,
    pub heading_font: String,
}

#[derive(Debug, Clone, Default)]
pub struct Section {
    pub id: Option<String>,
    pub title: Option<String>,
    /// 1-based number among titled sections.
    pub number: Option<usize>,
    pub figures: Vec<Figure>,
    pub paragraphs: Vec<Paragraph>,
    pub photos: Vec<PhotoId>,
    pub notes: Option<String>,
    pub slides: bool,
}

#[derive(Debug, Clone)]
pub struct Paragraph {
    pub lead: Option<String>,
    pub text: String,
    pub slide: Option<SlideText>,
    pub notes: Option<String>,
    pub slides: bool,
    pub photos: Vec<PhotoId>,
}

#[derive(Debug, Clone)]
pub struct Figure {
    pub value: String,
    pub unit: Option<String>,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Photo {
    /// The name used in the YAML, relative to `photos/`.
    pub name: String,
    pub path: PathBuf,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// Point kept in view when a frame crops the photo, (0,0) = top left.
    pub focus: (f64, f64),
    pub notes: Option<String>,
    pub slides: bool,
    /// Where the photo is first placed in the content.
    pub loc: Loc,
}

/// The loaded content: the document when it is valid, and what was found on the way.
pub struct Loaded {
    pub document: Option<Document>,
    pub sources: SourceMap,
    pub report: Report,
}

/// The default palette: a deep "league blue" and a warm red, as CMYK percentages.
const PRIMARY: [f64; 4] = [100.0, 72.0, 0.0, 18.0];
const ACCENT: [f64; 4] = [0.0, 85.0, 80.0, 5.0];
const PAPER: [f64; 4] = [4.0, 2.0, 0.0, 0.0];

/// Reads and validates the content of `project`.
pub fn load(project: &Project) -> Loaded {
    let mut r = Resolver {
        project,
        sources: SourceMap::default(),
        report: Report::default(),
        photos: Vec::new(),
        photo_index: HashMap::new(),
        captions: None,
        texts: Vec::new(),
    };
    let document = r.run();
    Loaded {
        document: if r.report.has_errors() {
            None
        } else {
            document
        },
        sources: r.sources,
        report: r.report,
    }
}

struct Resolver<'a> {
    project: &'a Project,
    sources: SourceMap,
    report: Report,
    photos: Vec<Photo>,
    photo_index: HashMap<String, PhotoId>,
    captions: Option<(CaptionsFile, usize)>,
    texts: Vec<(String, Loc)>,
}

impl Resolver<'_> {
    fn run(&mut self) -> Option<Document> {
        let doc_path = self.project.content.join("document.yaml");
        if !doc_path.is_file() {
            self.report.push(
                Diagnostic::error("content/document.yaml is missing")
                    .in_file("content/document.yaml")
                    .hint("create it with at least `title:`, `organisation:` and `year:` (see content/README.md)"),
            );
            return None;
        }
        let doc = self.read::<DocumentFile>(&doc_path);
        let section_files = self.section_files();
        let mut sections = Vec::new();
        for path in &section_files {
            if let Some((s, file)) = self.read::<model::Section>(path) {
                sections.push((s, file));
            }
        }
        let captions_path = self.project.photos.join("captions.yaml");
        if captions_path.is_file() {
            self.captions = self.read::<CaptionsFile>(&captions_path);
        }
        let (doc, doc_file) = doc?;
        if self.report.has_errors() {
            return None;
        }

        let settings = self.settings(&doc, doc_file);
        let title = self.text(&doc.title, doc_file, "title");
        let subtitle = doc
            .subtitle
            .as_ref()
            .map(|s| self.text(s, doc_file, "subtitle"));
        let organisation = self.text(&doc.organisation, doc_file, "organisation");
        let cover = doc
            .cover
            .as_ref()
            .and_then(|c| self.photo(&c.photo, doc_file));
        let logo = settings.1.clone();
        let intro = doc.intro.as_ref().map(|s| self.section(s, doc_file, None));
        let mut number = 0;
        let mut seen_ids: HashMap<String, Loc> = HashMap::new();
        let mut resolved = Vec::new();
        for (s, file) in &sections {
            if let Some(id) = &s.id {
                let loc = self.loc(file, &id.referenced);
                if let Some(first) = seen_ids.get(&id.value) {
                    let first = *first;
                    self.report.push(
                        Diagnostic::error(format!("duplicate section id `{}`", id.value))
                            .at(&self.sources, loc)
                            .hint(format!(
                                "ids must be unique; `{}` is already used at {}:{}",
                                id.value,
                                self.sources.name(first.file).display(),
                                first.line
                            )),
                    );
                } else {
                    seen_ids.insert(id.value.clone(), loc);
                }
            }
            if s.title.is_some() {
                number += 1;
            }
            let n = s.title.as_ref().map(|_| number);
            resolved.push(self.section(s, *file, n));
        }
        let closing = doc
            .closing
            .as_ref()
            .map(|c| self.section(&c.as_section(), doc_file, None));
        let empty = |s: &Option<Section>| s.as_ref().is_none_or(|s| s.paragraphs.is_empty());
        if resolved.iter().all(|s| s.paragraphs.is_empty()) && empty(&intro) && empty(&closing) {
            self.report.push(
                Diagnostic::error("the document has no paragraphs")
                    .in_file(self.project.display_path(&self.project.content))
                    .hint("add a section file such as content/01-first.yaml with `title:` and `paragraphs:` (see content/README.md)"),
            );
        }
        self.unused_captions();
        let notes = self.notes(&doc.notes, doc_file);
        let (language, region) = self.language(&doc, doc_file);
        Some(Document {
            title,
            subtitle,
            organisation,
            year: doc.year.value,
            language,
            region,
            settings: settings.0,
            cover,
            logo,
            notes,
            intro,
            sections: resolved,
            closing,
            photos: std::mem::take(&mut self.photos),
            texts: std::mem::take(&mut self.texts),
        })
    }

    fn read<T: serde::de::DeserializeOwned>(&mut self, path: &Path) -> Option<(T, usize)> {
        let name = self.project.display_path(path);
        match yaml::read::<T>(path, &name, &mut self.sources) {
            Ok(v) => Some(v),
            Err(d) => {
                self.report.push(*d);
                None
            }
        }
    }

    /// Section files: every `*.yaml`/`*.yml` in `content/` but `document.yaml`, by name.
    fn section_files(&mut self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.project.content)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.is_file()
                            && !is_stray(p)
                            && matches!(
                                p.extension().and_then(|e| e.to_str()),
                                Some("yaml" | "yml")
                            )
                            && p.file_name().is_some_and(|n| n != "document.yaml")
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }

    fn loc(&self, file: &usize, at: &serde_saphyr::Location) -> Loc {
        self.sources
            .loc(*file, at.line() as usize, at.column() as usize)
    }

    /// A user string that will be printed: non-empty, no control characters.
    fn text(&mut self, s: &Spanned<String>, file: usize, what: &str) -> String {
        let loc = self.loc(&file, &s.referenced);
        let value = s.value.trim().to_string();
        if value.is_empty() {
            self.report.push(
                Diagnostic::error(format!("{what} is empty"))
                    .at(&self.sources, loc)
                    .hint(format!(
                        "write the {what}, or remove the key if it is optional"
                    )),
            );
        }
        if let Some(c) = value
            .chars()
            .find(|c| c.is_control() && *c != '\n' && *c != '\t')
        {
            self.report.push(
                Diagnostic::error(format!(
                    "{what} contains the invisible control character U+{:04X}",
                    c as u32
                ))
                .at(&self.sources, loc)
                .hint("delete it; it usually comes from copying text out of another program"),
            );
        }
        self.texts.push((value.clone(), loc));
        value
    }

    /// Speaker notes: any text, but no invisible control characters (they break the notes file).
    fn notes(&mut self, n: &Option<Spanned<String>>, file: usize) -> Option<String> {
        let n = n.as_ref()?;
        if let Some(c) = n
            .value
            .chars()
            .find(|c| c.is_control() && *c != '\n' && *c != '\t')
        {
            let loc = self.loc(&file, &n.referenced);
            self.report.push(
                Diagnostic::error(format!(
                    "notes contain the invisible control character U+{:04X}",
                    c as u32
                ))
                .at(&self.sources, loc)
                .hint("delete it; it usually comes from copying text out of another program"),
            );
        }
        Some(n.value.clone())
    }

    /// `language` and `region`, checked against what the layouts support.
    fn language(&mut self, doc: &DocumentFile, file: usize) -> (String, Option<String>) {
        let language = doc.language.value.trim().to_string();
        if !LANGUAGES.contains(&language.as_str()) {
            let loc = self.loc(&file, &doc.language.referenced);
            self.report.push(
                Diagnostic::error(format!("language `{language}` is not one folio supports"))
                    .at(&self.sources, loc)
                    .hint(format!(
                        "write one of: {} (Chinese); the region says which script and conventions",
                        LANGUAGES.join(", ")
                    )),
            );
        }
        let region = doc.region.as_ref().map(|r| {
            let value = r.value.trim().to_lowercase();
            if !REGIONS.contains(&value.as_str()) {
                let loc = self.loc(&file, &r.referenced);
                self.report.push(
                    Diagnostic::error(format!("region `{}` is not one folio supports", r.value))
                        .at(&self.sources, loc)
                        .hint(format!(
                            "write one of: {} (Simplified Chinese: mainland China, Singapore), or leave `region` out",
                            REGIONS.join(", ")
                        )),
                );
            }
            value
        });
        (language, region)
    }

    fn settings(&mut self, doc: &DocumentFile, file: usize) -> (Settings, Option<PathBuf>) {
        let s = &doc.settings;
        let trim = match &s.trim {
            Some(t) => match Trim::parse(&t.value) {
                Ok(trim) => trim,
                Err(e) => {
                    let loc = self.loc(&file, &t.referenced);
                    self.report.push(
                        Diagnostic::error(e)
                            .at(&self.sources, loc)
                            .hint("use a4, a5, or width x height in millimetres such as 148x210"),
                    );
                    Trim::A4
                }
            },
            None => Trim::A4,
        };
        let bleed = s.bleed_mm.value;
        if !(0.0..=20.0).contains(&bleed) || bleed.is_nan() {
            let loc = self.loc(&file, &s.bleed_mm.referenced);
            self.report.push(
                Diagnostic::error(format!("bleed_mm is {bleed}; it must be between 0 and 20"))
                    .at(&self.sources, loc)
                    .hint("print shops usually ask for 3 mm"),
            );
        }
        let theme = s
            .theme
            .as_ref()
            .map(|t| t.value.clone())
            .unwrap_or_else(|| "default".into());
        if theme != "default" {
            let loc = self.loc(&file, &s.theme.as_ref().unwrap().referenced);
            self.report.push(
                Diagnostic::error(format!("unknown theme `{theme}`"))
                    .at(&self.sources, loc)
                    .hint(
                        "the available theme is `default`; change colours with `settings.colors`",
                    ),
            );
        }
        let primary = self.cmyk(&s.colors.primary, file, PRIMARY);
        let accent = self.cmyk(&s.colors.accent, file, ACCENT);
        let paper = self.cmyk(&s.colors.paper, file, PAPER);
        let font = |f: &Option<Spanned<String>>, d: &str| {
            f.as_ref()
                .map(|f| f.value.clone())
                .unwrap_or_else(|| d.into())
        };
        let logo = s.logo.as_ref().and_then(|l| {
            let loc = self.loc(&file, &l.referenced);
            self.inside(&self.project.root.clone(), &l.value, loc, "logo")
        });
        (
            Settings {
                trim,
                bleed_mm: bleed.clamp(0.0, 20.0),
                crop_marks: s.crop_marks,
                theme,
                primary,
                accent,
                paper,
                body_font: font(&s.fonts.body, "Noto Serif CJK SC"),
                heading_font: font(&s.fonts.heading, "Noto Sans CJK SC"),
            },
            logo,
        )
    }

    fn cmyk(&mut self, c: &Option<Spanned<Vec<f64>>>, file: usize, default: [f64; 4]) -> [f64; 4] {
        let Some(c) = c else { return default };
        match c.value.as_slice() {
            [a, b, d, e] if c.value.iter().all(|v| (0.0..=100.0).contains(v)) => [*a, *b, *d, *e],
            _ => {
                let loc = self.loc(&file, &c.referenced);
                self.report.push(
                    Diagnostic::error("a colour must be four CMYK percentages between 0 and 100")
                        .at(&self.sources, loc)
                        .hint("write it as [cyan, magenta, yellow, black], e.g. [100, 70, 0, 10]"),
                );
                default
            }
        }
    }

    fn section(&mut self, s: &model::Section, file: usize, number: Option<usize>) -> Section {
        let title = s.title.as_ref().map(|t| self.text(t, file, "title"));
        let figures = s
            .figures
            .iter()
            .map(|f| Figure {
                value: self.text(&f.value, file, "figure value"),
                unit: f
                    .unit
                    .as_ref()
                    .filter(|u| !u.value.trim().is_empty())
                    .map(|u| self.text(u, file, "figure unit")),
                label: self.text(&f.label, file, "figure label"),
            })
            .collect();
        let paragraphs = s
            .paragraphs
            .iter()
            .map(|p| {
                let lead = p.lead.as_ref().map(|l| self.text(l, file, "lead"));
                let text = self.text(&p.text, file, "paragraph text");
                let slide = p.slide.as_ref().map(|sl| {
                    let loc = self.loc(&file, &sl.referenced);
                    match &sl.value {
                        SlideText::Summary(t) => self.texts.push((t.clone(), loc)),
                        SlideText::Bullets(b) => {
                            self.texts.extend(b.iter().map(|t| (t.clone(), loc)))
                        }
                    }
                    sl.value.clone()
                });
                let photos = p
                    .photos
                    .iter()
                    .filter_map(|ph| self.photo(ph, file))
                    .collect();
                Paragraph {
                    lead,
                    text,
                    slide,
                    notes: self.notes(&p.notes, file),
                    slides: p.slides,
                    photos,
                }
            })
            .collect();
        let photos = s
            .photos
            .iter()
            .filter_map(|ph| self.photo(ph, file))
            .collect();
        Section {
            id: s.id.as_ref().map(|i| i.value.clone()),
            title,
            number,
            figures,
            paragraphs,
            photos,
            notes: self.notes(&s.notes, file),
            slides: s.slides,
        }
    }

    /// Resolves `rel` inside `base`, refusing absolute paths, `..` and symlinks that leave it.
    fn inside(&mut self, base: &Path, rel: &str, loc: Loc, what: &str) -> Option<PathBuf> {
        let p = Path::new(rel);
        let escapes = p.is_absolute()
            || rel.starts_with('/')
            || rel.starts_with('\\')
            || p.components().any(|c| !matches!(c, Component::Normal(_)));
        if escapes || rel.trim().is_empty() {
            self.report.push(
                Diagnostic::error(format!(
                    "{what} path `{rel}` leaves the project's {} folder",
                    base_name(base)
                ))
                .at(&self.sources, loc)
                .hint(format!(
                    "copy the file into {}/ and write its name relative to that folder",
                    base_name(base)
                )),
            );
            return None;
        }
        let full = base.join(p);
        match full.canonicalize() {
            Ok(real) => {
                let base_real = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
                if !real.starts_with(&base_real) {
                    self.report.push(
                        Diagnostic::error(format!(
                            "{what} `{rel}` is a link to a file outside the project"
                        ))
                        .at(&self.sources, loc)
                        .hint(format!("copy the file itself into {}/", base_name(base))),
                    );
                    return None;
                }
                if !real.is_file() {
                    self.report.push(
                        Diagnostic::error(format!("{what} `{rel}` is not a file"))
                            .at(&self.sources, loc),
                    );
                    return None;
                }
                Some(real)
            }
            Err(_) => {
                let hint = match self.closest_file(base, rel) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => format!("put the file in {}/ or correct the name", base_name(base)),
                };
                self.report.push(
                    Diagnostic::error(format!("{what} `{rel}` not found in {}/", base_name(base)))
                        .at(&self.sources, loc)
                        .hint(hint),
                );
                None
            }
        }
    }

    fn closest_file(&self, dir: &Path, name: &str) -> Option<String> {
        std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| !is_stray(Path::new(n)))
            .map(|n| {
                (
                    strsim::jaro_winkler(&n.to_lowercase(), &name.to_lowercase()),
                    n,
                )
            })
            .filter(|(s, _)| *s > 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, n)| n)
    }

    fn photo(&mut self, name: &Spanned<String>, file: usize) -> Option<PhotoId> {
        if let Some(&id) = self.photo_index.get(&name.value) {
            return Some(id);
        }
        let loc = self.loc(&file, &name.referenced);
        let photos_dir = self.project.photos.clone();
        let path = self.inside(&photos_dir, &name.value, loc, "photo")?;
        let mut photo = Photo {
            name: name.value.clone(),
            path,
            caption: None,
            credit: None,
            focus: (0.5, 0.5),
            notes: None,
            slides: true,
            loc,
        };
        let entry = self.captions.as_ref().and_then(|(c, f)| {
            c.get(&name.value).map(|e| {
                (
                    *f,
                    e.value.caption.clone(),
                    e.value.credit.clone(),
                    e.value.focus.clone(),
                    e.value.notes.clone(),
                    e.value.slides,
                )
            })
        });
        match entry {
            Some((cf, caption, credit, focus, notes, slides)) => {
                photo.caption = Some(self.text(&caption, cf, "caption"));
                photo.credit = credit.map(|c| self.text(&c, cf, "credit"));
                photo.notes = self.notes(&notes, cf);
                photo.slides = slides;
                if let Some(f) = focus {
                    match f.value.as_slice() {
                        [x, y] if (0.0..=1.0).contains(x) && (0.0..=1.0).contains(y) => {
                            photo.focus = (*x, *y)
                        }
                        _ => {
                            let loc = self.loc(&cf, &f.referenced);
                            self.report.push(
                                Diagnostic::error("focus must be [x, y] with both between 0 and 1")
                                    .at(&self.sources, loc)
                                    .hint("[0.5, 0.5] is the centre, [0, 0] the top-left corner"),
                            );
                        }
                    }
                }
            }
            None => self.report.push(
                Diagnostic::warning(format!("photo `{}` has no caption", name.value))
                    .at(&self.sources, loc)
                    .hint(format!(
                        "add `{}:` with a `caption:` to photos/captions.yaml",
                        name.value
                    )),
            ),
        }
        let id = self.photos.len();
        self.photos.push(photo);
        self.photo_index.insert(name.value.clone(), id);
        Some(id)
    }

    /// Captions for photos that are not placed anywhere are probably a typo in a file name.
    fn unused_captions(&mut self) {
        let Some((captions, file)) = &self.captions else {
            return;
        };
        let unused: Vec<(String, serde_saphyr::Location)> = captions
            .iter()
            .filter(|(k, _)| !self.photo_index.contains_key(*k))
            .map(|(k, v)| (k.clone(), v.referenced))
            .collect();
        let file = *file;
        for (name, at) in unused {
            let loc = self.loc(&file, &at);
            let exists = self.project.photos.join(&name).is_file();
            let hint = if exists {
                format!("place it in a section with `photos: [{name}]`, or remove its caption")
            } else {
                format!("there is no photos/{name}: correct the name or remove the entry")
            };
            self.report.push(
                Diagnostic::warning(format!("caption for `{name}`, which no section places"))
                    .at(&self.sources, loc)
                    .hint(hint),
            );
        }
    }
}

/// The languages and regions the layouts are made for (their labels and line-breaking rules).
pub const LANGUAGES: &[&str] = &["zh"];
pub const REGIONS: &[&str] = &["cn", "sg"];

/// Files that are not content though they sit in `content/` or `photos/`: hidden files (macOS
/// `._name` and `.DS_Store`, editors' `.name.swp`), editors' backups (`name~`, `#name#`) and the
/// thumbnails Windows leaves behind.
pub fn is_stray(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || lower == "thumbs.db"
        || lower == "desktop.ini"
        || lower.ends_with(".swp")
        || lower.ends_with(".bak")
}

fn base_name(base: &Path) -> String {
    base.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into())
}
