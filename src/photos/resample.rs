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
        src,
        crop,
        Pixels {
            width: out_w,
            height: out_h,
        },
    )?;
    encode(&pixels, src.icc.as_deref(), encoding, press)
}

/// The `crop` of the photo (in its full-size pixels) resampled from `src`'s pixels, which may
/// be a reduced decode, to `out` (Lanczos3), as RGB on white.
pub fn resize(src: &Decoded, crop: Crop, out: Pixels) -> Result<DynamicImage, String> {
    resize_with(&src.image, crop, src.shrink, out, FilterType::Lanczos3)
}

/// How far a photo's pixels can be reduced (1, 2, 4 or 8 each way) with `crop` still holding at
/// least `out`'s pixels: the frame then gets as many source pixels per output pixel as from
/// the full photo, and the work skips what the resampling would discard anyway.
pub fn reduction(crop: Crop, out: Pixels) -> u32 {
    [8, 4, 2]
        .into_iter()
        .find(|&s| crop.width >= out.width * s && crop.height >= out.height * s)
        .unwrap_or(1)
}

/// A decoded photo and the halves made from it on demand (each pixel the average of 2 × 2):
/// a frame that needs at most half the decoded pixels each way is resampled from a half, a
/// quarter of the pixels to filter. The photo's frames in one build share them.
pub struct Levels {
    levels: Vec<Decoded>,
}

impl Levels {
    pub fn new(decoded: Decoded) -> Levels {
        Levels {
            levels: vec![decoded],
        }
    }

    /// The decode itself (its profile describes every level).
    pub fn decoded(&self) -> &Decoded {
        &self.levels[0]
    }

    /// The `crop` (in full-size pixels) resampled to `out` with Lanczos3, from the smallest
    /// level that still holds `out`'s pixels.
    pub fn resize(&mut self, crop: Crop, out: Pixels) -> Result<DynamicImage, String> {
        // A 2 × 2 average is a cruder filter than the decode's or Lanczos3's: a half is used
        // only where Lanczos3 still reduces it at least twice each way, so Lanczos3 shapes
        // what is seen (measured on the sample's photos: a quarter size straight from a
        // half-size level, 38.7 dB from the full-size path; from the level above it, over 40).
        let want = (reduction(crop, out) / 2).max(self.levels[0].shrink);
        loop {
            let last = self.levels.last().expect("the decode is level 0");
            if last.shrink * 2 > want || last.image.width() < 2 || last.image.height() < 2 {
                break;
            }
            let half = halve(last)?;
            self.levels.push(half);
        }
        let level = self
            .levels
            .iter()
            .rev()
            .find(|l| l.shrink <= want)
            .unwrap_or(&self.levels[0]);
        resize(level, crop, out)
    }
}

/// `src` at half its size each way, each pixel the average of the 2 × 2 it covers (an odd last
/// row or column is left out), so pixel i covers full-size pixels [2i·s, 2(i+1)·s).
fn halve(src: &Decoded) -> Result<Decoded, String> {
    let (w, h) = (src.image.width() / 2, src.image.height() / 2);
    let mut dst = DynamicImage::new_rgb8(w, h);
    let rgb = as_rgb(&src.image);
    let opts = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Box))
        .crop(0.0, 0.0, (w * 2) as f64, (h * 2) as f64);
    Resizer::new()
        .resize(rgb.as_ref().unwrap_or(&src.image), &mut dst, &opts)
        .map_err(|e| e.to_string())?;
    Ok(Decoded {
        image: dst,
        icc: None,
        shrink: src.shrink * 2,
    })
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
    resize_with(image, whole, 1, out, FilterType::CatmullRom)
}

/// `crop` is in full-size pixels; `image` is 1/`shrink` of full size each way.
fn resize_with(
    image: &DynamicImage,
    crop: Crop,
    shrink: u32,
    Pixels {
        width: out_w,
        height: out_h,
    }: Pixels,
    filter: FilterType,
) -> Result<DynamicImage, String> {
    let rgb = as_rgb(image);
    let source = rgb.as_ref().unwrap_or(image);
    let Crop {
        left: l,
        top: t,
        width: cw,
        height: ch,
    } = crop;
    let out = if shrink == 1 && (cw, ch) == (out_w, out_h) {
        source.crop_imm(l, t, cw, ch)
    } else {
        // A reduced decode's pixel i covers full-size pixels [i·shrink, (i+1)·shrink), so the
        // crop scales exactly; the last, partial pixel bounds it.
        let s = shrink as f64;
        let (l, t) = (l as f64 / s, t as f64 / s);
        let cw = (cw as f64 / s).min(source.width() as f64 - l);
        let ch = (ch as f64 / s).min(source.height() as f64 - t);
        let mut dst = DynamicImage::new_rgb8(out_w, out_h);
        let opts = ResizeOptions::new()
            .resize_alg(ResizeAlg::Convolution(filter))
            .crop(l, t, cw, ch);
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
    if u16::try_from(out_w).is_err() || u16::try_from(out_h).is_err() {
        return Err("larger than a JPEG can be (65,535 pixels a side)".into());
    }
    let rgb_profile = icc.filter(|p| p.get(16..20) == Some(b"RGB "));
    match press {
        Some(press) => encode_cmyk(out, rgb_profile, press),
        // The pixels are RGB now: only an RGB profile describes them (a CMYK or grey photo's
        // profile does not; untagged RGB is read as sRGB).
        None => encode_rgb(out.as_bytes(), (out_w, out_h), rgb_profile, encoding),
    }
}

/// RGB pixels as a JPEG for `encoding`, through libjpeg-turbo (`jpeg.rs`).
fn encode_rgb(
    rgb: &[u8],
    size: (u32, u32),
    icc: Option<&[u8]>,
    encoding: Encoding,
) -> Result<Vec<u8>, String> {
    let chroma = match encoding {
        Encoding::Print => 1,
        Encoding::Screen => 2,
    };
    super::jpeg::encode_rgb(rgb, size, JPEG_QUALITY, chroma, icc)
}

/// RGB pixels separated for `press` as a CMYK JPEG (DeviceCMYK in the print file means the
/// output intent's CMYK: no profile is embedded).
fn encode_cmyk(
    out: &DynamicImage,
    rgb_profile: Option<&[u8]>,
    press: &Press,
) -> Result<Vec<u8>, String> {
    let (w, h) = (out.width() as u16, out.height() as u16);
    let mut cmyk = press.to_cmyk(out.as_bytes(), rgb_profile)?;
    // A little under the limit: JPEG's rounding moves inks by a level or two.
    separate::limit_ink(&mut cmyk, press.ink_limit()? - INK_MARGIN);
    let mut bytes = Vec::with_capacity(cmyk.len() / 6);
    let mut enc = Encoder::new(&mut bytes, JPEG_QUALITY);
    enc.set_sampling_factor(SamplingFactor::R_4_4_4);
    enc.set_optimized_huffman_tables(false);
    enc.encode(&cmyk, w, h, ColorType::Cmyk)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// `image` as RGB pixels, transparency on white; `None` when it already is RGB.
fn as_rgb(image: &DynamicImage) -> Option<DynamicImage> {
    match image {
        DynamicImage::ImageRgb8(_) => None,
        other if other.color().has_alpha() => Some(DynamicImage::ImageRgb8(on_white(other))),
        other => Some(DynamicImage::ImageRgb8(other.to_rgb8())),
    }
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

    #[test]
    fn reductions_keep_at_least_the_frames_pixels() {
        let crop = Crop {
            left: 0,
            top: 0,
            width: 4000,
            height: 3000,
        };
        let out = |width, height| Pixels { width, height };
        assert_eq!(reduction(crop, out(2000, 1500)), 2);
        assert_eq!(reduction(crop, out(2001, 1500)), 1);
        assert_eq!(reduction(crop, out(999, 700)), 4);
        assert_eq!(reduction(crop, out(100, 75)), 8);
        // The tighter side decides.
        assert_eq!(reduction(crop, out(500, 1600)), 1);
    }

    #[test]
    fn a_half_averages_each_two_by_two_and_maps_the_crop_exactly() {
        // Columns alternate 0 and 200, rows 0..4: each 2 × 2 averages to 100.
        let img = image::RgbImage::from_fn(9, 4, |x, _| {
            image::Rgb([if x % 2 == 0 { 0 } else { 200 }; 3])
        });
        let src = Decoded {
            image: DynamicImage::ImageRgb8(img),
            icc: None,
            shrink: 1,
        };
        let half = halve(&src).unwrap();
        assert_eq!(
            (half.image.width(), half.image.height(), half.shrink),
            (4, 2, 2)
        );
        assert!(half.image.to_rgb8().pixels().all(|p| p.0 == [100; 3]));
        // A frame needing a quarter of a large photo's pixels each way is filtered by Lanczos3
        // from the half (Lanczos3 still reduces it twice), never from the quarter.
        let big = Decoded {
            image: DynamicImage::new_rgb8(800, 600),
            icc: None,
            shrink: 1,
        };
        let mut levels = Levels::new(big);
        let whole = Crop {
            left: 0,
            top: 0,
            width: 800,
            height: 600,
        };
        let quarter = Pixels {
            width: 200,
            height: 150,
        };
        let out = levels.resize(whole, quarter).unwrap();
        assert_eq!((out.width(), out.height()), (200, 150));
        assert_eq!(levels.levels.len(), 2, "the decode and its half");
        // A transparent photo's half is on white too, as its full-size pixels are.
        let clear = Decoded {
            image: DynamicImage::ImageRgba8(image::RgbaImage::new(800, 600)),
            icc: None,
            shrink: 1,
        };
        let out = Levels::new(clear).resize(whole, quarter).unwrap();
        assert!(out.to_rgb8().pixels().all(|p| p.0 == [255; 3]));
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
            shrink: 1,
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
