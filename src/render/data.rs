//! The data contract between folio and the layouts: the document as JSON, read by the layouts
//! with `json("/data.json")`. Content is data, never code: strings here are shown as text.
//! The fields are documented in `layouts/README.md`; bump `VERSION` when they change.

use crate::content::schema::SlideText;
use crate::content::{Document, Paragraph, Section};
use crate::photos::Request;
use crate::print::Geometry;
use crate::products::Kind;
use serde_json::{Value, json};

pub const VERSION: u32 = 3;

/// The font families layouts set text in, each with its fallbacks (see `fonts.rs`).
#[derive(Debug, Clone, Default)]
pub struct FontChains {
    pub body: Vec<String>,
    pub heading: Vec<String>,
}

/// `sizes`: each photo's upright size in pixels, so layouts can keep its proportions.
pub fn build(
    doc: &Document,
    kind: Kind,
    geometry: Geometry,
    fonts: &FontChains,
    has_logo: bool,
    sizes: &[(u32, u32)],
) -> Vec<u8> {
    let s = &doc.settings;
    let photos: Vec<Value> = doc
        .photos
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({
                "id": i,
                "name": p.name,
                "src": Request::base(i),
                "dpi": kind.dpi(),
                "width": sizes.get(i).map_or(1, |s| s.0),
                "height": sizes.get(i).map_or(1, |s| s.1),
                "caption": p.caption,
                "credit": p.credit,
                "notes": p.notes,
                "slides": p.slides,
            })
        })
        .collect();
    let data = json!({
        "version": VERSION,
        "kind": kind.name(),
        "dpi": kind.dpi(),
        "meta": {
            "title": doc.title,
            "subtitle": doc.subtitle,
            "organisation": doc.organisation,
            "year": doc.year,
            "lang": doc.language,
            "region": doc.region,
            "notes": doc.notes,
        },
        "page": {
            "trim": [geometry.trim.width_mm, geometry.trim.height_mm],
            "bleed": geometry.bleed,
            "slug": geometry.slug(),
            "marks": geometry.marks,
            "mark-offset": geometry.mark_offset(),
            "mark-length": Geometry::MARK_LENGTH,
        },
        "theme": {
            "primary": s.primary,
            "accent": s.accent,
            "paper": s.paper,
            "body-font": chain(&fonts.body, &s.body_font),
            "heading-font": chain(&fonts.heading, &s.heading_font),
            "logo": if has_logo { Some("/folio/logo") } else { None },
        },
        "cover": doc.cover.map(|i| photos[i].clone()),
        "intro": doc.intro.as_ref().map(|s| section(s, &photos)),
        "sections": doc.sections.iter().map(|s| section(s, &photos)).collect::<Vec<_>>(),
        "closing": doc.closing.as_ref().map(|s| section(s, &photos)),
        "photos": photos,
    });
    serde_json::to_vec(&data).expect("JSON of plain values")
}

/// A family's fallback chain; the family alone when the fonts were not asked.
fn chain(chain: &[String], family: &str) -> Vec<String> {
    if chain.is_empty() {
        vec![family.to_string()]
    } else {
        chain.to_vec()
    }
}

/// Sections and paragraphs carry their photos' whole records, not ids: a layout then never
/// needs the whole document to place a photo, and typst, which hashes every argument of a
/// function call, never hashes the whole document per photo.
fn records(ids: &[usize], photos: &[Value]) -> Vec<Value> {
    ids.iter().map(|&i| photos[i].clone()).collect()
}

fn section(s: &Section, photos: &[Value]) -> Value {
    json!({
        "id": s.id,
        "title": s.title,
        "number": s.number,
        "figures": s.figures.iter().map(|f| json!({
            "value": f.value,
            "unit": f.unit,
            "label": f.label,
        })).collect::<Vec<_>>(),
        "paragraphs": s.paragraphs.iter().map(|p| paragraph(p, photos)).collect::<Vec<_>>(),
        "photos": records(&s.photos, photos),
        "notes": s.notes,
        "slides": s.slides,
    })
}

fn paragraph(p: &Paragraph, photos: &[Value]) -> Value {
    let (summary, bullets) = match &p.slide {
        Some(SlideText::Summary(s)) => (s.clone(), None),
        Some(SlideText::Bullets(b)) => (String::new(), Some(b.clone())),
        None => (first_sentences(&p.text, SUMMARY_CHARS), None),
    };
    json!({
        "lead": p.lead,
        "text": p.text,
        "summary": summary,
        "bullets": bullets,
        "notes": p.notes,
        "slides": p.slides,
        "photos": records(&p.photos, photos),
    })
}

/// About how much of a paragraph a slide shows when the content gives no `slide:` text.
pub const SUMMARY_CHARS: usize = 90;

/// The first sentences of `text`: at least one, and more while they are under half of
/// `min_chars` together (so a very short first sentence is not left alone).
pub fn first_sentences(text: &str, min_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for c in text.chars() {
        out.push(c);
        count += 1;
        if matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';') && count >= min_chars / 2 {
            break;
        }
    }
    out.trim().to_string()
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
    }
}
