//! Cropping a photo to its frame around a focus point and resampling it for print.

use super::decode::Decoded;
use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageEncoder};

/// JPEG quality for resampled photos: visually lossless in print.
pub const JPEG_QUALITY: u8 = 90;

/// The part of a `w` × `h` photo that a frame of aspect `aspect` (width / height) shows,
/// as (left, top, width, height) in pixels, moved towards `focus` but never outside the photo.
pub fn crop_box(w: u32, h: u32, aspect: f64, focus: (f64, f64)) -> (u32, u32, u32, u32) {
    let (w_f, h_f) = (w as f64, h as f64);
    let (cw, ch) = if w_f / h_f > aspect {
        ((h_f * aspect).round().clamp(1.0, w_f), h_f)
    } else {
        (w_f, (w_f / aspect).round().clamp(1.0, h_f))
    };
    let left = (focus.0 * w_f - cw / 2.0).clamp(0.0, w_f - cw);
    let top = (focus.1 * h_f - ch / 2.0).clamp(0.0, h_f - ch);
    (
        left.round() as u32,
        top.round() as u32,
        cw as u32,
        ch as u32,
    )
}

/// Crops `src` to `crop` and scales it to `out_w` × `out_h`, then encodes a JPEG that keeps
/// the source's ICC profile.
pub fn render(
    src: &Decoded,
    crop: (u32, u32, u32, u32),
    out_w: u32,
    out_h: u32,
) -> Result<Vec<u8>, String> {
    let rgb = match &src.image {
        DynamicImage::ImageRgb8(_) => None,
        other => Some(DynamicImage::ImageRgb8(other.to_rgb8())),
    };
    let source = rgb.as_ref().unwrap_or(&src.image);
    let (l, t, cw, ch) = crop;
    let out = if (cw, ch) == (out_w, out_h) {
        source.crop_imm(l, t, cw, ch)
    } else {
        let mut dst = DynamicImage::new_rgb8(out_w, out_h);
        let opts = ResizeOptions::new()
            .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
            .crop(l as f64, t as f64, cw as f64, ch as f64);
        Resizer::new()
            .resize(source, &mut dst, &opts)
            .map_err(|e| e.to_string())?;
        dst
    };
    let mut bytes = Vec::with_capacity((out_w * out_h / 4) as usize);
    let mut enc = JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY);
    if let Some(icc) = &src.icc {
        // An encoder that cannot embed it still writes sRGB-like data; losing the tag is not fatal.
        let _ = enc.set_icc_profile(icc.clone());
    }
    enc.write_image(out.as_bytes(), out_w, out_h, image::ExtendedColorType::Rgb8)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crop_keeps_the_aspect_and_the_focus() {
        // A wide photo in a square frame: full height, width cut around the focus.
        assert_eq!(crop_box(400, 200, 1.0, (0.5, 0.5)), (100, 0, 200, 200));
        assert_eq!(crop_box(400, 200, 1.0, (0.0, 0.5)), (0, 0, 200, 200));
        assert_eq!(crop_box(400, 200, 1.0, (1.0, 0.5)), (200, 0, 200, 200));
        // A tall frame on a wide photo keeps the full height.
        let (_, _, w, h) = crop_box(400, 200, 0.5, (0.5, 0.5));
        assert_eq!((w, h), (100, 200));
        // A wide frame on a tall photo crops the height around the focus.
        assert_eq!(crop_box(200, 400, 2.0, (0.5, 0.0)), (0, 0, 200, 100));
    }
}
