//! `brochure-screen.pdf`: the brochure for websites and screen readers, as PDF/UA-1 and
//! PDF/A-2b, from the print brochure's pages.

mod common;
use common::*;
use folio::Options;
use folio::products::OutFile;
use lopdf::Document;

/// The outline's entries (titles), first level.
fn outline(doc: &Document) -> Vec<String> {
    let root = doc.catalog().unwrap();
    let outlines = doc
        .get_dictionary(root.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    let mut next = outlines
        .get(b"First")
        .ok()
        .and_then(|o| o.as_reference().ok());
    let mut titles = Vec::new();
    while let Some(id) = next {
        let item = doc.get_dictionary(id).unwrap();
        titles.push(lopdf::decode_text_string(item.get(b"Title").unwrap()).unwrap());
        next = item.get(b"Next").ok().and_then(|o| o.as_reference().ok());
    }
    titles
}

fn xmp(doc: &Document) -> String {
    let root = doc.catalog().unwrap();
    let id = root.get(b"Metadata").unwrap().as_reference().unwrap();
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    String::from_utf8_lossy(&stream.content).into_owned()
}

#[test]
fn the_screen_edition_is_tagged_archival_and_small() {
    let built = sample_built();
    let out = &built.session.project.out;
    let path = out.join("brochure-screen.pdf");
    let size = std::fs::metadata(&path)
        .expect("brochure-screen.pdf written")
        .len();
    assert!(size <= 2_000_000, "{size} bytes: more than 2.0 MB");
    let doc = Document::load(&path).unwrap();

    // PDF/UA-1 and PDF/A-2b, as the XMP declares them.
    let x = xmp(&doc);
    for want in ["pdfuaid:part>1<", "pdfaid:part>2<", "pdfaid:conformance>B<"] {
        assert!(x.contains(want), "XMP lacks {want}");
    }
    // Tagged, with a language, and the title in the window.
    let root = doc.catalog().unwrap();
    let marked = root
        .get(b"MarkInfo")
        .and_then(|m| doc.dereference(m))
        .and_then(|(_, m)| m.as_dict())
        .and_then(|m| m.get(b"Marked"))
        .and_then(|b| b.as_bool());
    assert_eq!(marked.ok(), Some(true), "not marked as tagged");
    let lang = lopdf::decode_text_string(root.get(b"Lang").unwrap()).unwrap();
    assert!(lang.starts_with("zh"), "{lang}");
    let vp = root.get(b"ViewerPreferences").unwrap();
    let vp = doc.dereference(vp).unwrap().1.as_dict().unwrap();
    assert!(vp.get(b"DisplayDocTitle").unwrap().as_bool().unwrap());

    // Headings by level; one bookmark per titled section, in order.
    let tags = structure(&doc);
    let sections: Vec<&str> = ["聚焦主业抓思想", "强基固本打基础", "竭诚服务求实效"].to_vec();
    let h1 = tags.iter().filter(|(s, _)| s == "H1").count();
    assert!(h1 >= sections.len(), "{h1} H1 elements");
    let titles = outline(&doc);
    assert_eq!(titles.len(), sections.len(), "{titles:?}");
    for (t, s) in titles.iter().zip(&sections) {
        assert!(t.contains(s), "{t} is not section {s}");
    }
    // Every photo a figure with its alt text (`alt:` in the sample's captions.yaml).
    let figures: Vec<&Option<String>> = tags
        .iter()
        .filter(|(s, _)| s == "Figure")
        .map(|(_, a)| a)
        .collect();
    let images = image_ppi(&path);
    assert!(!images.is_empty());
    assert!(figures.len() >= 12, "{} figures", figures.len());
    assert!(
        figures
            .iter()
            .all(|a| a.as_deref().is_some_and(|a| !a.trim().is_empty())),
        "a figure without alt text: {figures:?}"
    );
    assert!(
        figures
            .iter()
            .any(|a| a.as_deref() == Some("一只䴓鸟头朝下攀在树干上，背景是虚化的行人")),
        "the alt: of captions.yaml is not the alt text: {figures:?}"
    );
    // Photos at 150 ppi (not the print file's 300), no page larger than its trim.
    for (page, x, y) in &images {
        assert!(
            (149.0..=160.0).contains(x) && (149.0..=160.0).contains(y),
            "p{page}: {x}x{y} ppi"
        );
    }
    let print = boxes(&out.join("brochure.pdf"));
    let trim = print[0].1.unwrap();
    for (media, trim_box, bleed) in boxes(&path) {
        assert!(trim_box.is_none() && bleed.is_none(), "a print box");
        assert!((media[2] - media[0] - (trim[2] - trim[0])).abs() < 0.1);
        assert!((media[3] - media[1] - (trim[3] - trim[1])).abs() < 0.1);
    }
    // No crop marks: nothing in the registration colour (a Separation of All).
    let registration = doc.objects.values().any(|o| {
        o.as_array().is_ok_and(|a| {
            a.len() > 1
                && a[0].as_name().ok() == Some(&b"Separation"[..])
                && a[1].as_name().ok() == Some(&b"All"[..])
        })
    });
    assert!(!registration, "the registration colour is used");
    // The brochure's pages without the ones added for the page count.
    let brochure = brochure_of(&built.outcome);
    let padding = folio::render::frames::labelled_pages(&brochure.document, "folio-padding");
    assert!(!padding.is_empty(), "the sample has padding pages");
    assert_eq!(
        doc.get_pages().len(),
        brochure.document.pages().len() - padding.len()
    );
    // They are the pages before the back cover.
    let n = brochure.document.pages().len();
    assert!(
        padding
            .iter()
            .all(|p| (n - 1 - padding.len()..n - 1).contains(p))
    );
}

#[test]
fn the_text_reads_in_order() {
    let built = sample_built();
    let text = drawn_text(&built.session.project.out.join("brochure-screen.pdf"), None);
    let at = |s: &str| {
        text.find(&squash(s))
            .unwrap_or_else(|| panic!("{s} is not in the screen edition"))
    };
    // The first paragraph of a section before the second.
    assert!(at("党的理论武装持续增强") < at("理想信念教育作用鲜明"));
    assert!(at("理想信念教育作用鲜明") < at("网络舆论引导成效明显"));
    // Each key figure with its label, before the next figure.
    let figures = [
        ("65万余名", "青年参与网上主题团课学习"),
        ("126场", "青年讲师团理论宣讲活动"),
        ("500余万人次", "线上线下累计覆盖团员青年"),
    ];
    for w in figures.windows(2) {
        let ((v, l), (next, _)) = (w[0], w[1]);
        assert!(at(v) < at(l) && at(l) < at(next), "{v} / {l} / {next}");
    }
    // The sections in order, and the closing last.
    assert!(at("聚焦主业抓思想") < at("强基固本打基础"));
    assert!(at("强基固本打基础") < at("竭诚服务求实效"));
}

#[test]
fn only_screen_writes_only_it_and_a_setting_turns_it_off() {
    let dir = sample_project();
    let root = dir.path();
    let (session, outcome) = build(
        root,
        &Options {
            only: Some(folio::Kind::Brochure),
            only_file: Some(OutFile::BrochureScreen),
            ..Default::default()
        },
    );
    assert_ok(&outcome);
    let out = &session.project.out;
    let written: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, ["brochure-screen.pdf"]);

    // `screen: false` in the settings: no screen edition, the print file as before.
    let doc = std::fs::read_to_string(root.join("content/document.yaml")).unwrap();
    let doc = doc.replacen("settings:\n", "settings:\n  screen: false\n", 1);
    assert!(doc.contains("screen: false"), "the sample has settings");
    std::fs::write(root.join("content/document.yaml"), doc).unwrap();
    std::fs::remove_file(out.join("brochure-screen.pdf")).unwrap();
    let (session, outcome) = build(root, &only(folio::Kind::Brochure));
    assert_ok(&outcome);
    assert!(session.project.out.join("brochure.pdf").is_file());
    assert!(!session.project.out.join("brochure-screen.pdf").exists());
}

/// A layout the print file accepts but PDF/UA-1 does not (a heading without text): the build
/// fails and says where and what to do, and builds without the screen edition when asked.
#[test]
fn a_layout_that_breaks_pdf_ua_fails_the_build_with_its_line() {
    let dir = sample_project();
    let root = dir.path();
    std::fs::create_dir_all(root.join("layouts")).unwrap();
    let layout = "#let data = json(\"/data.json\")\n#set document(title: data.meta.title)\n#set page(width: 100mm, height: 100mm, margin: 10mm)\n#set text(font: data.theme.at(\"body-font\"), lang: \"zh\", size: 9pt)\n#heading(level: 1, [])\n#data.meta.organisation\n#pagebreak()\n二\n#pagebreak()\n三\n#pagebreak()\n四\n";
    std::fs::write(root.join("layouts/brochure.typ"), layout).unwrap();
    let (_, outcome) = build(root, &only(folio::Kind::Brochure));
    let errs: Vec<&folio::diag::Diagnostic> = outcome
        .report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let e = errs[0];
    assert!(e.message.contains("the screen edition (PDF/UA-1"), "{e:?}");
    assert!(e.message.contains("heading"), "{e:?}");
    assert!(
        e.file
            .as_ref()
            .is_some_and(|f| f.ends_with("layouts/brochure.typ"))
            && e.line == Some(5),
        "{e:?}"
    );
    assert!(e.hint.as_ref().is_some_and(|h| h.contains("screen: false")));
    assert!(
        !root.join("out/brochure.pdf").exists(),
        "nothing is written"
    );
    let (session, outcome) = build(
        root,
        &Options {
            only: Some(folio::Kind::Brochure),
            no_screen: true,
            ..Default::default()
        },
    );
    assert_ok(&outcome);
    assert!(session.project.out.join("brochure.pdf").is_file());
}
