//! Issue 16: every brochure page a designer would hand over — no page mostly white, none
//! blank. Measured on the laid-out frames (`frames::rows_filled`: the share of the body's 2 mm
//! rows that hold text, a photo or a tint), on the sample at A4 and A5 and on documents made
//! here to stress the rules: sections with 0, 1, 2 and 5 photos, portrait and landscape photos,
//! very short and very long sections.

mod common;
use common::*;
use folio::Options;
use folio::render::frames::rows_filled;
use std::path::Path;

/// How full each page of the brochure is, in per cent.
fn fills(outcome: &folio::Outcome) -> Vec<u32> {
    brochure_of(outcome)
        .document
        .pages()
        .iter()
        .map(|p| (rows_filled(p) * 100.0).round() as u32)
        .collect()
}

/// Every page but the cover, the introduction and the back cover is at least 70 % full.
fn assert_designed(name: &str, fills: &[u32]) {
    let n = fills.len();
    assert!(n.is_multiple_of(4), "{name}: {n} pages");
    for (i, &f) in fills.iter().enumerate() {
        assert!(f > 0, "{name}: page {} is blank ({fills:?})", i + 1);
        if i >= 2 && i + 1 < n {
            assert!(f >= 70, "{name}: page {} is {f}% full ({fills:?})", i + 1);
        }
    }
}

/// The brochure of the project at `root`, at `trim`, laid out.
fn brochure_at(root: &Path, trim: &str) -> folio::Outcome {
    let opts = Options {
        trim: Some(folio::content::Trim::parse(trim).unwrap()),
        only: Some(folio::Kind::Brochure),
        ..Default::default()
    };
    let (_, outcome) = build(root, &opts);
    assert_ok(&outcome);
    outcome
}

/// The sample's brochure at `trim`, laid out.
fn sample_brochure(trim: &str) -> folio::Outcome {
    brochure_at(sample_project().path(), trim)
}

#[test]
fn the_sample_fills_its_pages_at_a4_and_a5() {
    for trim in ["a4", "a5"] {
        let outcome = sample_brochure(trim);
        let f = fills(&outcome);
        eprintln!("sample {trim}: {f:?}");
        assert_designed(&format!("sample {trim}"), &f);
    }
}

/// Sentences of the sample report, to write sections of any length from.
fn sentences() -> Vec<String> {
    std::fs::read_to_string(repo().join("tests/fixtures/seed.txt"))
        .unwrap()
        .split('。')
        .map(|s| s.trim().replace(['\n', '"'], ""))
        .filter(|s| s.chars().count() > 20)
        .map(|s| s + "。")
        .collect()
}

const LANDSCAPE: &[&str] = &[
    "Bridge_by_Sander_Klootwijk.jpg",
    "Dragonfly_by_Bolly.jpg",
    "Kleiber_by_Lukas_Baubkus.jpg",
    "aitzgorri_by_Aitzol_Berasategi.jpg",
    "free_by_Peter_Nerlich.jpg",
    "life_by_Aitzol_Berasategi.jpg",
    "picosdeeuropa_by_Aitzol_Berasategi.jpg",
    "seeding_by_Clements_Engelhardt.jpg",
];
const PORTRAIT: &[&str] = &[
    "Wine_by_Jakkub_Mede.jpg",
    "friends_by_Aitzol_Berasategi.jpg",
];

/// A section: `paragraphs` paragraphs of `sentences_each` sentences; `photos[j]` the photos
/// of paragraph j (missing: none); key figures when `figures`.
struct Spec<'a> {
    paragraphs: usize,
    sentences_each: usize,
    photos: &'a [&'a [&'a str]],
    figures: bool,
}

/// A long section: 14 paragraphs of four sentences, key figures, three photos in two places.
const LONG_SECTION: Spec = Spec {
    paragraphs: 14,
    sentences_each: 4,
    photos: &[&[LANDSCAPE[6]], &[], &[], &[LANDSCAPE[7], LANDSCAPE[0]]],
    figures: true,
};

/// Writes a project of the sample's photos and the given sections.
fn write_project(root: &Path, sections: &[Spec]) {
    copy_dir(&repo().join("photos"), &root.join("photos"));
    std::fs::create_dir_all(root.join("content")).unwrap();
    let doc = std::fs::read_to_string(repo().join("content/document.yaml")).unwrap();
    std::fs::write(root.join("content/document.yaml"), doc).unwrap();
    let pool = sentences();
    let mut next = 0;
    for (i, s) in sections.iter().enumerate() {
        let mut y = format!("title: \"第{}部分 工作综述\"\n", i + 1);
        if s.figures {
            y.push_str("figures:\n  - value: \"126\"\n    unit: \"场\"\n    label: \"宣讲活动\"\n  - value: \"65万\"\n    unit: \"余名\"\n    label: \"参与青年\"\n  - value: \"95%\"\n    label: \"覆盖率\"\n");
        }
        y.push_str("paragraphs:\n");
        for j in 0..s.paragraphs {
            let text: String = (0..s.sentences_each)
                .map(|_| {
                    next += 1;
                    pool[next % pool.len()].clone()
                })
                .collect();
            y.push_str(&format!(
                "  - lead: \"要点{}。\"\n    text: \"{text}\"\n",
                j + 1
            ));
            if let Some(ps) = s.photos.get(j).filter(|p| !p.is_empty()) {
                y.push_str(&format!("    photos: [{}]\n", ps.join(", ")));
            }
        }
        std::fs::write(root.join(format!("content/{:02}-part.yaml", i + 1)), y).unwrap();
    }
}

fn build_generated(name: &str, sections: &[Spec]) {
    for trim in ["a4", "a5"] {
        let dir = tempfile::tempdir().unwrap();
        // FOLIO_FILL_KEEP=dir keeps the projects (dir/<name>-<trim>) to look at.
        let kept = std::env::var_os("FOLIO_FILL_KEEP")
            .map(|k| Path::new(&k).join(format!("{}-{trim}", name.replace(' ', "-"))));
        let root = kept.clone().unwrap_or_else(|| dir.path().to_path_buf());
        write_project(&root, sections);
        let outcome = brochure_at(&root, trim);
        let f = fills(&outcome);
        eprintln!("{name} {trim}: {f:?}");
        assert_designed(&format!("{name} {trim}"), &f);
    }
}

#[test]
fn sections_with_0_1_2_and_5_photos() {
    let (l, p) = (LANDSCAPE, PORTRAIT);
    build_generated(
        "photo counts",
        &[
            Spec {
                paragraphs: 4,
                sentences_each: 3,
                photos: &[],
                figures: true,
            },
            Spec {
                paragraphs: 3,
                sentences_each: 3,
                photos: &[&[l[0]]],
                figures: false,
            },
            Spec {
                paragraphs: 5,
                sentences_each: 2,
                photos: &[&[], &[l[1], p[0]]],
                figures: true,
            },
            Spec {
                paragraphs: 6,
                sentences_each: 3,
                photos: &[&[l[2], l[3]], &[], &[p[1]], &[l[4], l[5]]],
                figures: false,
            },
        ],
    );
}

#[test]
fn very_short_and_very_long_sections() {
    let (l, p) = (LANDSCAPE, PORTRAIT);
    build_generated(
        "short and long",
        &[
            Spec {
                paragraphs: 1,
                sentences_each: 1,
                photos: &[],
                figures: false,
            },
            LONG_SECTION,
            Spec {
                paragraphs: 1,
                sentences_each: 2,
                photos: &[&[p[0]]],
                figures: false,
            },
            Spec {
                paragraphs: 2,
                sentences_each: 2,
                photos: &[],
                figures: true,
            },
            Spec {
                paragraphs: 9,
                sentences_each: 3,
                photos: &[&[], &[l[1]]],
                figures: false,
            },
        ],
    );
}

#[test]
fn portrait_photos_and_rows_of_three() {
    let (l, p) = (LANDSCAPE, PORTRAIT);
    build_generated(
        "portraits",
        &[
            Spec {
                paragraphs: 3,
                sentences_each: 3,
                photos: &[&[p[0], p[1]], &[p[1]]],
                figures: true,
            },
            Spec {
                paragraphs: 4,
                sentences_each: 4,
                photos: &[&[l[2], p[0], l[3]], &[], &[p[1], l[4]]],
                figures: true,
            },
            Spec {
                paragraphs: 2,
                sentences_each: 5,
                photos: &[&[l[5], l[6], l[7], p[0], p[1]]],
                figures: false,
            },
        ],
    );
}

/// Body lines of each page of the brochure, top to bottom, and the body size.
fn page_lines(outcome: &folio::Outcome) -> (f64, Vec<Vec<TextLine>>) {
    // The body size: the size most characters are set in.
    let mut sizes: std::collections::BTreeMap<i64, usize> = Default::default();
    for page in brochure_of(outcome).document.pages() {
        for b in folio::render::frames::text_boxes(&page.frame) {
            *sizes.entry((b.size * 100.0).round() as i64).or_default() += b.text.chars().count();
        }
    }
    let size = *sizes.iter().max_by_key(|(_, n)| **n).unwrap().0 as f64 / 100.0;
    (size, brochure_lines(outcome, size))
}

/// No paragraph leaves its last line alone at the top of a page (a widow) or its first line
/// alone at the foot (an orphan). Chinese paragraphs open with a 2 em indent, so a line's
/// indent says whether it starts a paragraph.
fn assert_no_widows_or_orphans(name: &str, outcome: &folio::Outcome) {
    let (size, pages) = page_lines(outcome);
    let mut checked = 0;
    for (i, lines) in pages.iter().enumerate() {
        if lines.len() < 3 {
            continue;
        }
        let left = lines.iter().map(|l| l.left).fold(f64::INFINITY, f64::min);
        let right = lines.iter().map(|l| l.right).fold(0.0, f64::max);
        let starts = |l: &TextLine| (l.left - left - 2.0 * size).abs() < 0.3 * size;
        let full = |l: &TextLine| right - l.right < 0.5 * size;
        let leading = size * 2.5;
        // The top line continues a paragraph from the page before, and is its last line.
        let (top, next) = (&lines[0], &lines[1]);
        let widow = !starts(top)
            && (top.left - left).abs() < 0.3 * size
            && (starts(next) || next.baseline - top.baseline > leading)
            && i > 0
            && pages[i - 1].last().is_some_and(full);
        assert!(
            !widow,
            "{name}: page {}: a paragraph's last line alone at the top: {}",
            i + 1,
            top.text
        );
        // The foot line opens a paragraph that goes on on the next page.
        let (foot, before) = (&lines[lines.len() - 1], &lines[lines.len() - 2]);
        let orphan = starts(foot) && full(foot) && foot.baseline - before.baseline < leading;
        assert!(
            !orphan,
            "{name}: page {}: a paragraph's first line alone at the foot: {}",
            i + 1,
            foot.text
        );
        checked += 1;
    }
    assert!(checked >= 4, "{name}: only {checked} pages of text");
}

#[test]
fn no_paragraph_leaves_a_single_line_at_a_page_top_or_foot() {
    for trim in ["a4", "a5"] {
        let outcome = sample_brochure(trim);
        assert_no_widows_or_orphans(&format!("sample {trim}"), &outcome);
    }
    let dir = tempfile::tempdir().unwrap();
    write_project(
        dir.path(),
        &[
            LONG_SECTION,
            Spec {
                paragraphs: 9,
                sentences_each: 3,
                photos: &[&[], &[PORTRAIT[0]]],
                figures: false,
            },
        ],
    );
    let (_, outcome) = build(dir.path(), &only(folio::Kind::Brochure));
    assert_ok(&outcome);
    assert_no_widows_or_orphans("long sections", &outcome);
}
