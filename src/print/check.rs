//! folio's own check of the PDF/X-4 rules (ISO 15930-7) that can be read from a file: no open
//! PDF/X validator exists, and a user should be able to ask whether any PDF, folio's or not,
//! is fit to send (`folio check --pdf FILE`). Each problem is one sentence.

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::HashSet;

/// The PDF/X-4 problems of the file `pdf`; empty when it meets every rule checked here.
pub fn pdfx_problems(pdf: &[u8]) -> Vec<String> {
    let mut bad = Vec::new();
    match header_version(pdf) {
        Some(v) if v <= 1.6 => {}
        Some(v) => bad.push(format!(
            "the header says PDF {v}; PDF/X-4 needs 1.6 or lower"
        )),
        None => return vec!["this is not a PDF file (no %PDF- header)".into()],
    }
    let doc = match Document::load_mem(pdf) {
        Ok(d) => d,
        Err(e) => return vec![format!("the file cannot be read as a PDF: {e}")],
    };
    if doc.trailer.get(b"Encrypt").is_ok() {
        bad.push("the file is encrypted".into());
    }
    if doc.trailer.get(b"ID").is_err() {
        bad.push("the trailer has no /ID".into());
    }
    let Ok(catalog) = doc.catalog() else {
        bad.push("the file has no catalog".into());
        return bad;
    };
    if let Ok(v) = catalog.get(b"Version").and_then(Object::as_name)
        && String::from_utf8_lossy(v)
            .parse::<f64>()
            .is_ok_and(|v| v > 1.6)
    {
        bad.push(format!(
            "the catalog's /Version {} is above 1.6",
            String::from_utf8_lossy(v)
        ));
    }
    output_intent(&doc, catalog, &mut bad);
    let info = info(&doc, &mut bad);
    xmp(&doc, catalog, info.as_ref(), &mut bad);
    if let Ok(names) = deref(&doc, catalog.get(b"Names")).and_then(Object::as_dict) {
        if names.has(b"JavaScript") {
            bad.push("the document has JavaScript".into());
        }
        if names.has(b"EmbeddedFiles") {
            bad.push("the document has embedded files".into());
        }
    }
    if catalog.has(b"AA") {
        bad.push("the catalog has additional actions (/AA)".into());
    }
    if let Ok(action) = deref(&doc, catalog.get(b"OpenAction")).and_then(Object::as_dict)
        && action.get(b"S").and_then(Object::as_name).ok() == Some(b"JavaScript")
    {
        bad.push("the document runs JavaScript when opened".into());
    }
    let mut rgb = Vec::new();
    let mut seen = HashSet::new();
    for (number, id) in doc.get_pages() {
        page(&doc, number, id, &mut bad, &mut rgb, &mut seen);
    }
    if let Some(first) = rgb.first() {
        bad.push(format!(
            "DeviceRGB is used under a CMYK output intent ({} place(s)), e.g. {first}",
            rgb.len()
        ));
    }
    bad
}

fn header_version(pdf: &[u8]) -> Option<f64> {
    let head = pdf.get(..16)?;
    let at = head.windows(5).position(|w| w == b"%PDF-")?;
    std::str::from_utf8(head.get(at + 5..at + 8)?)
        .ok()?
        .parse()
        .ok()
}

/// `obj`, or what it refers to.
fn deref<'a>(doc: &'a Document, obj: lopdf::Result<&'a Object>) -> lopdf::Result<&'a Object> {
    match obj? {
        Object::Reference(id) => doc.get_object(*id),
        other => Ok(other),
    }
}

fn string(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<String> {
    let obj = deref(doc, d.get(key)).ok()?;
    let bytes = obj.as_str().ok()?;
    Some(
        lopdf::decode_text_string(obj)
            .unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned()),
    )
}

/// The stream `key` of `d` refers to.
fn stream_at<'a>(doc: &'a Document, d: &Dictionary, key: &[u8]) -> Option<&'a Stream> {
    let id = d.get(key).and_then(Object::as_reference).ok()?;
    doc.get_object(id).and_then(Object::as_stream).ok()
}

/// A stream's data, decompressed when its filter is one lopdf knows.
fn data(s: &Stream) -> Vec<u8> {
    s.decompressed_content()
        .unwrap_or_else(|_| s.content.clone())
}

/// Whether a shading (a dictionary, or a stream's dictionary) paints in DeviceRGB.
fn rgb_shading(doc: &Document, sh: Option<&Object>, res: &Dictionary) -> bool {
    let d = sh.and_then(|s| {
        s.as_dict()
            .ok()
            .or_else(|| s.as_stream().ok().map(|s| &s.dict))
    });
    d.is_some_and(|d| {
        d.get(b"ColorSpace")
            .is_ok_and(|cs| is_rgb(doc, cs, Some(res)))
    })
}

fn output_intent(doc: &Document, catalog: &Dictionary, bad: &mut Vec<String>) {
    let intents: Vec<&Dictionary> = deref(doc, catalog.get(b"OutputIntents"))
        .and_then(Object::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|o| deref(doc, Ok(o)).and_then(Object::as_dict).ok())
                .filter(|d| d.get(b"S").and_then(Object::as_name).ok() == Some(b"GTS_PDFX"))
                .collect()
        })
        .unwrap_or_default();
    if intents.len() != 1 {
        bad.push(format!(
            "{} GTS_PDFX output intents; PDF/X-4 needs exactly one",
            intents.len()
        ));
    }
    for oi in intents {
        if string(doc, oi, b"OutputConditionIdentifier").is_none_or(|s| s.trim().is_empty()) {
            bad.push("the output intent has no /OutputConditionIdentifier".into());
        }
        let Some(profile) = stream_at(doc, oi, b"DestOutputProfile") else {
            bad.push("the output intent embeds no /DestOutputProfile (PDF/X-4 needs one)".into());
            continue;
        };
        let icc = data(profile);
        let n = profile.dict.get(b"N").and_then(Object::as_i64).unwrap_or(0);
        if n != 4 || icc.get(16..20) != Some(b"CMYK") {
            bad.push(format!(
                "the output profile is not CMYK (/N {n}, colour space {})",
                String::from_utf8_lossy(icc.get(16..20).unwrap_or(b"?"))
            ));
        }
        if icc.get(12..16) != Some(b"prtr") {
            bad.push("the output profile is not an output (printer) profile".into());
        }
        if let (Some(&major), Some(&minor)) = (icc.get(8), icc.get(9))
            && (major > 4 || (major == 4 && minor >> 4 > 2))
        {
            bad.push(format!(
                "the output profile is ICC version {major}.{}; PDF/X-4 allows up to 4.2",
                minor >> 4
            ));
        }
    }
}

fn info(doc: &Document, bad: &mut Vec<String>) -> Option<Dictionary> {
    let info = deref(doc, doc.trailer.get(b"Info"))
        .and_then(Object::as_dict)
        .ok()
        .cloned();
    let Some(d) = &info else {
        bad.push("the file has no Info dictionary".into());
        return None;
    };
    if string(doc, d, b"GTS_PDFXVersion").as_deref() != Some("PDF/X-4") {
        bad.push("Info /GTS_PDFXVersion is not (PDF/X-4)".into());
    }
    let trapped = d.get(b"Trapped").and_then(Object::as_name).ok();
    if !matches!(trapped, Some(b"True") | Some(b"False")) {
        bad.push("Info /Trapped is not /True or /False".into());
    }
    for key in ["Title", "CreationDate", "ModDate"] {
        if string(doc, d, key.as_bytes()).is_none_or(|s| s.trim().is_empty()) {
            bad.push(format!("Info has no /{key}"));
        }
    }
    info
}

/// The text of an XMP property, as an element or an attribute.
fn xmp_value(x: &str, prop: &str) -> Option<String> {
    if let Some(at) = x.find(&format!("<{prop}")) {
        let rest = &x[at + prop.len() + 1..];
        if rest.starts_with("/>") || !rest.starts_with(['>', ' ']) {
            return None;
        }
        let body = &rest[rest.find('>')? + 1..];
        let body = &body[..body.find(&format!("</{prop}>"))?];
        // Strip nested markup (rdf:Alt / rdf:li).
        let mut text = String::new();
        let mut tag = false;
        for c in body.chars() {
            match c {
                '<' => tag = true,
                '>' => tag = false,
                c if !tag => text.push(c),
                _ => {}
            }
        }
        return Some(text.trim().to_string());
    }
    let at = x.find(&format!("{prop}=\""))?;
    let rest = &x[at + prop.len() + 2..];
    Some(rest[..rest.find('"')?].to_string())
}

fn xmp(doc: &Document, catalog: &Dictionary, info: Option<&Dictionary>, bad: &mut Vec<String>) {
    let Some(stream) = stream_at(doc, catalog, b"Metadata") else {
        bad.push("the catalog has no XMP metadata stream".into());
        return;
    };
    let bytes = data(stream);
    let x = String::from_utf8_lossy(&bytes);
    if xmp_value(&x, "pdfxid:GTS_PDFXVersion").as_deref() != Some("PDF/X-4") {
        bad.push("the XMP has no pdfxid:GTS_PDFXVersion = PDF/X-4".into());
    }
    let trapped = xmp_value(&x, "pdf:Trapped");
    match trapped.as_deref() {
        Some("True") | Some("False") => {
            let info_trapped = info
                .and_then(|d| d.get(b"Trapped").and_then(Object::as_name).ok())
                .map(|n| String::from_utf8_lossy(n).into_owned());
            if info_trapped.is_some_and(|t| Some(t.as_str()) != trapped.as_deref()) {
                bad.push("the XMP's pdf:Trapped and Info /Trapped disagree".into());
            }
        }
        _ => bad.push("the XMP has no pdf:Trapped True or False".into()),
    }
    for prop in [
        "xmpMM:DocumentID",
        "xmpMM:VersionID",
        "xmpMM:RenditionClass",
        "xmp:CreateDate",
        "xmp:ModifyDate",
        "xmp:MetadataDate",
        "dc:title",
    ] {
        if xmp_value(&x, prop).is_none_or(|v| v.is_empty()) {
            bad.push(format!("the XMP has no {prop}"));
        }
    }
    if let (Some(t), Some(info)) = (xmp_value(&x, "dc:title"), info)
        && let Some(title) = string(doc, info, b"Title")
        && xml_unescape(&t) != title
    {
        bad.push("the XMP's dc:title and Info /Title disagree".into());
    }
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn rect(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<[f64; 4]> {
    deref(doc, d.get(key)).ok().and_then(super::rect)
}

fn page(
    doc: &Document,
    number: u32,
    id: ObjectId,
    bad: &mut Vec<String>,
    rgb: &mut Vec<String>,
    seen: &mut HashSet<ObjectId>,
) {
    let Ok(dict) = doc.get_dictionary(id) else {
        return;
    };
    let (trim, art) = (dict.has(b"TrimBox"), dict.has(b"ArtBox"));
    if trim == art {
        bad.push(format!(
            "page {number} has {}",
            if trim {
                "both a TrimBox and an ArtBox"
            } else {
                "neither a TrimBox nor an ArtBox"
            }
        ));
    }
    // MediaBox may be inherited from the page tree.
    let media = rect(doc, dict, b"MediaBox").or_else(|| {
        dict.get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|p| doc.get_dictionary(p))
            .ok()
            .and_then(|p| rect(doc, p, b"MediaBox"))
    });
    let trim_box = rect(doc, dict, b"TrimBox");
    let bleed = rect(doc, dict, b"BleedBox");
    const E: f64 = 0.01;
    if let (Some(b), Some(t)) = (bleed, trim_box)
        && (b[0] > t[0] + E || b[1] > t[1] + E || b[2] < t[2] - E || b[3] < t[3] - E)
    {
        bad.push(format!(
            "page {number}: the BleedBox does not contain the TrimBox"
        ));
    }
    if let (Some(b), Some(m)) = (bleed, media)
        && (b[0] < m[0] - E || b[1] < m[1] - E || b[2] > m[2] + E || b[3] > m[3] + E)
    {
        bad.push(format!(
            "page {number}: the BleedBox extends past the MediaBox"
        ));
    }
    if dict.has(b"AA") {
        bad.push(format!("page {number} has additional actions (/AA)"));
    }
    if let Ok(group) = deref(doc, dict.get(b"Group")).and_then(Object::as_dict)
        && group.get(b"CS").is_ok_and(|cs| is_rgb(doc, cs, None))
    {
        rgb.push(format!("page {number}'s transparency group"));
    }
    let area = bleed.or(trim_box).or(media);
    if let (Ok(annots), Some(area)) = (
        deref(doc, dict.get(b"Annots")).and_then(Object::as_array),
        area,
    ) {
        for a in annots {
            let Ok(a) = deref(doc, Ok(a)).and_then(Object::as_dict) else {
                continue;
            };
            let subtype = a.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
            if subtype == b"PrinterMark" || subtype == b"TrapNet" {
                continue;
            }
            if let Some(r) = rect(doc, a, b"Rect")
                && r[0] < area[2]
                && r[2] > area[0]
                && r[1] < area[3]
                && r[3] > area[1]
            {
                bad.push(format!(
                    "page {number} has a {} annotation inside the bleed box",
                    String::from_utf8_lossy(subtype)
                ));
            }
        }
    }
    let resources = inherited_resources(doc, dict);
    let content = doc.get_page_content(id);
    walk(
        doc,
        &content,
        resources.as_ref(),
        &format!("page {number}"),
        bad,
        rgb,
        seen,
    );
}

fn inherited_resources(doc: &Document, dict: &Dictionary) -> Option<Dictionary> {
    let mut d = dict.clone();
    for _ in 0..32 {
        if let Ok(r) = deref(doc, d.get(b"Resources")).and_then(Object::as_dict) {
            return Some(r.clone());
        }
        let parent = d.get(b"Parent").and_then(Object::as_reference).ok()?;
        d = doc.get_dictionary(parent).ok()?.clone();
    }
    None
}

/// Whether a colour space is DeviceRGB, or built on it.
fn is_rgb(doc: &Document, cs: &Object, resources: Option<&Dictionary>) -> bool {
    match deref(doc, Ok(cs)) {
        Ok(Object::Name(n)) => {
            if n == b"DeviceRGB" || n == b"RGB" {
                return true;
            }
            resources
                .and_then(|r| {
                    deref(doc, r.get(b"ColorSpace"))
                        .and_then(Object::as_dict)
                        .ok()
                })
                .and_then(|spaces| spaces.get(n).ok())
                .is_some_and(|named| is_rgb(doc, named, None))
        }
        Ok(Object::Array(a)) if a.len() > 1 => match a[0].as_name() {
            Ok(b"Indexed") => is_rgb(doc, &a[1], resources),
            Ok(b"Separation") | Ok(b"DeviceN") => {
                a.get(2).is_some_and(|alt| is_rgb(doc, alt, resources))
            }
            _ => false,
        },
        _ => false,
    }
}

/// A content stream and its resources: DeviceRGB, forbidden XObjects and transfer functions,
/// through forms and patterns.
fn walk(
    doc: &Document,
    content: &[u8],
    resources: Option<&Dictionary>,
    at: &str,
    bad: &mut Vec<String>,
    rgb: &mut Vec<String>,
    seen: &mut HashSet<ObjectId>,
) {
    if let Ok(ops) = Content::decode(content) {
        for op in ops.operations {
            match op.operator.as_str() {
                "rg" | "RG" => rgb.push(format!("{at}: `{}` sets a DeviceRGB colour", op.operator)),
                "cs" | "CS"
                    if op
                        .operands
                        .first()
                        .is_some_and(|cs| is_rgb(doc, cs, resources)) =>
                {
                    rgb.push(format!(
                        "{at}: colour space {:?} is DeviceRGB",
                        op.operands[0]
                    ))
                }
                _ => {}
            }
        }
    }
    let Some(res) = resources else { return };
    let dict_of = |key: &[u8]| deref(doc, res.get(key)).and_then(Object::as_dict).ok();
    if let Some(spaces) = dict_of(b"ColorSpace") {
        for (name, cs) in spaces.iter() {
            if is_rgb(doc, cs, None) {
                rgb.push(format!(
                    "{at}: colour space /{}",
                    String::from_utf8_lossy(name)
                ));
            }
        }
    }
    if let Some(states) = dict_of(b"ExtGState") {
        for (name, gs) in states.iter() {
            let Ok(gs) = deref(doc, Ok(gs)).and_then(Object::as_dict) else {
                continue;
            };
            let name = String::from_utf8_lossy(name);
            if gs.has(b"TR") {
                bad.push(format!(
                    "{at}: graphics state /{name} has a transfer function"
                ));
            }
            if gs
                .get(b"TR2")
                .is_ok_and(|v| v.as_name().ok() != Some(b"Default"))
            {
                bad.push(format!(
                    "{at}: graphics state /{name} has a transfer function"
                ));
            }
        }
    }
    if let Some(xobjects) = dict_of(b"XObject") {
        for (name, xo) in xobjects.iter() {
            let name = String::from_utf8_lossy(name);
            let Ok(id) = xo.as_reference() else { continue };
            let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
                continue;
            };
            let d = &stream.dict;
            let subtype = d.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
            if d.has(b"OPI") || subtype == b"PS" || d.has(b"Alternates") {
                bad.push(format!(
                    "{at}: XObject /{name} is OPI, PostScript or has alternates"
                ));
            }
            if subtype == b"Image" {
                if d.get(b"ColorSpace")
                    .is_ok_and(|cs| is_rgb(doc, cs, Some(res)))
                {
                    rgb.push(format!("{at}: image /{name}"));
                }
            } else if subtype == b"Form" && seen.insert(id) {
                if let Ok(group) = deref(doc, d.get(b"Group")).and_then(Object::as_dict)
                    && group.get(b"CS").is_ok_and(|cs| is_rgb(doc, cs, Some(res)))
                {
                    rgb.push(format!("{at}: form /{name}'s transparency group"));
                }
                let inner = deref(doc, d.get(b"Resources"))
                    .and_then(Object::as_dict)
                    .ok()
                    .cloned()
                    .or_else(|| Some(res.clone()));
                walk(
                    doc,
                    &data(stream),
                    inner.as_ref(),
                    &format!("{at}/{name}"),
                    bad,
                    rgb,
                    seen,
                );
            }
        }
    }
    if let Some(shadings) = dict_of(b"Shading") {
        for (name, sh) in shadings.iter() {
            if rgb_shading(doc, deref(doc, Ok(sh)).ok(), res) {
                rgb.push(format!("{at}: shading /{}", String::from_utf8_lossy(name)));
            }
        }
    }
    if let Some(patterns) = dict_of(b"Pattern") {
        for (name, p) in patterns.iter() {
            let name = String::from_utf8_lossy(name);
            let Ok(id) = p.as_reference() else { continue };
            match doc.get_object(id) {
                Ok(Object::Stream(s)) if seen.insert(id) => {
                    let inner = deref(doc, s.dict.get(b"Resources"))
                        .and_then(Object::as_dict)
                        .ok()
                        .cloned();
                    walk(
                        doc,
                        &data(s),
                        inner.as_ref(),
                        &format!("{at}/{name}"),
                        bad,
                        rgb,
                        seen,
                    );
                }
                Ok(Object::Dictionary(d))
                    if rgb_shading(doc, deref(doc, d.get(b"Shading")).ok(), res) =>
                {
                    rgb.push(format!("{at}: pattern /{name}'s shading"));
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmp_values_are_read_as_elements_and_attributes() {
        let x = r#"<rdf:Description pdf:Trapped="False"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">年报 &amp; 数据</rdf:li></rdf:Alt></dc:title><xmp:CreateDate>2024-01-01T00:00:00Z</xmp:CreateDate>"#;
        assert_eq!(xmp_value(x, "pdf:Trapped").as_deref(), Some("False"));
        assert_eq!(
            xmp_value(x, "dc:title")
                .map(|t| xml_unescape(&t))
                .as_deref(),
            Some("年报 & 数据")
        );
        assert_eq!(
            xmp_value(x, "xmp:CreateDate").as_deref(),
            Some("2024-01-01T00:00:00Z")
        );
        assert_eq!(xmp_value(x, "xmp:ModifyDate"), None);
    }

    #[test]
    fn a_file_that_is_not_a_pdf_is_one_problem() {
        assert_eq!(pdfx_problems(b"hello").len(), 1);
    }
}
