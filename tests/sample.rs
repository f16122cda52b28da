//! The sample project renders end to end, and the PDFs have the properties a print shop and a
//! presenter check: sizes, boxes, fonts, text, photo resolution, page count, speaker notes.

mod common;
use common::*;
use folio::Options;

fn seed_paragraphs() -> Vec<String> {
    // The seed is the source the sample content was transcribed from.
    let seed = std::fs::read_to_string(repo().join("tests/fixtures/seed.txt")).unwrap();
    seed.lines().map(squash).filter(|l| !l.is_empty()).collect()
}

#[test]
fn sample_builds_a4_brochure_and_16_9_deck() {
    let Built {
        session, outcome, ..
    } = sample_built();
    assert_ok(outcome);
    let out = &session.project.out;
    let brochure = out.join("brochure.pdf");
    let slides = out.join("slides.pdf");

    // Brochure: A4 trim, 3 mm bleed, marks outside the bleed, pages in fours.
    let pages = boxes(&brochure);
    assert!(pages.len() >= 8);
    assert_eq!(
        pages.len() % 4,
        0,
        "saddle stitching needs a multiple of 4 pages"
    );
    for (media, trim, bleed) in &pages {
        let trim = trim.expect("TrimBox on every page");
        let bleed = bleed.expect("BleedBox on every page");
        assert!(((trim[2] - trim[0]) / MM - 210.0).abs() < 0.5);
        assert!(((trim[3] - trim[1]) / MM - 297.0).abs() < 0.5);
        for i in 0..2 {
            assert!(((trim[i] - bleed[i]) / MM - 3.0).abs() < 0.05);
            assert!(((bleed[i + 2] - trim[i + 2]) / MM - 3.0).abs() < 0.05);
            // Room outside the bleed for crop marks.
            assert!((bleed[i] - media[i]) / MM >= 5.0);
        }
    }

    // Deck: every page 16:9.
    for (media, _, _) in boxes(&slides) {
        let ratio = (media[2] - media[0]) / (media[3] - media[1]);
        assert!(
            (ratio / (16.0 / 9.0) - 1.0).abs() < 0.002,
            "slide ratio {ratio}"
        );
    }

    // Every character of every paragraph of the seed is in the brochure's text.
    let text = pdf_text(&brochure);
    let chars: std::collections::HashSet<char> = text.chars().collect();
    for para in seed_paragraphs() {
        let missing: String = para.chars().filter(|c| !chars.contains(c)).collect();
        assert!(missing.is_empty(), "missing {missing:?} of {para}");
    }
    // Whole paragraphs survive too (not only their characters), apart from line-break hyphens.
    assert!(text.contains(&squash("团员先进性建设进一步加强")));

    // The deck tells the same story: title, section titles, all 12 captions.
    let deck = pdf_text(&slides);
    let mut expected = vec![
        "百年风华正青春建功立业新征程".to_string(),
        "聚焦主业抓思想团的引领力进一步提升".into(),
        "强基固本打基础团的组织力进一步提升".into(),
        "竭诚服务求实效团的服务力进一步提升".into(),
    ];
    let captions = std::fs::read_to_string(repo().join("photos/captions.yaml")).unwrap();
    let caption_lines: Vec<String> = captions
        .lines()
        .filter_map(|l| l.trim().strip_prefix("caption: "))
        .map(|c| squash(c.trim_matches('"')))
        .collect();
    assert_eq!(caption_lines.len(), 12);
    expected.extend(caption_lines);
    for e in expected {
        assert!(deck.contains(&squash(&e)), "deck lacks {e}");
    }

    // Speaker notes file: valid JSON, one entry per slide.
    let pdfpc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("slides.pdfpc")).unwrap()).unwrap();
    let slide_count = boxes(&slides).len();
    assert_eq!(pdfpc["pages"].as_array().unwrap().len(), slide_count);
}

#[test]
fn fonts_are_embedded_and_subset() {
    let Built {
        session, outcome, ..
    } = sample_built();
    assert_ok(outcome);
    for name in ["brochure.pdf", "slides.pdf"] {
        let doc = lopdf::Document::load(session.project.out.join(name)).unwrap();
        let mut fonts = 0;
        for (_, obj) in doc.objects.iter() {
            let Ok(d) = obj.as_dict() else { continue };
            if d.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor") {
                continue;
            }
            fonts += 1;
            let name = String::from_utf8_lossy(d.get(b"FontName").unwrap().as_name().unwrap())
                .into_owned();
            assert!(
                name.len() > 7 && name.as_bytes()[6] == b'+',
                "{name} is not a subset"
            );
            assert!(
                d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"),
                "{name} is not embedded"
            );
        }
        assert!(fonts >= 2, "{name}: expected embedded fonts, found {fonts}");
    }
}

#[test]
fn photos_are_near_300_ppi_where_placed() {
    let dir = sample_project();
    let (session, outcome) = build(dir.path(), &only(folio::Kind::Brochure));
    assert_ok(&outcome);
    let images = image_ppi(&session.project.out.join("brochure.pdf"));
    assert!(images.len() >= 12);
    for (page, x, y) in images {
        // Never below 300 (pdfimages rounds), never more than 10% above what 300 ppi needs.
        assert!(x >= 299.0 && y >= 299.0, "page {page}: {x}x{y} ppi");
        assert!(
            x <= 330.0 && y <= 330.0,
            "page {page}: {x}x{y} ppi carries needless pixels"
        );
    }
}

#[test]
fn the_same_content_renders_the_same_bytes() {
    // Two processes, more than a second apart: no timestamps or random ids leak into the
    // output, so an unchanged project leaves the PDFs untouched.
    let dir = sample_project();
    let run = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
            .arg("build")
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    run();
    let first = std::fs::read(dir.path().join("out/brochure.pdf")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let log = run();
    assert!(log.contains("unchanged out/brochure.pdf"), "{log}");
    assert!(log.contains("unchanged out/slides.pdf"), "{log}");
    assert_eq!(
        std::fs::read(dir.path().join("out/brochure.pdf")).unwrap(),
        first
    );
}

#[test]
fn a_project_can_override_one_layout_file() {
    let dir = sample_project();
    let layouts = dir.path().join("layouts");
    std::fs::create_dir_all(&layouts).unwrap();
    // Its own deck layout, with a different agenda heading; the brochure and theme stay folio's.
    let slides = std::fs::read_to_string(repo().join("layouts/slides.typ")).unwrap();
    assert!(slides.contains("L.contents"));
    std::fs::write(
        layouts.join("slides.typ"),
        slides.replace("L.contents", "\"议程安排\""),
    )
    .unwrap();
    let (session, outcome) = build(dir.path(), &Options::default());
    assert_ok(&outcome);
    assert!(pdf_text(&session.project.out.join("slides.pdf")).contains("议程安排"));
    assert!(pdf_text(&session.project.out.join("brochure.pdf")).contains("目录"));
}

#[test]
fn settings_theme_picks_a_theme_file_from_the_layouts() {
    let dir = sample_project();
    let layouts = dir.path().join("layouts");
    std::fs::create_dir_all(&layouts).unwrap();
    // A theme of the project's own: theme.typ with another sign-off line.
    let theme = std::fs::read_to_string(repo().join("layouts/theme.typ")).unwrap();
    let changed = theme.replace(
        "#let org-line(meta) = meta.organisation + \"  ·  \" + str(meta.year)",
        "#let org-line(meta) = meta.organisation + \" | \" + str(meta.year)",
    );
    assert_ne!(theme, changed);
    std::fs::write(layouts.join("theme-plain.typ"), changed).unwrap();
    let doc_path = dir.path().join("content/document.yaml");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    std::fs::write(&doc_path, doc.replace("theme: default", "theme: plain")).unwrap();
    let (session, outcome) = build(dir.path(), &Options::default());
    assert_ok(&outcome);
    let brochure = pdf_text(&session.project.out.join("brochure.pdf"));
    assert!(brochure.contains("共青团太原市委|2020"), "{brochure}");
    // Its palette comes with it (theme-plain.yaml), and a broken one is an error at its line.
    let palette = std::fs::read_to_string(repo().join("layouts/theme.yaml")).unwrap();
    let green = palette.replace("primary: [100, 72, 0, 18]", "primary: [80, 0, 100, 0]");
    assert_ne!(palette, green);
    std::fs::write(layouts.join("theme-plain.yaml"), &green).unwrap();
    let (session, outcome) = build(dir.path(), &Options::default());
    assert_ok(&outcome);
    let pdf = lopdf::Document::load(session.project.out.join("brochure.pdf")).unwrap();
    let cover = pdf.get_pages()[&1];
    let content = String::from_utf8_lossy(&pdf.get_page_content(cover)).into_owned();
    assert!(
        content.contains("0.8 0 1 0 k"),
        "the theme's own primary colour is not used"
    );
    std::fs::write(
        layouts.join("theme-plain.yaml"),
        green.replace("paper: [4, 2, 0, 0]", "paper: [4, 2, 0]"),
    )
    .unwrap();
    let (_, outcome) = build(dir.path(), &Options::default());
    let found = errors(&outcome);
    assert!(
        found
            .iter()
            .any(|e| e.contains("theme-plain.yaml:") && e.contains("four CMYK percentages")),
        "{found:#?}"
    );
    // A theme that does not exist is an error listing the ones that do.
    std::fs::write(&doc_path, doc.replace("theme: default", "theme: nope")).unwrap();
    let (_, outcome) = build(dir.path(), &Options::default());
    let errors = errors(&outcome);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("unknown theme `nope`") && e.contains("default, plain")),
        "{errors:#?}"
    );
}

#[test]
fn no_page_of_the_brochure_is_blank() {
    // The pages that make up a multiple of four are designed (gallery, key figures, notes),
    // so every page carries text; the sample needs two of them.
    let built = sample_built();
    let pdf = built.session.path(folio::OutFile::Brochure);
    let pages = boxes(&pdf).len();
    assert_eq!(pages % 4, 0);
    let mut padding = Vec::new();
    for n in 1..=pages {
        let text = page_text(&pdf, n);
        assert!(!text.is_empty(), "page {n} is blank");
        for title in ["影像回顾", "数据一览", "笔记"] {
            if text.contains(title) {
                padding.push(title);
            }
        }
    }
    assert_eq!(padding, ["影像回顾", "数据一览"]);
}

#[test]
fn many_photo_credits_get_pages_of_their_own_inside_the_page_count() {
    // 150 credited photos do not fit on the back cover: their credits go on pages before it,
    // and the count of four still holds (it did not: the 200-photo benchmark document failed).
    let dir = sample_project();
    let root = dir.path();
    let img = image::RgbImage::from_fn(120, 90, |x, y| {
        image::Rgb([(x * 2) as u8, (y * 2) as u8, 90])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .encode_image(&img)
        .unwrap();
    let mut captions = std::fs::read_to_string(root.join("photos/captions.yaml")).unwrap();
    let mut names = Vec::new();
    for i in 0..150 {
        let name = format!("many{i:03}.jpg");
        std::fs::write(root.join("photos").join(&name), &jpeg).unwrap();
        captions.push_str(&format!(
            "{name}:\n  caption: \"第{i}张照片的图片说明\"\n  credit: \"摄影者{i}, CC BY 4.0\"\n  slides: false\n"
        ));
        names.push(name);
    }
    std::fs::write(root.join("photos/captions.yaml"), captions).unwrap();
    std::fs::write(
        root.join("content/05-many.yaml"),
        format!("title: 图片很多的部分\nphotos: [{}]\n", names.join(", ")),
    )
    .unwrap();
    let (session, outcome) = build(root, &only(folio::Kind::Brochure));
    assert_ok(&outcome);
    let pdf = session.path(folio::OutFile::Brochure);
    let pages = boxes(&pdf).len();
    assert_eq!(pages % 4, 0, "{pages} pages");
    let text = pdf_text(&pdf);
    for i in [0, 75, 149] {
        assert!(
            text.contains(&squash(&format!("摄影者{i}, CC BY 4.0"))),
            "credit {i} missing"
        );
    }
    // The credits have a page of their own; the back cover (last page) signs off.
    let credit_pages = (1..=pages)
        .filter(|&n| page_text(&pdf, n).starts_with("图片来源"))
        .count();
    assert!(credit_pages >= 1);
    assert!(page_text(&pdf, pages).contains(&squash("共青团太原市委  ·  2020")));
}
