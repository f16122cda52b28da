//! A prepared JPEG as a PDF image object, written into the output PDFs by `slot.rs`: its
//! headers read (size, components, ICC profile, Adobe inversion), its bytes embedded as they
//! are (DCTDecode), never decoded. The JPEG keeps its own colour space (ICC-tagged RGB, grey or
//! CMYK; untagged RGB is tagged sRGB).

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

/// How a JPEG is described as a PDF image object: read once from its headers, written either
/// as dictionary text (the appended update) or as a lopdf dictionary (the rewrite fallback).
pub struct ImageObject<'a> {
    pub width: u32,
    pub height: u32,
    pub space: Space<'a>,
    /// Adobe's tools store CMYK inverted: the image needs `/Decode [1 0 1 0 1 0 1 0]`.
    pub inverted: bool,
}

/// An image's colour space.
pub enum Space<'a> {
    /// ICC-based, through the profile (written as its own object).
    Icc(Icc<'a>),
    Gray,
    Cmyk,
}

/// The ICC profile an image is described with.
pub struct Icc<'a> {
    pub profile: std::borrow::Cow<'a, [u8]>,
    pub components: u8,
}

/// `None` when the bytes are not a JPEG of 1, 3 or 4 components.
pub fn image_object(jpeg: &[u8]) -> Option<ImageObject<'static>> {
    let info = jpeg_info(jpeg)?;
    let space = match (info.icc, info.components) {
        (Some(p), 1 | 3) => Space::Icc(Icc {
            profile: std::borrow::Cow::Owned(p),
            components: info.components,
        }),
        // Untagged RGB is sRGB by convention: say so, for colour-managed print workflows.
        (None, 3) => Space::Icc(Icc {
            profile: std::borrow::Cow::Borrowed(crate::profiles::SRGB),
            components: 3,
        }),
        (None, 1) => Space::Gray,
        (_, 4) => Space::Cmyk,
        _ => return None,
    };
    Some(ImageObject {
        width: info.width,
        height: info.height,
        space,
        inverted: info.components == 4 && info.adobe,
    })
}

impl ImageObject<'_> {
    /// The dictionary as text, for `length` bytes of JPEG; `profile` writes an ICC-based
    /// space's profile as an object (or finds it written) and gives its number.
    pub fn dict(&self, length: usize, profile: impl FnOnce(&Icc) -> usize) -> String {
        let space = match &self.space {
            Space::Icc(icc) => format!("[/ICCBased {} 0 R]", profile(icc)),
            Space::Gray => "/DeviceGray".into(),
            Space::Cmyk => "/DeviceCMYK".into(),
        };
        let decode = if self.inverted {
            "/Decode[1 0 1 0 1 0 1 0]"
        } else {
            ""
        };
        format!(
            "<</Type/XObject/Subtype/Image/Width {}/Height {}/BitsPerComponent 8/ColorSpace{space}{decode}/Filter/DCTDecode/Length {length}>>",
            self.width, self.height
        )
    }
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
    fn describes_a_jpeg_as_an_image() {
        let j = jpeg(40, 20);
        let image = image_object(&j).unwrap();
        let dict = image.dict(j.len(), |_| 7);
        assert!(dict.contains("/Width 40/Height 20"), "{dict}");
        assert!(dict.contains(&format!("/Length {}", j.len())), "{dict}");
        // Untagged RGB is tagged sRGB.
        assert!(dict.contains("/ICCBased 7 0 R"), "{dict}");
        assert!(matches!(image.space, Space::Icc(Icc { components: 3, .. })));
        assert!(image_object(b"not a jpeg").is_none());
    }
}
