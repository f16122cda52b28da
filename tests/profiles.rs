//! The output profiles folio embeds are compact copies of the CC0 originals: they must convert
//! colours as the originals do (ΔE2000 average < 1, maximum < 3), checked through an
//! independent colour engine (moxcms), both ways a print file uses a profile: CMYK shown on a
//! screen or proof (CMYK → colour), and photos converted for the press (colour → CMYK).

use deltae::{DEMethod, DeltaE, LabValue};
use moxcms::{ColorProfile, Layout, TransformOptions};

fn original() -> ColorProfile {
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(repo.join("tests/fixtures/icc/ISOcoated_v2_300_mth.icc")).unwrap();
    ColorProfile::new_from_slice(&bytes).unwrap()
}

fn compact() -> ColorProfile {
    let p = folio::profiles::output::builtin("fogra39").unwrap();
    assert!(p.icc.len() <= 654 * 1024, "{} bytes", p.icc.len());
    ColorProfile::new_from_slice(&p.icc).unwrap()
}

/// moxcms converts CMYK to RGB, not to Lab: ProPhoto RGB holds every printable colour, and
/// its primaries and D50 white give Lab exactly.
fn prophoto_to_lab(rgb: &[f32]) -> LabValue {
    let lin = |v: f32| {
        let v = v.clamp(0.0, 1.0) as f64;
        if v < 16.0 / 512.0 {
            v / 16.0
        } else {
            v.powf(1.8)
        }
    };
    let (r, g, b) = (lin(rgb[0]), lin(rgb[1]), lin(rgb[2]));
    let x = 0.797_674_9 * r + 0.135_191_7 * g + 0.031_353_4 * b;
    let y = 0.288_040_2 * r + 0.711_874_1 * g + 0.000_085_7 * b;
    let z = 0.825_210_0 * b;
    let (xn, yn, zn) = (0.964_22, 1.0, 0.825_21);
    let f = |t: f64| {
        if t > 216.0 / 24389.0 {
            t.cbrt()
        } else {
            (24389.0 / 27.0 * t + 16.0) / 116.0
        }
    };
    let (fx, fy, fz) = (f(x / xn), f(y / yn), f(z / zn));
    LabValue {
        l: (116.0 * fy - 16.0) as f32,
        a: (500.0 * (fx - fy)) as f32,
        b: (200.0 * (fy - fz)) as f32,
    }
}

fn to_rgb(profile: &ColorProfile, cmyk: &[f32]) -> Vec<f32> {
    let t = profile
        .create_transform_f32(
            Layout::Rgba,
            &ColorProfile::new_pro_photo_rgb(),
            Layout::Rgb,
            TransformOptions::default(),
        )
        .unwrap();
    let mut out = vec![0f32; cmyk.len() / 4 * 3];
    t.transform(cmyk, &mut out).unwrap();
    out
}

fn to_cmyk(profile: &ColorProfile, rgb: &[f32]) -> Vec<f32> {
    let t = ColorProfile::new_pro_photo_rgb()
        .create_transform_f32(
            Layout::Rgb,
            profile,
            Layout::Rgba,
            TransformOptions::default(),
        )
        .unwrap();
    let mut out = vec![0f32; rgb.len() / 3 * 4];
    t.transform(rgb, &mut out).unwrap();
    out
}

/// Average and largest ΔE2000 between two lists of ProPhoto colours.
fn delta_e(a: &[f32], b: &[f32]) -> (f32, f32) {
    let des: Vec<f32> = a
        .chunks(3)
        .zip(b.chunks(3))
        .map(|(x, y)| {
            *DeltaE::new(prophoto_to_lab(x), prophoto_to_lab(y), DEMethod::DE2000).value()
        })
        .collect();
    let avg = des.iter().sum::<f32>() / des.len() as f32;
    (avg, des.iter().cloned().fold(0.0, f32::max))
}

/// A grid of CMYK colours (9 steps a channel, total ink within 300 %), off the table's nodes.
fn cmyk_grid() -> Vec<f32> {
    let steps: Vec<f32> = (0..9).map(|i| (i as f32 * 0.123 + 0.01).min(1.0)).collect();
    let mut out = Vec::new();
    for &c in &steps {
        for &m in &steps {
            for &y in &steps {
                for &k in &steps {
                    if c + m + y + k <= 3.0 {
                        out.extend([c, m, y, k]);
                    }
                }
            }
        }
    }
    out
}

#[test]
fn the_compact_profile_shows_cmyk_as_the_original_does() {
    let grid = cmyk_grid();
    let (avg, max) = delta_e(&to_rgb(&original(), &grid), &to_rgb(&compact(), &grid));
    println!(
        "CMYK → colour: ΔE2000 average {avg:.3}, maximum {max:.3} over {} colours",
        grid.len() / 4
    );
    assert!(avg < 1.0 && max < 3.0, "average {avg}, maximum {max}");
}

#[test]
fn the_compact_profile_separates_colours_as_the_original_does() {
    // Colours across the RGB cube, each converted to CMYK by both profiles; the two CMYK values
    // are compared as the original profile prints them.
    let mut rgb = Vec::new();
    for r in 0..12 {
        for g in 0..12 {
            for b in 0..12 {
                rgb.extend([r as f32 / 11.0, g as f32 / 11.0, b as f32 / 11.0]);
            }
        }
    }
    let (o, c) = (original(), compact());
    let printed = |cmyk: Vec<f32>| to_rgb(&o, &cmyk);
    let (avg, max) = delta_e(&printed(to_cmyk(&o, &rgb)), &printed(to_cmyk(&c, &rgb)));
    println!(
        "colour → CMYK: ΔE2000 average {avg:.3}, maximum {max:.3} over {} colours",
        rgb.len() / 3
    );
    assert!(avg < 1.0 && max < 3.0, "average {avg}, maximum {max}");
}

#[test]
fn a_coarser_table_would_be_caught() {
    // The check can fail: a table resampled to 3 points a channel is far off.
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(repo.join("tests/fixtures/icc/ISOcoated_v2_300_mth.icc")).unwrap();
    let grid = folio::profiles::compact::Grid {
        four_inputs: 3,
        three_inputs: 3,
        curve_entries: 4,
    };
    let coarse = folio::profiles::compact::compact(&bytes, grid).unwrap();
    let coarse = ColorProfile::new_from_slice(&coarse).unwrap();
    let g = cmyk_grid();
    let (avg, max) = delta_e(&to_rgb(&original(), &g), &to_rgb(&coarse, &g));
    assert!(avg > 1.0 || max > 3.0, "average {avg}, maximum {max}");
}

#[test]
fn shipped_profiles_are_cmyk_output_profiles() {
    for name in folio::profiles::output::builtin_names() {
        let p = folio::profiles::output::builtin(name).unwrap();
        folio::profiles::output::check(&p.icc).unwrap();
        assert!(p.icc.len() <= 654 * 1024, "{name}: {} bytes", p.icc.len());
        assert!(p.stored().0.len() <= 700 * 1024, "{name}");
    }
}
