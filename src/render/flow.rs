//! The brochure's flow plan: decisions about pages that typst's own flow cannot take, made by
//! measuring a laid-out brochure and laying it out again.
//!
//! typst floats a row of photos to the top or foot of a page; a row that does not fit waits for
//! the next page, and when the section's text ends before that page, the row is left alone on a
//! page that is mostly white. A section ending high on its page leaves the rest of it white too,
//! because the next section opens a new page. The plan fixes both:
//!
//! - `end`: the rows that would land on the page where the section's text ends, or later, close
//!   the section under its text instead, enlarged to fill the rest of that page, as many as fit
//!   there at 60 % of their size or more; a section ending high on its page with no such rows
//!   takes its last row from an earlier page;
//! - `page`: the rows after those fill a photo page of their own (`photo-pages`);
//! - `foot`: a row that floated above its section's heading, on the page where the section
//!   opens, floats to that page's foot instead;
//! - `run-on`: a section without such rows whose page is less than 60 % full takes the next
//!   section on the same page, when the next one's heading, figures and a few lines fit.
//!
//! The layout leaves markers (`<folio-flow-*>`) that say where each section starts, where its
//! heading and figures end, where its text ends, where each floating row landed and how tall a
//! placed row is as a float. Decisions are sticky (a row placed under the text stays there down
//! to 50 % of its size; a run-on section stays one while its page is less than 70 % full), so
//! the plan reaches a fixed point and an edit does not flip pages back and forth. The renderer
//! keeps the plan between renders: after an edit the layout usually starts from the right plan
//! and is laid out once.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use typst::foundations::Value;
use typst_layout::PagedDocument;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Keys of photo rows (`s<section>.p<paragraph>.<row>`, or `s<section>.e.<row>` for the
    /// section's own photos) placed under the section's text, filling its last page.
    pub end: BTreeSet<String>,
    /// Keys of photo rows placed on the section's photo page(s).
    pub page: BTreeSet<String>,
    /// Keys of floating rows held to the page's foot: rows that floated above their section's
    /// heading on the page where it opens.
    pub foot: BTreeSet<String>,
    /// Sections (0-based) that open on the page where the previous section ends.
    #[serde(rename = "run-on")]
    pub run_on: BTreeSet<usize>,
    /// Rows that did not fit under their section's text once: they stay on the photo page
    /// (folio's own memory; the layout does not read it).
    #[serde(skip)]
    pub no_end: BTreeSet<String>,
}

impl Plan {
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a plan is plain data")
    }
}

/// A point in the laid-out brochure: page (1-based) and distance from the page's top (pt).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct At {
    pub page: usize,
    pub y: f64,
}

impl At {
    fn later(self, other: At) -> At {
        if (other.page, other.y) > (self.page, self.y) {
            other
        } else {
            self
        }
    }
}

/// Where a section's parts landed.
#[derive(Clone, Debug, Default)]
pub struct Section {
    /// Titled sections: the heading's top, and the end of the heading and key figures.
    pub start: Option<At>,
    pub open: Option<At>,
    /// The end of the section's text (its last line).
    pub end: Option<At>,
}

/// A floating row of photos: its top and foot.
#[derive(Clone, Debug)]
pub struct Row {
    pub key: String,
    pub section: usize,
    pub top: At,
    pub bottom: At,
}

/// A row the plan placed (under the text or on a photo page), and its height as a float (pt).
#[derive(Clone, Debug)]
pub struct Placed {
    pub key: String,
    pub section: usize,
    pub height: f64,
    /// Under the text: whether the rows there fit the room they got.
    pub fits: bool,
}

/// What the markers of one layout say.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// The body's top and foot on a page (pt from the page's top).
    pub body: (f64, f64),
    pub sections: BTreeMap<usize, Section>,
    pub rows: Vec<Row>,
    pub placed: Vec<Placed>,
}

/// Room a float keeps from the text (the layout's clearance and the last line's depth).
const CLEARANCE: f64 = 20.0;

impl Facts {
    /// The markers of a laid-out brochure; `None` when its layout leaves none (a project's own
    /// `brochure.typ` written before plans existed).
    pub fn read(doc: &PagedDocument) -> Option<Facts> {
        let body = marks(doc, "folio-flow-body");
        let (value, _) = body.first()?;
        let num = |v: &Value, k: &str| match v {
            Value::Dict(d) => d.get(k).ok().and_then(|v| v.clone().cast::<f64>().ok()),
            _ => None,
        };
        let mut facts = Facts {
            body: (num(value, "top")?, num(value, "bottom")?),
            ..Facts::default()
        };
        for (what, slot) in [("start", 0), ("open", 1), ("end", 2)] {
            for (v, at) in marks(doc, &format!("folio-flow-{what}")) {
                let Value::Int(i) = v else { continue };
                let s = facts.sections.entry(i.max(0) as usize).or_default();
                *[&mut s.start, &mut s.open, &mut s.end][slot] = Some(at);
            }
        }
        let ends: BTreeMap<String, At> = marks(doc, "folio-flow-row-end")
            .into_iter()
            .filter_map(|(v, at)| Some((v.cast::<String>().ok()?, at)))
            .collect();
        for (v, top) in marks(doc, "folio-flow-row") {
            let Ok(key) = v.cast::<String>() else {
                continue;
            };
            let (Some(section), Some(&bottom)) = (section_of(&key), ends.get(&key)) else {
                continue;
            };
            facts.rows.push(Row {
                key,
                section,
                top,
                bottom,
            });
        }
        for (v, _) in marks(doc, "folio-flow-placed") {
            let Value::Dict(d) = &v else { continue };
            let key = d
                .get("key")
                .ok()
                .and_then(|k| k.clone().cast::<String>().ok());
            let (Some(key), Some(height)) = (key, num(&v, "h")) else {
                continue;
            };
            let fits = !matches!(d.get("fits"), Ok(Value::Bool(false)));
            if let Some(section) = section_of(&key) {
                facts.placed.push(Placed {
                    key,
                    section,
                    height,
                    fits,
                });
            }
        }
        Some(facts)
    }

    /// The plan this layout calls for, given the plan it was laid out with.
    pub fn plan(&self, current: &Plan) -> Plan {
        let (top, bottom) = self.body;
        let body_h = (bottom - top).max(1.0);
        let mut next = Plan::default();
        for (&i, s) in &self.sections {
            let Some(end) = s.end else { continue };
            // A section followed by an untitled one runs straight into it: its photos float
            // onto the pages the next one's text fills.
            if self
                .sections
                .get(&(i + 1))
                .is_some_and(|n| n.start.is_none())
            {
                continue;
            }
            // The rows that close the section: those floating on the text's last page or
            // later, and those already placed; in the order of the text.
            let floating: Vec<&Row> = self
                .rows
                .iter()
                .filter(|r| r.section == i && r.top.page >= end.page)
                .collect();
            let mut closing: Vec<(&str, f64)> = floating
                .iter()
                .map(|r| (r.key.as_str(), r.bottom.y - r.top.y))
                .chain(
                    self.placed
                        .iter()
                        .filter(|p| p.section == i)
                        .map(|p| (p.key.as_str(), p.height)),
                )
                .collect();
            // A section ending high on its page with no rows to close it takes its last row
            // from an earlier page (the text moves up by as much).
            let mut pulled = 0.0;
            if closing.is_empty() && (end.y - top) / body_h < 0.7 {
                let before = self
                    .rows
                    .iter()
                    .filter(|r| r.section == i && r.top.page < end.page)
                    .max_by_key(|r| order_of(&r.key));
                if let Some(r) = before {
                    pulled = r.bottom.y - r.top.y + CLEARANCE;
                    closing.push((r.key.as_str(), r.bottom.y - r.top.y));
                }
            }
            closing.sort_by_key(|(k, _)| order_of(k));
            closing.dedup_by_key(|(k, _)| *k);
            // The room under the text once the rows floating on its page leave it: a row
            // above the text gives its height back (the text moves up), one below it is
            // already counted in the room.
            let freed: f64 = floating
                .iter()
                .filter(|r| r.top.page == end.page && r.top.y < end.y)
                .map(|r| r.bottom.y - r.top.y + CLEARANCE)
                .sum();
            let room = bottom - end.y - CLEARANCE + freed + pulled;
            // Rows under the text that did not fit the room they got: the last of them goes
            // to the photo page, for good.
            let misfit = self.placed.iter().any(|p| p.section == i && !p.fits);
            let mut allowed = usize::MAX;
            if misfit {
                let under: Vec<&str> = closing
                    .iter()
                    .map(|(k, _)| *k)
                    .filter(|k| current.end.contains(*k))
                    .collect();
                allowed = under.len().saturating_sub(1);
                if let Some(last) = under.last() {
                    next.no_end.insert(last.to_string());
                }
            }
            let known: BTreeSet<&str> = closing.iter().map(|(k, _)| *k).collect();
            next.no_end.extend(
                current
                    .no_end
                    .iter()
                    .filter(|k| known.contains(k.as_str()))
                    .cloned(),
            );
            let mut used = 0.0;
            let mut under = room >= 0.12 * body_h;
            // At most three rows under the text: more make a photo page.
            allowed = allowed.min(3);
            for (key, h) in closing {
                under = under && allowed > 0 && !next.no_end.contains(key);
                allowed = allowed.saturating_sub(1);
                // Sticky: a row under the text stays down to half its size; a row on the
                // photo page comes back only with room for all of it.
                let least = if current.end.contains(key) {
                    0.5
                } else if current.page.contains(key) {
                    1.0
                } else {
                    0.6
                };
                under = under && (used + h) * least <= room;
                if under {
                    used += h + CLEARANCE;
                    next.end.insert(key.to_string());
                } else {
                    next.page.insert(key.to_string());
                }
            }
        }
        // A row never floats above its section's heading.
        for (&i, s) in &self.sections {
            let Some(start) = s.start else { continue };
            for r in self.rows.iter().filter(|r| r.section == i) {
                let above = r.top.page == start.page && r.top.y < start.y;
                let held = current.foot.contains(&r.key) && r.top.page == start.page;
                if (above || held) && !next.end.contains(&r.key) && !next.page.contains(&r.key) {
                    next.foot.insert(r.key.clone());
                }
            }
        }
        for (&i, s) in &self.sections {
            let (Some(start), Some(prev)) = (s.start, i.checked_sub(1)) else {
                continue;
            };
            let Some(p) = self.sections.get(&prev) else {
                continue;
            };
            let Some(prev_end) = p.end else { continue };
            // A section that closes with photos ends on a full page.
            let prefix = format!("s{prev}.");
            if next
                .end
                .iter()
                .chain(&next.page)
                .any(|k| k.starts_with(&prefix))
            {
                continue;
            }
            let last = self
                .rows
                .iter()
                .filter(|r| r.section == prev)
                .fold(prev_end, |a, r| a.later(r.bottom));
            let used = |y: f64| (y - top) / body_h;
            if current.run_on.contains(&i) {
                // Laid out under the previous section: stays while the page is not too full
                // and the heading and figures stayed together on it.
                if last.page == start.page
                    && used(start.y) < 0.7
                    && s.open.is_some_and(|o| o.page == start.page)
                {
                    next.run_on.insert(i);
                }
            } else {
                let open_h = match s.open {
                    Some(open) if open.page == start.page => open.y - start.y,
                    _ => 0.3 * body_h,
                };
                if used(last.y) < 0.6 && bottom - last.y >= open_h + 0.12 * body_h + CLEARANCE {
                    next.run_on.insert(i);
                }
            }
        }
        next
    }
}

/// The order of a row in its section: paragraph (the section's own photos last), then row.
fn order_of(key: &str) -> (usize, usize) {
    let mut parts = key.split('.').skip(1);
    let para = match parts.next() {
        Some(p) => p
            .strip_prefix('p')
            .and_then(|n| n.parse().ok())
            .unwrap_or(usize::MAX),
        None => usize::MAX,
    };
    let row = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    (para, row)
}

/// `s<n>.…` → n.
fn section_of(key: &str) -> Option<usize> {
    key.strip_prefix('s')?.split('.').next()?.parse().ok()
}

/// Values of `#metadata(..) <name>` elements with where they landed.
fn marks(doc: &PagedDocument, name: &str) -> Vec<(Value, At)> {
    super::frames::labelled_at(doc, name)
        .into_iter()
        .map(|(page, y, value)| (value, At { page: page + 1, y }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(page: usize, y: f64) -> At {
        At { page, y }
    }

    fn section(start: Option<At>, open: Option<At>, end: At) -> Section {
        Section {
            start,
            open,
            end: Some(end),
        }
    }

    fn row(key: &str, top: At, bottom: At) -> Row {
        Row {
            key: key.into(),
            section: section_of(key).unwrap(),
            top,
            bottom,
        }
    }

    fn facts() -> Facts {
        Facts {
            body: (100.0, 800.0),
            ..Facts::default()
        }
    }

    #[test]
    fn rows_past_the_text_close_the_section_or_go_to_a_photo_page() {
        let mut f = facts();
        f.sections.insert(
            0,
            section(Some(at(3, 100.0)), Some(at(3, 200.0)), at(3, 620.0)),
        );
        // One row floated to the top of the text's page, two waited for the next page.
        f.rows.push(row("s0.p0.0", at(3, 0.0), at(3, 250.0)));
        f.rows.push(row("s0.p1.0", at(4, 100.0), at(4, 350.0)));
        f.rows.push(row("s0.p10.0", at(4, 370.0), at(4, 620.0)));
        let plan = f.plan(&Plan::default());
        // 160 pt under the text, and 270 more once the top row leaves: room for two rows of
        // 250 pt at 60 % of their size, not three.
        assert_eq!(
            plan.end,
            BTreeSet::from(["s0.p0.0".into(), "s0.p1.0".into()])
        );
        assert_eq!(plan.page, BTreeSet::from(["s0.p10.0".into()]));
        // Laid out with the plan (the text moved up): the same plan.
        let mut g = facts();
        g.sections.insert(
            0,
            section(Some(at(3, 100.0)), Some(at(3, 200.0)), at(3, 350.0)),
        );
        for k in ["s0.p0.0", "s0.p1.0", "s0.p10.0"] {
            g.placed.push(Placed {
                key: k.into(),
                section: 0,
                height: 250.0,
                fits: true,
            });
        }
        assert_eq!(g.plan(&plan), plan);
        // The text grew: the second row no longer fits at 50 % of its size.
        g.sections.get_mut(&0).unwrap().end = Some(at(3, 560.0));
        let grown = g.plan(&plan);
        assert_eq!(grown.end, BTreeSet::from(["s0.p0.0".into()]));
        assert_eq!(grown.page.len(), 2);
        // Text to the page's foot: every row goes to the photo page.
        g.sections.get_mut(&0).unwrap().end = Some(at(3, 760.0));
        assert!(g.plan(&plan).end.is_empty());
    }

    #[test]
    fn a_section_opens_under_one_that_ended_high() {
        let mut f = facts();
        f.sections.insert(
            0,
            section(Some(at(3, 100.0)), Some(at(3, 200.0)), at(4, 250.0)),
        );
        f.sections.insert(
            1,
            section(Some(at(5, 100.0)), Some(at(5, 220.0)), at(5, 700.0)),
        );
        let plan = f.plan(&Plan::default());
        assert_eq!(plan.run_on, BTreeSet::from([1]));
        // Laid out so, it stays while its page is not too full…
        f.sections.get_mut(&1).unwrap().start = Some(at(4, 300.0));
        f.sections.get_mut(&1).unwrap().open = Some(at(4, 420.0));
        assert_eq!(f.plan(&plan), plan);
        // …and not when the previous section grew past 70 %.
        f.sections.get_mut(&1).unwrap().start = Some(at(4, 650.0));
        f.sections.get_mut(&1).unwrap().open = Some(at(4, 770.0));
        assert!(f.plan(&plan).run_on.is_empty());
        // A page 70 % full does not take the next section.
        f.sections.get_mut(&0).unwrap().end = Some(at(4, 600.0));
        assert!(f.plan(&Plan::default()).run_on.is_empty());
    }

    #[test]
    fn rows_are_ordered_as_the_text() {
        let mut keys = vec!["s1.e.0", "s1.p10.0", "s1.p2.1", "s1.p2.0"];
        keys.sort_by_key(|k| order_of(k));
        assert_eq!(keys, ["s1.p2.0", "s1.p2.1", "s1.p10.0", "s1.e.0"]);
    }
}
