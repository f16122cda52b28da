//! Photos reach the PDFs through slots (`photos::slot`): typst places a named 1 × 1 stand-in,
//! and folio writes the prepared JPEG into its object after export. These tests read the PDFs
//! as a viewer does (poppler, following the appended update) and fail if a stand-in is left.

mod common;

use common::{build, image_list, sample_project};
use folio::Options;

/// The placed images of a PDF, per `pdfimages -list`: (width, height, encoding).
fn images(pdf: &std::path::Path) -> Vec<(u32, u32, String)> {
    image_list(pdf)
        .lines()
        .skip(2)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Some((
                f.get(3)?.parse().ok()?,
                f.get(4)?.parse().ok()?,
                f.get(8)?.to_string(),
            ))
        })
        .collect()
}

#[test]
fn every_placed_photo_is_a_real_jpeg_in_every_pdf() {
    let dir = sample_project();
    let (_, outcome) = build(dir.path(), &Options::default());
    common::assert_ok(&outcome);
    for name in ["brochure.pdf", "slides.pdf", "handout.pdf"] {
        let pdf = dir.path().join("out").join(name);
        let list = images(&pdf);
        assert!(list.len() >= 12, "{name}: {} images", list.len());
        for (w, h, enc) in &list {
            assert!(
                *w > 100 && *h > 100 && enc == "jpeg",
                "{name}: a stand-in or an image that is not the photo: {w}×{h} {enc}"
            );
        }
    }
}

#[test]
fn a_photo_replaced_under_the_same_name_reaches_the_pdfs() {
    // The watch case: same session, same file name, new pixels. The slot's name follows the
    // photo's content, so the brochure is laid out and exported again, not skipped as unchanged.
    let dir = sample_project();
    let project = folio::project::Project::open(dir.path(), None).unwrap();
    let session = folio::Session::new(project);
    common::assert_ok(&session.run(&Options::default()));
    let pdf = dir.path().join("out/brochure.pdf");
    let before = std::fs::read(&pdf).unwrap();
    let cover = dir.path().join("photos/sunset_by_Aitzol_Berasategi.jpg");
    let img = image::open(&cover).unwrap();
    img.fliph().save(&cover).unwrap();
    common::assert_ok(&session.run(&Options::default()));
    let after = std::fs::read(&pdf).unwrap();
    assert_ne!(before, after, "the brochure was not written again");
    // The flipped photo's pixels are in the new PDF: its images differ from the old PDF's.
    let dump = |bytes: &[u8], tag: &str| {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(format!("{tag}.pdf"));
        std::fs::write(&p, bytes).unwrap();
        let out = std::process::Command::new("pdfimages")
            .args(["-j", "-f", "1", "-l", "1"])
            .arg(&p)
            .arg(d.path().join("img"))
            .status()
            .unwrap();
        assert!(out.success());
        let mut files: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| std::fs::read(f).unwrap())
            .collect::<Vec<_>>()
    };
    assert_ne!(
        dump(&before, "before"),
        dump(&after, "after"),
        "the cover photo did not change"
    );
}
