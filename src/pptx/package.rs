//! The deck as an Office Open XML package: one slide master, a layout per slide kind, the
//! slides, their notes, the theme's colours and fonts, and the pictures, zipped. The XML lives
//! in readable templates (`templates/`, rendered with minijinja, which escapes every text);
//! this file only turns the deck into the values they show.

use super::read::{Align, Deck, Rect, Rgb, Shape, Slide, TextShape};
use minijinja::{Environment, context};
use serde::Serialize;
use std::io::Write;

/// What the package says about the document.
pub struct Meta<'a> {
    pub title: &'a str,
    pub author: &'a str,
    /// BCP 47, e.g. `zh-CN`.
    pub lang: String,
    pub heading_font: &'a str,
    pub body_font: &'a str,
    pub primary: Rgb,
    pub accent: Rgb,
    /// W3C date-time for the core properties.
    pub date: String,
}

/// A template value from serialisable records.
fn v<T: Serialize>(x: T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(x))
}

/// Points to English Metric Units.
fn emu(pt: f64) -> i64 {
    (pt * 12_700.0).round() as i64
}

fn hex(c: Rgb) -> String {
    format!("{:02X}{:02X}{:02X}", c[0], c[1], c[2])
}

/// A placeholder: where a slide's part goes when PowerPoint resets the slide.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ph {
    Title,
    CtrTitle,
    SubTitle,
    Body,
    Picture(u32),
}

/// A slide layout: a kind of slide the deck layout makes, with its placeholders where
/// `slides.typ` puts those parts (points on the 960 × 540 slide).
struct LayoutDef {
    kind: &'static str,
    name: &'static str,
    /// Filled with the theme's main colour, as the layout's divider and closing slides are.
    dark: bool,
    placeholders: &'static [(Ph, [f64; 4])],
}

const TITLE: [f64; 4] = [44.0, 70.0, 872.0, 56.0];
const BODY: [f64; 4] = [44.0, 150.0, 872.0, 330.0];

const LAYOUTS: &[LayoutDef] = &[
    LayoutDef {
        kind: "title",
        name: "标题幻灯片 Title",
        dark: false,
        placeholders: &[
            (Ph::CtrTitle, [44.0, 356.0, 872.0, 96.0]),
            (Ph::SubTitle, [44.0, 456.0, 872.0, 34.0]),
        ],
    },
    LayoutDef {
        kind: "agenda",
        name: "目录 Agenda",
        dark: false,
        placeholders: &[(Ph::Title, TITLE)],
    },
    LayoutDef {
        kind: "divider",
        name: "章节 Section divider",
        dark: true,
        placeholders: &[(Ph::Title, [44.0, 250.0, 872.0, 120.0])],
    },
    LayoutDef {
        kind: "content",
        name: "正文 Content",
        dark: false,
        placeholders: &[(Ph::Title, TITLE), (Ph::Body, BODY)],
    },
    LayoutDef {
        kind: "figures",
        name: "数据 Key figures",
        dark: false,
        placeholders: &[(Ph::Title, TITLE)],
    },
    LayoutDef {
        kind: "photo",
        name: "图片 Photo",
        dark: false,
        placeholders: &[(Ph::Picture(10), [0.0, 0.0, 960.0, 540.0])],
    },
    LayoutDef {
        kind: "grid",
        name: "图片组 Photo grid",
        dark: false,
        placeholders: &[
            (Ph::Picture(10), [44.0, 70.0, 427.0, 320.0]),
            (Ph::Picture(11), [489.0, 70.0, 427.0, 320.0]),
        ],
    },
    LayoutDef {
        kind: "closing",
        name: "结束 Closing",
        dark: true,
        placeholders: &[
            (Ph::Title, [44.0, 140.0, 872.0, 60.0]),
            (Ph::Body, [44.0, 210.0, 872.0, 220.0]),
        ],
    },
    LayoutDef {
        kind: "credits",
        name: "图片来源 Credits",
        dark: false,
        placeholders: &[(Ph::Title, TITLE), (Ph::Body, [44.0, 140.0, 872.0, 340.0])],
    },
];

#[derive(Serialize)]
struct PhView {
    #[serde(rename = "type")]
    kind: Option<&'static str>,
    idx: Option<u32>,
}

impl Ph {
    fn view(self) -> PhView {
        let (kind, idx) = match self {
            Ph::Title => (Some("title"), None),
            Ph::CtrTitle => (Some("ctrTitle"), None),
            Ph::SubTitle => (Some("subTitle"), Some(1)),
            Ph::Body => (None, Some(1)),
            Ph::Picture(i) => (Some("pic"), Some(i)),
        };
        PhView { kind, idx }
    }
}

#[derive(Serialize, Default)]
struct ShapeView {
    kind: &'static str,
    id: usize,
    name: String,
    x: i64,
    y: i64,
    w: i64,
    h: i64,
    fill: String,
    rel: String,
    descr: String,
    ph: Option<PhView>,
    wrap: bool,
    columns: u32,
    paragraphs: Vec<ParaView>,
}

#[derive(Serialize)]
struct ParaView {
    align: &'static str,
    bullet: bool,
    bullet_indent: i64,
    bullet_colour: String,
    pitch: Option<i64>,
    space_before: Option<i64>,
    runs: Vec<RunView>,
}

#[derive(Serialize)]
struct RunView {
    text: String,
    size: i64,
    bold: bool,
    colour: String,
}

#[derive(Serialize)]
struct Rel {
    id: String,
    kind: String,
    target: String,
}

const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

fn rel(id: impl Into<String>, kind: impl Into<String>, target: impl Into<String>) -> Rel {
    Rel {
        id: id.into(),
        kind: kind.into(),
        target: target.into(),
    }
}

/// Text as XML 1.0 allows it: control characters other than tab and newline cannot be
/// written even escaped.
fn xml_text(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || !(c.is_control() || c == '\u{fffe}' || c == '\u{ffff}')
        })
        .collect()
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters"),
    );
    for (name, text) in [
        (
            "content_types.xml",
            include_str!("templates/content_types.xml"),
        ),
        ("rels.xml", include_str!("templates/rels.xml")),
        ("core.xml", include_str!("templates/core.xml")),
        ("app.xml", include_str!("templates/app.xml")),
        (
            "presentation.xml",
            include_str!("templates/presentation.xml"),
        ),
        ("pres_props.xml", include_str!("templates/pres_props.xml")),
        ("view_props.xml", include_str!("templates/view_props.xml")),
        (
            "table_styles.xml",
            include_str!("templates/table_styles.xml"),
        ),
        ("theme.xml", include_str!("templates/theme.xml")),
        ("shape.xml", include_str!("templates/shape.xml")),
        ("slide.xml", include_str!("templates/slide.xml")),
        (
            "slide_layout.xml",
            include_str!("templates/slide_layout.xml"),
        ),
        (
            "slide_master.xml",
            include_str!("templates/slide_master.xml"),
        ),
        (
            "notes_master.xml",
            include_str!("templates/notes_master.xml"),
        ),
        ("notes_slide.xml", include_str!("templates/notes_slide.xml")),
    ] {
        env.add_template(name, text)
            .expect("folio's own pptx templates parse");
    }
    env
}

/// Writes the package.
pub fn write(deck: &Deck, meta: &Meta) -> Result<Vec<u8>, String> {
    let env = environment();
    let render = |name: &str, ctx: minijinja::Value| -> Result<Vec<u8>, String> {
        env.get_template(name)
            .and_then(|t| t.render(ctx))
            .map(String::into_bytes)
            .map_err(|e| format!("pptx template {name}: {e:#}"))
    };
    let lang = xml_text(&meta.lang);
    let fonts = context! {
        heading => xml_text(meta.heading_font),
        body => xml_text(meta.body_font),
        // GB2312 for Simplified, Big5 for Traditional: what Windows substitutes by.
        charset => if lang.ends_with("TW") || lang.ends_with("HK") || lang.ends_with("MO") { "-120" } else { "-122" },
    };
    let slides: Vec<SlideParts> = deck
        .slides
        .iter()
        .map(|s| slide_parts(s, meta.accent))
        .collect();
    let views: Vec<minijinja::Value> = slides
        .iter()
        .map(|s| context! { notes => !s.notes.is_empty() })
        .collect();
    let layouts: Vec<minijinja::Value> = LAYOUTS.iter().map(|l| layout_view(l, meta)).collect();

    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |name: String, bytes: Vec<u8>| parts.push((name, bytes));
    add(
        "[Content_Types].xml".into(),
        render(
            "content_types.xml",
            context! { layouts => layouts.clone(), slides => views.clone() },
        )?,
    );
    add(
        "_rels/.rels".into(),
        rels(
            &render,
            vec![
                rel(
                    "rId1",
                    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
                    "ppt/presentation.xml",
                ),
                rel(
                    "rId2",
                    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                    "docProps/core.xml",
                ),
                rel(
                    "rId3",
                    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
                    "docProps/app.xml",
                ),
            ],
        )?,
    );
    let (title, author) = (xml_text(meta.title), xml_text(meta.author));
    add(
        "docProps/core.xml".into(),
        render(
            "core.xml",
            context! { title, author => author.clone(), lang => lang.clone(), date => meta.date.clone() },
        )?,
    );
    add(
        "docProps/app.xml".into(),
        render(
            "app.xml",
            context! {
                author => author.clone(),
                format => "宽屏 Widescreen (16:9)",
                slides => views.clone(),
                notes => slides.iter().filter(|s| !s.notes.is_empty()).count(),
            },
        )?,
    );
    add(
        "ppt/presentation.xml".into(),
        render(
            "presentation.xml",
            context! {
                slides => views.clone(),
                width => emu(deck.width),
                height => emu(deck.height),
                lang => lang.clone(),
            },
        )?,
    );
    let mut pres_rels = vec![
        rel(
            "rId1",
            rel_kind("slideMaster"),
            "slideMasters/slideMaster1.xml",
        ),
        rel(
            "rId2",
            rel_kind("notesMaster"),
            "notesMasters/notesMaster1.xml",
        ),
        rel("rId3", rel_kind("theme"), "theme/theme1.xml"),
        rel("rId4", rel_kind("presProps"), "presProps.xml"),
        rel("rId5", rel_kind("viewProps"), "viewProps.xml"),
        rel("rId6", rel_kind("tableStyles"), "tableStyles.xml"),
    ];
    for i in 1..=slides.len() {
        pres_rels.push(rel(
            format!("rId{}", 9 + i),
            rel_kind("slide"),
            format!("slides/slide{i}.xml"),
        ));
    }
    add(
        "ppt/_rels/presentation.xml.rels".into(),
        rels(&render, pres_rels)?,
    );
    for (name, template) in [
        ("ppt/presProps.xml", "pres_props.xml"),
        ("ppt/viewProps.xml", "view_props.xml"),
        ("ppt/tableStyles.xml", "table_styles.xml"),
    ] {
        add(name.into(), render(template, context! {})?);
    }
    let colours = context! {
        primary => hex(meta.primary),
        accent => hex(meta.accent),
        grey => "616161",
        light => "EDEDED",
    };
    for (file, name) in [("theme1", "folio"), ("theme2", "folio notes")] {
        add(
            format!("ppt/theme/{file}.xml"),
            render(
                "theme.xml",
                context! { name, colours => colours.clone(), fonts => fonts.clone() },
            )?,
        );
    }
    add(
        "ppt/slideMasters/slideMaster1.xml".into(),
        render(
            "slide_master.xml",
            context! {
                master => context! { shapes => v(Vec::<ShapeView>::new()) },
                layouts => layouts.clone(),
                lang => lang.clone(),
                fonts => fonts.clone(),
            },
        )?,
    );
    let mut master_rels: Vec<Rel> = (1..=LAYOUTS.len())
        .map(|i| {
            rel(
                format!("rId{i}"),
                rel_kind("slideLayout"),
                format!("../slideLayouts/slideLayout{i}.xml"),
            )
        })
        .collect();
    master_rels.push(rel(
        format!("rId{}", LAYOUTS.len() + 1),
        rel_kind("theme"),
        "../theme/theme1.xml",
    ));
    add(
        "ppt/slideMasters/_rels/slideMaster1.xml.rels".into(),
        rels(&render, master_rels)?,
    );
    for (i, layout) in layouts.iter().enumerate() {
        let n = i + 1;
        add(
            format!("ppt/slideLayouts/slideLayout{n}.xml"),
            render(
                "slide_layout.xml",
                context! { layout => layout.clone(), lang => lang.clone(), fonts => fonts.clone() },
            )?,
        );
        add(
            format!("ppt/slideLayouts/_rels/slideLayout{n}.xml.rels"),
            rels(
                &render,
                vec![rel(
                    "rId1",
                    rel_kind("slideMaster"),
                    "../slideMasters/slideMaster1.xml",
                )],
            )?,
        );
    }
    add(
        "ppt/notesMasters/notesMaster1.xml".into(),
        render("notes_master.xml", context! { lang => lang.clone() })?,
    );
    add(
        "ppt/notesMasters/_rels/notesMaster1.xml.rels".into(),
        rels(
            &render,
            vec![rel("rId1", rel_kind("theme"), "../theme/theme2.xml")],
        )?,
    );
    for (i, s) in slides.iter().enumerate() {
        let n = i + 1;
        let layout = LAYOUTS.iter().position(|l| l.kind == s.kind).unwrap_or(3) + 1;
        let mut slide_rels = vec![rel(
            "rId1",
            rel_kind("slideLayout"),
            format!("../slideLayouts/slideLayout{layout}.xml"),
        )];
        for &m in &s.media {
            slide_rels.push(rel(
                format!("rIdm{m}"),
                rel_kind("image"),
                format!("../media/image{}.{}", m + 1, deck.media[m].ext),
            ));
        }
        if !s.notes.is_empty() {
            slide_rels.push(rel(
                "rId2",
                rel_kind("notesSlide"),
                format!("../notesSlides/notesSlide{n}.xml"),
            ));
            add(
                format!("ppt/notesSlides/notesSlide{n}.xml"),
                render(
                    "notes_slide.xml",
                    context! { notes => v(&s.notes), lang => lang.clone() },
                )?,
            );
            add(
                format!("ppt/notesSlides/_rels/notesSlide{n}.xml.rels"),
                rels(
                    &render,
                    vec![
                        rel(
                            "rId1",
                            rel_kind("notesMaster"),
                            "../notesMasters/notesMaster1.xml",
                        ),
                        rel("rId2", rel_kind("slide"), format!("../slides/slide{n}.xml")),
                    ],
                )?,
            );
        }
        add(
            format!("ppt/slides/slide{n}.xml"),
            render(
                "slide.xml",
                context! {
                    slide => context! { background => s.background.clone(), shapes => v(&s.shapes) },
                    lang => lang.clone(),
                    fonts => fonts.clone(),
                },
            )?,
        );
        add(
            format!("ppt/slides/_rels/slide{n}.xml.rels"),
            rels(&render, slide_rels)?,
        );
    }
    zip(parts, deck)
}

/// The relationship type of a part of the presentation (`slide`, `theme`, …).
fn rel_kind(name: &str) -> String {
    format!("{REL}{name}")
}

/// Renders a template with its values.
type Render<'a> = &'a dyn Fn(&str, minijinja::Value) -> Result<Vec<u8>, String>;

fn rels(render: Render, list: Vec<Rel>) -> Result<Vec<u8>, String> {
    render("rels.xml", context! { rels => v(list) })
}

/// A slide, ready for its template.
struct SlideParts {
    kind: String,
    background: Option<String>,
    shapes: Vec<ShapeView>,
    /// Paragraphs of the speaker notes.
    notes: Vec<String>,
    /// The pictures it shows (indices into the deck's media).
    media: Vec<usize>,
}

fn slide_parts(slide: &Slide, accent: Rgb) -> SlideParts {
    let layout = LAYOUTS
        .iter()
        .find(|l| l.kind == slide.kind)
        .unwrap_or(&LAYOUTS[3]);
    let mut free: Vec<Ph> = layout.placeholders.iter().map(|(ph, _)| *ph).collect();
    let mut take = |want: &dyn Fn(Ph) -> bool| {
        let i = free.iter().position(|&p| want(p))?;
        Some(free.remove(i))
    };
    let mut media = Vec::new();
    let mut shapes = Vec::new();
    for (i, shape) in slide.shapes.iter().enumerate() {
        let id = i + 2;
        let view = match shape {
            Shape::Rect { at, fill } => ShapeView {
                kind: "rect",
                name: format!("Rectangle {id}"),
                fill: hex(*fill),
                ..placed(id, at)
            },
            Shape::Picture {
                at,
                media: m,
                descr,
            } => {
                if !media.contains(m) {
                    media.push(*m);
                }
                ShapeView {
                    kind: "picture",
                    name: format!("Picture {id}"),
                    rel: format!("rIdm{m}"),
                    descr: xml_text(descr),
                    ph: take(&|p| matches!(p, Ph::Picture(_))).map(Ph::view),
                    ..placed(id, at)
                }
            }
            Shape::Text(t) => {
                let ph = match t.role.as_deref() {
                    Some("title") => take(&|p| matches!(p, Ph::Title | Ph::CtrTitle)),
                    Some("subtitle") => take(&|p| p == Ph::SubTitle),
                    Some("body" | "bullets" | "paragraphs" | "credits") => take(&|p| p == Ph::Body),
                    _ => None,
                };
                text_view(id, t, ph, accent)
            }
        };
        shapes.push(view);
    }
    SlideParts {
        kind: slide.kind.clone(),
        background: slide.background.map(hex),
        shapes,
        notes: if slide.notes.trim().is_empty() {
            Vec::new()
        } else {
            slide
                .notes
                .lines()
                .map(|l| xml_text(l.trim_end()))
                .collect()
        },
        media,
    }
}

fn placed(id: usize, at: &Rect) -> ShapeView {
    ShapeView {
        id,
        x: emu(at.x),
        y: emu(at.y),
        w: emu(at.w).max(1),
        h: emu(at.h).max(1),
        columns: 1,
        ..Default::default()
    }
}

fn text_view(id: usize, t: &TextShape, ph: Option<Ph>, accent: Rgb) -> ShapeView {
    let name = match ph {
        Some(Ph::Title | Ph::CtrTitle) => format!("Title {id}"),
        Some(Ph::SubTitle) => format!("Subtitle {id}"),
        Some(_) => format!("Content {id}"),
        None => format!("Text {id}"),
    };
    let bulleted = t.paragraphs.iter().any(|p| p.bullet);
    let paragraphs = t
        .paragraphs
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let size = p.runs.first().map(|r| r.size).unwrap_or(18.0);
            ParaView {
                align: match t.align {
                    Align::Left => "l",
                    Align::Right => "r",
                    Align::Justify => "just",
                    Align::Centre => "ctr",
                },
                bullet: p.bullet,
                // The list's text indent, as typst sets it: a marker and 0.6 em.
                bullet_indent: if bulleted { emu(size * 1.6) } else { 0 },
                bullet_colour: hex(accent),
                pitch: p.pitch.map(|v| (v * 100.0).round() as i64),
                space_before: p
                    .space_before
                    .filter(|_| k > 0)
                    .map(|v| (v * 100.0).round() as i64),
                runs: p
                    .runs
                    .iter()
                    .map(|r| RunView {
                        text: xml_text(&r.text),
                        size: ((r.size * 100.0).round() as i64).clamp(100, 400_000),
                        bold: r.bold,
                        colour: hex(r.color),
                    })
                    .collect(),
            }
        })
        .collect();
    ShapeView {
        kind: "text",
        name,
        ph: ph.map(Ph::view),
        wrap: t.wrap,
        columns: t.columns,
        paragraphs,
        ..placed(id, &t.at)
    }
}

/// A layout's view: its placeholders with a prompt in the style of the slides that use it.
fn layout_view(l: &LayoutDef, meta: &Meta) -> minijinja::Value {
    let ink = if l.dark {
        [255, 255, 255]
    } else {
        meta.primary
    };
    let shapes: Vec<ShapeView> = l
        .placeholders
        .iter()
        .enumerate()
        .map(|(i, (ph, [x, y, w, h]))| {
            let at = Rect {
                x: *x,
                y: *y,
                w: *w,
                h: *h,
            };
            let id = i + 2;
            if let Ph::Picture(_) = ph {
                return ShapeView {
                    kind: "picture",
                    name: format!("Picture Placeholder {id}"),
                    ph: Some(ph.view()),
                    ..placed(id, &at)
                };
            }
            let (prompt, size, bold) = match ph {
                Ph::Title | Ph::CtrTitle => ("标题 Title", 34.0, true),
                Ph::SubTitle => ("副标题 Subtitle", 24.0, false),
                _ => ("正文 Text", 28.0, false),
            };
            let shape = TextShape {
                at,
                role: None,
                paragraphs: vec![super::read::Para {
                    runs: vec![super::read::Run {
                        text: prompt.into(),
                        size,
                        bold,
                        color: if matches!(ph, Ph::Body | Ph::SubTitle) && !l.dark {
                            [0, 0, 0]
                        } else {
                            ink
                        },
                    }],
                    bullet: false,
                    pitch: None,
                    space_before: None,
                }],
                align: Align::Left,
                wrap: true,
                columns: if l.kind == "credits" && *ph == Ph::Body {
                    2
                } else {
                    1
                },
            };
            text_view(id, &shape, Some(*ph), meta.accent)
        })
        .collect();
    context! {
        name => l.name,
        background => l.dark.then(|| hex(meta.primary)),
        shapes => v(shapes),
    }
}

/// Zips the parts (XML compressed, pictures stored: JPEGs do not compress).
fn zip(parts: Vec<(String, Vec<u8>)>, deck: &Deck) -> Result<Vec<u8>, String> {
    use zip::write::SimpleFileOptions;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let xml = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let stored = xml.compression_method(zip::CompressionMethod::Stored);
    let fail = |e: &dyn std::fmt::Display| format!("pptx zip: {e}");
    for (name, bytes) in &parts {
        out.start_file(name.as_str(), xml).map_err(|e| fail(&e))?;
        out.write_all(bytes).map_err(|e| fail(&e))?;
    }
    for (i, m) in deck.media.iter().enumerate() {
        out.start_file(format!("ppt/media/image{}.{}", i + 1, m.ext), stored)
            .map_err(|e| fail(&e))?;
        out.write_all(m.bytes.as_slice()).map_err(|e| fail(&e))?;
    }
    let cursor = out.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}
