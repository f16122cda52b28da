//! A prepared JPEG wrapped in a one-page PDF the size of its frame.
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
    let info = jpeg_info(jpeg)?;
    let device = match info.components {
        1 => "/DeviceGray",
        3 => "/DeviceRGB",
        4 => "/DeviceCMYK",
        _ => return None,
    };
    // Untagged RGB is sRGB by convention: say so, for colour-managed print workflows.
    let icc = match (&info.icc, info.components) {
        (Some(p), 1 | 3) => Some(p.as_slice()),
        (None, 3) => srgb(),
        _ => None,
    };
    let colour_space = if icc.is_some() {
        "[/ICCBased 6 0 R]".to_string()
    } else {
        device.to_string()
    };
    let decode = if info.components == 4 && info.adobe {
        "/Decode[1 0 1 0 1 0 1 0]"
    } else {
        ""
    };
    let content = format!("q {width_pt:.4} 0 0 {height_pt:.4} 0 0 cm /Im0 Do Q");

    let mut out: Vec<u8> = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |out: &mut Vec<u8>, head: String, stream: Option<&[u8]>| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{head}", offsets.len()).as_bytes());
        if let Some(s) = stream {
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(s);
            out.extend_from_slice(b"\nendstream");
        }
        out.extend_from_slice(b"\nendobj\n");
    };
    object(&mut out, "<</Type/Catalog/Pages 2 0 R>>".into(), None);
    object(&mut out, "<</Type/Pages/Kids[3 0 R]/Count 1>>".into(), None);
    object(
        &mut out,
        format!(
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 {width_pt:.4} {height_pt:.4}]/Resources<</XObject<</Im0 4 0 R>>>>/Contents 5 0 R>>"
        ),
        None,
    );
    object(
        &mut out,
        format!(
            "<</Type/XObject/Subtype/Image/Width {}/Height {}/BitsPerComponent 8/ColorSpace {colour_space}{decode}/Filter/DCTDecode/Length {}>>",
            info.width,
            info.height,
            jpeg.len()
        ),
        Some(jpeg),
    );
    object(
        &mut out,
        format!("<</Length {}>>", content.len()),
        Some(content.as_bytes()),
    );
    if let Some(icc) = icc {
        object(
            &mut out,
            format!("<</N {}/Length {}>>", info.components, icc.len()),
            Some(icc),
        );
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<</Size {}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    Some(out)
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
