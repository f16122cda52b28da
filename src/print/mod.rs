//! What happens to the brochure's PDF bytes after typst: page boxes a print shop needs, and
//! imposition of pages onto printer's sheets.
//!
//! lopdf is used here rather than printpdf: printpdf writes new PDFs from scratch, while this
//! step edits the PDF typst wrote (page dictionaries, form XObjects of existing pages).

pub mod boxes;
pub mod impose;

pub const MM: f64 = 72.0 / 25.4;
