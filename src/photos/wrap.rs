//! A prepared JPEG wrapped in a one-page PDF the size of its frame (written with pdf-writer,
//! already in the tree through typst).
//!
//! typst decodes every raster image it places and keeps the pixels for the whole process
//! (hundreds of megabytes for a brochure of photos). A PDF image is embedded by copying its
//! objects, so the JPEG bytes go into the brochure untouched and are never decoded: memory stays
//! small and compiles stay fast. The JPEG keeps its own colour space (ICC-tagged RGB, grey or CMYK).

/// What a JPEG's headers say about how to embed it.
#[derive(Debug, Clone, PartialEq)]
pub struct JpegInfo {
    pub width: u32,
    pub height: u32,
    pub components: u8,
    /// Adobe APP14 marker present (CMYK data from Adobe tools is stored inverted).
    pub adobe: bool,
    pub icc: Option<Vec<u8>>,
}

/// Reads the markers before the image data: frame size, components, ICC profile chunks.
pub fn jpeg_info(data: &[u8]) -> Option<JpegInfo> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2;
    let mut info: Option<(u32, u32, u8)> = None;
    let mut adobe = false;
    let mut icc_chunks: Vec<(u8, &[u8])> = Vec::new();
    while i + 4 <= data.len() {
        if data[i] != 0xFF {
            return None;
        }
        let marker = data[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([data[i + 2], data[i + 3]]) as usize;
        let seg = data.get(i + 4..i + 2 + len)?;
        match marker {
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF if seg.len() >= 6 => {
                let h = u16::from_be_bytes([seg[1], seg[2]]) as u32;
                let w = u16::from_be_bytes([seg[3], seg[4]]) as u32;
                info = Some((w, h, seg[5]));
            }
            0xE2 if seg.starts_with(b"ICC_PROFILE\0") && seg.len() > 14 => {
                icc_chunks.push((seg[12], &seg[14..]))
            }
            0xEE if seg.starts_with(b"Adobe") => adobe = true,
            0xDA => break,
            _ => {}
        }
        i += 2 + len;
    }
    let (width, height, components) = info?;
    icc_chunks.sort_by_key(|c| c.0);
    let icc = (!icc_chunks.is_empty()).then(|| {
        icc_chunks
            .iter()
            .flat_map(|c| c.1.iter().copied())
            .collect()
    });
    Some(JpegInfo {
        width,
        height,
        components,
        adobe,
        icc,
    })
}

/// The sRGB profile that tags untagged RGB photos.
fn srgb() -> Option<&'static [u8]> {
    Some(crate::profiles::SRGB)
}

/// A PDF whose single page (`width_pt` × `height_pt`) is filled by the JPEG.
pub fn pdf_of_jpeg(jpeg: &[u8], width_pt: f64, height_pt: f64) -> Option<Vec<u8>> {
    use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref};
    let info = jpeg_info(jpeg)?;
    if !matches!(info.components, 1 | 3 | 4) {
        return None;
    }
    // Untagged RGB is sRGB by convention: say so, for colour-managed print workflows.
    let icc = match (&info.icc, info.components) {
        (Some(p), 1 | 3) => Some(p.as_slice()),
        (None, 3) => srgb(),
        _ => None,
    };
    let (catalog, pages, page, image, content, profile) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
    );
    let mut pdf = Pdf::new();
    // PDF 1.6: the print file is PDF 1.6 (PDF/X-4), and typst embeds no PDF newer than its output.
    pdf.set_version(1, 6);
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.parent(pages)
        .media_box(Rect::new(0.0, 0.0, width_pt as f32, height_pt as f32))
        .contents(content);
    p.resources().x_objects().pair(Name(b"Im0"), image);
    p.finish();
    let mut img = pdf.image_xobject(image, jpeg);
    img.filter(Filter::DctDecode);
    img.width(info.width as i32)
        .height(info.height as i32)
        .bits_per_component(8);
    match (icc, info.components) {
        (Some(_), _) => img.color_space().icc_based(profile),
        (None, 1) => img.color_space().device_gray(),
        (None, 3) => img.color_space().device_rgb(),
        (None, _) => img.color_space().device_cmyk(),
    }
    if info.components == 4 && info.adobe {
        // Adobe's tools store CMYK inverted.
        img.decode([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
    }
    img.finish();
    // The content stream as folio has always written it (its bytes reach the output PDF).
    let ops = format!("q {width_pt:.4} 0 0 {height_pt:.4} 0 0 cm /Im0 Do Q");
    pdf.stream(content, ops.as_bytes());
    if let Some(icc) = icc {
        pdf.icc_profile(profile, icc).n(info.components as i32);
    }
    Some(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 30, 30]));
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut bytes)
            .encode_image(&img)
            .unwrap();
        bytes
    }

    #[test]
    fn reads_jpeg_headers() {
        let info = jpeg_info(&jpeg(37, 21)).unwrap();
        assert_eq!((info.width, info.height, info.components), (37, 21, 3));
        assert!(jpeg_info(b"not a jpeg").is_none());
    }

    #[test]
    fn wraps_a_jpeg_in_a_valid_pdf() {
        let j = jpeg(40, 20);
        let pdf = pdf_of_jpeg(&j, 100.0, 50.0).unwrap();
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        // The JPEG is inside, byte for byte.
        assert!(pdf.windows(j.len()).any(|w| w == j.as_slice()));
    }
}
