//! The data contract between folio and the layouts: the document as JSON, read by the layouts
//! with `json("/data.json")`. Content is data, never code: strings here are shown as text.
//! The fields are documented in `layouts/README.md`; bump `VERSION` when they change.

use crate::content::schema::SlideText;
use crate::content::{Document, Paragraph, Section};
use crate::photos::{Pixels, Request};
use crate::print::Geometry;
use crate::products::Kind;
use serde::Serialize;

pub const VERSION: u32 = 3;

/// The font families layouts set text in, each with its fallbacks (see `fonts.rs`).
#[derive(Debug, Clone, Default)]
pub struct FontChains {
    pub body: Vec<String>,
    pub heading: Vec<String>,
}

/// The whole of `/data.json`. Field names are the layouts' (kebab-case where typst code reads
/// them as `data.page.at("mark-offset")`); each is documented in `layouts/README.md`, which
/// `tests/contract.rs` compares with what this serialises.
#[derive(Debug, Serialize)]
pub struct Data {
    /// The contract's version (`VERSION`).
    pub version: u32,
    /// `brochure` or `slides`: which layout reads it.
    pub kind: &'static str,
    /// Resolution photos are prepared at for this output.
    pub dpi: u32,
    pub meta: Meta,
    pub page: Page,
    pub theme: Theme,
    pub cover: Option<PhotoRecord>,
    pub intro: Option<SectionRecord>,
    pub sections: Vec<SectionRecord>,
    pub closing: Option<SectionRecord>,
    /// Every placed photo, in order of first use.
    pub photos: Vec<PhotoRecord>,
}

/// What the document says about itself.
#[derive(Debug, Serialize)]
pub struct Meta {
    pub title: String,
    pub subtitle: Option<String>,
    pub organisation: String,
    pub year: i64,
    /// `text(lang:)`: line breaking and punctuation rules.
    pub lang: String,
    pub region: Option<String>,
    /// Which labels and typography the layouts use: `zh-hans`, `zh-hant` or `en`.
    pub script: &'static str,
    /// Speaker notes of the title slide.
    pub notes: Option<String>,
}

/// The brochure's print geometry, in millimetres.
#[derive(Debug, Serialize)]
pub struct Page {
    /// Width and height of the finished page.
    pub trim: [f64; 2],
    pub bleed: f64,
    /// Paper around the trim on every side: bleed, or room for the crop marks.
    pub slug: f64,
    pub marks: bool,
    #[serde(rename = "mark-offset")]
    pub mark_offset: f64,
    #[serde(rename = "mark-length")]
    pub mark_length: f64,
}

/// Colours (CMYK percentages), font lists and the logo.
#[derive(Debug, Serialize)]
pub struct Theme {
    pub primary: [f64; 4],
    pub accent: [f64; 4],
    pub paper: [f64; 4],
    /// The body family and its fallback copies, for `text(font: ..)`.
    #[serde(rename = "body-font")]
    pub body_font: Vec<String>,
    #[serde(rename = "heading-font")]
    pub heading_font: Vec<String>,
    /// The logo's virtual path, when the settings name one.
    pub logo: Option<&'static str>,
}

/// A photo, whole wherever it is placed: a layout never needs the whole document to place a
/// photo, and typst, which hashes every argument of a function call, never hashes the whole
/// document per photo.
#[derive(Debug, Clone, Serialize)]
pub struct PhotoRecord {
    pub id: usize,
    /// The name in the YAML, relative to `photos/`.
    pub name: String,
    /// Where `photo()` asks for it (see `photos::Request`).
    pub src: String,
    pub dpi: u32,
    /// Upright size in pixels, so layouts keep its proportions.
    pub width: u32,
    pub height: u32,
    pub caption: Option<String>,
    /// What the photo shows, for screen readers: `alt:`, else the caption, else its name.
    pub alt: String,
    pub credit: Option<String>,
    pub notes: Option<String>,
    /// `false`: keep it off the slides.
    pub slides: bool,
}

/// A section (and the intro and closing, which have its shape).
#[derive(Debug, Serialize)]
pub struct SectionRecord {
    /// A named destination of the brochure.
    pub id: Option<String>,
    pub title: Option<String>,
    /// 1-based among titled sections.
    pub number: Option<usize>,
    pub figures: Vec<FigureRecord>,
    pub paragraphs: Vec<ParagraphRecord>,
    /// Photos placed after the section's paragraphs.
    pub photos: Vec<PhotoRecord>,
    pub notes: Option<String>,
    pub slides: bool,
}

/// A key figure: value (and unit) large, label small.
#[derive(Debug, Serialize)]
pub struct FigureRecord {
    pub value: String,
    pub unit: Option<String>,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct ParagraphRecord {
    pub lead: Option<String>,
    pub text: String,
    /// The slide's text: the `slide:` summary, or the first sentences.
    pub summary: String,
    /// The `slide:` bullets, when it gives a list.
    pub bullets: Option<Vec<String>>,
    pub notes: Option<String>,
    pub slides: bool,
    /// Photos placed right after the paragraph.
    pub photos: Vec<PhotoRecord>,
}

/// What the layouts' data is made of, the same for every output.
pub struct Inputs<'a> {
    pub doc: &'a Document,
    pub geometry: Geometry,
    pub fonts: &'a FontChains,
    pub has_logo: bool,
    /// Each photo's upright size, so layouts can keep its proportions (1 × 1 when unknown).
    pub sizes: &'a [Pixels],
}

/// The data for one output.
pub fn data(inputs: &Inputs, kind: Kind) -> Data {
    let &Inputs {
        doc,
        geometry,
        fonts,
        has_logo,
        sizes,
    } = inputs;
    let s = &doc.settings;
    let photos: Vec<PhotoRecord> = doc
        .photos
        .iter()
        .enumerate()
        .map(|(i, p)| PhotoRecord {
            id: i,
            name: p.name.clone(),
            src: Request::base(i),
            dpi: kind.dpi(),
            width: sizes.get(i).map_or(1, |s| s.width),
            height: sizes.get(i).map_or(1, |s| s.height),
            caption: p.caption.clone(),
            alt: p.alt_text(),
            credit: p.credit.clone(),
            notes: p.notes.clone(),
            slides: p.slides,
        })
        .collect();
    Data {
        version: VERSION,
        kind: kind.name(),
        dpi: kind.dpi(),
        meta: Meta {
            title: doc.title.clone(),
            subtitle: doc.subtitle.clone(),
            organisation: doc.organisation.clone(),
            year: doc.year,
            lang: doc.language.clone(),
            region: doc.region.clone(),
            script: crate::content::script(&doc.language, doc.region.as_deref()),
            notes: doc.notes.clone(),
        },
        page: Page {
            trim: [geometry.trim.width_mm, geometry.trim.height_mm],
            bleed: geometry.bleed,
            slug: geometry.slug(),
            marks: geometry.marks,
            mark_offset: geometry.mark_offset(),
            mark_length: Geometry::MARK_LENGTH,
        },
        theme: Theme {
            primary: s.primary,
            accent: s.accent,
            paper: s.paper,
            body_font: chain(&fonts.body, &s.body_font),
            heading_font: chain(&fonts.heading, &s.heading_font),
            logo: has_logo.then_some(LOGO_PATH),
        },
        cover: doc.cover.map(|i| photos[i].clone()),
        intro: doc.intro.as_ref().map(|s| section(s, &photos)),
        sections: doc.sections.iter().map(|s| section(s, &photos)).collect(),
        closing: doc.closing.as_ref().map(|s| section(s, &photos)),
        photos,
    }
}

/// `/data.json` itself.
pub fn build(inputs: &Inputs, kind: Kind) -> Vec<u8> {
    serde_json::to_vec(&data(inputs, kind)).expect("JSON of plain values")
}

/// Where the World serves the logo.
pub const LOGO_PATH: &str = "/folio/logo";

/// A family's fallback chain; the family alone when the fonts were not asked.
fn chain(chain: &[String], family: &str) -> Vec<String> {
    if chain.is_empty() {
        vec![family.to_string()]
    } else {
        chain.to_vec()
    }
}

fn records(ids: &[usize], photos: &[PhotoRecord]) -> Vec<PhotoRecord> {
    ids.iter().map(|&i| photos[i].clone()).collect()
}

fn section(s: &Section, photos: &[PhotoRecord]) -> SectionRecord {
    SectionRecord {
        id: s.id.clone(),
        title: s.title.clone(),
        number: s.number,
        figures: s
            .figures
            .iter()
            .map(|f| FigureRecord {
                value: f.value.clone(),
                unit: f.unit.clone(),
                label: f.label.clone(),
            })
            .collect(),
        paragraphs: s.paragraphs.iter().map(|p| paragraph(p, photos)).collect(),
        photos: records(&s.photos, photos),
        notes: s.notes.clone(),
        slides: s.slides,
    }
}

fn paragraph(p: &Paragraph, photos: &[PhotoRecord]) -> ParagraphRecord {
    let (summary, bullets) = match &p.slide {
        Some(SlideText::Summary(s)) => (s.clone(), None),
        Some(SlideText::Bullets(b)) => (String::new(), Some(b.clone())),
        None => (first_sentences(&p.text, SUMMARY_CHARS), None),
    };
    ParagraphRecord {
        lead: p.lead.clone(),
        text: p.text.clone(),
        summary,
        bullets,
        notes: p.notes.clone(),
        slides: p.slides,
        photos: records(&p.photos, photos),
    }
}

/// About how much of a paragraph a slide shows when the content gives no `slide:` text.
pub const SUMMARY_CHARS: usize = 90;

/// The first sentences of `text`: at least one, and more while they are under half of
/// `min_chars` together (so a very short first sentence is not left alone).
pub fn first_sentences(text: &str, min_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        count += 1;
        if ends_sentence(c, chars.peek().copied()) && count >= min_chars / 2 {
            break;
        }
    }
    out.trim().to_string()
}

/// Whether `c` (followed by `next`) ends a sentence: Chinese full stops and marks, and a Latin
/// `.`, `!`, `?` or `;` before a space or the end (not the point of "3.5" or "folio.yaml").
fn ends_sentence(c: char, next: Option<char>) -> bool {
    match c {
        '。' | '！' | '？' | '；' => true,
        '.' | '!' | '?' | ';' => next.is_none_or(char::is_whitespace),
        _ => false,
    }
}

/// The handout's data (`handout.typ`): the deck's `meta` and `theme` (from the deck's data)
/// and each slide's speaker notes.
pub fn handout(deck_data: &[u8], notes: &[String]) -> Vec<u8> {
    let deck: serde_json::Value = serde_json::from_slice(deck_data).unwrap_or_default();
    let out = serde_json::json!({
        "version": deck["version"],
        "meta": deck["meta"],
        "theme": deck["theme"],
        "notes": notes,
    });
    serde_json::to_vec(&out).expect("JSON of plain values")
}

#[cfg(test)]
mod tests {
    use super::first_sentences;

    #[test]
    fn summary_stops_at_a_sentence_end() {
        let t = "第一句话比较长一些内容在这里。第二句。第三句。";
        assert_eq!(first_sentences(t, 20), "第一句话比较长一些内容在这里。");
        assert_eq!(first_sentences("没有句号的文本", 4), "没有句号的文本");
        let long = "短。".repeat(3) + &"长".repeat(50) + "。";
        assert_eq!(first_sentences(&long, 10), "短。短。短。");
        // English: a full stop before a space ends a sentence; a decimal point does not.
        let en =
            "Membership grew 3.5 times in 2020. The League opened new branches. More followed.";
        assert_eq!(
            first_sentences(en, 20),
            "Membership grew 3.5 times in 2020."
        );
        assert_eq!(
            first_sentences(en, 90),
            "Membership grew 3.5 times in 2020. The League opened new branches."
        );
    }
}
