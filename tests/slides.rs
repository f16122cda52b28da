//! The deck never overflows: a 3,000-character paragraph, a 200-character caption and a section
//! with 40 photos all stay inside their slides (measured on typst's laid-out frames).

mod common;
use common::*;
use folio::render::frames::{page_size, text_boxes};

#[test]
fn long_text_and_many_photos_stay_inside_the_slides() {
    let dir = sample_project();
    let root = dir.path();
    let (_, caption) = stress(root);
    let (_, outcome) = build(root, &only(folio::Kind::Slides));
    assert_ok(&outcome);
    let deck = &outcome.rendered[0].document;
    let safe = 3.0 * MM;
    let mut checked = 0;
    for (i, page) in deck.pages().iter().enumerate() {
        let (w, h) = page_size(page);
        assert!((w / h / (16.0 / 9.0) - 1.0).abs() < 0.002);
        for b in text_boxes(&page.frame) {
            checked += 1;
            assert!(
                b.x0 >= safe - 0.5
                    && b.y0 >= safe - 0.5
                    && b.x1 <= w - safe + 0.5
                    && b.y1 <= h - safe + 0.5,
                "slide {}: {:?} at ({:.0},{:.0})–({:.0},{:.0}) leaves the {w:.0}×{h:.0} slide",
                i + 1,
                b.text,
                b.x0,
                b.y0,
                b.x1,
                b.y1
            );
        }
    }
    assert!(checked > 100, "only {checked} text runs");
    // The long paragraph continued over several slides, each marked as continued.
    let text = pdf_text(&_session_out(root).join("slides.pdf"));
    assert!(
        text.matches("很长的段落。(续)").count() >= 2,
        "continuation marks missing"
    );
    // The long caption is shown in full.
    assert!(text.contains(&squash(&caption)));
}

fn _session_out(root: &std::path::Path) -> std::path::PathBuf {
    root.join("out")
}

/// The deck's sequence, derived from the content by the rules in layouts/README.md.
fn expected_sequence(doc: &folio::content::Document) -> Vec<&'static str> {
    fn photos(doc: &folio::content::Document, ids: &[usize], out: &mut Vec<&'static str>) {
        let n = ids.iter().filter(|&&i| doc.photos[i].slides).count();
        if n == 1 {
            out.push("photo");
            return;
        }
        let mut i = 0;
        while i < n {
            let left = n - i;
            let take = if left == 5 { 3 } else { left.min(4) };
            out.push(if take == 1 { "photo" } else { "grid" });
            i += take;
        }
    }
    fn section(
        doc: &folio::content::Document,
        s: &folio::content::Section,
        out: &mut Vec<&'static str>,
    ) {
        if !s.slides {
            return;
        }
        if s.title.is_some() {
            out.push("divider");
        }
        for _ in (0..s.figures.len()).step_by(6) {
            out.push("figures");
        }
        for p in s.paragraphs.iter().filter(|p| p.slides) {
            out.push("content");
            photos(doc, &p.photos, out);
        }
        photos(doc, &s.photos, out);
    }
    let mut out = vec!["title"];
    if doc
        .sections
        .iter()
        .filter(|s| s.title.is_some() && s.slides)
        .count()
        >= 2
    {
        out.push("agenda");
    }
    if let Some(intro) = &doc.intro {
        let mut untitled = intro.clone();
        untitled.title = None;
        section(doc, &untitled, &mut out);
    }
    for s in &doc.sections {
        section(doc, s, &mut out);
    }
    if doc
        .closing
        .as_ref()
        .is_some_and(|c| c.slides && !c.paragraphs.is_empty())
    {
        out.push("closing");
    }
    if doc.photos.iter().any(|p| p.credit.is_some() && p.slides) {
        out.push("credits");
    }
    out
}

#[test]
fn sample_slide_sequence_follows_the_content() {
    let dir = sample_project();
    let (session, outcome) = build(dir.path(), &only(folio::Kind::Slides));
    assert_ok(&outcome);
    let doc = folio::content::load(&session.project).document.unwrap();
    let deck = &outcome.rendered[0].document;
    let actual: Vec<String> = folio::render::frames::slide_metadata(deck)
        .into_iter()
        .map(|(_, v)| match v {
            typst::foundations::Value::Dict(d) => {
                d.get("kind").unwrap().clone().cast::<String>().unwrap()
            }
            other => panic!("slide marker {other:?}"),
        })
        .collect();
    assert_eq!(actual, expected_sequence(&doc));
    // Every page either starts a slide or continues one; the sample needs no continuations.
    assert_eq!(actual.len(), deck.pages().len());
    // `slides: false` keeps an item out of the deck.
    let captions = dir.path().join("photos/captions.yaml");
    let text = std::fs::read_to_string(&captions).unwrap();
    std::fs::write(
        &captions,
        text.replacen(
            "  credit: \"Jakub Mede",
            "  slides: false\n  credit: \"Jakub Mede",
            1,
        ),
    )
    .unwrap();
    let section = dir.path().join("content/03-service.yaml");
    let text = std::fs::read_to_string(&section).unwrap();
    std::fs::write(
        &section,
        text.replacen("paragraphs:", "slides: false\nparagraphs:", 1),
    )
    .unwrap();
    let (session, outcome) = build(dir.path(), &only(folio::Kind::Slides));
    assert_ok(&outcome);
    let doc = folio::content::load(&session.project).document.unwrap();
    let fewer = folio::render::frames::slide_metadata(&outcome.rendered[0].document).len();
    assert_eq!(fewer, expected_sequence(&doc).len());
    assert!(fewer < actual.len() - 8, "section and photo left out");
    let deck = pdf_text(&session.project.out.join("slides.pdf"));
    assert!(
        !deck.contains(&squash("竭诚服务求实效")),
        "hidden section still in the deck"
    );
}

#[test]
fn logo_and_theme_colours_come_from_the_settings() {
    let dir = sample_project();
    let root = dir.path();
    let logo = image::RgbImage::from_fn(120, 60, |x, _| image::Rgb([(x * 2) as u8, 40, 90]));
    logo.save(root.join("photos/logo.png")).unwrap();
    let doc = std::fs::read_to_string(root.join("content/document.yaml")).unwrap();
    let doc = doc.replacen(
        "  theme: default\n",
        "  theme: default\n  logo: photos/logo.png\n  colors:\n    primary: [0, 100, 100, 30]\n",
        1,
    );
    std::fs::write(root.join("content/document.yaml"), doc).unwrap();
    let (session, outcome) = build(root, &only(folio::Kind::Slides));
    assert_ok(&outcome);
    let slides = session.project.out.join("slides.pdf");
    let out = std::process::Command::new("pdfimages")
        .args(["-list", "-f", "1", "-l", "1"])
        .arg(&slides)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        listing
            .lines()
            .any(|l| l.contains(" 120 ") && l.contains(" 60 ")),
        "no logo on the title slide:\n{listing}"
    );
    // The primary colour is written as the CMYK given.
    let doc = lopdf::Document::load(&slides).unwrap();
    let page = doc.get_pages()[&4];
    let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
    // (typst stores colour components in 8 bits: 30% is written as 0.30196.)
    assert!(
        content.contains("0 1 1 0.30"),
        "divider is not filled with the configured CMYK"
    );
}

#[test]
fn a_key_figure_is_read_with_its_label() {
    // The tagged deck, and a copy of its text, give each value with its label.
    let built = sample_built();
    let text = drawn_text(&built.session.project.out.join("slides.pdf"), Some(5));
    let at = |s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("{s} not on slide 5: {text}"))
    };
    assert!(at("65万余名") < at("青年参与网上主题团课学习"));
    assert!(at("青年参与网上主题团课学习") < at("126场"));
    assert!(at("126场") < at("青年讲师团理论宣讲活动"));
}
