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
    Ok(Probe {
        width,
        height,
        format,
        reoriented: orientation != NoTransforms,
    })
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
}

pub fn decode(bytes: &[u8], name: &str) -> Result<Decoded, PhotoError> {
    let r = reader(bytes, name, true)?;
    let mut decoder = r.into_decoder().map_err(|e| decode_error(e, name))?;
    let (w, h) = decoder.dimensions();
    check_size(w, h, name)?;
    let icc = decoder.icc_profile().ok().flatten();
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| decode_error(e, name))?;
    image.apply_orientation(orientation);
    Ok(Decoded { image, icc })
}
