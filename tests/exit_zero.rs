//! Exit 0 means the PDFs are right (issue 10): each class of wrong-but-successful output seen
//! with documents nobody here wrote is reproduced here, and must now either print correctly or
//! fail with a message at the YAML line.

mod common;
use common::*;
use folio::{Kind, Options};
use std::path::Path;
use std::process::Command;

const DOC: &str = "title: 测试手册\norganisation: 测试单位\nyear: 2020\n";

/// A project in a temporary folder: content files, captions and photos.
fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::create_dir_all(dir.path().join("photos")).unwrap();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

fn warnings(outcome: &folio::Outcome) -> Vec<String> {
    outcome
        .report
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(|d| format!("{} {}", d.short(), d.hint.clone().unwrap_or_default()))
        .collect()
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

// ---------- glyph truth ----------

/// Debian's fonts-noto-cjk has the same family names as folio's bundled subsets; scripts/test
/// installs it so this collision is tested on the real fonts.
fn system_noto() {
    assert!(
        Path::new("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc").is_file(),
        "fonts-noto-cjk is not installed: run the tests through scripts/test"
    );
}

#[test]
fn characters_missing_from_the_bundled_subset_print_with_the_system_font() {
    system_noto();
    // Traditional characters and 𠮷 (Extension B) are not in the bundled Simplified subsets;
    // the system's full Noto CJK SC has them.
    let text = "臺灣體驗與𠮷野家的鬱金香。";
    let section = format!("title: 第一部分\nparagraphs:\n  - lead: 齣鬱。\n    text: {text}\n");
    let dir = project(&[
        ("content/document.yaml", DOC.as_bytes()),
        ("content/01-a.yaml", section.as_bytes()),
    ]);
    let (_, outcome) = build(dir.path(), &Options::default());
    assert_ok(&outcome);
    let printed = pdf_text(&dir.path().join("out/brochure.pdf"));
    assert!(printed.contains(&squash(text)), "{printed}");
    assert!(printed.contains("齣鬱"), "{printed}");
}

#[test]
fn a_character_no_font_has_is_refused_at_its_line() {
    system_noto();
    // U+20122 is in no font on the machine: an error at the line, never a blank.
    let section = "title: 第一部分\nparagraphs:\n  - text: 臺灣𠄢字。\n";
    let dir = project(&[
        ("content/document.yaml", DOC.as_bytes()),
        ("content/01-a.yaml", section.as_bytes()),
    ]);
    let (_, outcome) = build(dir.path(), &Options::default());
    let errs = errors(&outcome);
    assert!(
        errs.iter()
            .any(|e| e.contains("content/01-a.yaml:3") && e.contains("U+20122")),
        "{errs:#?}"
    );
    assert!(
        errs.iter().all(|e| !e.contains("U+81FA")),
        "臺 is covered: {errs:#?}"
    );
    assert!(!dir.path().join("out/brochure.pdf").exists());
}

#[test]
fn the_fallback_chain_follows_font_sources_in_order() {
    let fonts = folio::fonts::Fonts::discover(&[repo().join("fonts")]);
    let chain = fonts.chain("Noto Serif CJK SC");
    assert_eq!(chain[0], "Noto Serif CJK SC");
    assert!(chain.len() >= 2, "the system copy is reachable: {chain:?}");
    assert!(fonts.covers("Noto Serif CJK SC", '臺'));
    assert!(!fonts.covers("Noto Serif CJK SC", '\u{20122}'));
}

// ---------- the last guard: reading the laid-out pages ----------

/// A layout that draws text off the page, over other text and in a font without the glyph:
/// whatever the layout does, folio refuses to write such pages.
#[test]
fn pages_with_cut_off_overlapping_or_blank_text_are_not_written() {
    let layout = r#"
#let data = json("/data.json")
#set page(width: 100mm, height: 100mm, margin: 10mm)
#set text(font: data.theme.at("body-font"), fallback: false, size: 12pt)
#place(top + left, dx: 80mm, dy: 20mm, text(data.meta.title))
#place(top + left, dx: 0mm, dy: 50mm, text(data.meta.organisation))
#place(top + left, dx: 1mm, dy: 50mm, text(data.meta.organisation))
#text(font: "Noto Sans CJK SC", "\u{0E01}")
"#;
    let section = "title: 第一部分\nparagraphs:\n  - text: 正文。\n";
    let dir = project(&[
        ("content/document.yaml", DOC.as_bytes()),
        ("content/01-a.yaml", section.as_bytes()),
        ("layouts/brochure.typ", layout.as_bytes()),
    ]);
    let (_, outcome) = build(dir.path(), &only(Kind::Brochure));
    let errs = errors(&outcome);
    let has = |what: &str| errs.iter().any(|e| e.contains(what));
    assert!(
        has("does not fit on page 1 of the brochure") && has("content/document.yaml:1"),
        "{errs:#?}"
    );
    assert!(
        has("is printed over") && has("content/document.yaml:2"),
        "{errs:#?}"
    );
    assert!(has("U+0E01") && has("would print as a blank"), "{errs:#?}");
    assert!(!dir.path().join("out/brochure.pdf").exists());
}

// ---------- overflow: long tokens, figures of any shape ----------

#[test]
fn long_words_addresses_and_figures_fit_their_frames() {
    // The same project .ci/run sends through preflight.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/long-tokens"), dir.path());
    for trim in ["a4", "a5"] {
        let opts = Options {
            trim: Some(folio::content::Trim::parse(trim).unwrap()),
            ..Default::default()
        };
        let (_, outcome) = build(dir.path(), &opts);
        // The build itself reads every page for cut-off and overlapping text.
        assert_ok(&outcome);
        let brochure = pdf_text(&dir.path().join("out/brochure.pdf"));
        let slides = pdf_text(&dir.path().join("out/slides.pdf"));
        for s in [
            "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt",
            "youth.league@taiyuan-example.org.cn",
            "¥1,234,567,890.00",
            "ABCD-1234-EFGH-5678-IJKL-9012",
            "12345678901234567890123",
            "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
        ] {
            assert!(
                brochure.contains(&squash(s)),
                "{trim}: {s} not in the brochure"
            );
        }
        assert!(slides.contains(&squash(
            "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt"
        )));
        assert!(slides.contains(&squash("youth.league@taiyuan-example.org.cn")));
    }
}

// ---------- photos ----------

#[test]
fn transparent_pixels_print_as_paper_and_cmyk_photos_are_converted_everywhere() {
    // A logo: opaque blue square on a transparent background whose hidden colour is red.
    let logo = image::RgbaImage::from_fn(600, 400, |x, y| {
        if (250..350).contains(&x) && (150..250).contains(&y) {
            image::Rgba([0, 0, 255, 255])
        } else {
            image::Rgba([255, 0, 0, 0])
        }
    });
    let mut png = Vec::new();
    image::DynamicImage::ImageRgba8(logo)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    // A small CMYK JPEG (smaller than its frames: it would have been embedded as it is).
    let cmyk: Vec<u8> = (0..160 * 120)
        .flat_map(|i| [(i % 200) as u8, 40, 200, 10])
        .collect();
    let mut cmyk_jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut cmyk_jpeg, 90)
        .encode(&cmyk, 160, 120, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    let section = "title: 第一部分\nparagraphs:\n  - text: 正文。\n    photos: [logo.png]\n  - text: 又一段。\n    photos: [cmyk.jpg]\n";
    let captions = "logo.png:\n  caption: 标志\ncmyk.jpg:\n  caption: 印刷照片\n";
    let dir = project(&[
        ("content/document.yaml", DOC.as_bytes()),
        ("content/01-a.yaml", section.as_bytes()),
        ("photos/captions.yaml", captions.as_bytes()),
        ("photos/logo.png", &png),
        ("photos/cmyk.jpg", &cmyk_jpeg),
    ]);
    let (_, outcome) = build(dir.path(), &Options::default());
    assert_ok(&outcome);
    for pdf in ["brochure.pdf", "slides.pdf"] {
        let path = dir.path().join("out").join(pdf);
        let list = image_list(&path);
        assert!(
            !list.contains(" cmyk "),
            "{pdf} embeds a CMYK photo as it is:\n{list}"
        );
        // Extract the images and find the logo: its corners are paper white, not hidden red.
        let images = tempfile::tempdir().unwrap();
        // As PNGs decoded by poppler, as a viewer would decode them.
        let status = Command::new("pdfimages")
            .arg("-png")
            .arg(&path)
            .arg(images.path().join("img"))
            .status()
            .unwrap();
        assert!(status.success());
        let mut found = false;
        for e in std::fs::read_dir(images.path()).unwrap() {
            let path = e.unwrap().path();
            let img = match image::open(&path) {
                Ok(img) => img,
                Err(err) => panic!("{}: {err}", path.display()),
            };
            let img = img.to_rgb8();
            let centre = img.get_pixel(img.width() / 2, img.height() / 2).0;
            // Blue, as a screen shows it (slides) or as the press prints it (the print file's
            // output intent makes poppler show FOGRA39's blue, about (40, 80, 170)).
            if centre[2] > 150 && centre[0] < 80 && centre[2] > centre[0] + 80 {
                found = true;
                let corner = img.get_pixel(2, 2).0;
                assert!(corner.iter().all(|&c| c > 235), "{pdf}: corner {corner:?}");
            }
        }
        assert!(
            found,
            "{pdf}: the logo was not found among the images:\n{list}"
        );
    }
}

#[test]
fn photos_keep_their_shape_on_slides_or_a_heavy_crop_warns() {
    // A tall photo on a photo slide stands at full height beside its caption: nothing lost.
    // As the cover, it must fill the title slide's wide band: most of it is cut, and folio says so.
    let tall = jpeg(300, 1500);
    let doc = format!("{DOC}cover:\n  photo: tall.jpg\n");
    let section = "title: 第一部分\nparagraphs:\n  - text: 正文。\n    photos: [tall.jpg]\n";
    let dir = project(&[
        ("content/document.yaml", doc.as_bytes()),
        ("content/01-a.yaml", section.as_bytes()),
        (
            "photos/captions.yaml",
            "tall.jpg:\n  caption: 竖图\n".as_bytes(),
        ),
        ("photos/tall.jpg", &tall),
    ]);
    let (_, outcome) = build(dir.path(), &only(Kind::Slides));
    assert_ok(&outcome);
    let w = warnings(&outcome);
    let crop: Vec<&String> = w.iter().filter(|w| w.contains("cropped")).collect();
    assert_eq!(crop.len(), 1, "{w:#?}");
    assert!(
        crop[0].contains("tall.jpg")
            && crop[0].contains("slide 1")
            && !crop[0].contains("slide 1, ")
            && crop[0].contains("focus")
            && crop[0].contains("slides: false"),
        "{crop:#?}"
    );
}

// ---------- stray files ----------

#[test]
fn hidden_files_backups_and_thumbnails_are_not_content() {
    let section = "title: 第一部分\nparagraphs:\n  - text: 正文。\n";
    let dir = project(&[
        ("content/document.yaml", DOC.as_bytes()),
        ("content/01-a.yaml", section.as_bytes()),
        (
            "content/._01-a.yaml",
            b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ",
        ),
        ("content/.01-a.yaml.swp", b"b0VIM 9.0\x00\x00"),
        ("content/01-a.yaml~", b"title: [unclosed\n"),
        ("content/#01-a.yaml#", b"title: [unclosed\n"),
        ("content/Thumbs.db", b"\xd0\xcf\x11\xe0"),
        ("content/desktop.ini", b"[.ShellClassInfo]\n"),
        ("content/.DS_Store", b"\x00\x00\x00\x01Bud1"),
        ("photos/._photo.jpg", b"\x00\x05\x16\x07"),
        ("photos/Thumbs.db", b"\xd0\xcf\x11\xe0"),
    ]);
    let (_, outcome) = build(dir.path(), &Options::default());
    assert_ok(&outcome);
    assert!(dir.path().join("out/brochure.pdf").is_file());
}
