//! Page boxes: typst writes the MediaBox (trim + slug) and the TrimBox; the BleedBox is ours.
//!
//! The fast path appends the changed page dictionaries as a PDF incremental update (new object
//! revisions, a new xref section, `/Prev` to the old one): the megabytes of photos typst wrote are
//! not parsed or copied. When the file is not laid out as expected, lopdf rewrites it instead.

use super::{rect, rect_object as to_obj};
use lopdf::{Document, Object};

/// Sets BleedBox = TrimBox grown by `bleed` points (within the MediaBox) on every page.
pub fn add_bleed_boxes(mut pdf: Vec<u8>, bleed: f64) -> Result<Vec<u8>, String> {
    match incremental(&pdf, bleed) {
        Some(update) => {
            pdf.extend_from_slice(&update);
            Ok(pdf)
        }
        None => rewrite(&pdf, bleed),
    }
}

fn bleed_box(media: [f64; 4], trim: [f64; 4], bleed: f64) -> [f64; 4] {
    [
        (trim[0] - bleed).max(media[0]),
        (trim[1] - bleed).max(media[1]),
        (trim[2] + bleed).min(media[2]),
        (trim[3] + bleed).min(media[3]),
    ]
}

/// Numbers after `key` in a one-line dictionary, e.g. `/TrimBox[1 2 3 4]`.
fn box_in(dict: &str, key: &str) -> Option<[f64; 4]> {
    let rest = &dict[dict.find(key)? + key.len()..];
    let inner = rest.trim_start().strip_prefix('[')?;
    let v: Vec<f64> = inner[..inner.find(']')?]
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
}

/// The incremental update to append to `pdf`, for a PDF with a classic xref table and one-line
/// page dictionaries (what typst writes). `None` when the file does not look like that.
fn incremental(pdf: &[u8], bleed: f64) -> Option<Vec<u8>> {
    let tail = std::str::from_utf8(&pdf[pdf.len().saturating_sub(2048)..]).ok()?;
    let start_xref: usize = tail[tail.rfind("startxref")? + 9..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let trailer = &tail[tail.rfind("trailer")?..tail.rfind("startxref")?];
    let dict = &trailer[trailer.find("<<")? + 2..trailer.rfind(">>")?];
    if dict.contains("/Prev") || dict.contains("/Encrypt") {
        return None;
    }
    // The xref table: "xref\n0 N\n" then N entries of 20 bytes.
    let xref = pdf.get(start_xref..)?;
    let head_end = xref
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)?
        .0
        + 1;
    let head = std::str::from_utf8(&xref[..head_end]).ok()?;
    let mut words = head.split_whitespace();
    if words.next()? != "xref" || words.next()? != "0" {
        return None;
    }
    let count: usize = words.next()?.parse().ok()?;
    let mut pages = Vec::new();
    for n in 1..count {
        let entry =
            std::str::from_utf8(xref.get(head_end + 20 * n..head_end + 20 * n + 20)?).ok()?;
        if !entry.contains(" n") {
            continue;
        }
        let offset: usize = entry[..10].parse().ok()?;
        let obj = pdf.get(offset..(offset + 4096).min(pdf.len()))?;
        let prefix = format!("{n} 0 obj\n<<");
        if !obj.starts_with(prefix.as_bytes()) {
            continue;
        }
        if !obj[prefix.len() - 2..].starts_with(b"<</Type/Page/") {
            continue;
        }
        let text = String::from_utf8_lossy(obj);
        let body = &text[prefix.len() - 2..];
        let end = body.find(">>\nendobj")?;
        pages.push((n, body[..end + 2].to_string()));
    }
    if pages.is_empty() {
        return None;
    }
    // Offsets in the update count from the start of the file it is appended to.
    let base = pdf.len();
    let mut out = Vec::with_capacity(pages.len() * 200);
    if !pdf.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut entries = Vec::new();
    for (n, page) in &pages {
        let media = box_in(page, "/MediaBox")?;
        let trim = box_in(page, "/TrimBox").unwrap_or(media);
        let b = bleed_box(media, trim, bleed);
        let updated = format!(
            "{}/BleedBox[{:.4} {:.4} {:.4} {:.4}]>>",
            &page[..page.len() - 2],
            b[0],
            b[1],
            b[2],
            b[3]
        );
        entries.push((*n, base + out.len()));
        out.extend_from_slice(format!("{n} 0 obj\n{updated}\nendobj\n").as_bytes());
    }
    let new_xref = base + out.len();
    out.extend_from_slice(b"xref\n");
    for (n, offset) in &entries {
        out.extend_from_slice(format!("{n} 1\n{offset:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<<{dict}/Prev {start_xref}>>\nstartxref\n{new_xref}\n%%EOF\n").as_bytes(),
    );
    Some(out)
}

/// The general path: parse and rewrite the whole file.
fn rewrite(pdf: &[u8], bleed: f64) -> Result<Vec<u8>, String> {
    let mut doc =
        Document::load_mem(pdf).map_err(|e| format!("reading the PDF typst wrote: {e}"))?;
    let pages: Vec<_> = doc.get_pages().into_values().collect();
    for id in pages {
        let dict = doc
            .get_object_mut(id)
            .and_then(Object::as_dict_mut)
            .map_err(|e| e.to_string())?;
        let media = dict.get(b"MediaBox").ok().and_then(rect);
        let trim = dict.get(b"TrimBox").ok().and_then(rect).or(media);
        let (Some(trim), Some(media)) = (trim, media) else {
            return Err("a page has no MediaBox".into());
        };
        dict.set("TrimBox", to_obj(trim));
        dict.set("BleedBox", to_obj(bleed_box(media, trim, bleed)));
    }
    let mut out = Vec::with_capacity(pdf.len());
    doc.save_to(&mut out)
        .map_err(|e| format!("writing the PDF: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_boxes_from_one_line_dictionaries() {
        let d = "<</Type/Page/MediaBox[0 0 600 800]/TrimBox[34.5 34.5 565.5 765.5]/Parent 1 0 R>>";
        assert_eq!(box_in(d, "/TrimBox"), Some([34.5, 34.5, 565.5, 765.5]));
        assert_eq!(
            bleed_box([0.0, 0.0, 600.0, 800.0], [34.5, 34.5, 565.5, 765.5], 8.5),
            [26.0, 26.0, 574.0, 774.0]
        );
        assert_eq!(box_in(d, "/BleedBox"), None);
    }

    #[test]
    fn falls_back_on_files_it_does_not_recognise() {
        assert!(incremental(b"%PDF-1.7\nnot really a pdf", 3.0).is_none());
    }
}
