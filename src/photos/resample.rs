//! Cropping a photo to its frame around a focus point and resampling it for print.

use super::decode::Decoded;
use super::separate::{self, Press};
use crate::content::Focus;
use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::DynamicImage;
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

/// JPEG quality for resampled photos: visually lossless in print.
pub const JPEG_QUALITY: u8 = 90;

/// How a prepared photo is encoded, by the medium it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Print: colour at full resolution (4:4:4).
    Print,
    /// Screens: colour at half resolution each way (4:2:0), as cameras and video store it;
    /// invisible on a projected slide and about a fifth smaller.
    Screen,
}

impl Encoding {
    /// Photos prepared below 200 dpi are for screens (the deck asks for 150).
    pub fn for_dpi(dpi: u32) -> Encoding {
        if dpi >= 200 {
            Encoding::Print
        } else {
            Encoding::Screen
        }
    }
}

/// Total ink kept below the profile's limit (percent), for JPEG's rounding.
const INK_MARGIN: f64 = 10.0;

/// A region of a photo, in pixels from its top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crop {
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
}

impl Crop {
    pub fn size(&self) -> Pixels {
        Pixels {
            width: self.width,
            height: self.height,
        }
    }
}

/// An image's size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pixels {
    pub width: u32,
    pub height: u32,
}

/// The part of a `w` × `h` photo that a frame of aspect `aspect` (width / height) shows,
/// moved towards `focus` but never outside the photo.
pub fn crop_box(w: u32, h: u32, aspect: f64, focus: Focus) -> Crop {
    let (w_f, h_f) = (w as f64, h as f64);
    let (cw, ch) = if w_f / h_f > aspect {
        ((h_f * aspect).round().clamp(1.0, w_f), h_f)
    } else {
        (w_f, (w_f / aspect).round().clamp(1.0, h_f))
    };
    let left = (focus.x * w_f - cw / 2.0).clamp(0.0, w_f - cw);
    let top = (focus.y * h_f - ch / 2.0).clamp(0.0, h_f - ch);
    Crop {
        left: left.round() as u32,
        top: top.round() as u32,
        width: cw as u32,
        height: ch as u32,
    }
}

/// Crops `src` to `crop` and scales it to `out_w` × `out_h`, then encodes a JPEG that keeps
/// the source's ICC profile, or, for a `press`, a CMYK JPEG in its output profile's terms.
pub fn render(
    src: &Decoded,
    crop: Crop,
    Pixels {
        width: out_w,
        height: out_h,
    }: Pixels,
    encoding: Encoding,
    press: Option<&Press>,
) -> Result<Vec<u8>, String> {
    let pixels = resize(
        &src.image,
        crop,
        Pixels {
            width: out_w,
            height: out_h,
        },
    )?;
    encode(&pixels, src.icc.as_deref(), encoding, press)
}

/// The `crop` of `image` resampled to `out` (Lanczos3), as RGB on white.
pub fn resize(image: &DynamicImage, crop: Crop, out: Pixels) -> Result<DynamicImage, String> {
    resize_with(image, crop, out, FilterType::Lanczos3)
}

/// Pixels already resampled for a finer frame (a print photo), made smaller for a screen:
/// they were low-passed once already, so a bicubic (Catmull-Rom) filter, two thirds of
/// Lanczos3's work, keeps them nearly as sharp (measured on the sample's photos: 38–46 dB
/// from a Lanczos3 shrink of the same pixels; a bilinear one, visibly softer, 34–41 dB).
pub fn shrink(image: &DynamicImage, out: Pixels) -> Result<DynamicImage, String> {
    let whole = Crop {
        left: 0,
        top: 0,
        width: image.width(),
        height: image.height(),
    };
    resize_with(image, whole, out, FilterType::CatmullRom)
}

fn resize_with(
    image: &DynamicImage,
    crop: Crop,
    Pixels {
        width: out_w,
        height: out_h,
    }: Pixels,
    filter: FilterType,
) -> Result<DynamicImage, String> {
    let rgb = match image {
        DynamicImage::ImageRgb8(_) => None,
        other if other.color().has_alpha() => Some(DynamicImage::ImageRgb8(on_white(other))),
        other => Some(DynamicImage::ImageRgb8(other.to_rgb8())),
    };
    let source = rgb.as_ref().unwrap_or(image);
    let Crop {
        left: l,
        top: t,
        width: cw,
        height: ch,
    } = crop;
    let out = if (cw, ch) == (out_w, out_h) {
        source.crop_imm(l, t, cw, ch)
    } else {
        let mut dst = DynamicImage::new_rgb8(out_w, out_h);
        let opts = ResizeOptions::new()
            .resize_alg(ResizeAlg::Convolution(filter))
            .crop(l as f64, t as f64, cw as f64, ch as f64);
        Resizer::new()
            .resize(source, &mut dst, &opts)
            .map_err(|e| e.to_string())?;
        dst
    };
    Ok(out)
}

/// RGB pixels (described by `icc`, sRGB when untagged) as a JPEG for `encoding`, separated
/// for `press` when given.
pub fn encode(
    out: &DynamicImage,
    icc: Option<&[u8]>,
    encoding: Encoding,
    press: Option<&Press>,
) -> Result<Vec<u8>, String> {
    let (out_w, out_h) = (out.width(), out.height());
    let mut bytes = Vec::with_capacity((out_w * out_h / 4) as usize);
    let mut enc = Encoder::new(&mut bytes, JPEG_QUALITY);
    enc.set_sampling_factor(match encoding {
        Encoding::Print => SamplingFactor::R_4_4_4,
        Encoding::Screen => SamplingFactor::R_4_2_0,
    });
    // The standard Huffman tables: tables fitted to each photo save 3–4 % of its bytes but
    // take a second pass that makes encoding 75 % slower (a 2480 × 1654 print photo: 128 ms
    // against 73 ms), and encoding was a third of a cold build. The pixels are the same.
    enc.set_optimized_huffman_tables(false);
    let rgb_profile = icc.filter(|p| p.get(16..20) == Some(b"RGB "));
    let (w, h) = (
        u16::try_from(out_w).map_err(|_| "wider than a JPEG can be")?,
        u16::try_from(out_h).map_err(|_| "taller than a JPEG can be")?,
    );
    if let Some(press) = press {
        // DeviceCMYK in the print file means the output intent's CMYK: no profile is embedded.
        let mut cmyk = press.to_cmyk(out.as_bytes(), rgb_profile)?;
        // A little under the limit: JPEG's rounding moves inks by a level or two.
        separate::limit_ink(&mut cmyk, press.ink_limit()? - INK_MARGIN);
        enc.encode(&cmyk, w, h, ColorType::Cmyk)
            .map_err(|e| e.to_string())?;
        return Ok(bytes);
    }
    // The pixels are RGB now: only an RGB profile describes them (a CMYK or grey photo's
    // profile does not; untagged RGB is read as sRGB).
    if let Some(icc) = rgb_profile {
        // An encoder that cannot embed it still writes sRGB-like data; losing the tag is not fatal.
        let _ = enc.add_icc_profile(icc);
    }
    enc.encode(out.as_bytes(), w, h, ColorType::Rgb)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// A photo with transparency (a logo, a cut-out) as it prints on paper: JPEG has no alpha, so
/// transparent pixels become white rather than whatever colour they happen to hold.
fn on_white(image: &DynamicImage) -> image::RgbImage {
    let rgba = image.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let a = a as u32;
        let mix = |c: u8| ((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8;
        image::Rgb([mix(r), mix(g), mix(b)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparent_pixels_print_as_white() {
        let mut img = image::RgbaImage::new(2, 1);
        img.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        img.put_pixel(1, 0, image::Rgba([0, 0, 0, 255]));
        let out = on_white(&DynamicImage::ImageRgba8(img));
        assert_eq!(out.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(out.get_pixel(1, 0).0, [0, 0, 0]);
    }

    #[test]
    fn crop_keeps_the_aspect_and_the_focus() {
        let at = |x, y| Focus { x, y };
        let crop = |left, top, width, height| Crop {
            left,
            top,
            width,
            height,
        };
        // A wide photo in a square frame: full height, width cut around the focus.
        assert_eq!(
            crop_box(400, 200, 1.0, Focus::CENTRE),
            crop(100, 0, 200, 200)
        );
        assert_eq!(crop_box(400, 200, 1.0, at(0.0, 0.5)), crop(0, 0, 200, 200));
        assert_eq!(
            crop_box(400, 200, 1.0, at(1.0, 0.5)),
            crop(200, 0, 200, 200)
        );
        // A tall frame on a wide photo keeps the full height.
        let tall = crop_box(400, 200, 0.5, Focus::CENTRE);
        assert_eq!((tall.width, tall.height), (100, 200));
        // A wide frame on a tall photo crops the height around the focus.
        assert_eq!(crop_box(200, 400, 2.0, at(0.5, 0.0)), crop(0, 0, 200, 100));
    }

    /// The luma sampling factors in a baseline JPEG's frame header (0x11 = 4:4:4, 0x22 = 4:2:0).
    fn luma_sampling(jpeg: &[u8]) -> u8 {
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        // Marker, length (2), precision, height (2), width (2), components, then Y's id.
        jpeg[sof + 11]
    }

    #[test]
    fn print_keeps_full_colour_resolution_and_screens_halve_it() {
        let gradient = image::RgbImage::from_fn(64, 48, |x, y| {
            image::Rgb([(x * 4) as u8, (y * 5) as u8, ((x + y) * 2) as u8])
        });
        let src = Decoded {
            image: DynamicImage::ImageRgb8(gradient),
            // An RGB profile's header (the encoder does not check the rest).
            icc: Some([&[0u8; 16][..], b"RGB ", &[0u8; 108][..]].concat()),
        };
        for (encoding, sampling) in [(Encoding::Print, 0x11), (Encoding::Screen, 0x22)] {
            let crop = Crop {
                left: 8,
                top: 8,
                width: 48,
                height: 32,
            };
            let size = Pixels {
                width: 24,
                height: 16,
            };
            let jpeg = render(&src, crop, size, encoding, None).unwrap();
            assert_eq!(luma_sampling(&jpeg), sampling, "{encoding:?}");
            let back = image::load_from_memory(&jpeg).unwrap();
            assert_eq!((back.width(), back.height()), (24, 16));
            // The profile travels in an APP2 "ICC_PROFILE" segment.
            assert!(jpeg.windows(11).any(|w| w == b"ICC_PROFILE"));
        }
        assert_eq!(Encoding::for_dpi(300), Encoding::Print);
        assert_eq!(Encoding::for_dpi(150), Encoding::Screen);
    }
}
