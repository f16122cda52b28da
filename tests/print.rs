//! Print options: other trim sizes, no marks, and saddle-stitch imposition.

mod common;
use common::*;
use folio::Options;
use folio::content::Trim;
use std::path::Path;
use std::process::Command;

/// Text of one page, or of the part of it from `x` points over `w` points wide.
fn page_text(pdf: &Path, page: usize, part: Option<(f64, f64)>) -> String {
    let mut args: Vec<String> = [
        "-enc",
        "UTF-8",
        "-f",
        &page.to_string(),
        "-l",
        &page.to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some((x, w)) = part {
        args.extend(
            [
                "-x",
                &format!("{}", x as i64),
                "-y",
                "0",
                "-W",
                &format!("{}", w as i64),
                "-H",
                "5000",
            ]
            .map(String::from),
        );
    }
    let out = Command::new("pdftotext")
        .args(&args)
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    squash(&String::from_utf8_lossy(&out.stdout))
}

fn assert_trim(pdf: &Path, w: f64, h: f64, bleed: f64) {
    for (i, (media, trim, bleed_box)) in boxes(pdf).into_iter().enumerate() {
        let (trim, b) = (trim.unwrap(), bleed_box.unwrap());
        assert!(
            ((trim[2] - trim[0]) / MM - w).abs() < 0.5,
            "page {i}: width"
        );
        assert!(
            ((trim[3] - trim[1]) / MM - h).abs() < 0.5,
            "page {i}: height"
        );
        assert!(((trim[0] - b[0]) / MM - bleed).abs() < 0.05);
        assert!(b[0] >= media[0] && b[2] <= media[2]);
    }
}

#[test]
fn a5_and_custom_trim_sizes() {
    let dir = sample_project();
    for (trim, w, h) in [
        (Trim::A5, 148.0, 210.0),
        (Trim::parse("170x240").unwrap(), 170.0, 240.0),
    ] {
        let (session, outcome) = build(
            dir.path(),
            &Options {
                trim: Some(trim),
                ..only(folio::Kind::Brochure)
            },
        );
        assert_ok(&outcome);
        let pdf = session.project.out.join("brochure.pdf");
        assert_trim(&pdf, w, h, 3.0);
        assert_eq!(boxes(&pdf).len() % 4, 0);
        for (page, x, y) in image_ppi(&pdf) {
            assert!(x >= 299.0 && y >= 299.0, "page {page} at {x}x{y} ppi");
        }
    }
}

#[test]
fn no_marks_keeps_the_bleed_only() {
    let dir = sample_project();
    let (session, outcome) = build(
        dir.path(),
        &Options {
            no_marks: true,
            ..only(folio::Kind::Brochure)
        },
    );
    assert_ok(&outcome);
    for (media, _, bleed) in boxes(&session.project.out.join("brochure.pdf")) {
        // Without marks the paper ends at the bleed.
        assert!((media[2] - bleed.unwrap()[2]).abs() < 0.1);
    }
}

#[test]
fn saddle_imposition_pairs_pages_in_folding_order() {
    let dir = sample_project();
    let (session, outcome) = build(
        dir.path(),
        &Options {
            impose: true,
            ..only(folio::Kind::Brochure)
        },
    );
    assert_ok(&outcome);
    let single = session.project.out.join("brochure.pdf");
    let imposed = session.project.out.join("brochure-imposed.pdf");
    let n = boxes(&single).len();
    let sheets = boxes(&imposed);
    assert_eq!(sheets.len(), n / 2);
    assert_trim(&imposed, 420.0, 297.0, 3.0);
    let order = folio::print::impose::saddle_order(n);
    let (media, trim, _) = sheets[0];
    let spine = (trim.unwrap()[0] + trim.unwrap()[2]) / 2.0;
    let halves = [(0.0, spine), (spine, media[2] - spine)];
    let mut probed = 0;
    for (i, (left, right)) in order.into_iter().enumerate() {
        for (half, p) in halves.into_iter().zip([left, right]) {
            let sheet = page_text(&imposed, i + 1, Some(half));
            let text = page_text(&single, p, None);
            // A distinctive piece of the page's text (blank pages have none).
            let probe: String = text.chars().skip(20).take(12).collect();
            if probe.chars().count() == 12 {
                assert!(sheet.contains(&probe), "sheet {} lacks page {p}", i + 1);
                probed += 1;
            }
        }
    }
    // Blank pages have nothing to find; all the others were found where they belong.
    assert!(
        probed >= n - 4,
        "only {probed} of {n} pages could be checked"
    );
}

/// The lines of body text on the brochure's pages, as laid out (runs joined by baseline).
fn body_lines(outcome: &folio::Outcome, body_size: f64) -> Vec<(usize, String)> {
    brochure_lines(outcome, body_size)
        .into_iter()
        .enumerate()
        .flat_map(|(i, lines)| lines.into_iter().map(move |l| (i + 1, l.text)))
        .collect()
}

#[test]
fn chinese_line_breaking_rules_hold_on_the_rendered_pages() {
    let dir = sample_project();
    let (_, outcome) = build(dir.path(), &only(folio::Kind::Brochure));
    assert_ok(&outcome);
    let lines = body_lines(&outcome, 10.5);
    // The sample's ~3,000 characters of section text make about 70 lines.
    assert!(lines.len() > 50, "only {} body lines found", lines.len());
    for (page, line) in &lines {
        let t = line.trim();
        let first = t.chars().next().unwrap();
        let last = t.chars().last().unwrap();
        assert!(
            !"，。、；：？！）》」』”’".contains(first),
            "page {page}: line starts with {first}: {t}"
        );
        assert!(
            !"（《「『“‘".contains(last),
            "page {page}: line ends with {last}: {t}"
        );
        // No last line of one or two characters.
        assert!(
            t.chars().count() > 2,
            "page {page}: a line of {} character(s): {t}",
            t.chars().count()
        );
    }
}

#[test]
fn a_photo_too_small_for_its_frame_is_named_with_its_ppi_and_page() {
    let dir = sample_project();
    // Replace a photo with a 400-pixel-wide copy of itself.
    let path = dir.path().join("photos/Bridge_by_Sander_Klootwijk.jpg");
    let small = image::open(&path).unwrap().thumbnail(400, 400);
    small.save(&path).unwrap();
    let (_, outcome) = build(dir.path(), &only(folio::Kind::Brochure));
    assert_ok(&outcome);
    let warnings: Vec<String> = outcome
        .report
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(|d| d.short())
        .collect();
    let w = warnings
        .iter()
        .find(|w| w.contains("Bridge_by_Sander_Klootwijk.jpg"))
        .unwrap_or_else(|| panic!("no warning in {warnings:#?}"));
    assert!(w.contains("ppi on page "), "{w}");
    let ppi: f64 = w
        .split(" is placed at ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(ppi > 30.0 && ppi < 200.0, "{w}");
    // Only that photo is too small.
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
}
