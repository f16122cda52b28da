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
        .unwrap();
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
                only: Some(folio::Kind::Brochure),
                trim: Some(trim),
                ..Default::default()
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
            only: Some(folio::Kind::Brochure),
            no_marks: true,
            ..Default::default()
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
            only: Some(folio::Kind::Brochure),
            impose: true,
            ..Default::default()
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
    for (i, (left, right)) in order.into_iter().enumerate() {
        for (half, p) in halves.into_iter().zip([left, right]) {
            let sheet = page_text(&imposed, i + 1, Some(half));
            let text = page_text(&single, p, None);
            // A distinctive piece of the page's text (blank pages have none).
            let probe: String = text.chars().skip(20).take(12).collect();
            if probe.chars().count() == 12 {
                assert!(sheet.contains(&probe), "sheet {} lacks page {p}", i + 1);
            }
        }
    }
}
