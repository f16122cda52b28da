//! What happens to the brochure's PDF bytes after typst: page boxes and PDF/X-4 (`finish.rs`,
//! `pdfx.rs`, edited in place through `update.rs`), imposition onto printer's sheets
//! (`impose.rs`), and the PDF/X-4 check of any PDF (`check.rs`).
//!
//! lopdf is used here rather than printpdf: printpdf writes new PDFs from scratch, while this
//! step edits the PDF typst wrote (page dictionaries, form XObjects of existing pages).

pub mod check;
pub mod finish;
pub mod geometry;
pub mod impose;
pub mod pdfx;
pub mod update;

pub use geometry::{Geometry, MM, Trim};

/// A PDF rectangle `[x0 y0 x1 y1]` as numbers.
pub(crate) fn rect(obj: &lopdf::Object) -> Option<[f64; 4]> {
    let arr = obj.as_array().ok()?;
    let v: Vec<f64> = arr
        .iter()
        .filter_map(|o| o.as_float().ok().map(f64::from))
        .collect();
    (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
}

/// Numbers as a PDF rectangle.
pub(crate) fn rect_object(r: [f64; 4]) -> lopdf::Object {
    lopdf::Object::Array(r.iter().map(|v| lopdf::Object::Real(*v as f32)).collect())
}
