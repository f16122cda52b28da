//! The last guard before a PDF is written: folio reads the laid-out pages as a print shop's
//! preflight would and refuses pages with a missing glyph (a blank where a character should
//! be), text outside the safe area (cut off at the trim, or off the slide), or two lines of text
//! drawn over each other. The pipeline turns each finding into an error at the YAML line the
//! text came from.

use super::frames::walk;
use crate::fonts::needs_glyph;
use typst::layout::{FrameItem, Point};
use typst::visualize::Paint;
use typst_layout::PagedDocument;

/// Distance from the trim (or the slide's edge) inside which text must stay, in points: the
/// 3 mm print shops ask for, and what `preflight` checks.
pub const SAFE_PT: f64 = 3.0 * 72.0 / 25.4;

/// Something wrong on a laid-out page.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// 0-based page index.
    pub page: usize,
    pub problem: Problem,
    /// The run of text concerned, as laid out.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The character was drawn as `.notdef` (a blank or a box): no font of the list had it.
    MissingGlyph(char),
    /// The text reaches past the safe area (it would be cut off or run off the page).
    OutsideSafeArea,
    /// The text is drawn over another line of text (given).
    Overlap(String),
}

/// A run of text on a page with the box of its glyph bodies, in points from the trim's corner.
struct Run {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    light: bool,
}

/// Checks every page of `doc`. `bleed_pt` is the bleed around the trim: text wholly beyond it
/// (a printer's slug line) is not checked for the safe area.
pub fn inspect(doc: &PagedDocument, bleed_pt: f64) -> Vec<Finding> {
    let mut out = Vec::new();
    for (page_index, page) in doc.pages().iter().enumerate() {
        let size = page.frame.size();
        let (w, h) = (size.x.to_pt(), size.y.to_pt());
        let mut runs = Vec::new();
        walk(&page.frame, Default::default(), &mut |ts, pos, item| {
            let FrameItem::Text(t) = item else { return };
            // Glyph 0 is `.notdef`: typst's shaper gives it to a character the font lacks.
            // (Asking the font's coverage for every glyph instead costs a scan of thousands of
            // ranges per glyph: most of an edit's time at scale, for no case glyph 0 misses.)
            for g in t.glyphs.iter().filter(|g| g.id == 0) {
                let Some(c) = t.text.get(g.range()).and_then(|s| s.chars().next()) else {
                    continue;
                };
                if needs_glyph(c) {
                    out.push(Finding {
                        page: page_index,
                        problem: Problem::MissingGlyph(c),
                        text: t.text.to_string(),
                    });
                }
            }
            // The glyph body (as preflight reads it): ascender to descender, less 15% slack.
            let size = t.size;
            let Some((from, to)) = inked_span(t) else {
                return;
            };
            let a = Point::new(pos.x + from, pos.y - size * 0.73).transform(ts);
            let b = Point::new(pos.x + to, pos.y - size * 0.03).transform(ts);
            // The box for the safe area is the full line height, as a PDF reader's words are.
            let top = Point::new(pos.x + from, pos.y - size * 0.88).transform(ts);
            let bottom = Point::new(pos.x + to, pos.y + size * 0.12).transform(ts);
            let (fx0, fx1) = (top.x.min(bottom.x).to_pt(), top.x.max(bottom.x).to_pt());
            let (fy0, fy1) = (top.y.min(bottom.y).to_pt(), top.y.max(bottom.y).to_pt());
            let wholly_beyond_bleed =
                fx1 < -bleed_pt || fy1 < -bleed_pt || fx0 > w + bleed_pt || fy0 > h + bleed_pt;
            let tol = 0.5;
            let inside = fx0 >= SAFE_PT - tol
                && fy0 >= SAFE_PT - tol
                && fx1 <= w - SAFE_PT + tol
                && fy1 <= h - SAFE_PT + tol;
            if !inside && !wholly_beyond_bleed {
                out.push(Finding {
                    page: page_index,
                    problem: Problem::OutsideSafeArea,
                    text: t.text.to_string(),
                });
            }
            runs.push(Run {
                text: t.text.to_string(),
                x0: a.x.min(b.x).to_pt(),
                y0: a.y.min(b.y).to_pt(),
                x1: a.x.max(b.x).to_pt(),
                y1: a.y.max(b.y).to_pt(),
                light: is_light(&t.fill),
            });
        });
        out.extend(overlaps(page_index, runs));
    }
    out
}

/// Where a run's ink starts and ends, from its origin. Justification widens glyph advances
/// (a stretched CJK line gives each character and space a wider advance), so a run's advance
/// width can reach past the margin although its last character ends at it: spaces count for
/// nothing, and each character for no more than its own advance.
fn inked_span(t: &typst::text::TextItem) -> Option<(typst::layout::Abs, typst::layout::Abs)> {
    let mut x = typst::layout::Em::zero();
    let mut span: Option<(typst::layout::Em, typst::layout::Em)> = None;
    for g in &t.glyphs {
        let inked = t
            .text
            .get(g.range())
            .is_some_and(|s| s.chars().any(needs_glyph));
        if inked {
            let natural = t.font.x_advance(g.id).unwrap_or(g.x_advance);
            let own = if g.x_advance < natural {
                g.x_advance
            } else {
                natural
            };
            // A negative offset is punctuation compression trimming a bracket's blank half:
            // the ink stays where the advance puts it.
            let shift = if g.x_offset > typst::layout::Em::zero() {
                g.x_offset
            } else {
                typst::layout::Em::zero()
            };
            let (a, b) = (x + shift, x + shift + own);
            span = Some(match span {
                None => (a, b),
                Some((s0, s1)) => (if a < s0 { a } else { s0 }, if b > s1 { b } else { s1 }),
            });
        }
        x += g.x_advance;
    }
    span.map(|(a, b)| (a.at(t.size), b.at(t.size)))
}

/// Pairs of runs whose glyph bodies overlap by more than a quarter of the smaller one. A pale
/// run under a dark one (a watermark numeral) is meant to be; two dark or two pale runs are not.
fn overlaps(page: usize, mut runs: Vec<Run>) -> Vec<Finding> {
    runs.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    let mut out = Vec::new();
    for i in 0..runs.len() {
        for j in i + 1..runs.len() {
            let (a, b) = (&runs[i], &runs[j]);
            if b.y0 >= a.y1 {
                break;
            }
            if a.light != b.light {
                continue;
            }
            let iw = a.x1.min(b.x1) - a.x0.max(b.x0);
            let ih = a.y1.min(b.y1) - a.y0.max(b.y0);
            if iw <= 0.0 || ih <= 0.0 {
                continue;
            }
            let area = |r: &Run| (r.x1 - r.x0) * (r.y1 - r.y0);
            let small = area(a).min(area(b));
            if small > 0.0 && iw * ih > 0.25 * small {
                out.push(Finding {
                    page,
                    problem: Problem::Overlap(b.text.clone()),
                    text: a.text.clone(),
                });
            }
        }
    }
    out
}

/// Text a reader sees as pale (luminance above 75%): white on a band, or a watermark.
fn is_light(paint: &Paint) -> bool {
    match paint {
        Paint::Solid(c) => {
            let rgb = c.to_rgb();
            let l = 0.2126 * rgb.color.red + 0.7152 * rgb.color.green + 0.0722 * rgb.color.blue;
            l > 0.745
        }
        _ => false,
    }
}

/// Most findings reported per output: past a few, more of the same only hide the first.
const MAX_REPORTED: usize = 12;

/// Errors for `findings` in the output `what`, each at the YAML line its text came from.
pub fn diagnose(
    findings: &[Finding],
    what: &str,
    doc: &crate::content::Document,
    sources: &crate::diag::SourceMap,
) -> Vec<crate::diag::Diagnostic> {
    use crate::diag::Diagnostic;
    let texts: Vec<(String, crate::diag::Loc)> =
        doc.texts.iter().map(|(t, loc)| (squash(t), *loc)).collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for f in findings {
        let shown: String = f.text.trim().chars().take(40).collect();
        let (d, key) = match &f.problem {
            Problem::MissingGlyph(c) => (
                Diagnostic::error(format!(
                    "character `{c}` (U+{:04X}) would print as a blank on page {} of the {what}",
                    *c as u32,
                    f.page + 1
                ))
                .hint("no font folio can use draws it here: replace the character, or add a font that has it to fonts/ and name it in settings.fonts"),
                format!("glyph {c}"),
            ),
            Problem::OutsideSafeArea => (
                Diagnostic::error(format!(
                    "text `{shown}` does not fit on page {} of the {what}: it runs outside the page's safe area",
                    f.page + 1
                ))
                .hint("shorten the text, or put spaces in long words, numbers or addresses so it can wrap"),
                format!("safe {}", f.text),
            ),
            Problem::Overlap(other) => (
                Diagnostic::error(format!(
                    "text `{shown}` is printed over `{}` on page {} of the {what}",
                    other.trim().chars().take(40).collect::<String>(),
                    f.page + 1
                ))
                .hint("shorten one of them, or put spaces in long words, numbers or addresses so they can wrap"),
                format!("overlap {} {other}", f.text),
            ),
        };
        if !seen.insert(key) {
            continue;
        }
        let loc = match &f.problem {
            Problem::MissingGlyph(c) => texts.iter().find(|(t, _)| t.contains(*c)).map(|x| x.1),
            _ => locate(&texts, &f.text),
        };
        out.push(match loc {
            Some(loc) => d.at(sources, loc),
            None => d,
        });
        if out.len() == MAX_REPORTED {
            break;
        }
    }
    out
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The source text a laid-out run comes from: the first that contains it, else the first that
/// contains its longest piece between the marks layouts add ("…", "（续）", "·").
fn locate(texts: &[(String, crate::diag::Loc)], run: &str) -> Option<crate::diag::Loc> {
    let run = squash(run);
    let piece = run
        .split(['…', '·', '（', '）', '■'])
        .max_by_key(|p| p.chars().count())
        .unwrap_or("");
    [run.as_str(), piece]
        .iter()
        .filter(|p| p.chars().count() >= 2)
        .find_map(|p| texts.iter().find(|(t, _)| t.contains(p)).map(|x| x.1))
}
