//! The typed content model: what the YAML files in `content/` and `photos/captions.yaml` may say.
//!
//! Every struct denies unknown keys, so a misspelt key is an error rather than silently ignored.
//! Values users may get wrong keep their source location (`Spanned`) so errors can point at them.

use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// `content/document.yaml`: metadata, settings, cover, intro and closing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentFile {
    pub title: Spanned<String>,
    #[serde(default)]
    pub subtitle: Option<Spanned<String>>,
    pub organisation: Spanned<String>,
    pub year: Spanned<i64>,
    #[serde(default = "default_language")]
    pub language: Spanned<String>,
    #[serde(default)]
    pub region: Option<Spanned<String>>,
    #[serde(default)]
    pub settings: Settings,
    #[serde(default)]
    pub cover: Option<Cover>,
    #[serde(default)]
    pub intro: Option<Section>,
    #[serde(default)]
    pub closing: Option<Closing>,
    /// Speaker notes for the title slide.
    #[serde(default)]
    pub notes: Option<Spanned<String>>,
}

fn default_language() -> Spanned<String> {
    Spanned::new(
        "zh".into(),
        serde_saphyr::Location::UNKNOWN,
        serde_saphyr::Location::UNKNOWN,
    )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `a4`, `a5`, or `WIDTHxHEIGHT` in millimetres.
    #[serde(default)]
    pub trim: Option<Spanned<String>>,
    #[serde(default = "default_bleed")]
    pub bleed_mm: Spanned<f64>,
    #[serde(default = "default_true")]
    pub crop_marks: bool,
    #[serde(default)]
    pub theme: Option<Spanned<String>>,
    #[serde(default)]
    pub colors: Colors,
    /// A logo image inside the project (shown on slides).
    #[serde(default)]
    pub logo: Option<Spanned<String>>,
    #[serde(default)]
    pub fonts: FontSettings,
    /// The print file as PDF/X-4 (the default), or a plain PDF.
    #[serde(default = "default_true")]
    pub pdfx: bool,
    /// The printing condition: a built-in name (`fogra39`, …) or a print shop's `.icc` file.
    #[serde(default)]
    pub output_profile: Option<Spanned<String>>,
    /// Photos converted to the output profile's CMYK in the print file.
    #[serde(default)]
    pub cmyk_photos: bool,
    /// How they are converted: `relative` (colorimetric, with black-point compensation) or
    /// `perceptual`.
    #[serde(default)]
    pub cmyk_intent: Option<Spanned<String>>,
    /// The deck also as an editable PowerPoint file (`slides.pptx`).
    #[serde(default = "default_true")]
    pub pptx: bool,
    /// A handout of the deck (`handout.pdf`): three slides to a page with their notes.
    #[serde(default = "default_true")]
    pub handout: bool,
    /// The brochure also for screens (`brochure-screen.pdf`): PDF/UA-1 and PDF/A-2b.
    #[serde(default = "default_true")]
    pub screen: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            trim: None,
            bleed_mm: default_bleed(),
            crop_marks: true,
            theme: None,
            colors: Colors::default(),
            logo: None,
            fonts: FontSettings::default(),
            pdfx: true,
            output_profile: None,
            cmyk_photos: false,
            cmyk_intent: None,
            pptx: true,
            handout: true,
            screen: true,
        }
    }
}

fn default_bleed() -> Spanned<f64> {
    Spanned::new(
        3.0,
        serde_saphyr::Location::UNKNOWN,
        serde_saphyr::Location::UNKNOWN,
    )
}

fn default_true() -> bool {
    true
}

/// Theme colours as CMYK percentages, e.g. `primary: [100, 70, 0, 10]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    #[serde(default)]
    pub primary: Option<Spanned<Vec<f64>>>,
    #[serde(default)]
    pub accent: Option<Spanned<Vec<f64>>>,
    #[serde(default)]
    pub paper: Option<Spanned<Vec<f64>>>,
}

/// Font families; each must be installed or in a `fonts/` folder.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontSettings {
    #[serde(default)]
    pub body: Option<Spanned<String>>,
    #[serde(default)]
    pub heading: Option<Spanned<String>>,
}

/// A theme's defaults, `layouts/theme.yaml` (or `theme-NAME.yaml` beside `theme-NAME.typ`):
/// the palette and fonts a document gets when its settings do not choose. Every key is needed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeFile {
    pub colors: ThemeColors,
    pub fonts: ThemeFonts,
    /// The fonts of a Traditional Chinese document (`region: tw`, `hk` or `mo`); `fonts` when
    /// absent.
    #[serde(default, rename = "fonts-traditional")]
    pub fonts_traditional: Option<ThemeFonts>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeColors {
    pub primary: Spanned<Vec<f64>>,
    pub accent: Spanned<Vec<f64>>,
    pub paper: Spanned<Vec<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeFonts {
    pub body: Spanned<String>,
    pub heading: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    pub photo: Spanned<String>,
}

/// A section of the brochure; the intro and the closing have the same shape.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    #[serde(default)]
    pub figures: Vec<Figure>,
    #[serde(default)]
    pub paragraphs: Vec<Paragraph>,
    /// Photos shown after the section's paragraphs.
    #[serde(default)]
    pub photos: Vec<Spanned<String>>,
    #[serde(default)]
    pub notes: Option<Spanned<String>>,
    /// `false` keeps the whole section out of the slide deck.
    #[serde(default = "default_true")]
    pub slides: bool,
}

impl Section {
    /// Nothing to print: no title, figures, paragraphs or photos (an empty file, or one of
    /// comments only).
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.figures.is_empty()
            && self.paragraphs.is_empty()
            && self.photos.is_empty()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paragraph {
    /// Bold lead-in sentence shown before the text.
    #[serde(default)]
    pub lead: Option<Spanned<String>>,
    pub text: Spanned<String>,
    /// Condensed text for the slide: a summary string or a list of bullets.
    #[serde(default)]
    pub slide: Option<Spanned<SlideText>>,
    #[serde(default)]
    pub notes: Option<Spanned<String>>,
    #[serde(default = "default_true")]
    pub slides: bool,
    /// Photos placed right after this paragraph.
    #[serde(default)]
    pub photos: Vec<Spanned<String>>,
}

/// The closing: printed on the back cover and as the deck's closing slide, which have no room
/// for figures or photos (a section before it can hold them).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closing {
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    #[serde(default)]
    pub paragraphs: Vec<ClosingParagraph>,
    #[serde(default)]
    pub notes: Option<Spanned<String>>,
    #[serde(default = "default_true")]
    pub slides: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosingParagraph {
    #[serde(default)]
    pub lead: Option<Spanned<String>>,
    pub text: Spanned<String>,
    #[serde(default)]
    pub slide: Option<Spanned<SlideText>>,
    #[serde(default)]
    pub notes: Option<Spanned<String>>,
    #[serde(default = "default_true")]
    pub slides: bool,
}

impl Closing {
    /// The closing as a section without figures or photos, so it resolves like one.
    pub fn as_section(&self) -> Section {
        Section {
            id: None,
            title: self.title.clone(),
            figures: Vec::new(),
            paragraphs: self
                .paragraphs
                .iter()
                .map(|p| Paragraph {
                    lead: p.lead.clone(),
                    text: p.text.clone(),
                    slide: p.slide.clone(),
                    notes: p.notes.clone(),
                    slides: p.slides,
                    photos: Vec::new(),
                })
                .collect(),
            photos: Vec::new(),
            notes: self.notes.clone(),
            slides: self.slides,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SlideText {
    Summary(String),
    Bullets(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    pub value: Spanned<String>,
    #[serde(default)]
    pub unit: Option<Spanned<String>>,
    pub label: Spanned<String>,
}

/// `photos/captions.yaml`: file name → caption entry.
pub type CaptionsFile = BTreeMap<String, Spanned<CaptionEntry>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaptionEntry {
    pub caption: Spanned<String>,
    /// What the photo shows, for screen readers, when the caption does not say it.
    #[serde(default)]
    pub alt: Option<Spanned<String>>,
    #[serde(default)]
    pub credit: Option<Spanned<String>>,
    /// `[x, y]` in 0..1: the point a cropping frame keeps in view.
    #[serde(default)]
    pub focus: Option<Spanned<Vec<f64>>>,
    #[serde(default)]
    pub notes: Option<Spanned<String>>,
    #[serde(default = "default_true")]
    pub slides: bool,
}
