//! `handout.pdf`: three of the deck's slides to an A4 page, each beside its speaker notes (or
//! lines to write on), with the document's title and page numbers.

mod common;
use common::*;
use folio::Options;

fn pages_and_size(pdf: &std::path::Path) -> (usize, String) {
    (
        pdf_info(pdf, "Pages:").parse().unwrap(),
        pdf_info(pdf, "Page size:"),
    )
}

#[test]
fn three_slides_to_a_page_with_their_notes() {
    let dir = sample_with_notes();
    let (session, outcome) = build(dir.path(), &Options::default());
    assert_ok(&outcome);
    let out = &session.project.out;
    let handout = out.join("handout.pdf");
    let (slides, _) = pages_and_size(&out.join("slides.pdf"));
    let (pages, size) = pages_and_size(&handout);
    assert_eq!(pages, slides.div_ceil(3));
    assert!(size.contains("(A4)"), "{size}");
    let pdfpc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("slides.pdfpc")).unwrap()).unwrap();
    let notes = pdfpc["pages"].as_array().unwrap();
    let mut noted = 0;
    for page in 1..=pages {
        let text = page_text(&handout, page);
        // The title at the head, the page number at the foot.
        assert!(
            text.contains(&squash("百年风华正青春 建功立业新征程")),
            "page {page}"
        );
        assert!(
            text.contains(&format!("{page}/{pages}")),
            "page {page}: {text}"
        );
        let first = (page - 1) * 3;
        for (slide, note) in notes.iter().enumerate().skip(first).take(3) {
            // The slide itself: its own page number as the deck prints it (the title slide
            // and the full-photo slides print theirs differently), and its notes.
            let deck_page = page_text(&out.join("slides.pdf"), slide + 1);
            let first_line: String = deck_page.chars().take(8).collect();
            assert!(
                text.contains(&first_line),
                "handout page {page} lacks slide {}: {first_line}",
                slide + 1
            );
            let note = squash(note["note"].as_str().unwrap());
            if !note.is_empty() {
                assert!(
                    text.contains(&note),
                    "handout page {page} lacks the notes of slide {}",
                    slide + 1
                );
                noted += 1;
            }
        }
    }
    assert!(noted >= 4, "{noted} slides with notes");
    // The slides are the deck's pages: its photos are in the handout, not drawn again.
    let images = image_list(&handout);
    assert!(images.lines().count() >= 12, "{images}");
}

#[test]
fn only_handout_writes_only_it_and_a_setting_turns_it_off() {
    let dir = sample_project();
    let root = dir.path();
    let (session, outcome) = build(
        root,
        &Options {
            only: Some(folio::Kind::Slides),
            only_file: Some(folio::products::OutFile::Handout),
            ..Default::default()
        },
    );
    assert_ok(&outcome);
    let out = &session.project.out;
    assert!(out.join("handout.pdf").exists());
    for other in ["slides.pdf", "slides.pptx", "brochure.pdf"] {
        assert!(
            !out.join(other).exists(),
            "{other} written with --only handout"
        );
    }
    std::fs::remove_file(out.join("handout.pdf")).unwrap();
    let doc = root.join("content/document.yaml");
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(
        &doc,
        text.replacen("settings:", "settings:\n  handout: false", 1),
    )
    .unwrap();
    let (session, outcome) = build(root, &Options::default());
    assert_ok(&outcome);
    assert!(session.project.out.join("slides.pdf").exists());
    assert!(!session.project.out.join("handout.pdf").exists());
}
