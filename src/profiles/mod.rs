//! Colour profiles folio carries (see README.md here for their source and licence).

pub mod compact;
pub mod output;

pub use output::OutputProfile;

/// FOGRA39 (ISO coated v2, 300 %): what an untagged CMYK photo is assumed to be made for.
pub const CMYK_DEFAULT: &[u8] = include_bytes!("fogra39.icc");

/// sRGB (IEC 61966-2-1), as moxcms writes it, with a fixed date so outputs are reproducible.
/// Untagged RGB photos are sRGB by convention; the PDF says so with this profile.
pub const SRGB: &[u8] = include_bytes!("sRGB.icc");
