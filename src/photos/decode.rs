//! Reading photo files safely: size and pixel limits before anything large is allocated,
//! EXIF orientation applied, ICC profile kept.

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;
use std::path::Path;

/// Largest photo file folio reads (a 100-megapixel JPEG is about 60 MB).
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;
/// Largest side in pixels, and largest pixel count: enough for any camera, far below a bomb.
pub const MAX_SIDE: u32 = 30_000;
pub const MAX_PIXELS: u64 = 150_000_000;

/// What a photo's header says, read without decoding the pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probe {
    /// Size after EXIF orientation (what a viewer shows).
    pub width: u32,
    pub height: u32,
    pub format: ImageFormat,
    /// True when the stored pixels need rotating or flipping to be shown upright.
    pub reoriented: bool,
    /// A CMYK JPEG: converted to RGB for every output, never embedded as it is.
    pub cmyk: bool,
}

/// A photo problem, phrased for the person who manages the photos.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoError {
    pub message: String,
    pub hint: String,
}

fn err(message: String, hint: &str) -> PhotoError {
    PhotoError {
        message,
        hint: hint.into(),
    }
}

pub fn read_file(path: &Path) -> Result<Vec<u8>, PhotoError> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let len = std::fs::metadata(path)
        .map_err(|e| {
            err(
                format!("cannot read photo {name}: {e}"),
                "check the file exists and can be read",
            )
        })?
        .len();
    if len == 0 {
        return Err(err(
            format!("photo {name} is an empty file (0 bytes)"),
            "copy the photo again from its source",
        ));
    }
    if len > MAX_FILE_BYTES {
        return Err(err(
            format!(
                "photo {name} is {} MB, over the {} MB limit",
                len >> 20,
                MAX_FILE_BYTES >> 20
            ),
            "export a smaller JPEG (300 ppi at the printed size is enough)",
        ));
    }
    std::fs::read(path).map_err(|e| {
        err(
            format!("cannot read photo {name}: {e}"),
            "check the file can be read",
        )
    })
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    // Decoded RGBA of the largest allowed photo, plus room for the decoder's own buffers.
    l.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    l
}

fn reader<'a>(
    bytes: &'a [u8],
    name: &str,
    limited: bool,
) -> Result<ImageReader<Cursor<&'a [u8]>>, PhotoError> {
    if let Some(kind) = heif_kind(bytes) {
        return Err(err(
            format!("photo {name} is a {kind} file; folio takes JPEG, PNG or WebP"),
            "convert it to JPEG: open it in Photos or Preview and export as JPEG, or run `heif-convert photo.heic photo.jpg` (Debian's libheif-examples); on an iPhone, Settings → Camera → Formats → Most Compatible takes JPEGs from then on",
        ));
    }
    let mut r = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| err(format!("cannot read photo {name}: {e}"), "check the file"))?;
    match r.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
        Some(f) => {
            return Err(err(
                format!("photo {name} is a {f:?} file; folio takes JPEG, PNG or WebP"),
                "export the photo as JPEG",
            ));
        }
        None => {
            return Err(err(
                format!("photo {name} is not an image (its content is not JPEG, PNG or WebP)"),
                "replace it with the real photo; a renamed document or web page is not an image",
            ));
        }
    }
    if limited {
        r.limits(limits());
    } else {
        // Reading only the header: no pixel buffers are allocated.
        r.no_limits();
    }
    Ok(r)
}

/// Reads the header: format, size, orientation. Refuses bombs before allocating.
pub fn probe(bytes: &[u8], name: &str) -> Result<Probe, PhotoError> {
    let r = reader(bytes, name, false)?;
    let format = r.format().expect("checked in reader");
    if format == ImageFormat::Jpeg && !has_jpeg_end(bytes) {
        return Err(err(
            format!("photo {name} is cut short (the JPEG has no end marker): it is damaged"),
            "copy or export the photo again; the transfer was probably interrupted",
        ));
    }
    let mut decoder = r.into_decoder().map_err(|e| decode_error(e, name))?;
    let (w, h) = decoder.dimensions();
    check_size(w, h, name)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    use image::metadata::Orientation::*;
    let swap = matches!(
        orientation,
        Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH
    );
    let (width, height) = if swap { (h, w) } else { (w, h) };
    let cmyk = format == ImageFormat::Jpeg
        && super::wrap::jpeg_info(bytes).is_some_and(|i| i.components == 4);
    Ok(Probe {
        width,
        height,
        format,
        reoriented: orientation != NoTransforms,
        cmyk,
    })
}

/// HEIC (phones' photos) and AVIF are ISO media files: a `ftyp` box naming the brand.
fn heif_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.get(4..8) != Some(b"ftyp") {
        return None;
    }
    let size = u32::from_be_bytes(bytes.get(0..4)?.try_into().ok()?) as usize;
    let brands = bytes.get(8..size.clamp(12, 64).min(bytes.len()))?;
    let has = |b: &[u8]| brands.chunks(4).any(|c| c == b);
    if has(b"avif") || has(b"avis") {
        Some("AVIF")
    } else if [
        b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
    ]
    .iter()
    .any(|b| has(*b))
    {
        Some("HEIC (HEIF)")
    } else {
        None
    }
}

/// A complete JPEG ends with the EOI marker (some cameras append data after it).
fn has_jpeg_end(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1 << 16)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

fn check_size(w: u32, h: u32, name: &str) -> Result<(), PhotoError> {
    if w == 0 || h == 0 {
        return Err(err(
            format!("photo {name} has no pixels ({w} × {h})"),
            "replace it with the real photo",
        ));
    }
    if w > MAX_SIDE || h > MAX_SIDE || (w as u64) * (h as u64) > MAX_PIXELS {
        return Err(err(
            format!(
                "photo {name} claims {w} × {h} pixels ({} megapixels), over the limit of {MAX_SIDE} pixels a side and {} megapixels; it may be a decompression bomb",
                (w as u64 * h as u64) / 1_000_000,
                MAX_PIXELS / 1_000_000
            ),
            "resize the photo (6000 pixels on the long side is plenty) or replace it",
        ));
    }
    Ok(())
}

fn decode_error(e: image::ImageError, name: &str) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => err(
            format!(
                "photo {name} needs more memory to decode than folio allows; it may be a decompression bomb"
            ),
            "resize the photo (6000 pixels on the long side is plenty) or replace it",
        ),
        other => err(
            format!("photo {name} is damaged and cannot be decoded: {other}"),
            "export or copy the photo again; the file may be truncated",
        ),
    }
}

/// A decoded photo, upright, with its ICC profile if it had one.
pub struct Decoded {
    pub image: DynamicImage,
    pub icc: Option<Vec<u8>>,
    /// The pixels are 1/`shrink` of the photo's upright size each way (1: full size): a JPEG
    /// decoded at a reduced DCT scale, when every frame it fills needs fewer pixels.
    pub shrink: u32,
}

/// The photo at full size.
pub fn decode(bytes: &[u8], name: &str) -> Result<Decoded, PhotoError> {
    decode_reduced(bytes, name, 1)
}

/// The photo at 1/`shrink` of its size each way (1, 2, 4 or 8) where the format allows it
/// (a colour or grey JPEG: libjpeg-turbo's scaled inverse DCT, which skips the coefficients
/// the smaller image cannot show), else at full size; `Decoded::shrink` says which.
pub fn decode_reduced(bytes: &[u8], name: &str, shrink: u32) -> Result<Decoded, PhotoError> {
    let r = reader(bytes, name, true)?;
    let format = r.format();
    let mut decoder = r.into_decoder().map_err(|e| decode_error(e, name))?;
    let (w, h) = decoder.dimensions();
    check_size(w, h, name)?;
    let icc = decoder.icc_profile().ok().flatten();
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let info = (format == Some(ImageFormat::Jpeg))
        .then(|| super::wrap::jpeg_info(bytes))
        .flatten();
    let cmyk = info.as_ref().is_some_and(|i| i.components == 4);
    let (mut image, shrink) = match info {
        Some(ref info) if info.components == 4 => {
            drop(decoder);
            (DynamicImage::ImageRgb8(cmyk_to_srgb(bytes, name, info)?), 1)
        }
        Some(_) => {
            drop(decoder);
            let shrink = match shrink {
                8.. => 8,
                4.. => 4,
                2.. => 2,
                _ => 1,
            };
            (jpeg_rgb(bytes, name, shrink, (w, h))?, shrink)
        }
        None => (
            DynamicImage::from_decoder(decoder).map_err(|e| decode_error(e, name))?,
            1,
        ),
    };
    image.apply_orientation(orientation);
    // A CMYK photo is sRGB now; its own profile no longer describes the pixels.
    let icc = if cmyk { None } else { icc };
    Ok(Decoded { image, icc, shrink })
}

/// A colour or grey JPEG as RGB pixels at 1/`shrink` of its stored size `(w, h)`.
fn jpeg_rgb(
    bytes: &[u8],
    name: &str,
    shrink: u32,
    (w, h): (u32, u32),
) -> Result<DynamicImage, PhotoError> {
    let damaged = |why: String| {
        err(
            format!("photo {name} is damaged and cannot be decoded: {why}"),
            "export or copy the photo again; the file may be truncated",
        )
    };
    let rgb = super::jpeg::decode_rgb(bytes, shrink).map_err(damaged)?;
    if (rgb.width, rgb.height) != (w.div_ceil(shrink), h.div_ceil(shrink)) {
        return Err(damaged(format!(
            "it decoded as {} × {} pixels where its header says {w} × {h}",
            rgb.width, rgb.height
        )));
    }
    image::RgbImage::from_raw(rgb.width, rgb.height, rgb.pixels)
        .map(DynamicImage::ImageRgb8)
        .ok_or_else(|| damaged("its pixels do not fill the image".into()))
}

/// A CMYK JPEG as sRGB pixels, through its own ICC profile, or FOGRA39 (coated offset, the
/// usual press) when it has none. Adobe's tools store CMYK inverted and say so in an APP14
/// marker; other writers store it as it is.
fn cmyk_to_srgb(
    bytes: &[u8],
    name: &str,
    info: &super::wrap::JpegInfo,
) -> Result<image::RgbImage, PhotoError> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::CMYK)
        .set_max_width(MAX_SIDE as usize)
        .set_max_height(MAX_SIDE as usize);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    let mut cmyk = decoder.decode().map_err(|e| {
        err(
            format!("photo {name} is damaged and cannot be decoded: {e:?}"),
            "export or copy the photo again; the file may be truncated",
        )
    })?;
    let (w, h) = decoder
        .dimensions()
        .map(|(w, h)| (w as u32, h as u32))
        .unwrap_or((info.width, info.height));
    if cmyk.len() != (w as usize) * (h as usize) * 4 {
        return Err(err(
            format!("photo {name} is a CMYK JPEG folio cannot read"),
            "export it again as an RGB JPEG",
        ));
    }
    if info.adobe {
        cmyk.iter_mut().for_each(|v| *v = 255 - *v);
    }
    let own = info
        .icc
        .as_deref()
        .filter(|p| p.get(16..20) == Some(b"CMYK"))
        .and_then(|p| moxcms::ColorProfile::new_from_slice(p).ok());
    let source = match own {
        Some(p) => p,
        None => {
            moxcms::ColorProfile::new_from_slice(crate::profiles::CMYK_DEFAULT).map_err(|_| {
                err(
                    format!("photo {name}: folio's CMYK profile did not load"),
                    "report this",
                )
            })?
        }
    };
    let transform = source
        .create_transform_8bit(
            moxcms::Layout::Rgba,
            &moxcms::ColorProfile::new_srgb(),
            moxcms::Layout::Rgb,
            moxcms::TransformOptions::default(),
        )
        .map_err(|e| {
            err(
                format!("photo {name}: its CMYK profile cannot be used ({e:?})"),
                "export it again as an RGB JPEG",
            )
        })?;
    let mut rgb = vec![0u8; (w as usize) * (h as usize) * 3];
    transform.transform(&cmyk, &mut rgb).map_err(|e| {
        err(
            format!("photo {name}: colour conversion failed ({e:?})"),
            "export it again as an RGB JPEG",
        )
    })?;
    image::RgbImage::from_raw(w, h, rgb).ok_or_else(|| {
        err(
            format!("photo {name} has an unexpected size"),
            "export it again as an RGB JPEG",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmyk_jpeg(pixel: [u8; 4]) -> Vec<u8> {
        let data: Vec<u8> = (0..32 * 16).flat_map(|_| pixel).collect();
        let mut out = Vec::new();
        // jpeg-encoder stores CMYK inverted with an Adobe APP14 marker, as Photoshop does.
        jpeg_encoder::Encoder::new(&mut out, 95)
            .encode(&data, 32, 16, jpeg_encoder::ColorType::Cmyk)
            .unwrap();
        out
    }

    #[test]
    fn cmyk_photos_become_srgb_through_a_press_profile() {
        let cyan = decode(&cmyk_jpeg([255, 0, 0, 0]), "cyan.jpg").unwrap();
        let p = cyan.image.to_rgb8().get_pixel(8, 8).0;
        assert!(
            p[0] < 90 && p[1] > 120 && p[2] > 190,
            "cyan ink printed as {p:?}"
        );
        let paper = decode(&cmyk_jpeg([0, 0, 0, 0]), "paper.jpg").unwrap();
        let p = paper.image.to_rgb8().get_pixel(8, 8).0;
        assert!(p.iter().all(|&c| c > 235), "no ink printed as {p:?}");
        assert!(
            cyan.icc.is_none(),
            "the CMYK profile no longer describes RGB pixels"
        );
        assert!(probe(&cmyk_jpeg([0, 0, 0, 0]), "x.jpg").unwrap().cmyk);
    }

    #[test]
    fn jpegs_decode_reduced_and_a_broken_one_is_an_error_not_a_crash() {
        let rgb =
            image::RgbImage::from_fn(64, 40, |x, y| image::Rgb([x as u8 * 4, y as u8 * 6, 90]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode_image(&rgb)
            .unwrap();
        let half = decode_reduced(&jpeg, "a.jpg", 2).unwrap();
        assert_eq!(
            (half.image.width(), half.image.height(), half.shrink),
            (32, 20, 2)
        );
        // 7 is not a DCT scale: the next smaller one (4) is used.
        let quarter = decode_reduced(&jpeg, "a.jpg", 7).unwrap();
        assert_eq!((quarter.image.width(), quarter.shrink), (16, 4));
        let full = decode(&jpeg, "a.jpg").unwrap();
        assert_eq!(
            (full.image.width(), full.image.height(), full.shrink),
            (64, 40, 1)
        );
        // libjpeg's fatal errors come back as the photo's error, with nothing printed.
        let e = jpeg_rgb(b"\xFF\xD8\xFF\xC4\x00\x03\x55\xFF\xD9", "b.jpg", 1, (8, 8)).unwrap_err();
        assert!(e.message.contains("b.jpg is damaged"), "{e:?}");
    }

    /// `jpeg` with an EXIF orientation tag (6: the stored pixels are shown turned 90° clockwise).
    fn with_orientation(jpeg: &[u8], orientation: u8) -> Vec<u8> {
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0".to_vec();
        exif.extend([orientation, 0, 0, 0, 0, 0, 0]);
        let mut out = jpeg[..2].to_vec();
        out.extend([0xFF, 0xE1]);
        out.extend(((exif.len() + 2) as u16).to_be_bytes());
        out.extend(exif);
        out.extend(&jpeg[2..]);
        out
    }

    #[test]
    fn grey_and_turned_jpegs_come_out_upright_rgb_at_a_reduced_scale() {
        // Grey: left half black, right half white, 64 × 32.
        let grey =
            image::GrayImage::from_fn(64, 32, |x, _| image::Luma([if x < 32 { 0 } else { 255 }]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
            .encode_image(&grey)
            .unwrap();
        let d = decode_reduced(&jpeg, "grey.jpg", 2).unwrap();
        let rgb = d.image.to_rgb8();
        assert_eq!(rgb.dimensions(), (32, 16));
        assert!(
            rgb.get_pixel(4, 8).0.iter().all(|&c| c < 30),
            "{:?}",
            rgb.get_pixel(4, 8)
        );
        assert!(
            rgb.get_pixel(28, 8).0.iter().all(|&c| c > 225),
            "{:?}",
            rgb.get_pixel(28, 8)
        );
        // Turned: shown upright, 32 wide and 64 tall, the black half now on top.
        let turned = with_orientation(&jpeg, 6);
        let probe = probe(&turned, "turned.jpg").unwrap();
        assert_eq!(
            (probe.width, probe.height, probe.reoriented),
            (32, 64, true)
        );
        let d = decode_reduced(&turned, "turned.jpg", 2).unwrap();
        let rgb = d.image.to_rgb8();
        assert_eq!(rgb.dimensions(), (16, 32));
        assert!(
            rgb.get_pixel(8, 4).0.iter().all(|&c| c < 30),
            "{:?}",
            rgb.get_pixel(8, 4)
        );
        assert!(
            rgb.get_pixel(8, 28).0.iter().all(|&c| c > 225),
            "{:?}",
            rgb.get_pixel(8, 28)
        );
    }

    #[test]
    fn phone_formats_are_named_with_how_to_convert() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\0";
        let e = probe(heic, "IMG_1.HEIC").unwrap_err();
        assert!(
            e.message.contains("HEIC") && e.hint.contains("JPEG"),
            "{e:?}"
        );
        let avif = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf\0\0\0\0";
        assert!(probe(avif, "a.avif").unwrap_err().message.contains("AVIF"));
    }
}
