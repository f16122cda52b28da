//! The screen edition (`brochure-screen.pdf`), made from the print brochure's laid-out pages
//! rather than a second layout, so both files show the same pages and lines:
//! - each page at its trim size (typst's bleed is dropped; what ran into it is clipped);
//! - the padding pages (`<folio-padding>`, added only to reach a multiple of four) left out;
//! - crop marks (whatever is drawn in the registration colour) left out;
//! - CMYK colours shown as the press prints them, in sRGB (`ToScreen`);
//! - each photo slot swapped for a raster slot of the same photo at 150 ppi (a PDF/UA file may
//!   not embed PDFs), with the photo's alt text; `photos::slot::Splice` fills it after export.
//!
//! The pages keep typst's introspection tags, so the export is tagged: headings by level,
//! photos as figures with their alt text, page headers and footers as artifacts.

use crate::photos::{PhotoSet, Request, slot};
use crate::profiles::output::ToScreen;
use std::collections::HashSet;
use typst::foundations::Smart;
use typst::layout::{Abs, Frame, FrameItem, Sides};
use typst::visualize::{
    Color, ExchangeFormat, FixedStroke, Image, ImageKind, Paint, ProcessColor, RasterImage,
    SpotColorantName,
};
use typst_layout::{Page, PagedDocument};

/// The resolution of the screen edition's photos.
pub const SCREEN_DPI: u32 = 150;

/// How print pages are shown on a screen: their colours, and what stands in their photo slots.
/// The screen edition and the preview's page images (`preview`) both see pages through it.
pub struct Edition<'a> {
    pub photos: Photos<'a>,
    pub colours: &'a ToScreen,
}

/// What a photo slot becomes on screen.
pub enum Photos<'a> {
    /// A raster slot naming the request at [`SCREEN_DPI`], with the photo's alt text (by photo
    /// id, `Photo::alt_text`); `photos::slot::Splice` fills it after export.
    Slots {
        photos: &'a PhotoSet,
        alts: &'a [String],
    },
    /// The photo's own pixels, for a raster image of the page (the preview); `None` keeps the
    /// slot's grey.
    Pixels(&'a (dyn Fn(&Request) -> Option<Image> + Sync)),
}

/// The screen edition's title and language, when the layout set none.
pub struct Meta<'a> {
    pub title: &'a str,
    pub lang: &'a str,
    pub region: Option<&'a str>,
}

/// The photo requests of the screen edition: the print requests at [`SCREEN_DPI`].
pub fn requests(print: &[Request]) -> Vec<Request> {
    let mut seen = HashSet::new();
    print
        .iter()
        .map(|r| r.at_dpi(SCREEN_DPI))
        .filter(|r| seen.insert(*r))
        .collect()
}

/// The screen edition's pages, from the print brochure's.
pub fn pages(
    print: &PagedDocument,
    edition: &Edition,
    meta: &Meta,
) -> Result<PagedDocument, String> {
    let padding: HashSet<usize> = super::frames::labelled_pages(print, "folio-padding");
    let mut pages = typst::ecow::EcoVec::new();
    for (i, page) in print.pages().iter().enumerate() {
        if padding.contains(&i) {
            continue;
        }
        let mut page = edition.page(page)?;
        page.bleed = Sides::splat(Abs::zero());
        pages.push(page);
    }
    let mut info = typst::model::Document::info(print).clone();
    if info.title.is_none() {
        info.title = Some(meta.title.into());
    }
    if info.locale.is_auto() {
        let lang = meta.lang.parse::<typst::text::Lang>().ok();
        let region = meta
            .region
            .and_then(|r| r.parse::<typst::text::Region>().ok());
        if let Some(lang) = lang {
            info.locale = Smart::Custom(typst::text::Locale { lang, region });
        }
    }
    Ok(PagedDocument::new(pages, info))
}

impl Edition<'_> {
    /// A page in screen colours, with the photos this edition shows (bleed kept).
    pub fn page(&self, page: &Page) -> Result<Page, String> {
        let mut page = page.clone();
        page.frame = self.frame(&page.frame)?;
        if let Smart::Custom(Some(fill)) = &page.fill {
            page.fill = Smart::Custom(self.paint(fill));
        }
        Ok(page)
    }

    fn frame(&self, frame: &Frame) -> Result<Frame, String> {
        let mut out = Frame::new(frame.size(), frame.kind());
        if frame.has_baseline() {
            out.set_baseline(frame.baseline());
        }
        for (pos, item) in frame.items() {
            let item = match item {
                FrameItem::Group(g) => {
                    let mut g = g.clone();
                    g.frame = self.frame(&g.frame)?;
                    Some(FrameItem::Group(g))
                }
                FrameItem::Text(t) => self.paint(&t.fill).map(|fill| {
                    let mut t = t.clone();
                    t.fill = fill;
                    t.stroke = t.stroke.as_ref().and_then(|s| self.stroke(s));
                    FrameItem::Text(t)
                }),
                FrameItem::Shape(s, span) => {
                    // `paint` and `stroke` give `None` for the registration colour: a shape
                    // filled or stroked in it is a crop mark, left out.
                    let fill = s.fill.as_ref().map(|p| self.paint(p));
                    let stroke = s.stroke.as_ref().map(|st| self.stroke(st));
                    if matches!(fill, Some(None)) || matches!(stroke, Some(None)) {
                        None
                    } else {
                        let mut s = s.clone();
                        s.fill = fill.flatten();
                        s.stroke = stroke.flatten();
                        Some(FrameItem::Shape(s, *span))
                    }
                }
                FrameItem::Image(image, size, span) => {
                    Some(FrameItem::Image(self.image(image)?, *size, *span))
                }
                other => Some(other.clone()),
            };
            if let Some(item) = item {
                out.push(*pos, item);
            }
        }
        Ok(out)
    }

    /// A paint as the screen shows it; `None` for the registration colour (crop marks).
    fn paint(&self, paint: &Paint) -> Option<Paint> {
        match paint {
            Paint::Solid(c) => self.color(c).map(Paint::Solid),
            // Gradients and tilings interpolate in their own (RGB-based) spaces already.
            other => Some(other.clone()),
        }
    }

    fn stroke(&self, stroke: &FixedStroke) -> Option<FixedStroke> {
        let mut s = stroke.clone();
        s.paint = self.paint(&stroke.paint)?;
        Some(s)
    }

    fn color(&self, color: &Color) -> Option<Color> {
        let process = match color {
            Color::Spot(s) if matches!(s.colorant.name, Some(SpotColorantName::All)) => {
                return None;
            }
            // Another spot ink (a brand colour) shows as its process fallback.
            Color::Spot(s) => s.fallback(),
            Color::Process(p) => *p,
        };
        Some(match process {
            ProcessColor::Cmyk(c) => {
                let [r, g, b] = self.colours.srgb([c.c, c.m, c.y, c.k].map(f64::from));
                Color::Process(ProcessColor::Rgb(typst::visualize::Rgb::new(
                    r as f32, g as f32, b as f32, 1.0,
                )))
            }
            other => Color::Process(other),
        })
    }

    /// A photo slot as this edition shows it (see [`Photos`]). Other images are kept.
    fn image(&self, image: &Image) -> Result<Image, String> {
        let ImageKind::Pdf(pdf) = image.kind() else {
            return Ok(image.clone());
        };
        let data: &[u8] = pdf.document().pdf().data().as_ref();
        let Some(name) = slot::name_in(data) else {
            return Ok(image.clone());
        };
        let print =
            slot::request_of(&name).ok_or_else(|| format!("a slot without a request: {name}"))?;
        let (photos, alts) = match self.photos {
            Photos::Pixels(pixels) => return Ok(pixels(&print).unwrap_or_else(|| image.clone())),
            Photos::Slots { photos, alts } => (photos, alts),
        };
        let req = print.at_dpi(SCREEN_DPI);
        let jpeg = photos
            .raster_slot(&req)
            .ok_or_else(|| format!("a slot names no photo of this document: {name}"))?;
        let raster = RasterImage::new(jpeg, ExchangeFormat::Jpg, Smart::Auto)
            .map_err(|e| format!("a raster slot: {e}"))?;
        let alt = alts
            .get(req.photo)
            .map(|a| a.as_str().into())
            .or_else(|| image.alt().map(Into::into));
        Ok(Image::new(raster, alt, image.scaling()))
    }
}
