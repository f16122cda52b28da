//! Resolution: the parsed files (`schema.rs`) checked and turned into a `Document`: sections
//! numbered, ids unique, photos found inside `photos/` with their captions, every printed string
//! non-empty, free of control characters and typographically cleaned up.

use super::document::*;
use super::schema::{self, CaptionsFile, DocumentFile, SlideText};
use super::{Loaded, paths, typography, yaml};
use crate::diag::{Diagnostic, Loc, Report, SourceMap};
use crate::project::Project;
use serde_saphyr::Spanned;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// Reads the files and resolves them into a `Document`, collecting every problem on the way.
pub(super) struct Resolver<'a> {
    pub(super) project: &'a Project,
    pub(super) sources: SourceMap,
    pub(super) report: Report,
    photos: Vec<Photo>,
    photo_index: HashMap<String, PhotoId>,
    captions: Option<(Arc<CaptionsFile>, usize)>,
    /// Every printed string, cleaned up, with where it was written.
    texts: Vec<(String, Loc)>,
}

impl Resolver<'_> {
    pub(super) fn run(&mut self) -> Option<Document> {
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
            let Some((s, file)) = self.read::<schema::Section>(path) else {
                continue;
            };
            if s.is_empty() {
                // Left out silently, the section would vanish from the PDFs with exit 0; an
                // editor that empties the file before writing it also gets here between the two.
                let name = self.project.display_path(path);
                self.report.push(
                    Diagnostic::error(format!("{} holds no section", name.display()))
                        .in_file(name)
                        .hint("give it a `title:` and `paragraphs:` (see content/README.md), or delete the file to leave the section out"),
                );
                continue;
            }
            sections.push((s, file));
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

    pub(super) fn read<T: serde::de::DeserializeOwned + Send + Sync + 'static>(
        &mut self,
        path: &Path,
    ) -> Option<(Arc<T>, usize)> {
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
                            && !paths::is_stray(p)
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

    pub(super) fn loc(&self, file: &usize, at: &serde_saphyr::Location) -> Loc {
        self.sources
            .loc(*file, at.line() as usize, at.column() as usize)
    }

    /// A user string that will be printed: non-empty, no control characters.
    pub(super) fn text(&mut self, s: &Spanned<String>, file: usize, what: &str) -> String {
        let loc = self.loc(&file, &s.referenced);
        let value = s.value.trim();
        if value.is_empty() {
            self.report.push(
                Diagnostic::error(format!("{what} is empty"))
                    .at(&self.sources, loc)
                    .hint(format!(
                        "write the {what}, or remove the key if it is optional"
                    )),
            );
        }
        self.refuse_control_characters(value, loc, &format!("{what} contains"));
        // What is printed, and what the fonts are checked against, is the cleaned-up text.
        let value = typography::clean(value);
        self.texts.push((value.clone(), loc));
        value
    }

    /// Text that is read but never printed (a photo's alt text): checked like printed text,
    /// but not against the fonts.
    pub(super) fn unprinted(&mut self, s: &Spanned<String>, file: usize, what: &str) -> String {
        let value = self.text(s, file, what);
        self.texts.pop();
        value
    }

    /// Speaker notes: any text, but no invisible control characters (they break the notes file).
    pub(super) fn notes(&mut self, n: &Option<Spanned<String>>, file: usize) -> Option<String> {
        let n = n.as_ref()?;
        let loc = self.loc(&file, &n.referenced);
        self.refuse_control_characters(&n.value, loc, "notes contain");
        Some(n.value.clone())
    }

    /// An error at `loc` when `value` holds an invisible control character (line breaks and
    /// tabs are text); `subject` begins the message ("title contains", "notes contain").
    fn refuse_control_characters(&mut self, value: &str, loc: Loc, subject: &str) {
        // Control characters are bytes below 0x20, 0x7F, or U+0080–U+009F (lead byte 0xC2):
        // a byte scan passes nearly all text without decoding it.
        let maybe = |b: u8| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7F || b == 0xC2;
        if !value.bytes().any(maybe) {
            return;
        }
        if let Some(c) = value
            .chars()
            .find(|c| c.is_control() && *c != '\n' && *c != '\t')
        {
            self.report.push(
                Diagnostic::error(format!(
                    "{subject} the invisible control character U+{:04X}",
                    c as u32
                ))
                .at(&self.sources, loc)
                .hint("delete it; it usually comes from copying text out of another program"),
            );
        }
    }

    fn section(&mut self, s: &schema::Section, file: usize, number: Option<usize>) -> Section {
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
                    let cleaned = match &sl.value {
                        SlideText::Summary(t) => SlideText::Summary(typography::clean(t)),
                        SlideText::Bullets(b) => {
                            SlideText::Bullets(b.iter().map(|t| typography::clean(t)).collect())
                        }
                    };
                    match &cleaned {
                        SlideText::Summary(t) => self.texts.push((t.clone(), loc)),
                        SlideText::Bullets(b) => {
                            self.texts.extend(b.iter().map(|t| (t.clone(), loc)))
                        }
                    }
                    cleaned
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

    /// `rel` inside `base` (see `paths.rs`), or an error at `loc`.
    pub(super) fn inside(
        &mut self,
        base: &Path,
        rel: &str,
        loc: Loc,
        what: &str,
    ) -> Option<PathBuf> {
        match paths::inside(base, rel, what) {
            Ok(path) => Some(path),
            Err(refused) => {
                let mut d = Diagnostic::error(refused.message).at(&self.sources, loc);
                if let Some(h) = refused.hint {
                    d = d.hint(h);
                }
                self.report.push(d);
                None
            }
        }
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
            alt: None,
            credit: None,
            focus: Focus::CENTRE,
            notes: None,
            slides: true,
            loc,
        };
        let entry = self.captions.as_ref().and_then(|(c, f)| {
            c.get(&name.value).map(|e| {
                (
                    *f,
                    e.value.caption.clone(),
                    e.value.alt.clone(),
                    e.value.credit.clone(),
                    e.value.focus.clone(),
                    e.value.notes.clone(),
                    e.value.slides,
                )
            })
        });
        match entry {
            Some((cf, caption, alt, credit, focus, notes, slides)) => {
                photo.caption = Some(self.text(&caption, cf, "caption"));
                photo.alt = alt.map(|a| self.unprinted(&a, cf, "alt"));
                photo.credit = credit.map(|c| self.text(&c, cf, "credit"));
                photo.notes = self.notes(&notes, cf);
                photo.slides = slides;
                if let Some(f) = focus {
                    match f.value.as_slice() {
                        [x, y] if (0.0..=1.0).contains(x) && (0.0..=1.0).contains(y) => {
                            photo.focus = Focus { x: *x, y: *y }
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
