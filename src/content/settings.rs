//! The document's settings, checked, with their defaults: trim, bleed, marks, theme, colours,
//! fonts, logo, and the language and region the layouts set text for.

use super::document::Settings;
use super::resolve::Resolver;
use super::schema::{DocumentFile, ThemeFile};
use crate::diag::Diagnostic;
use crate::print::Trim;
use crate::profiles::{OutputProfile, output};
use serde_saphyr::Spanned;
use std::path::PathBuf;
use std::sync::Arc;

/// The languages and regions the layouts are made for (their labels and line-breaking rules).
pub const LANGUAGES: &[&str] = &["zh", "en"];
/// Regions of Chinese: Simplified script in the first two, Traditional in the others.
pub const REGIONS: &[&str] = &["cn", "sg", "tw", "hk", "mo"];
const TRADITIONAL: &[&str] = &["tw", "hk", "mo"];
/// Regions of English (spelling and hyphenation follow the language; the region is kept).
pub const EN_REGIONS: &[&str] = &["us", "gb", "au", "ca", "nz", "ie", "in", "sg", "hk"];

/// The script a document is written in, as the layouts name their label sets: `zh-hans`,
/// `zh-hant` or `en`.
pub fn script(language: &str, region: Option<&str>) -> &'static str {
    match (language, region) {
        ("en", _) => "en",
        (_, Some(r)) if TRADITIONAL.contains(&r) => "zh-hant",
        _ => "zh-hans",
    }
}

/// The themes the layout folders offer: `default` (theme.typ) and each `theme-NAME.typ`.
pub fn themes(layouts: &[PathBuf]) -> Vec<String> {
    let mut names = vec!["default".to_string()];
    for dir in layouts {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(theme) = name
                .strip_prefix("theme-")
                .and_then(|n| n.strip_suffix(".typ"))
                && !theme.is_empty()
                && !names.iter().any(|n| n == theme)
            {
                names.push(theme.to_string());
            }
        }
    }
    names[1..].sort();
    names
}

impl Resolver<'_> {
    /// `language` and `region`, checked against what the layouts support.
    pub(super) fn language(&mut self, doc: &DocumentFile, file: usize) -> (String, Option<String>) {
        let language = doc.language.value.trim().to_lowercase();
        if !LANGUAGES.contains(&language.as_str()) {
            let loc = self.loc(&file, &doc.language.referenced);
            self.report.push(
                Diagnostic::error(format!("language `{}` is not one folio supports", doc.language.value))
                    .at(&self.sources, loc)
                    .hint(format!(
                        "write one of: {} (zh: Chinese, with `region` cn or sg for Simplified, tw, hk or mo for Traditional; en: English)",
                        LANGUAGES.join(", ")
                    )),
            );
        }
        let regions = if language == "en" {
            EN_REGIONS
        } else {
            REGIONS
        };
        let region = doc.region.as_ref().map(|r| {
            let value = r.value.trim().to_lowercase();
            if !regions.contains(&value.as_str()) {
                let loc = self.loc(&file, &r.referenced);
                let what = if language == "en" {
                    "English".to_string()
                } else {
                    "Chinese: cn, sg (Simplified), tw, hk, mo (Traditional)".to_string()
                };
                self.report.push(
                    Diagnostic::error(format!(
                        "region `{}` is not one folio supports for `language: {language}`",
                        r.value
                    ))
                    .at(&self.sources, loc)
                    .hint(format!(
                        "write one of: {} ({what}), or leave `region` out",
                        regions.join(", ")
                    )),
                );
            }
            value
        });
        (language, region)
    }

    pub(super) fn settings(
        &mut self,
        doc: &DocumentFile,
        file: usize,
    ) -> (Settings, Option<PathBuf>) {
        let s = &doc.settings;
        let trim = match &s.trim {
            Some(t) => match Trim::parse(&t.value) {
                Ok(trim) => trim,
                Err(e) => {
                    let loc = self.loc(&file, &t.referenced);
                    self.report.push(
                        Diagnostic::error(e)
                            .at(&self.sources, loc)
                            .hint("use a4, a5, or width x height in millimetres such as 148x210"),
                    );
                    Trim::A4
                }
            },
            None => Trim::A4,
        };
        let bleed = s.bleed_mm.value;
        if !(0.0..=20.0).contains(&bleed) || bleed.is_nan() {
            let loc = self.loc(&file, &s.bleed_mm.referenced);
            self.report.push(
                Diagnostic::error(format!("bleed_mm is {bleed}; it must be between 0 and 20"))
                    .at(&self.sources, loc)
                    .hint("print shops usually ask for 3 mm"),
            );
        }
        let theme = s
            .theme
            .as_ref()
            .map(|t| t.value.clone())
            .unwrap_or_else(|| "default".into());
        let available = themes(&self.project.layouts);
        if !available.contains(&theme) {
            let loc = self.loc(&file, &s.theme.as_ref().unwrap().referenced);
            self.report.push(
                Diagnostic::error(format!("unknown theme `{theme}`"))
                    .at(&self.sources, loc)
                    .hint(format!(
                        "the themes here are: {}; a theme `NAME` is a file layouts/theme-NAME.typ (a copy of theme.typ to change); colours alone change with `settings.colors`",
                        available.join(", ")
                    )),
            );
        }
        // Traditional Chinese documents get the theme's Traditional faces.
        let region = doc.region.as_ref().map(|r| r.value.trim().to_lowercase());
        let language = doc.language.value.trim().to_lowercase();
        let traditional = script(&language, region.as_deref()) == "zh-hant";
        let defaults = self.theme_defaults(&theme, traditional);
        let primary = self.cmyk(s.colors.primary.as_ref(), file, defaults.primary);
        let accent = self.cmyk(s.colors.accent.as_ref(), file, defaults.accent);
        let paper = self.cmyk(s.colors.paper.as_ref(), file, defaults.paper);
        let font = |f: &Option<Spanned<String>>, d: &str| {
            f.as_ref()
                .map(|f| f.value.clone())
                .unwrap_or_else(|| d.into())
        };
        let output_profile = self.output_profile(s.output_profile.as_ref(), file);
        let logo = s.logo.as_ref().and_then(|l| {
            let loc = self.loc(&file, &l.referenced);
            self.inside(&self.project.root.clone(), &l.value, loc, "logo")
        });
        (
            Settings {
                trim,
                bleed_mm: bleed.clamp(0.0, 20.0),
                crop_marks: s.crop_marks,
                theme,
                primary,
                accent,
                paper,
                body_font: font(&s.fonts.body, &defaults.body_font),
                heading_font: font(&s.fonts.heading, &defaults.heading_font),
                pdfx: s.pdfx,
                output_profile,
                cmyk_photos: s.cmyk_photos,
                cmyk_perceptual: self.cmyk_intent(s.cmyk_intent.as_ref(), file),
                pptx: s.pptx,
                handout: s.handout,
                screen: s.screen,
            },
            logo,
        )
    }

    /// `output_profile`: a built-in printing condition, or a print shop's `.icc` file in the
    /// project, checked to be a CMYK output profile.
    fn output_profile(
        &mut self,
        setting: Option<&Spanned<String>>,
        file: usize,
    ) -> Arc<OutputProfile> {
        let default = || output::builtin(output::DEFAULT).expect("the default profile is built in");
        let Some(s) = setting else { return default() };
        if let Some(p) = output::builtin(&s.value) {
            return p;
        }
        let loc = self.loc(&file, &s.referenced);
        let names = output::builtin_names().join(", ");
        if !s.value.to_ascii_lowercase().ends_with(".icc")
            && !s.value.to_ascii_lowercase().ends_with(".icm")
        {
            self.report.push(
                Diagnostic::error(format!("output_profile `{}` is neither a built-in profile nor an .icc file", s.value))
                    .at(&self.sources, loc)
                    .hint(format!("write one of: {names}; or the path of your print shop's profile in the project, e.g. profiles/shop.icc")),
            );
            return default();
        }
        let root = self.project.root.clone();
        let Some(path) = self.inside(&root, &s.value, loc, "output profile") else {
            return default();
        };
        match output::from_file(&path) {
            Ok(p) => Arc::new(p),
            Err(e) => {
                self.report.push(
                    Diagnostic::error(format!("output profile {} cannot be used: {e}", s.value))
                        .at(&self.sources, loc)
                        .hint(format!("ask the print shop for their CMYK output profile (.icc), or write one of: {names}")),
                );
                default()
            }
        }
    }

    /// `cmyk_intent`: whether photos are separated perceptually.
    fn cmyk_intent(&mut self, setting: Option<&Spanned<String>>, file: usize) -> bool {
        let Some(s) = setting else { return false };
        match s.value.trim().to_ascii_lowercase().as_str() {
            "relative" => false,
            "perceptual" => true,
            other => {
                let loc = self.loc(&file, &s.referenced);
                self.report.push(
                    Diagnostic::error(format!("cmyk_intent `{other}` is not one folio knows"))
                        .at(&self.sources, loc)
                        .hint("write relative (colorimetric, with black-point compensation: the default) or perceptual"),
                );
                false
            }
        }
    }

    /// The theme's palette and fonts: `theme-NAME.yaml` when the theme has its own, else
    /// `theme.yaml`, from the first layout folder that holds it (a project's own first).
    fn theme_defaults(&mut self, theme: &str, traditional: bool) -> ThemeDefaults {
        let mut names = vec!["theme.yaml".to_string()];
        if theme != "default" {
            names.insert(0, format!("theme-{theme}.yaml"));
        }
        let found = names.iter().find_map(|name| {
            self.project
                .layouts
                .iter()
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        });
        let fallback = ThemeDefaults {
            primary: [0.0, 0.0, 0.0, 100.0],
            accent: [0.0, 0.0, 0.0, 100.0],
            paper: [0.0; 4],
            body_font: String::new(),
            heading_font: String::new(),
        };
        let Some(path) = found else {
            self.report.push(
                Diagnostic::error(format!("the layouts have no {}", names.join(" or ")))
                    .hint("folio's own layouts/ folder holds theme.yaml (the default palette and fonts); reinstall folio or set FOLIO_HOME to its folder"),
            );
            return fallback;
        };
        let Some((t, file)) = self.read::<ThemeFile>(&path) else {
            return fallback;
        };
        let fonts = match &t.fonts_traditional {
            Some(f) if traditional => f,
            _ => &t.fonts,
        };
        let colors = &t.colors;
        ThemeDefaults {
            primary: self.cmyk(Some(&colors.primary), file, fallback.primary),
            accent: self.cmyk(Some(&colors.accent), file, fallback.accent),
            paper: self.cmyk(Some(&colors.paper), file, fallback.paper),
            body_font: fonts.body.value.clone(),
            heading_font: fonts.heading.value.clone(),
        }
    }

    fn cmyk(&mut self, c: Option<&Spanned<Vec<f64>>>, file: usize, default: [f64; 4]) -> [f64; 4] {
        let Some(c) = c else { return default };
        match c.value.as_slice() {
            [a, b, d, e] if c.value.iter().all(|v| (0.0..=100.0).contains(v)) => [*a, *b, *d, *e],
            _ => {
                let loc = self.loc(&file, &c.referenced);
                self.report.push(
                    Diagnostic::error("a colour must be four CMYK percentages between 0 and 100")
                        .at(&self.sources, loc)
                        .hint("write it as [cyan, magenta, yellow, black], e.g. [100, 70, 0, 10]"),
                );
                default
            }
        }
    }
}

/// What a theme gives a document whose settings do not choose.
struct ThemeDefaults {
    primary: [f64; 4],
    accent: [f64; 4],
    paper: [f64; 4],
    body_font: String,
    heading_font: String,
}
