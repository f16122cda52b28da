//! The deck as an editable PowerPoint file (`slides.pptx`): the same slides as `slides.pdf`,
//! read from the pages typst laid out (`read`), with the content's own text in text boxes and
//! placeholders, the photos as JPEGs, and the speaker notes; written as an Office Open XML
//! package from templates (`package`).

mod align;
pub mod package;
pub mod read;

use crate::content::Document;
use crate::photos::PhotoSet;
use typst_layout::PagedDocument;

/// The `.pptx` file of a laid-out deck. `notes` are each page's speaker notes; `date` is the
/// build's date (W3C format) for the document properties.
pub fn pptx(
    deck: &PagedDocument,
    photos: &PhotoSet,
    doc: &Document,
    notes: &[String],
    date: String,
) -> Result<Vec<u8>, String> {
    // A picture's alternative text: what it shows (`alt:`, else its caption).
    let alt = |id: usize| doc.photos.get(id).map(|p| p.alt_text());
    let read = read::deck(deck, photos, notes, &alt);
    let rgb = |c: [f64; 4]| {
        let [c, m, y, k] = c.map(|v| (v / 100.0).clamp(0.0, 1.0));
        // The same conversion typst's PDF viewers make of the deck's CMYK colours.
        [c, m, y].map(|v| ((1.0 - v) * (1.0 - k) * 255.0).round() as u8)
    };
    let lang = match &doc.region {
        Some(r) => format!("{}-{}", doc.language, r.to_uppercase()),
        None if doc.language == "zh" => "zh-CN".into(),
        None => doc.language.clone(),
    };
    let meta = package::Meta {
        title: &doc.title,
        author: &doc.organisation,
        lang,
        heading_font: &doc.settings.heading_font,
        body_font: &doc.settings.body_font,
        primary: rgb(doc.settings.primary),
        accent: rgb(doc.settings.accent),
        date,
    };
    package::write(&read, &meta)
}
