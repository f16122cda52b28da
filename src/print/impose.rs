//! Saddle-stitch imposition: the brochure's pages paired on sheets twice the trim width, in the
//! order a folded, stapled stack reads (for 8 pages: 8|1, 2|7, 6|3, 4|5), each sheet with its
//! own trim and bleed boxes and crop marks at the sheet's trim.
//!
//! Each page of the brochure becomes a form XObject drawn, clipped to its half of the sheet
//! (the bleed on the outer edges, cut at the spine), onto the new sheet pages.

use super::Geometry;
use super::{MM, rect, rect_object as arr};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

/// The order of pages (1-based) on the sheet sides: (left, right) for each side.
pub fn saddle_order(pages: usize) -> Vec<(usize, usize)> {
    let n = pages;
    let mut out = Vec::new();
    for s in 0..n / 4 {
        out.push((n - 2 * s, 1 + 2 * s));
        out.push((2 + 2 * s, n - 1 - 2 * s));
    }
    out
}

pub fn saddle(pdf: &[u8], g: &Geometry) -> Result<Vec<u8>, String> {
    let mut doc = Document::load_mem(pdf).map_err(|e| e.to_string())?;
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    if !pages.len().is_multiple_of(4) {
        return Err(format!("{} pages is not a multiple of 4", pages.len()));
    }
    let (tw, th) = (g.trim.width_mm * MM, g.trim.height_mm * MM);
    let bleed = g.bleed * MM;
    let slug = g.slug() * MM;

    // Every page as a form XObject, with where its trim box starts.
    let mut forms = Vec::new();
    for id in &pages {
        let content = doc.get_page_content(*id);
        let page = doc.get_dictionary(*id).map_err(|e| e.to_string())?;
        let media = page
            .get(b"MediaBox")
            .ok()
            .and_then(rect)
            .ok_or("page without MediaBox")?;
        let trim = page.get(b"TrimBox").ok().and_then(rect).unwrap_or(media);
        let resources = match page.get(b"Resources") {
            Ok(Object::Reference(r)) => Object::Reference(*r),
            Ok(o) => o.clone(),
            Err(_) => Object::Dictionary(Dictionary::new()),
        };
        let dict = dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => arr(media),
            "Resources" => resources,
        };
        let mut stream = Stream::new(dict, content);
        let _ = stream.compress();
        forms.push((doc.add_object(stream), trim));
    }

    // Registration colour for the marks: a Separation on all plates.
    let tint = doc.add_object(dictionary! {
        "FunctionType" => 2,
        "Domain" => vec![0.into(), 1.into()],
        "C0" => vec![0.into(), 0.into(), 0.into(), 0.into()],
        "C1" => vec![1.into(), 1.into(), 1.into(), 1.into()],
        "N" => 1,
    });
    let all = doc.add_object(Object::Array(vec![
        Object::Name(b"Separation".to_vec()),
        Object::Name(b"All".to_vec()),
        Object::Name(b"DeviceCMYK".to_vec()),
        Object::Reference(tint),
    ]));

    let pages_root = doc
        .catalog()
        .and_then(|c| c.get(b"Pages"))
        .and_then(Object::as_reference)
        .map_err(|e| e.to_string())?;
    let (sw, sh) = (2.0 * tw + 2.0 * slug, th + 2.0 * slug);
    let mut kids = Vec::new();
    for (left, right) in saddle_order(pages.len()) {
        let mut ops = String::new();
        let mut xobjects = Dictionary::new();
        for (side, page) in [(0, left), (1, right)] {
            let (form, trim) = forms[page - 1];
            let name = format!("P{side}");
            xobjects.set(name.as_bytes(), Object::Reference(form));
            let x = slug + side as f64 * tw;
            // Clip: this page's half of the sheet, bleed on the outer sides, none at the spine.
            let (cx0, cx1) = if side == 0 {
                (slug - bleed, slug + tw)
            } else {
                (slug + tw, slug + 2.0 * tw + bleed)
            };
            ops.push_str(&format!(
                "q {cx0:.3} {:.3} {:.3} {:.3} re W n 1 0 0 1 {:.3} {:.3} cm /{name} Do Q\n",
                slug - bleed,
                cx1 - cx0,
                th + 2.0 * bleed,
                x - trim[0],
                slug - trim[1],
            ));
        }
        ops.push_str(&marks(g, tw * 2.0, th, slug));
        let content = doc.add_object(Stream::new(Dictionary::new(), ops.into_bytes()));
        let trim = [slug, slug, slug + 2.0 * tw, slug + th];
        let sheet = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_root,
            "MediaBox" => arr([0.0, 0.0, sw, sh]),
            "TrimBox" => arr(trim),
            "BleedBox" => arr([trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed]),
            "Resources" => dictionary! {
                "XObject" => xobjects,
                "ColorSpace" => dictionary! { "Reg" => all },
            },
            "Contents" => content,
        });
        kids.push(Object::Reference(sheet));
    }
    let count = kids.len() as i64;
    let root = doc
        .get_object_mut(pages_root)
        .and_then(Object::as_dict_mut)
        .map_err(|e| e.to_string())?;
    root.set("Kids", kids);
    root.set("Count", count);
    // Structure, outline and named destinations refer to the single pages: drop them.
    if let Ok(catalog) = doc.catalog_mut() {
        for key in [
            &b"StructTreeRoot"[..],
            b"Outlines",
            b"Dests",
            b"OpenAction",
            b"MarkInfo",
            b"PageLabels",
        ] {
            catalog.remove(key);
        }
    }
    for id in pages {
        doc.objects.remove(&id);
    }
    doc.prune_objects();
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Crop marks at the corners of a `w` × `h` trim placed `slug` from the sheet's edges.
fn marks(g: &Geometry, w: f64, h: f64, slug: f64) -> String {
    if !g.marks {
        return String::new();
    }
    let off = g.mark_offset() * MM;
    let len = Geometry::MARK_LENGTH * MM;
    let (l, b, r, t) = (slug, slug, slug + w, slug + h);
    let mut s = String::from("q /Reg CS 1 SCN 0.25 w\n");
    for (x, y, dx, dy) in [
        (l, b, -1.0, -1.0),
        (r, b, 1.0, -1.0),
        (l, t, -1.0, 1.0),
        (r, t, 1.0, 1.0),
    ] {
        s.push_str(&format!(
            "{:.3} {y:.3} m {:.3} {y:.3} l S\n",
            x + dx * off,
            x + dx * (off + len)
        ));
        s.push_str(&format!(
            "{x:.3} {:.3} m {x:.3} {:.3} l S\n",
            y + dy * off,
            y + dy * (off + len)
        ));
    }
    s.push_str("Q\n");
    s
}

#[cfg(test)]
mod tests {
    use super::saddle_order;

    #[test]
    fn eight_pages_fold_in_saddle_order() {
        assert_eq!(saddle_order(8), vec![(8, 1), (2, 7), (6, 3), (4, 5)]);
        // Every page appears once.
        let mut all: Vec<usize> = saddle_order(16)
            .into_iter()
            .flat_map(|(a, b)| [a, b])
            .collect();
        all.sort();
        assert_eq!(all, (1..=16).collect::<Vec<_>>());
    }
}
