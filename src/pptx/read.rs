//! The deck as laid out, read slide by slide into what a PowerPoint slide holds: filled
//! rectangles, pictures, and text boxes. Text boxes hold the content's own text (found on
//! the page by `align`), in the size, weight and colour typst gave it; one-line texts the
//! layout adds (page numbers, section numbers, "continued" headers) are taken as laid out.

use super::align::{Paragraph, Source};
use crate::photos::{PhotoSet, Request};
use crate::render::frames::{TextBox, slide_metadata, text_box, walk};
use typst::foundations::{Bytes, Dict, Smart, Value};
use typst::introspection::{MetadataElem, Tag};
use typst::layout::{FrameItem, Point, Transform};
use typst::visualize::Geometry;
use typst::visualize::{ImageKind, Paint};
use typst_layout::{Page, PagedDocument};

/// A colour as PowerPoint takes it.
pub type Rgb = [u8; 3];

/// A rectangle on the slide, in points from its top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

#[derive(Debug, Clone)]
pub struct Deck {
    /// Slide size in points.
    pub width: f64,
    pub height: f64,
    pub slides: Vec<Slide>,
    /// Pictures, each stored once however often slides show it.
    pub media: Vec<Media>,
}

#[derive(Debug, Clone)]
pub struct Media {
    pub bytes: Bytes,
    /// File extension: `jpeg` or `png`.
    pub ext: &'static str,
}

#[derive(Debug, Clone)]
pub struct Slide {
    /// The kind of slide the layout made (`title`, `content`, …); a slide that continues
    /// another is `content` when it holds only text.
    pub kind: String,
    pub background: Option<Rgb>,
    pub shapes: Vec<Shape>,
    pub notes: String,
}

#[derive(Debug, Clone)]
pub enum Shape {
    Rect {
        at: Rect,
        fill: Rgb,
    },
    /// `descr` is the picture's alternative text (`Photo::alt_text`).
    Picture {
        at: Rect,
        media: usize,
        descr: String,
    },
    Text(TextShape),
}

#[derive(Debug, Clone)]
pub struct TextShape {
    pub at: Rect,
    /// What the text is in the slide (`title`, `body`, `caption`, …), `None` for text the
    /// layout adds.
    pub role: Option<String>,
    pub paragraphs: Vec<Para>,
    pub align: Align,
    /// Lines wrap in the box (one-line texts the layout adds do not).
    pub wrap: bool,
    pub columns: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Centre,
    Left,
    Right,
    Justify,
}

#[derive(Debug, Clone)]
pub struct Para {
    pub runs: Vec<Run>,
    /// A list entry's first line (it gets the list's marker).
    pub bullet: bool,
    /// Distance between baselines, in points, when the paragraph has several lines.
    pub pitch: Option<f64>,
    /// Space above the paragraph, in points, when it follows another.
    pub space_before: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub size: f64,
    pub bold: bool,
    pub color: Rgb,
}

/// One laid-out run of text: its box (as the page guard reads it) and its style.
#[derive(Debug, Clone)]
struct TextRun {
    at: TextBox,
    bold: bool,
    color: Rgb,
}

impl std::ops::Deref for TextRun {
    type Target = TextBox;
    fn deref(&self) -> &TextBox {
        &self.at
    }
}

/// The rectangle from `pos` to `pos + size` in a frame that `ts` maps to the page.
fn placed(ts: Transform, pos: Point, size: Point) -> Rect {
    let a = pos.transform(ts);
    let b = (pos + size).transform(ts);
    Rect {
        x: a.x.min(b.x).to_pt(),
        y: a.y.min(b.y).to_pt(),
        w: (a.x - b.x).abs().to_pt(),
        h: (a.y - b.y).abs().to_pt(),
    }
}

/// What a page shows, in drawing order.
enum Item {
    Text(TextRun),
    Rect(Rect, Rgb),
    /// A picture: the photo request its marker names, or the image's own data.
    Image(Rect, Option<Request>, Option<Media>),
}

/// A text a slide shows, as the layout's marker lists it.
struct Block {
    role: String,
    source: Source,
    /// Characters shown on earlier pages.
    done: usize,
}

/// Reads every page of the deck. Photos come from `photos` as the JPEGs prepared for the deck;
/// `caption` gives a photo's caption (by its id), for the picture's alternative text.
pub fn deck(
    doc: &PagedDocument,
    photos: &PhotoSet,
    notes: &[String],
    caption: &dyn Fn(usize) -> Option<String>,
) -> Deck {
    let mut markers: Vec<Option<Dict>> = vec![None; doc.pages().len()];
    for (page, value) in slide_metadata(doc) {
        if let Value::Dict(d) = value
            && page < markers.len()
            && markers[page].is_none()
        {
            markers[page] = Some(d);
        }
    }
    let (width, height) = doc
        .pages()
        .first()
        .map(|p| (p.frame.width().to_pt(), p.frame.height().to_pt()))
        .unwrap_or((960.0, 540.0));
    let mut deck = Deck {
        width,
        height,
        slides: Vec::new(),
        media: Vec::new(),
    };
    let mut media_index: std::collections::HashMap<u128, usize> = Default::default();
    let mut blocks: Vec<Block> = Vec::new();
    let mut kind = String::from("content");
    for (i, page) in doc.pages().iter().enumerate() {
        let continued = markers[i].is_none();
        if let Some(d) = &markers[i] {
            kind = match d.get("kind") {
                Ok(Value::Str(s)) => s.to_string(),
                _ => "content".into(),
            };
            blocks = blocks_of(d);
        }
        let items = items(page);
        let mut shapes = Vec::new();
        let runs: Vec<(usize, &TextRun)> = items
            .iter()
            .enumerate()
            .filter_map(|(k, it)| match it {
                Item::Text(t) => Some((k, t)),
                _ => None,
            })
            .collect();
        let owner = assign(&runs, &mut blocks);
        let mut emitted = vec![false; blocks.len()];
        let mut k = 0;
        while k < items.len() {
            match &items[k] {
                Item::Rect(at, fill) => shapes.push(Shape::Rect {
                    at: *at,
                    fill: *fill,
                }),
                Item::Image(at, request, own) => {
                    let found = match request {
                        Some(req) => photos.lookup(req).map(|s| Media {
                            bytes: s.jpeg,
                            ext: "jpeg",
                        }),
                        None => own.clone(),
                    };
                    if let Some(m) = found {
                        let key = typst::utils::hash128(&m.bytes);
                        let n = *media_index.entry(key).or_insert_with(|| {
                            deck.media.push(m);
                            deck.media.len() - 1
                        });
                        let descr = request.and_then(|r| caption(r.photo)).unwrap_or_default();
                        shapes.push(Shape::Picture {
                            at: *at,
                            media: n,
                            descr,
                        });
                    }
                }
                Item::Text(run) => match owner.get(&k) {
                    Some(Owner::Block(b, _)) => {
                        if !emitted[*b] {
                            emitted[*b] = true;
                            shapes.push(Shape::Text(block_shape(
                                &blocks[*b],
                                &items,
                                &owner,
                                *b,
                                width,
                            )));
                        }
                    }
                    Some(Owner::Marker) => {}
                    None => {
                        // A one-line text of the layout's: this run and those that continue
                        // its line.
                        let mut line = vec![run.clone()];
                        while let Some(Item::Text(next)) = items.get(k + 1)
                            && !owner.contains_key(&(k + 1))
                            && (next.baseline - run.baseline).abs() < 0.5
                            && next.x0 - line.last().unwrap().x1 < run.size
                        {
                            line.push(next.clone());
                            k += 1;
                        }
                        shapes.push(Shape::Text(line_shape(&line, width)));
                    }
                },
            }
            k += 1;
        }
        for (n, b) in blocks.iter_mut().enumerate() {
            let shown = owner.values().filter_map(|o| match o {
                Owner::Block(m, (_, to)) if *m == n => Some(*to),
                _ => None,
            });
            b.done = shown.fold(b.done, usize::max);
        }
        let text_only = !shapes.iter().any(|s| matches!(s, Shape::Picture { .. }));
        let text_slide = matches!(kind.as_str(), "title" | "photo" | "grid");
        let slide_kind = if continued && text_only && text_slide {
            "content".to_string()
        } else {
            kind.clone()
        };
        deck.slides.push(Slide {
            kind: slide_kind,
            background: background(page),
            shapes,
            notes: notes.get(i).cloned().unwrap_or_default(),
        });
    }
    deck
}

/// Who drew a run: a block (with the characters it showed), or the block's list markers.
enum Owner {
    Block(usize, (usize, usize)),
    Marker,
}

/// The blocks a slide's marker lists.
fn blocks_of(marker: &Dict) -> Vec<Block> {
    let Ok(Value::Array(list)) = marker.get("blocks") else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|v| {
            let Value::Dict(d) = v else { return None };
            let role = match d.get("role") {
                Ok(Value::Str(s)) => s.to_string(),
                _ => return None,
            };
            let items: Vec<String> = match (d.get("text"), d.get("items")) {
                (Ok(Value::Str(s)), _) => vec![s.to_string()],
                (_, Ok(Value::Array(a))) => a
                    .iter()
                    .filter_map(|v| match v {
                        Value::Str(s) => Some(s.to_string()),
                        _ => None,
                    })
                    .collect(),
                _ => return None,
            };
            let source = Source::new(items);
            (!source.is_empty()).then_some(Block {
                role,
                source,
                done: 0,
            })
        })
        .collect()
}

/// Which block drew each run of the page (keyed by the run's index among the page's items).
/// Each unfinished block takes the first run that continues it, then the runs right after
/// that continue it too (skipping list markers), until one does not; then looks again.
fn assign(
    runs: &[(usize, &TextRun)],
    blocks: &mut [Block],
) -> std::collections::HashMap<usize, Owner> {
    let mut owner = std::collections::HashMap::new();
    for (n, block) in blocks.iter().enumerate() {
        let mut at = block.done;
        'search: while at < block.source.len() {
            let Some(first) = runs.iter().position(|(k, r)| {
                !owner.contains_key(k) && block.source.match_run(&r.text, at).is_some()
            }) else {
                break;
            };
            for (k, r) in &runs[first..] {
                if owner.contains_key(k) {
                    continue 'search;
                }
                if let Some(next) = block.source.match_run(&r.text, at) {
                    owner.insert(*k, Owner::Block(n, (at, next)));
                    at = next;
                } else if Source::is_marker(&r.text) {
                    owner.insert(*k, Owner::Marker);
                } else {
                    continue 'search;
                }
                if at >= block.source.len() {
                    break 'search;
                }
            }
            break;
        }
    }
    owner
}

/// A block's text box: its characters shown on this page, styled as their runs.
fn block_shape(
    block: &Block,
    items: &[Item],
    owner: &std::collections::HashMap<usize, Owner>,
    n: usize,
    slide_width: f64,
) -> TextShape {
    let mut mine: Vec<(&TextRun, (usize, usize))> = owner
        .iter()
        .filter_map(|(k, o)| match (o, &items[*k]) {
            (Owner::Block(m, range), Item::Text(t)) if *m == n => Some((t, *range)),
            _ => None,
        })
        .collect();
    mine.sort_by_key(|(_, r)| r.0);
    let from = mine.first().map(|(_, r)| r.0).unwrap_or(0);
    let to = mine.last().map(|(_, r)| r.1).unwrap_or(0);
    let cuts: Vec<usize> = mine.iter().skip(1).map(|(_, r)| r.0).collect();
    let style = |piece: usize| {
        let t = mine[piece.min(mine.len() - 1)].0;
        (t.size, t.bold, t.color)
    };
    let x0 = mine.iter().map(|(t, _)| t.x0).fold(f64::INFINITY, f64::min);
    let y0 = mine.iter().map(|(t, _)| t.y0).fold(f64::INFINITY, f64::min);
    let x1 = mine
        .iter()
        .map(|(t, _)| t.x1)
        .fold(f64::NEG_INFINITY, f64::max);
    let y1 = mine
        .iter()
        .map(|(t, _)| t.y1)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut baselines: Vec<f64> = mine.iter().map(|(t, _)| t.baseline).collect();
    baselines.sort_by(f64::total_cmp);
    baselines.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    // Line pitch: the smallest step down from one run to the next of the same paragraph (a
    // larger step is the space between paragraphs; a step up is the next column).
    let item = |r: &(usize, usize)| block.source.item_of(r.0);
    let pitch = mine
        .windows(2)
        .filter(|w| item(&w[0].1) == item(&w[1].1))
        .map(|w| w[1].0.baseline - w[0].0.baseline)
        .filter(|d| *d > mine[0].0.size * 0.8)
        .min_by(f64::total_cmp);
    // Space above each paragraph: the step from the last line of one to the first line of
    // the next, less a line.
    let space_before = |k: usize| -> Option<f64> {
        let prev = mine.iter().rfind(|(_, r)| item(r) == Some(k - 1))?;
        let next = mine.iter().find(|(_, r)| item(r) == Some(k))?;
        let step = next.0.baseline - prev.0.baseline;
        (step > 0.0).then(|| (step - pitch.unwrap_or(next.0.size * 1.3)).max(0.0))
    };
    let paragraphs: Vec<Para> = block
        .source
        .pieces(from, to, &cuts)
        .into_iter()
        .map(|p: Paragraph| {
            let mut runs: Vec<Run> = Vec::new();
            for (text, piece) in p.pieces {
                let (size, bold, color) = style(piece);
                match runs.last_mut() {
                    Some(last) if last.size == size && last.bold == bold && last.color == color => {
                        last.text.push_str(&text)
                    }
                    _ => runs.push(Run {
                        text,
                        size,
                        bold,
                        color,
                    }),
                }
            }
            Para {
                runs,
                bullet: block.role == "bullets" && p.starts_item,
                pitch,
                space_before: if p.item > 0 {
                    space_before(p.item)
                } else {
                    None
                },
            }
        })
        .collect();
    let multi_line = baselines.len() > 1;
    // Columns: lines that start well right of the block's left edge, at the same place.
    let columns =
        if block.role == "credits" && mine.iter().any(|(t, _)| t.x0 > x0 + (x1 - x0) * 0.4) {
            2
        } else {
            1
        };
    // Centred lines (a grid's captions): lines that start at different places around about the
    // same centre (the slides indent no first lines; CJK punctuation at a line's end may hang).
    let lines: Vec<(f64, f64)> = baselines
        .iter()
        .map(|b| {
            let on = mine.iter().filter(|(t, _)| (t.baseline - b).abs() < 0.5);
            let l = on.clone().map(|(t, _)| t.x0).fold(f64::INFINITY, f64::min);
            let r = on.map(|(t, _)| t.x1).fold(f64::NEG_INFINITY, f64::max);
            (l, r)
        })
        .collect();
    let centre = (x0 + x1) / 2.0;
    let centred = columns == 1
        && lines.len() > 1
        && lines
            .iter()
            .all(|(l, r)| ((l + r) / 2.0 - centre).abs() < 12.0)
        && lines.iter().any(|(l, _)| l - x0 > 4.0);
    // A little spare room: the deck may be shown with other fonts than typst used.
    let w = if multi_line {
        x1 - x0 + 2.0
    } else {
        ((x1 - x0) * 1.1 + 4.0).min(slide_width - x0)
    };
    let x = if centred { centre - w / 2.0 } else { x0 };
    TextShape {
        at: Rect {
            x,
            y: y0,
            w,
            h: y1 - y0 + 2.0,
        },
        role: Some(block.role.clone()),
        paragraphs,
        align: if centred {
            Align::Centre
        } else if matches!(block.role.as_str(), "body" | "bullets") && multi_line {
            Align::Justify
        } else {
            Align::Left
        },
        wrap: true,
        columns,
    }
}

/// A one-line text the layout adds, as laid out.
fn line_shape(line: &[TextRun], slide_width: f64) -> TextShape {
    let x0 = line.first().map(|t| t.x0).unwrap_or(0.0);
    let x1 = line.last().map(|t| t.x1).unwrap_or(0.0);
    let y0 = line.iter().map(|t| t.y0).fold(f64::INFINITY, f64::min);
    let y1 = line.iter().map(|t| t.y1).fold(f64::NEG_INFINITY, f64::max);
    let mut runs: Vec<Run> = Vec::new();
    for t in line {
        match runs.last_mut() {
            Some(last) if last.size == t.size && last.bold == t.bold && last.color == t.color => {
                last.text.push_str(&t.text)
            }
            _ => runs.push(Run {
                text: t.text.clone(),
                size: t.size,
                bold: t.bold,
                color: t.color,
            }),
        }
    }
    // Text that ends near the right edge is set flush right, so a wider font grows leftwards.
    let right = x0 > slide_width * 0.5;
    let spare = (x1 - x0) * 0.2 + 4.0;
    let at = if right {
        Rect {
            x: x0 - spare,
            y: y0,
            w: x1 - x0 + spare,
            h: y1 - y0 + 2.0,
        }
    } else {
        Rect {
            x: x0,
            y: y0,
            w: (x1 - x0 + spare).min(slide_width - x0),
            h: y1 - y0 + 2.0,
        }
    };
    TextShape {
        at,
        role: None,
        paragraphs: vec![Para {
            runs,
            bullet: false,
            pitch: None,
            space_before: None,
        }],
        align: if right { Align::Right } else { Align::Left },
        wrap: false,
        columns: 1,
    }
}

fn rgb(paint: &Paint) -> Option<Rgb> {
    let Paint::Solid(c) = paint else { return None };
    let hex = c.to_hex();
    let h = hex.trim_start_matches('#');
    let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

fn background(page: &Page) -> Option<Rgb> {
    match &page.fill {
        Smart::Custom(Some(paint)) => rgb(paint),
        _ => None,
    }
}

/// Everything the page draws, in order: text runs, filled rectangles and rules, pictures.
fn items(page: &Page) -> Vec<Item> {
    let mut out = Vec::new();
    walk(
        &page.frame,
        Transform::identity(),
        &mut |ts, pos, item| match item {
            FrameItem::Text(t) => {
                let Some(color) = rgb(&t.fill) else { return };
                out.push(Item::Text(TextRun {
                    at: text_box(ts, pos, t),
                    bold: t.font.font().info().variant.weight.to_number() >= 600,
                    color,
                }));
            }
            FrameItem::Shape(shape, _) => {
                let corners = |size: Point| placed(ts, pos, size);
                match &shape.geometry {
                    Geometry::Rect(size) => {
                        if let Some(fill) = shape.fill.as_ref().and_then(rgb) {
                            out.push(Item::Rect(corners(size.to_point()), fill));
                        }
                    }
                    Geometry::Line(to) => {
                        // A rule: a rectangle as thick as its stroke.
                        if let Some(stroke) = &shape.stroke
                            && let Some(fill) = rgb(&stroke.paint)
                        {
                            let mut at = corners(*to);
                            let t = stroke.thickness.to_pt();
                            if at.h < at.w {
                                at.y -= t / 2.0;
                                at.h += t;
                            } else {
                                at.x -= t / 2.0;
                                at.w += t;
                            }
                            out.push(Item::Rect(at, fill));
                        }
                    }
                    _ => {}
                }
            }
            FrameItem::Image(image, size, _) => {
                let at = placed(ts, pos, size.to_point());
                let own = match image.kind() {
                    ImageKind::Raster(r) => match r.format() {
                        typst::visualize::RasterFormat::Exchange(
                            typst::visualize::ExchangeFormat::Png,
                        ) => Some(Media {
                            bytes: r.data().clone(),
                            ext: "png",
                        }),
                        typst::visualize::RasterFormat::Exchange(
                            typst::visualize::ExchangeFormat::Jpg,
                        ) => Some(Media {
                            bytes: r.data().clone(),
                            ext: "jpeg",
                        }),
                        _ => None,
                    },
                    _ => None,
                };
                out.push(Item::Image(at, None, own));
            }
            FrameItem::Tag(Tag::Start(content, _)) => {
                // A photo's marker sits at its frame's top-left corner, right after the image.
                let Some(meta) = content.to_packed::<MetadataElem>() else {
                    return;
                };
                let Value::Str(path) = &meta.value else {
                    return;
                };
                let Some(req) = Request::from_path(path) else {
                    return;
                };
                let at = pos.transform(ts);
                if let Some(Item::Image(r, request, _)) = out
                    .iter_mut()
                    .rev()
                    .find(|it| matches!(it, Item::Image(..)))
                    && (r.x - at.x.to_pt()).abs() < 1.0
                    && (r.y - at.y.to_pt()).abs() < 1.0
                {
                    *request = Some(req);
                }
            }
            _ => {}
        },
    );
    out
}
