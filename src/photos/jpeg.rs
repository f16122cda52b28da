//! Colour JPEGs through libjpeg-turbo (mozjpeg's build of it, compiled from source by the cc
//! crate): decoded at a reduced DCT scale when the frames need fewer pixels, and encoded.
//!
//! With SIMD (which needs `nasm` when the crate is built) it decodes the sample's photos in
//! about 70 % of zune-jpeg's time at full size and encodes about 3.5 times as fast as
//! jpeg-encoder; without it, both are slower than those, so `simd()` lets tests and
//! `FOLIO_DEBUG_TIMES` say which build this is.
//!
//! libjpeg reports a fatal error by unwinding out of its error handler (without the panic hook,
//! so nothing is printed); every call here catches it and returns it as an error.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Pixels decoded from a JPEG: RGB, `width` × `height`.
#[derive(Debug)]
pub struct Rgb {
    pub pixels: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// A colour or grey JPEG as RGB at 1/`shrink` of its stored size each way (1, 2, 4 or 8: the
/// inverse DCT then computes only the coefficients the smaller image can show).
pub fn decode_rgb(bytes: &[u8], shrink: u32) -> Result<Rgb, String> {
    debug_assert!(matches!(shrink, 1 | 2 | 4 | 8));
    let (pixels, width, height) = caught(|| {
        let mut d = mozjpeg::Decompress::new_mem(bytes)?;
        d.scale((8 / shrink) as u8);
        let mut started = d.rgb()?;
        let (w, h) = (started.width(), started.height());
        let pixels = started.read_scanlines::<u8>()?;
        started.finish()?;
        Ok((pixels, w, h))
    })?;
    if pixels.len() != width * height * 3 {
        return Err("its pixels do not fill the image".into());
    }
    Ok(Rgb {
        pixels,
        width: width as u32,
        height: height as u32,
    })
}

/// RGB pixels as a baseline JPEG at `quality`, colour at 1/`chroma` of the luma's resolution
/// each way (1: 4:4:4, 2: 4:2:0), tagged with `icc` when given. libjpeg-turbo's own settings
/// (not mozjpeg's slower search for smaller files), Annex K quantisation tables, accurate
/// integer DCT, and the standard Huffman tables: tables fitted to each photo save 3–4 % of its
/// bytes for a second pass over it.
pub fn encode_rgb(
    rgb: &[u8],
    (width, height): (u32, u32),
    quality: u8,
    chroma: u8,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, String> {
    caught(|| {
        let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
        c.set_fastest_defaults();
        c.set_size(width as usize, height as usize);
        c.set_quality(quality as f32);
        c.set_optimize_coding(false);
        for (i, comp) in c.components_mut().iter_mut().enumerate() {
            // Sampling factors are relative: luma's `chroma` against the colours' 1.
            let f = if i == 0 { chroma } else { 1 };
            comp.h_samp_factor = f.into();
            comp.v_samp_factor = f.into();
        }
        let mut started = c.start_compress(Vec::with_capacity(rgb.len() / 6))?;
        if let Some(icc) = icc.filter(|p| !p.is_empty()) {
            started.write_icc_profile(icc);
        }
        started.write_scanlines(rgb)?;
        started.finish()
    })
}

/// Whether this build of libjpeg-turbo has its SIMD code (it was built with `nasm`).
pub fn simd() -> bool {
    // Defined by libjpeg-turbo's SIMD layer, or by its stand-in that always says no.
    unsafe extern "C" {
        fn jsimd_can_idct_islow() -> std::ffi::c_int;
        fn jsimd_can_fdct_islow() -> std::ffi::c_int;
    }
    // SAFETY: both only read the CPU's features; they take nothing and keep no state.
    unsafe { jsimd_can_idct_islow() != 0 && jsimd_can_fdct_islow() != 0 }
}

/// Runs `f`, turning libjpeg's unwinding errors and I/O errors into text.
fn caught<T>(f: impl FnOnce() -> std::io::Result<T>) -> Result<T, String> {
    // Nothing `f` touches outlives a failure: its libjpeg state is dropped with it.
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(payload) => Err(payload
            .downcast_ref::<String>()
            .map(|s| s.trim_start_matches("libjpeg fatal error: ").to_string())
            .unwrap_or_else(|| "libjpeg stopped".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_at_each_scale_and_reports_a_broken_file() {
        let rgb: Vec<u8> = (0..64 * 40)
            .flat_map(|i| [(i % 64) as u8 * 4, (i / 64) as u8 * 6, 90])
            .collect();
        let jpeg = encode_rgb(&rgb, (64, 40), 90, 1, None).unwrap();
        for (shrink, size) in [(1, (64, 40)), (2, (32, 20)), (4, (16, 10)), (8, (8, 5))] {
            let d = decode_rgb(&jpeg, shrink).unwrap();
            assert_eq!((d.width, d.height), size);
        }
        let e = decode_rgb(b"\xFF\xD8\xFF\xC4\x00\x03\x55\xFF\xD9", 1).unwrap_err();
        assert!(!e.is_empty());
        assert!(decode_rgb(b"not a jpeg", 1).is_err());
    }
}
