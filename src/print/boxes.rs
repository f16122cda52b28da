//! Page boxes: typst writes the MediaBox (trim + slug) and the TrimBox; the BleedBox is ours.

use lopdf::{Document, Object};

fn rect(obj: &Object) -> Option<[f64; 4]> {
    let arr = obj.as_array().ok()?;
    let v: Vec<f64> = arr
        .iter()
        .filter_map(|o| o.as_float().ok().map(f64::from))
        .collect();
    (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
}

fn to_obj(r: [f64; 4]) -> Object {
    Object::Array(r.iter().map(|v| Object::Real(*v as f32)).collect())
}

/// Sets BleedBox = TrimBox grown by `bleed` points (within the MediaBox) on every page.
pub fn add_bleed_boxes(pdf: &[u8], bleed: f64) -> Result<Vec<u8>, String> {
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
        let bleed_box = [
            (trim[0] - bleed).max(media[0]),
            (trim[1] - bleed).max(media[1]),
            (trim[2] + bleed).min(media[2]),
            (trim[3] + bleed).min(media[3]),
        ];
        dict.set("TrimBox", to_obj(trim));
        dict.set("BleedBox", to_obj(bleed_box));
    }
    let mut out = Vec::with_capacity(pdf.len());
    doc.save_to(&mut out)
        .map_err(|e| format!("writing the PDF: {e}"))?;
    Ok(out)
}
