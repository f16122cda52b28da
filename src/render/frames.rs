//! Reading what typst laid out: where text and photos landed on each page, and the slide
//! metadata the deck layout leaves behind for speaker notes.

use super::world::FolioWorld;
use crate::diag::Diagnostic;
use crate::photos::{PhotoSet, Request};
use typst::foundations::{Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

/// Calls `f` with every item of `frame` and the transform from its coordinates to the page's.
pub fn walk(frame: &Frame, ts: Transform, f: &mut dyn FnMut(Transform, Point, &FrameItem)) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(g) => {
                let inner = ts
                    .pre_concat(Transform::translate(pos.x, pos.y))
                    .pre_concat(g.transform);
                walk(&g.frame, inner, f);
            }
            other => f(ts, *pos, other),
        }
    }
}

/// A box of laid-out text, in points from the page frame's top-left corner (the trim).
#[derive(Debug, Clone)]
pub struct TextBox {
    pub text: String,
    /// Font size and baseline, in points (to group runs into lines).
    pub size: f64,
    pub baseline: f64,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// Every run of text on a page, with a generous box (ascender to descender).
pub fn text_boxes(frame: &Frame) -> Vec<TextBox> {
    let mut out = Vec::new();
    walk(frame, Transform::identity(), &mut |ts, pos, item| {
        if let FrameItem::Text(t) = item {
            out.push(text_box(ts, pos, t));
        }
    });
    out
}

/// The box of one run of text at `pos` in a frame that `ts` maps to the page.
pub fn text_box(ts: Transform, pos: Point, t: &typst::text::TextItem) -> TextBox {
    let size = t.size;
    let a = Point::new(pos.x, pos.y - size * 0.88).transform(ts);
    let b = Point::new(pos.x + t.width(), pos.y + size * 0.12).transform(ts);
    TextBox {
        text: t.text.to_string(),
        size: size.to_pt(),
        baseline: pos.transform(ts).y.to_pt(),
        x0: a.x.min(b.x).to_pt(),
        y0: a.y.min(b.y).to_pt(),
        x1: a.x.max(b.x).to_pt(),
        y1: a.y.max(b.y).to_pt(),
    }
}

/// Warnings for photos that reach less than `min_ppi` where they are placed, naming the pages.
pub fn low_resolution(
    doc: &PagedDocument,
    world: &FolioWorld,
    photos: &PhotoSet,
    min_ppi: f64,
) -> Vec<Diagnostic> {
    let placed = labelled(doc, "folio-photo");
    let mut out = Vec::new();
    for req in world.used() {
        let Some(plan) = photos.plan(&req) else {
            continue;
        };
        let ppi = plan.ppi(&req);
        if ppi >= min_ppi * 0.995 {
            continue;
        }
        let mut pages: Vec<String> = placed
            .iter()
            .filter(|(_, v)| match v {
                Value::Str(s) => Request::from_path(s) == Some(req),
                _ => false,
            })
            .map(|(page, _)| (page + 1).to_string())
            .collect();
        pages.dedup();
        // A frame typst tried but did not keep (a block laid out twice) is not printed.
        if pages.is_empty() {
            continue;
        }
        let name = &photos.sources[req.photo].name;
        let (w, h) = (plan.out.width, plan.out.height);
        out.push(
            Diagnostic::warning(format!(
                "photo {name} is placed at {:.0} ppi on page {} ({w} × {h} px in a frame that needs {} × {} px for {min_ppi:.0} ppi)",
                ppi,
                pages.join(", "),
                req.width,
                req.height
            ))
            .hint("use a larger original of this photo, or place it smaller (e.g. in a grid)"),
        );
    }
    out
}

/// Share of a photo a frame must keep before folio says the crop is heavy.
pub const MIN_KEPT: f64 = 0.5;

/// Warnings for photos that a frame crops to less than half of the picture (a tall photo on a
/// wide slide), naming the photo and the pages.
pub fn heavy_crops(doc: &PagedDocument, world: &FolioWorld, photos: &PhotoSet) -> Vec<Diagnostic> {
    let placed = labelled(doc, "folio-photo");
    let mut worst: std::collections::BTreeMap<usize, (f64, Vec<usize>)> = Default::default();
    for req in world.used() {
        let Some(crop) = photos.plan(&req).map(|p| p.crop) else {
            continue;
        };
        let probe = &photos.sources[req.photo].probe;
        let (w, h) = (probe.width, probe.height);
        let kept = (crop.width as f64 * crop.height as f64) / (w as f64 * h as f64);
        if kept >= MIN_KEPT {
            continue;
        }
        let pages = placed.iter().filter(|(_, v)| match v {
            Value::Str(s) => Request::from_path(s) == Some(req),
            _ => false,
        });
        let entry = worst.entry(req.photo).or_insert((1.0, Vec::new()));
        entry.0 = entry.0.min(kept);
        entry.1.extend(pages.map(|(p, _)| p + 1));
    }
    worst
        .into_iter()
        .map(|(photo, (kept, mut pages))| {
            pages.sort();
            pages.dedup();
            let pages: Vec<String> = pages.iter().map(|p| p.to_string()).collect();
            Diagnostic::warning(format!(
                "photo {} is cropped to {:.0}% of the picture on slide {}",
                photos.sources[photo].name,
                kept * 100.0,
                if pages.is_empty() { "?".into() } else { pages.join(", ") }
            ))
            .hint("set `focus: [x, y]` in photos/captions.yaml to keep the important part in view, or `slides: false` to keep the photo off the slides")
        })
        .collect()
}

/// Values of `#metadata(..) <label>` elements, with their page (0-based).
fn labelled(doc: &PagedDocument, name: &str) -> Vec<(usize, Value)> {
    labelled_at(doc, name)
        .into_iter()
        .map(|(page, _, value)| (page, value))
        .collect()
}

/// The pages (0-based) that hold a `#metadata(..) <label>` element.
pub fn labelled_pages(doc: &PagedDocument, name: &str) -> std::collections::HashSet<usize> {
    labelled_at(doc, name)
        .into_iter()
        .map(|(page, _, _)| page)
        .collect()
}

/// Values of `#metadata(..) <label>` elements, with where they landed: page (0-based) and
/// distance from the page's top (pt).
pub fn labelled_at(doc: &PagedDocument, name: &str) -> Vec<(usize, f64, Value)> {
    let introspector = doc.introspector();
    let Some(label) = typst::foundations::Label::new(PicoStr::intern(name)) else {
        return Vec::new();
    };
    introspector
        .query(&Selector::Label(label))
        .iter()
        .filter_map(|c| {
            let pos = introspector.position(c.location()?)?;
            let value = c.to_packed::<MetadataElem>()?.value.clone();
            Some((pos.page.get() - 1, pos.point.y.to_pt(), value))
        })
        .collect()
}

/// The metadata each slide leaves with `#metadata(..) <folio-slide>`, by page (0-based).
pub fn slide_metadata(doc: &PagedDocument) -> Vec<(usize, Value)> {
    labelled(doc, "folio-slide")
}

/// Size of a page including its bleed, in points.
pub fn page_size(page: &typst_layout::Page) -> (f64, f64) {
    let s = page.frame.size();
    (
        (s.x + page.bleed.left + page.bleed.right).to_pt(),
        (s.y + page.bleed.top + page.bleed.bottom).to_pt(),
    )
}

/// Where the handout's layout left a slide's place: the marker's point on the page, and the
/// slide's index (`#metadata(i) <folio-handout-slide>`).
pub fn handout_slots(frame: &Frame) -> Vec<(Point, usize)> {
    let mut out = Vec::new();
    walk(frame, Transform::identity(), &mut |ts, pos, item| {
        if let FrameItem::Tag(typst::introspection::Tag::Start(content, _)) = item
            && content
                .label()
                .is_some_and(|l| l.resolve().as_str() == "folio-handout-slide")
            && let Some(meta) = content.to_packed::<MetadataElem>()
            && let Value::Int(i) = meta.value
            && i >= 0
        {
            out.push((pos.transform(ts), i as usize));
        }
    });
    out
}

/// Puts `page` (another document's laid-out page) on `frame` at `at`, scaled to the handout's
/// slide width, with its page colour behind it and clipped to its edges. Introspection tags and
/// links are left out: they belong to the other document.
pub fn place_page(frame: &mut Frame, at: Point, page: &typst_layout::Page) {
    use typst::layout::{Abs, GroupItem, Ratio, Size};
    use typst::visualize::{Curve, Geometry};
    let size = page.frame.size();
    let width = Abs::mm(HANDOUT_SLIDE_MM);
    let s = width / size.x;
    let scaled = Size::new(width, size.y * s);
    if let typst::foundations::Smart::Custom(Some(fill)) = &page.fill {
        let rect = Geometry::Rect(scaled).filled(fill.clone());
        frame.push(at, FrameItem::Shape(rect, typst::syntax::Span::detached()));
    }
    let mut group = GroupItem::new(without_tags(&page.frame));
    group.transform = Transform::scale(Ratio::new(s), Ratio::new(s));
    group.clip = Some(Curve::rect(size));
    frame.push(at, FrameItem::Group(group));
}

/// The width of a slide on the handout, as `handout.typ` sets it (`slide-w`).
pub const HANDOUT_SLIDE_MM: f64 = 100.0;

fn without_tags(frame: &Frame) -> Frame {
    let mut out = Frame::hard(frame.size());
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Tag(_) | FrameItem::Link(..) => {}
            FrameItem::Group(g) => {
                let mut inner = g.clone();
                inner.frame = without_tags(&g.frame);
                inner.parent = None;
                out.push(*pos, FrameItem::Group(inner));
            }
            other => out.push(*pos, other.clone()),
        }
    }
    out
}

/// How full a brochure page is: the share of its 2 mm rows, between the running header and
/// the folio (9 % and 92 % of the trim's height), that hold text, a photo or a filled shape
/// (lines of one paragraph count with the space between them). Tests hold the layouts to it.
pub fn rows_filled(page: &typst_layout::Page) -> f64 {
    let height = page.frame.size().y.to_pt();
    let mut spans: Vec<(f64, f64)> = Vec::new();
    let mut lines: Vec<(f64, f64, f64)> = Vec::new();
    walk(&page.frame, Transform::identity(), &mut |ts, pos, item| {
        let rect = |w: typst::layout::Abs, h: typst::layout::Abs| {
            let a = pos.transform(ts);
            let b = Point::new(pos.x + w, pos.y + h).transform(ts);
            (a.y.min(b.y).to_pt(), a.y.max(b.y).to_pt())
        };
        match item {
            FrameItem::Text(t) => {
                let b = text_box(ts, pos, t);
                lines.push((b.y0, b.y1, b.size));
            }
            FrameItem::Image(_, size, _) => spans.push(rect(size.x, size.y)),
            FrameItem::Shape(shape, _) => {
                let size = match &shape.geometry {
                    typst::visualize::Geometry::Rect(size) => *size,
                    typst::visualize::Geometry::Curve(c) => c.bbox(None).size(),
                    typst::visualize::Geometry::Line(_) => return,
                };
                if shape.fill.is_some() && size.x.to_pt() * size.y.to_pt() > 400.0 {
                    spans.push(rect(size.x, size.y));
                }
            }
            _ => {}
        }
    });
    // Lines closer than a line's height are one block of text.
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut block: Option<(f64, f64)> = None;
    for (y0, y1, size) in lines {
        block = match block {
            Some((b0, b1)) if y0 <= b1 + size => Some((b0, b1.max(y1))),
            Some(b) => {
                spans.push(b);
                Some((y0, y1))
            }
            None => Some((y0, y1)),
        };
    }
    spans.extend(block);
    let cell = 2.0 * 72.0 / 25.4;
    let rows = (height / cell) as usize;
    let (first, last) = ((rows as f64 * 0.09) as usize, (rows as f64 * 0.92) as usize);
    let filled = (first..last)
        .filter(|&r| {
            let (top, bottom) = (r as f64 * cell, (r + 1) as f64 * cell);
            spans.iter().any(|&(y0, y1)| y0 < bottom && y1 >= top)
        })
        .count();
    filled as f64 / (last - first).max(1) as f64
}
