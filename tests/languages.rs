//! Issue 17: Simplified, Traditional and English documents, each with its labels, fonts and
//! typography. The three sample projects: the repository's own (Simplified), and
//! `tests/projects/zh-hant` and `tests/projects/en`.

mod common;
use common::*;
use folio::Options;
use std::path::Path;
use std::process::Command;

/// A temporary copy of a sample project: `""` for the repository's own.
fn project(name: &str) -> tempfile::TempDir {
    if name.is_empty() {
        return sample_project();
    }
    let dir = tempfile::tempdir().unwrap();
    let from = repo().join("tests/projects").join(name);
    copy_dir(&from.join("content"), &dir.path().join("content"));
    copy_dir(&from.join("photos"), &dir.path().join("photos"));
    dir
}

fn pdffonts(pdf: &Path) -> String {
    let out = Command::new("pdffonts").arg(pdf).output().unwrap();
    assert!(out.status.success(), "pdffonts failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn labels_come_out_in_the_documents_language_in_every_output() {
    // (project, contents, photo credits, handout's title word, a label of the other scripts)
    let cases = [
        ("", "目录", "图片来源", "讲义", ["目錄", "Contents"]),
        ("zh-hant", "目錄", "圖片來源", "講義", ["目录", "Contents"]),
        (
            "en",
            "Contents",
            "Photocredits",
            "Handout",
            ["目录", "目錄"],
        ),
    ];
    for (name, contents, credits, handout, others) in cases {
        let dir = project(name);
        let (_, outcome) = build(dir.path(), &Options::default());
        assert_ok(&outcome);
        let out = dir.path().join("out");
        let brochure = pdf_text(&out.join("brochure.pdf"));
        let slides = pdf_text(&out.join("slides.pdf"));
        for (what, text) in [("brochure", &brochure), ("slides", &slides)] {
            assert!(
                text.contains(contents),
                "{name}: no {contents} in the {what}"
            );
            assert!(text.contains(credits), "{name}: no {credits} in the {what}");
            for other in others {
                assert!(!text.contains(other), "{name}: {other} in the {what}");
            }
        }
        let title = pdf_info(&out.join("handout.pdf"), "Title");
        assert!(title.contains(handout), "{name}: handout title {title}");
        // The screen edition says its language, as screen readers need.
        let screen = lopdf::Document::load(out.join("brochure-screen.pdf")).unwrap();
        let lang = screen.catalog().unwrap().get(b"Lang").unwrap();
        let lang = lopdf::decode_text_string(lang).unwrap();
        let want = match name {
            "" => "zh-CN",
            "zh-hant" => "zh-TW",
            _ => "en",
        };
        assert_eq!(lang, want, "{name}: the screen edition's /Lang");
        // The editable deck has the same labels (its agenda slide's title).
        let deck = pptx_deck(&out.join("slides.pptx")).to_string();
        assert!(
            deck.contains(contents),
            "{name}: no {contents} in slides.pptx"
        );
    }
}

#[test]
fn traditional_documents_use_the_traditional_faces() {
    let dir = project("zh-hant");
    let (_, outcome) = build(dir.path(), &Options::default());
    assert_ok(&outcome);
    for pdf in ["brochure.pdf", "slides.pdf"] {
        let fonts = pdffonts(&dir.path().join("out").join(pdf));
        assert!(
            fonts.contains("NotoSerifCJKtc") || fonts.contains("NotoSansCJKtc"),
            "{pdf}: {fonts}"
        );
        assert!(
            !fonts.contains("CJKsc"),
            "{pdf} uses a Simplified face: {fonts}"
        );
    }
    // The Simplified sample keeps the Simplified faces.
    let fonts = pdffonts(&sample_built().dir.path().join("out/brochure.pdf"));
    assert!(
        fonts.contains("CJKsc") && !fonts.contains("CJKtc"),
        "{fonts}"
    );
}

#[test]
fn a_traditional_character_in_a_simplified_document_is_named_as_such() {
    let dir = sample_project();
    let path = dir.path().join("content/01-leadership.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, yaml.replacen("牢牢把握", "我們牢牢把握", 1)).unwrap();
    // Without the system's fonts: a full Noto CJK installed there would draw the character.
    let out = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["build"])
        .arg(dir.path())
        .env("FOLIO_NO_SYSTEM_FONTS", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("`們` (U+5011) is a Traditional character"),
        "{err}"
    );
    assert!(err.contains("region: tw"), "{err}");
    assert!(err.contains("content/01-leadership.yaml:18"), "{err}");
}

#[test]
fn an_unknown_language_or_region_is_an_error_listing_the_accepted_ones() {
    for (from, to, expect) in [
        ("language: zh", "language: fr", "zh, en"),
        ("region: cn", "region: kr", "cn, sg, tw, hk, mo"),
    ] {
        let dir = sample_project();
        let path = dir.path().join("content/document.yaml");
        let yaml = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, yaml.replacen(from, to, 1)).unwrap();
        let (_, outcome) = build(dir.path(), &Options::default());
        let errs = errors(&outcome);
        assert!(
            errs.iter()
                .any(|e| e.contains("content/document.yaml:") && e.contains(expect)),
            "{to}: {errs:#?}"
        );
    }
}

/// Lines of body text on the brochure's pages: (left edge, text), with the page's leftmost
/// body line as 0.
fn body_lines(outcome: &folio::Outcome, size: f64) -> Vec<(f64, String)> {
    let mut out = Vec::new();
    for lines in brochure_lines(outcome, size) {
        let left = lines.iter().map(|l| l.left).fold(f64::INFINITY, f64::min);
        out.extend(lines.into_iter().map(|l| (l.left - left, l.text)));
    }
    out
}

#[test]
fn english_is_hyphenated_and_indented_the_latin_way() {
    let dir = project("en");
    let (_, outcome) = build(dir.path(), &only(folio::Kind::Brochure));
    assert_ok(&outcome);
    let lines = body_lines(&outcome, 10.5);
    assert!(lines.len() > 40, "{} body lines", lines.len());
    // A word broken at a line end by hyphenation: the line ends in "-", and the piece before
    // it joined with the next line's first piece is a word of the source without a hyphen.
    let source: String = ["01-leadership.yaml", "02-organisation.yaml"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.path().join("content").join(f)).unwrap())
        .collect();
    let words: std::collections::BTreeSet<String> = source
        .split(|c: char| !c.is_alphabetic())
        .map(str::to_string)
        .collect();
    let hyphenated: Vec<String> = lines
        .windows(2)
        .filter_map(|w| {
            // typst's hyphen is a soft hyphen in the text (U+00AD), drawn as a hyphen.
            let head = w[0]
                .1
                .trim_end()
                .strip_suffix(['-', '\u{ad}', '\u{2010}'])?;
            let head = head.rsplit(|c: char| !c.is_alphabetic()).next()?;
            let tail: String = w[1]
                .1
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphabetic())
                .collect();
            let word = format!("{head}{tail}");
            (!head.is_empty() && words.contains(&word)).then_some(word)
        })
        .collect();
    assert!(!hyphenated.is_empty(), "no hyphenated word at a line end");
    // No 2 em first-line indent: every line starts at the margin or 1.2 em in (10.5 pt type).
    for (x, t) in &lines {
        assert!(*x < 1.5 * 10.5, "indented {x:.1} pt: {t}");
    }
    // The Chinese sample does indent 2 em (the measure works).
    let zh = body_lines(&sample_built().outcome, 10.5);
    assert!(
        zh.iter().any(|(x, _)| (*x - 21.0).abs() < 1.0),
        "no 2 em indent in Chinese"
    );
}

/// The glyph each character of `chars` is drawn with on the brochure's pages (its first use).
fn glyphs_of(outcome: &folio::Outcome, chars: &str) -> Vec<(char, u16)> {
    use typst::layout::{FrameItem, Transform};
    let doc = &brochure_of(outcome).document;
    let mut found: Vec<(char, u16)> = Vec::new();
    for page in doc.pages() {
        folio::render::frames::walk(&page.frame, Transform::identity(), &mut |_, _, item| {
            if let FrameItem::Text(t) = item {
                for g in &t.glyphs {
                    let s = &t.text[g.range()];
                    if let Some(c) = s.chars().next()
                        && chars.contains(c)
                        && !found.iter().any(|(f, _)| *f == c)
                    {
                        found.push((c, g.id));
                    }
                }
            }
        });
    }
    found.sort();
    found
}

#[test]
fn hong_kong_forms_and_hkscs_characters() {
    // The Traditional sample as a Hong Kong document, with a paragraph in written Cantonese
    // (HKSCS characters, outside Big5).
    let build_as = |region: &str| {
        let dir = project("zh-hant");
        let doc = dir.path().join("content/document.yaml");
        let yaml = std::fs::read_to_string(&doc).unwrap();
        std::fs::write(
            &doc,
            yaml.replace("region: tw", &format!("region: {region}")),
        )
        .unwrap();
        let section = dir.path().join("content/01-leadership.yaml");
        let yaml = std::fs::read_to_string(&section).unwrap();
        let cantonese = "  - text: \"我哋喺社區度搞咗好多活動，啲青年都話冇諗過咁好玩㗎。\"\n";
        let yaml = yaml.replacen("paragraphs:\n", &format!("paragraphs:\n{cantonese}"), 1);
        std::fs::write(&section, yaml).unwrap();
        let (_, outcome) = build(
            dir.path(),
            &Options {
                only: Some(folio::Kind::Brochure),
                no_screen: true,
                ..Default::default()
            },
        );
        assert_ok(&outcome);
        (dir, outcome)
    };
    let (hk_dir, hk) = build_as("hk");
    let (_tw_dir, tw) = build_as("tw");
    // Every HKSCS character is printed (the fonts cover them; no blank glyph passes the guard).
    let text = pdf_text(&hk_dir.path().join("out/brochure.pdf"));
    assert!(
        text.contains("我哋喺社區度搞咗好多活動"),
        "the Cantonese paragraph"
    );
    // The fonts' `locl` for Hong Kong draws some characters in their Hong Kong forms: the same
    // characters, other glyphs than Taiwan's.
    let chars = "業青新體總數會育精將";
    let (hk, tw) = (glyphs_of(&hk, chars), glyphs_of(&tw, chars));
    assert_eq!(hk.len(), chars.chars().count(), "{hk:?}");
    assert_eq!(
        hk.iter().map(|g| g.0).collect::<Vec<_>>(),
        tw.iter().map(|g| g.0).collect::<Vec<_>>()
    );
    let differ = hk.iter().zip(&tw).filter(|(a, b)| a.1 != b.1).count();
    assert!(
        differ >= 5,
        "only {differ} of {} differ: hk {hk:?} tw {tw:?}",
        hk.len()
    );
}

#[test]
fn a_long_english_title_keeps_the_cover_photo_and_a_large_size() {
    use typst::layout::{FrameItem, Transform};
    let dir = project("en");
    let (_, outcome) = build(dir.path(), &only(folio::Kind::Slides));
    assert_ok(&outcome);
    let deck = outcome
        .rendered
        .iter()
        .find(|r| r.kind == folio::Kind::Slides)
        .unwrap();
    let first = &deck.document.pages()[0].frame;
    let mut has_photo = false;
    folio::render::frames::walk(first, Transform::identity(), &mut |_, _, item| {
        has_photo |= matches!(item, FrameItem::Image(..));
    });
    assert!(has_photo, "the title slide lost its cover photo");
    let title = folio::render::frames::text_boxes(first)
        .into_iter()
        .filter(|b| b.text.contains("Century"))
        .map(|b| b.size)
        .fold(0.0, f64::max);
    // The display sizes run 44 to 20 pt; the smallest means the title did not fit.
    assert!(title >= 24.0, "the title is set at {title} pt");
}

#[test]
fn english_slides_show_first_sentences_and_none_is_continued() {
    let dir = project("en");
    let (_, outcome) = build(dir.path(), &only(folio::Kind::Slides));
    assert_ok(&outcome);
    let deck = pdf_text(&dir.path().join("out/slides.pdf"));
    // A slide shows a paragraph's first sentences (a Latin full stop ends one), so the
    // sample's paragraphs fit their slides: none runs on to a "(continued)" slide.
    assert!(!deck.contains("(continued)"), "a continued slide");
    assert!(deck.contains(&squash(
        "on passing on the revolutionary tradition and preparing new members for the Party."
    )));
    assert!(
        !deck.contains(&squash(
            "It led young people across the city to study in depth"
        )),
        "the whole paragraph is on its slide"
    );
}

#[test]
fn chinese_next_to_latin_or_digits_gets_a_quarter_em() {
    use typst::layout::{FrameItem, Transform};
    // typst's CJK–Latin spacing: a Han character before a digit or a Latin letter gets about
    // a quarter of an em more advance than the Han character before it.
    let is_han = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
    let built = sample_built();
    let doc = &brochure_of(&built.outcome).document;
    let mut extra: Vec<f64> = Vec::new();
    for page in doc.pages() {
        folio::render::frames::walk(&page.frame, Transform::identity(), &mut |_, _, item| {
            if let FrameItem::Text(t) = item {
                let ch = |i: usize| t.text[t.glyphs[i].range()].chars().next().unwrap_or(' ');
                for i in 1..t.glyphs.len().saturating_sub(1) {
                    if is_han(ch(i - 1)) && is_han(ch(i)) && ch(i + 1).is_ascii_alphanumeric() {
                        extra.push((t.glyphs[i].x_advance - t.glyphs[i - 1].x_advance).get());
                    }
                }
            }
        });
    }
    assert!(
        extra.len() >= 10,
        "{} places where Han meets a digit",
        extra.len()
    );
    extra.sort_by(f64::total_cmp);
    let median = extra[extra.len() / 2];
    assert!(
        (0.2..0.35).contains(&median),
        "median extra advance {median} em"
    );
}
