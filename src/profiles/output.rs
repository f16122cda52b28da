//! Output profiles: the printing condition a print PDF is made for, declared in its PDF/X output
//! intent. folio ships four (compact copies, see README.md here); a print shop's own `.icc` file
//! can be used instead.

use super::compact::{Grid, compact};
use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// A printing condition and its profile, ready to embed.
pub struct OutputProfile {
    /// What users call it: a built-in name, or the file's name.
    pub name: String,
    /// `OutputConditionIdentifier`: a name in the ICC registry, or `Custom`.
    pub identifier: String,
    /// `OutputCondition` / `Info`: the condition in words.
    pub condition: String,
    /// `RegistryName` when `identifier` is a registered name.
    pub registry: Option<&'static str>,
    /// The profile as embedded (a built-in one is not copied).
    pub icc: Cow<'static, [u8]>,
    /// Total ink limit of the characterisation, in percent (from the profile's name when known).
    pub ink_limit: Option<f64>,
    compressed: OnceLock<(Vec<u8>, bool)>,
}

/// The ICC's registry of characterisation data.
const COLOR_ORG: &str = "http://www.color.org";

struct Builtin {
    name: &'static str,
    identifier: &'static str,
    registry: Option<&'static str>,
    condition: &'static str,
    ink_limit: f64,
    icc: &'static [u8],
}

const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "fogra39",
        identifier: "FOGRA39",
        registry: Some(COLOR_ORG),
        condition: "Coated FOGRA39 (ISO 12647-2:2004/Amd 1, offset, coated paper)",
        ink_limit: 300.0,
        icc: super::CMYK_DEFAULT,
    },
    Builtin {
        name: "fogra52",
        identifier: "FOGRA52",
        registry: Some(COLOR_ORG),
        condition: "PSO Uncoated v3 FOGRA52 (ISO 12647-2:2013, offset, uncoated paper)",
        ink_limit: 300.0,
        icc: include_bytes!("fogra52.icc"),
    },
    Builtin {
        name: "gracol2013",
        identifier: "CGATS21_CRPC6",
        registry: Some(COLOR_ORG),
        condition: "GRACoL 2013 CRPC6 (CGATS 21-2, offset, coated paper)",
        ink_limit: 320.0,
        icc: include_bytes!("gracol2013.icc"),
    },
    Builtin {
        // Not given a registry name here: folio could not confirm Japan Color 2011's, and a
        // `Custom` condition with its profile embedded is what PDF/X-4 asks for then.
        name: "japancolor2011",
        identifier: "Custom",
        registry: None,
        condition: "Japan Color 2011 Coated (offset, coated paper)",
        ink_limit: 350.0,
        icc: include_bytes!("japancolor2011.icc"),
    },
];

/// The names `settings.output_profile` and `--output-profile` accept besides a file.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTINS.iter().map(|b| b.name).collect()
}

/// The default: FOGRA39, the usual condition for coated offset in Europe and most of Asia.
pub const DEFAULT: &str = "fogra39";

/// A built-in profile by name.
pub fn builtin(name: &str) -> Option<Arc<OutputProfile>> {
    static LOADED: OnceLock<Vec<Arc<OutputProfile>>> = OnceLock::new();
    let all = LOADED.get_or_init(|| {
        BUILTINS
            .iter()
            .map(|b| {
                Arc::new(OutputProfile {
                    name: b.name.into(),
                    identifier: b.identifier.into(),
                    condition: b.condition.into(),
                    registry: b.registry,
                    icc: Cow::Borrowed(b.icc),
                    ink_limit: Some(b.ink_limit),
                    compressed: OnceLock::new(),
                })
            })
            .collect()
    });
    let name = name.trim().to_ascii_lowercase();
    all.iter().find(|p| p.name == name).cloned()
}

/// Largest profile embedded as it is; larger lut16 profiles are made compact first.
pub const MAX_EMBEDDED: usize = 700 * 1024;

/// A print shop's profile from `path`, checked to be a CMYK output profile.
pub fn from_file(path: &Path) -> Result<OutputProfile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    check(&bytes)?;
    let icc = if bytes.len() > MAX_EMBEDDED {
        compact(&bytes, Grid::PRINT).unwrap_or(bytes)
    } else {
        bytes
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let description = description(&icc).unwrap_or_else(|| name.clone());
    Ok(OutputProfile {
        identifier: "Custom".into(),
        condition: description,
        registry: None,
        ink_limit: None,
        icc: Cow::Owned(icc),
        name,
        compressed: OnceLock::new(),
    })
}

/// Why `icc` cannot be an output intent's profile, if it cannot.
pub fn check(icc: &[u8]) -> Result<(), String> {
    if icc.len() < 132 || &icc[36..40] != b"acsp" {
        return Err("it is not an ICC colour profile".into());
    }
    if &icc[16..20] != b"CMYK" {
        return Err(format!(
            "it is a {} profile; a print shop's output profile is CMYK",
            String::from_utf8_lossy(&icc[16..20]).trim()
        ));
    }
    if &icc[12..16] != b"prtr" {
        return Err(format!(
            "its class is `{}`, not an output (printer) profile",
            String::from_utf8_lossy(&icc[12..16]).trim()
        ));
    }
    if icc[8] > 4 || (icc[8] == 4 && icc[9] >> 4 > 2) {
        return Err(format!(
            "it is ICC version {}.{}; PDF/X-4 allows up to 4.2",
            icc[8],
            icc[9] >> 4
        ));
    }
    moxcms::ColorProfile::new_from_slice(icc)
        .map_err(|e| format!("its tables cannot be read ({e:?})"))?;
    Ok(())
}

/// The profile's own description (`desc` tag, ICC v2 text), if it has one.
fn description(icc: &[u8]) -> Option<String> {
    let count = u32::from_be_bytes(icc.get(128..132)?.try_into().ok()?) as usize;
    for i in 0..count.min(100) {
        let at = 132 + 12 * i;
        if icc.get(at..at + 4)? != b"desc" {
            continue;
        }
        let off = u32::from_be_bytes(icc.get(at + 4..at + 8)?.try_into().ok()?) as usize;
        let data = icc.get(off..)?;
        if !data.starts_with(b"desc") {
            return None;
        }
        let len = u32::from_be_bytes(data.get(8..12)?.try_into().ok()?) as usize;
        let text = data.get(12..12 + len)?;
        let text: String = text
            .iter()
            .take_while(|b| **b != 0)
            .map(|b| *b as char)
            .collect();
        let text = text.trim().to_string();
        return (!text.is_empty()).then_some(text);
    }
    None
}

impl std::fmt::Debug for OutputProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OutputProfile({}, {} bytes)", self.name, self.icc.len())
    }
}

impl OutputProfile {
    /// The profile as the PDF stores it, Flate-compressed (made once per process). The fast
    /// level: level 9 takes three times as long (about 60 ms, on every build's critical path)
    /// for a file 0.4 % smaller.
    pub fn stored(&self) -> (&[u8], bool) {
        let (bytes, flate) = self.compressed.get_or_init(|| {
            use std::io::Write;
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
            match z.write_all(&self.icc).and_then(|_| z.finish()) {
                Ok(bytes) => (bytes, true),
                Err(_) => (self.icc.to_vec(), false),
            }
        });
        (bytes, *flate)
    }

    /// A key that changes when the embedded profile does.
    pub fn key(&self) -> blake3::Hash {
        blake3::hash(&self.icc)
    }

    /// How this press's CMYK looks on a screen (the screen edition's colours).
    pub fn to_screen(&self) -> Result<ToScreen, String> {
        use lcms2::{Flags, Intent, PixelFormat, Profile, Transform};
        let press = Profile::new_icc(&self.icc)
            .map_err(|e| format!("the output profile cannot be read: {e}"))?;
        // Relative colorimetric with black-point compensation: the paper is the screen's
        // white, the press's deepest black the screen's black; hues as printed.
        let t = Transform::new_flags(
            &press,
            PixelFormat::CMYK_DBL,
            &Profile::new_srgb(),
            PixelFormat::RGB_DBL,
            Intent::RelativeColorimetric,
            Flags::BLACKPOINT_COMPENSATION,
        )
        .map_err(|e| format!("no conversion from the output profile to sRGB: {e}"))?;
        Ok(ToScreen(t))
    }
}

/// CMYK of a printing condition to sRGB (`OutputProfile::to_screen`).
pub struct ToScreen(lcms2::Transform<[f64; 4], [f64; 3]>);

impl ToScreen {
    /// `cmyk` in 0–1 (no ink to full ink) as sRGB in 0–1.
    pub fn srgb(&self, cmyk: [f64; 4]) -> [f64; 3] {
        // Little CMS takes CMYK as percentages in its floating-point formats.
        let mut out = [[0.0; 3]];
        self.0
            .transform_pixels(&[cmyk.map(|v| v.clamp(0.0, 1.0) * 100.0)], &mut out);
        out[0].map(|v| v.clamp(0.0, 1.0))
    }
}
