//! Smaller copies of ICC printer profiles, for embedding in every print PDF.
//!
//! The CC0 printer profiles folio ships are 2.7 MB, mostly a CMYK → Lab table of 23⁴ points.
//! A PDF/X output intent embeds the profile whole, so each brochure would carry it. Here the
//! `mft2` (lut16) tables are resampled to a coarser grid by multilinear interpolation (the
//! interpolation a colour engine applies to the table anyway), their 1-D curves to fewer
//! entries, and tags that shared data keep sharing it. `tests/profiles.rs` measures the
//! result against the original with ΔE2000.

/// Grid points per channel of the resampled tables.
#[derive(Debug, Clone, Copy)]
pub struct Grid {
    /// CMYK → Lab (four inputs): 17⁴ points × 3 × 2 bytes ≈ 500 KB.
    pub four_inputs: u8,
    /// Lab → CMYK and the gamut tag (three inputs).
    pub three_inputs: u8,
    /// Entries of each input and output curve.
    pub curve_entries: u16,
}

impl Grid {
    /// Sizes that keep a profile under 654 KB (Adobe's Coated FOGRA39) with ΔE2000 well under 1
    /// on average.
    pub const PRINT: Grid = Grid {
        four_inputs: 17,
        three_inputs: 17,
        curve_entries: 256,
    };
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// `icc` with its lut16 tables resampled to `grid` (tables already that small are kept).
pub fn compact(icc: &[u8], grid: Grid) -> Result<Vec<u8>, String> {
    let bad = || "not a readable ICC profile".to_string();
    if icc.len() < 132 || u32_at(icc, 0).ok_or_else(bad)? as usize != icc.len() {
        return Err(bad());
    }
    let count = u32_at(icc, 128).ok_or_else(bad)? as usize;
    let mut tags = Vec::with_capacity(count);
    for i in 0..count {
        let at = 132 + 12 * i;
        let sig = icc.get(at..at + 4).ok_or_else(bad)?;
        let off = u32_at(icc, at + 4).ok_or_else(bad)? as usize;
        let size = u32_at(icc, at + 8).ok_or_else(bad)? as usize;
        let data = icc.get(off..off + size).ok_or_else(bad)?;
        tags.push((<[u8; 4]>::try_from(sig).unwrap(), off, size, data));
    }
    // One data block per distinct (offset, size): shared tags stay shared.
    let mut blocks: Vec<((usize, usize), Vec<u8>)> = Vec::new();
    for (_, off, size, data) in &tags {
        if blocks.iter().any(|(k, _)| *k == (*off, *size)) {
            continue;
        }
        let new = if data.starts_with(b"mft2") {
            resample_lut16(data, grid).ok_or_else(|| "a lut16 table is malformed".to_string())?
        } else {
            data.to_vec()
        };
        blocks.push(((*off, *size), new));
    }
    let mut out = icc[..128].to_vec();
    out.extend_from_slice(&(count as u32).to_be_bytes());
    let table_end = 132 + 12 * count;
    let mut placed: Vec<(usize, usize)> = Vec::new();
    let mut offset = table_end;
    for (_, data) in &blocks {
        placed.push((offset, data.len()));
        offset += data.len().div_ceil(4) * 4;
    }
    for (sig, off, size, _) in &tags {
        let i = blocks
            .iter()
            .position(|(k, _)| *k == (*off, *size))
            .unwrap();
        out.extend_from_slice(sig);
        out.extend_from_slice(&(placed[i].0 as u32).to_be_bytes());
        out.extend_from_slice(&(placed[i].1 as u32).to_be_bytes());
    }
    for (_, data) in &blocks {
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    let len = out.len() as u32;
    out[0..4].copy_from_slice(&len.to_be_bytes());
    // The profile ID (an MD5 of the profile, v4 only) no longer matches: zero means "not set".
    out[84..100].fill(0);
    Ok(out)
}

/// A lut16 (`mft2`) tag with its grid and curves made smaller.
fn resample_lut16(d: &[u8], grid: Grid) -> Option<Vec<u8>> {
    let (inputs, outputs, points) = (
        *d.get(8)? as usize,
        *d.get(9)? as usize,
        *d.get(10)? as usize,
    );
    let n = u16_at(d, 48)? as usize;
    let m = u16_at(d, 50)? as usize;
    if inputs == 0 || outputs == 0 || points < 2 || n < 2 || m < 2 {
        return None;
    }
    let cells = points.checked_pow(inputs as u32)?;
    let clut_at = 52 + inputs * n * 2;
    let out_at = clut_at + cells * outputs * 2;
    if d.len() < out_at + outputs * m * 2 {
        return None;
    }
    let read = |at: usize, len: usize| -> Vec<u16> {
        (0..len)
            .map(|i| u16::from_be_bytes([d[at + 2 * i], d[at + 2 * i + 1]]))
            .collect()
    };
    let target = match inputs {
        4 => grid.four_inputs,
        _ => grid.three_inputs,
    } as usize;
    let new_points = points.min(target.max(2));
    let clut = read(clut_at, cells * outputs);
    let clut = if new_points < points {
        resample_grid(&clut, inputs, outputs, points, new_points)
    } else {
        clut
    };
    let curves = |at: usize, count: usize, len: usize| -> Vec<u16> {
        let all = read(at, count * len);
        let entries = len.min(grid.curve_entries.max(2) as usize);
        all.chunks(len)
            .flat_map(|c| resample_curve(c, entries))
            .collect()
    };
    let input_curves = curves(52, inputs, n);
    let output_curves = curves(out_at, outputs, m);
    let mut out = d[..12].to_vec();
    out[10] = new_points as u8;
    out.extend_from_slice(&d[12..48]);
    out.extend_from_slice(&((input_curves.len() / inputs) as u16).to_be_bytes());
    out.extend_from_slice(&((output_curves.len() / outputs) as u16).to_be_bytes());
    for v in input_curves.iter().chain(&clut).chain(&output_curves) {
        out.extend_from_slice(&v.to_be_bytes());
    }
    Some(out)
}

/// A 1-D table sampled at `entries` evenly spaced points (linear interpolation).
fn resample_curve(curve: &[u16], entries: usize) -> Vec<u16> {
    if entries >= curve.len() {
        return curve.to_vec();
    }
    let last = (curve.len() - 1) as f64;
    (0..entries)
        .map(|k| {
            let x = k as f64 * last / (entries - 1) as f64;
            let lo = (x.floor() as usize).min(curve.len() - 2);
            let f = x - lo as f64;
            (curve[lo] as f64 * (1.0 - f) + curve[lo + 1] as f64 * f).round() as u16
        })
        .collect()
}

/// A table of `points`^`inputs` nodes (first input slowest, `outputs` values each) sampled on a
/// grid of `new_points` per input by multilinear interpolation.
fn resample_grid(
    clut: &[u16],
    inputs: usize,
    outputs: usize,
    points: usize,
    new_points: usize,
) -> Vec<u16> {
    let cells = new_points.pow(inputs as u32);
    let scale = (points - 1) as f64 / (new_points - 1) as f64;
    let mut out = Vec::with_capacity(cells * outputs);
    let mut acc = vec![0.0f64; outputs];
    let mut lo = vec![0usize; inputs];
    let mut frac = vec![0.0f64; inputs];
    for cell in 0..cells {
        // The new node's index per input, first input slowest.
        let mut rest = cell;
        for j in (0..inputs).rev() {
            let k = rest % new_points;
            rest /= new_points;
            let x = k as f64 * scale;
            let l = (x.floor() as usize).min(points - 2);
            lo[j] = l;
            frac[j] = x - l as f64;
        }
        acc.iter_mut().for_each(|a| *a = 0.0);
        for corner in 0..(1usize << inputs) {
            let mut weight = 1.0;
            let mut index = 0;
            for j in 0..inputs {
                let up = (corner >> (inputs - 1 - j)) & 1;
                weight *= if up == 1 { frac[j] } else { 1.0 - frac[j] };
                index = index * points + lo[j] + up;
            }
            if weight == 0.0 {
                continue;
            }
            for (o, a) in acc.iter_mut().enumerate() {
                *a += weight * clut[index * outputs + o] as f64;
            }
        }
        out.extend(acc.iter().map(|a| a.round().clamp(0.0, 65535.0) as u16));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_resampled_to_its_own_size_is_unchanged() {
        let clut: Vec<u16> = (0..27 * 2).map(|v| (v * 1000) as u16).collect();
        assert_eq!(resample_grid(&clut, 3, 2, 3, 3), clut);
    }

    #[test]
    fn a_linear_table_stays_linear() {
        // f(x, y) = 1000 x + 10 y on a 5 × 5 grid, resampled to 3 × 3.
        let clut: Vec<u16> = (0..25)
            .map(|i| (1000 * (i / 5) + 10 * (i % 5)) as u16)
            .collect();
        let small = resample_grid(&clut, 2, 1, 5, 3);
        assert_eq!(small, vec![0, 20, 40, 2000, 2020, 2040, 4000, 4020, 4040]);
        assert_eq!(resample_curve(&[0, 10, 20, 30, 40], 3), vec![0, 20, 40]);
    }
}
