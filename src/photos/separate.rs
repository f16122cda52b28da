//! Photos separated into the press's CMYK (`cmyk_photos`): after resampling, each print photo
//! is converted from its own RGB profile (sRGB when untagged) to the output profile's CMYK with
//! Little CMS (relative colorimetric with black-point compensation, or perceptual), and its total
//! ink is kept within what the printing condition allows.

use crate::profiles::OutputProfile;
use lcms2::{Flags, Intent, PixelFormat, Profile, Transform};
use std::sync::Arc;

/// How print photos are separated.
#[derive(Debug, Clone)]
pub struct Press {
    pub profile: Arc<OutputProfile>,
    pub perceptual: bool,
}

impl Press {
    /// A key for caches: changes with the profile and the intent.
    pub fn key(&self) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        h.update(self.profile.key().as_bytes());
        h.update(&[self.perceptual as u8]);
        h.finalize()
    }

    /// Total ink (C+M+Y+K, percent) a separated pixel may carry: the profile's stated limit,
    /// or, for a shop's profile, the darkest colour it makes.
    pub fn ink_limit(&self) -> Result<f64, String> {
        if let Some(limit) = self.profile.ink_limit {
            return Ok(limit);
        }
        let black = self.to_cmyk(&[0, 0, 0], None)?;
        Ok(black.iter().map(|v| *v as f64).sum::<f64>() / 255.0 * 100.0)
    }

    /// RGB pixels (described by `icc`, sRGB when `None`) as CMYK pixels, 0 = no ink.
    pub fn to_cmyk(&self, rgb: &[u8], icc: Option<&[u8]>) -> Result<Vec<u8>, String> {
        let source = match icc {
            Some(p) => Profile::new_icc(p).unwrap_or_else(|_| Profile::new_srgb()),
            None => Profile::new_srgb(),
        };
        let target = Profile::new_icc(&self.profile.icc)
            .map_err(|e| format!("the output profile cannot be read: {e}"))?;
        let (intent, flags) = if self.perceptual {
            (Intent::Perceptual, Flags::default())
        } else {
            (Intent::RelativeColorimetric, Flags::BLACKPOINT_COMPENSATION)
        };
        let t: Transform<[u8; 3], [u8; 4]> = Transform::new_flags(
            &source,
            PixelFormat::RGB_8,
            &target,
            PixelFormat::CMYK_8,
            intent,
            flags,
        )
        .map_err(|e| format!("no conversion to the output profile: {e}"))?;
        let src: Vec<[u8; 3]> = rgb.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
        let mut out = vec![[0u8; 4]; src.len()];
        t.transform_pixels(&src, &mut out);
        Ok(out.into_iter().flatten().collect())
    }
}

/// Lowers C, M and Y (never K, which carries the detail in shadows) where a pixel's total ink
/// is over `limit` percent, keeping the pixel's hue.
pub fn limit_ink(cmyk: &mut [u8], limit: f64) {
    let max = (limit / 100.0 * 255.0).floor() as u32;
    for px in cmyk.chunks_exact_mut(4) {
        let total: u32 = px.iter().map(|v| *v as u32).sum();
        if total <= max {
            continue;
        }
        let k = px[3] as u32;
        let cmy = total - k;
        let room = max.saturating_sub(k);
        for v in &mut px[..3] {
            *v = (*v as u32 * room / cmy.max(1)) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_colour_separates_within_the_limit() {
        let press = Press {
            profile: crate::profiles::output::builtin("fogra39").unwrap(),
            perceptual: false,
        };
        let limit = press.ink_limit().unwrap();
        assert_eq!(limit, 300.0);
        let rgb: Vec<u8> = (0..32u32 * 32 * 32)
            .flat_map(|i| {
                [
                    (i >> 10) as u8 * 8,
                    ((i >> 5) & 31) as u8 * 8,
                    (i & 31) as u8 * 8,
                ]
            })
            .collect();
        let mut cmyk = press.to_cmyk(&rgb, None).unwrap();
        limit_ink(&mut cmyk, limit);
        let max = cmyk
            .chunks_exact(4)
            .map(|p| p.iter().map(|v| *v as u32).sum::<u32>())
            .max()
            .unwrap();
        assert!(max as f64 / 255.0 * 100.0 <= limit, "{max}");
        // Black is mostly K, white is no ink.
        let black = press.to_cmyk(&[0, 0, 0, 255, 255, 255], None).unwrap();
        assert!(black[3] > 200, "{black:?}");
        assert_eq!(&black[4..], &[0, 0, 0, 0]);
    }

    #[test]
    fn ink_over_the_limit_comes_off_the_colours_not_the_black() {
        let mut px = [255, 255, 255, 255, 10, 20, 30, 40];
        limit_ink(&mut px, 300.0);
        let total: u32 = px[..4].iter().map(|v| *v as u32).sum();
        assert!(total <= 765, "{total}");
        assert_eq!(px[3], 255);
        assert_eq!(&px[4..], &[10, 20, 30, 40]);
    }
}
