//! The resolved document: what the rest of folio reads once the YAML files are parsed,
//! validated and their photos found. (The files' own shape is `schema.rs`.) Text here has had
//! the typographic clean-up (`typography.rs`): it is the text that is printed.

use super::schema::SlideText;
use crate::diag::Loc;
use crate::print::Trim;
use crate::profiles::OutputProfile;
use std::path::PathBuf;
use std::sync::Arc;

pub type PhotoId = usize;

/// The whole publication, validated.
#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    pub subtitle: Option<String>,
    pub organisation: String,
    pub year: i64,
    pub language: String,
    pub region: Option<String>,
    pub settings: Settings,
    pub cover: Option<PhotoId>,
    pub logo: Option<PathBuf>,
    pub notes: Option<String>,
    pub intro: Option<Section>,
    pub sections: Vec<Section>,
    pub closing: Option<Section>,
    /// Every photo the content places, in order of first use.
    pub photos: Vec<Photo>,
    /// Every user string that ends up on a page, with where it was written.
    pub texts: Vec<(String, Loc)>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub trim: Trim,
    pub bleed_mm: f64,
    pub crop_marks: bool,
    pub theme: String,
    /// CMYK percentages.
    pub primary: [f64; 4],
    pub accent: [f64; 4],
    pub paper: [f64; 4],
    pub body_font: String,
    pub heading_font: String,
    /// The print file as PDF/X-4.
    pub pdfx: bool,
    /// The printing condition the print file is made for.
    pub output_profile: Arc<OutputProfile>,
    /// Photos converted to the output profile's CMYK in the print file.
    pub cmyk_photos: bool,
    /// Converted with the perceptual intent (else relative colorimetric with black-point
    /// compensation).
    pub cmyk_perceptual: bool,
    /// The deck also as `slides.pptx`.
    pub pptx: bool,
    /// The deck also as `handout.pdf`.
    pub handout: bool,
    /// The brochure also as `brochure-screen.pdf`.
    pub screen: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Section {
    pub id: Option<String>,
    pub title: Option<String>,
    /// 1-based number among titled sections.
    pub number: Option<usize>,
    pub figures: Vec<Figure>,
    pub paragraphs: Vec<Paragraph>,
    pub photos: Vec<PhotoId>,
    pub notes: Option<String>,
    pub slides: bool,
}

#[derive(Debug, Clone)]
pub struct Paragraph {
    pub lead: Option<String>,
    pub text: String,
    pub slide: Option<SlideText>,
    pub notes: Option<String>,
    pub slides: bool,
    pub photos: Vec<PhotoId>,
}

#[derive(Debug, Clone)]
pub struct Figure {
    pub value: String,
    pub unit: Option<String>,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Photo {
    /// The name used in the YAML, relative to `photos/`.
    pub name: String,
    pub path: PathBuf,
    pub caption: Option<String>,
    /// What the photo shows, for screen readers (`alt:`, else the caption).
    pub alt: Option<String>,
    pub credit: Option<String>,
    /// Point kept in view when a frame crops the photo.
    pub focus: Focus,
    pub notes: Option<String>,
    pub slides: bool,
    /// Where the photo is first placed in the content.
    pub loc: Loc,
}

impl Photo {
    /// What a screen reader says for the photo: its `alt:`, else its caption, else its file
    /// name without the extension (folio warns about a photo without a caption).
    pub fn alt_text(&self) -> String {
        self.alt
            .clone()
            .or_else(|| self.caption.clone())
            .unwrap_or_else(|| {
                let stem = std::path::Path::new(&self.name).file_stem();
                stem.map_or(self.name.clone(), |s| {
                    s.to_string_lossy().replace(['_', '-'], " ")
                })
            })
    }
}

/// The point of a photo kept in view when a frame crops it, as shares of its width and height:
/// (0, 0) is the top-left corner, (0.5, 0.5) the centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Focus {
    pub x: f64,
    pub y: f64,
}

impl Focus {
    pub const CENTRE: Focus = Focus { x: 0.5, y: 0.5 };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alt_text_is_the_alt_else_the_caption_else_the_name() {
        let mut p = Photo {
            name: "trips/river_walk-2020.jpg".into(),
            path: PathBuf::from("photos/trips/river_walk-2020.jpg"),
            caption: Some("A walk by the river".into()),
            alt: Some("Six people on a riverside path".into()),
            credit: None,
            focus: Focus::CENTRE,
            notes: None,
            slides: true,
            loc: Default::default(),
        };
        assert_eq!(p.alt_text(), "Six people on a riverside path");
        p.alt = None;
        assert_eq!(p.alt_text(), "A walk by the river");
        p.caption = None;
        assert_eq!(p.alt_text(), "river walk 2020");
    }
}
