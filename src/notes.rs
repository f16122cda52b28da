//! Speaker notes for the deck, as a `.pdfpc` file (the JSON format pdfpc and other presenter
//! tools read): one entry per slide, with the notes the content gives for it.

use crate::render::frames::slide_metadata;
use serde_json::json;
use typst::foundations::Value;
use typst_layout::PagedDocument;

/// The notes of each page, "" where there are none.
pub fn per_page(doc: &PagedDocument) -> Vec<String> {
    let mut notes = vec![String::new(); doc.pages().len()];
    for (page, value) in slide_metadata(doc) {
        if let Value::Dict(d) = value
            && let Ok(Value::Str(s)) = d.get("notes")
            && page < notes.len()
            && notes[page].is_empty()
        {
            notes[page] = s.to_string();
        }
    }
    notes
}

/// The `.pdfpc` file for the notes of each page.
pub fn pdfpc(notes: &[String]) -> Vec<u8> {
    let pages: Vec<_> = notes
        .iter()
        .enumerate()
        .map(|(i, note)| {
            json!({
                "idx": i,
                "label": (i + 1).to_string(),
                "overlay": 0,
                "forcedOverlay": false,
                "hidden": false,
                "note": note,
            })
        })
        .collect();
    let file = json!({
        "pdfpcFormat": 2,
        "disableMarkdown": true,
        "pages": pages,
    });
    let mut bytes = serde_json::to_vec_pretty(&file).expect("JSON of plain values");
    bytes.push(b'\n');
    bytes
}
