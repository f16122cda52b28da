//! Print geometry in one place: the trim (the finished page), the bleed around it and the room
//! for crop marks. Layouts receive it in `/data.json`; `print` uses it to set boxes and impose.

/// Points per millimetre.
pub const MM: f64 = 72.0 / 25.4;

/// A trim size: the finished size of a brochure page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trim {
    pub width_mm: f64,
    pub height_mm: f64,
}

impl Trim {
    pub const A4: Trim = Trim {
        width_mm: 210.0,
        height_mm: 297.0,
    };
    pub const A5: Trim = Trim {
        width_mm: 148.0,
        height_mm: 210.0,
    };

    /// `a4`, `a5` or `WxH` in millimetres (`x`, `X` or `×`).
    pub fn parse(s: &str) -> Result<Trim, String> {
        let t = s.trim().to_lowercase();
        match t.as_str() {
            "a4" => return Ok(Trim::A4),
            "a5" => return Ok(Trim::A5),
            _ => {}
        }
        let parts: Vec<&str> = t.trim_end_matches("mm").split(['x', '×']).collect();
        let [w, h] = parts.as_slice() else {
            return Err(format!("trim size `{s}` is not a4, a5 or WIDTHxHEIGHT"));
        };
        let num = |v: &str| v.trim().trim_end_matches("mm").trim().parse::<f64>().ok();
        let (Some(w), Some(h)) = (num(w), num(h)) else {
            return Err(format!("trim size `{s}` is not a4, a5 or WIDTHxHEIGHT"));
        };
        if !(50.0..=1000.0).contains(&w) || !(50.0..=1000.0).contains(&h) {
            return Err(format!(
                "trim size {w}x{h} mm is out of range: each side must be 50 to 1000 mm"
            ));
        }
        Ok(Trim {
            width_mm: w,
            height_mm: h,
        })
    }
}

/// Print geometry of the brochure, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub trim: Trim,
    pub bleed: f64,
    pub marks: bool,
}

impl Geometry {
    /// Distance from the trim to the start of a crop mark: outside the bleed, at least 3 mm.
    pub fn mark_offset(&self) -> f64 {
        (self.bleed + 2.0).max(3.0)
    }
    pub const MARK_LENGTH: f64 = 6.0;
    /// Paper around the trim on every side: bleed, or room for the crop marks.
    pub fn slug(&self) -> f64 {
        if self.marks {
            self.mark_offset() + Self::MARK_LENGTH + 1.0
        } else {
            self.bleed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_sizes() {
        assert_eq!(Trim::parse("A4").unwrap(), Trim::A4);
        assert_eq!(Trim::parse("a5").unwrap(), Trim::A5);
        assert_eq!(Trim::parse("148x210").unwrap(), Trim::A5);
        assert_eq!(Trim::parse("148 × 210 mm").unwrap(), Trim::A5);
        assert!(Trim::parse("10x10").is_err());
        assert!(Trim::parse("letter").is_err());
        assert!(Trim::parse("ax5").is_err());
    }
}
