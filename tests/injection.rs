//! Content is data, never code: typst markup in titles, paragraphs and captions prints as is.

mod common;
use common::*;
use folio::Options;

/// typst syntax, and the XML of the PowerPoint file's parts (`slides.pptx`).
const MARKUP: &str = r#"#read("x") $x$ *a* _b_ @c <d> [e] </a:t>&<p:sp> ]]> \"#;

/// Each slide's texts and notes in `slides.pptx`, as python-pptx reads them.
fn pptx_texts(out: &std::path::Path) -> (String, String) {
    let deck = pptx_deck(&out.join("slides.pptx"));
    assert_eq!(deck["problems"], serde_json::json!([]));
    let slides = deck["slides"].as_array().unwrap();
    let texts = slides
        .iter()
        .flat_map(|s| s["shapes"].as_array().unwrap())
        .map(|t| t.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let notes = slides
        .iter()
        .map(|s| s["notes"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    (texts, notes)
}

#[test]
fn markup_characters_print_literally() {
    let dir = sample_project();
    let root = dir.path();
    // A title, a paragraph and a caption full of typst syntax.
    let yaml_str = |s: &str| serde_json::to_string(s).unwrap();
    let doc = std::fs::read_to_string(root.join("content/document.yaml")).unwrap();
    let doc = doc.replacen(
        "title: \"百年风华正青春 建功立业新征程\"",
        &format!("title: {}", yaml_str(&format!("标题 {MARKUP}"))),
        1,
    );
    std::fs::write(root.join("content/document.yaml"), doc).unwrap();
    std::fs::write(
        root.join("content/05-markup.yaml"),
        format!(
            "title: {}\nparagraphs:\n  - lead: {}\n    text: {}\n    photos: [Wine_by_Jakkub_Mede.jpg]\n",
            yaml_str(&format!("章节 {MARKUP}")),
            yaml_str("引语。"),
            yaml_str(&format!("正文 {MARKUP} 结束。")),
        ),
    )
    .unwrap();
    let captions = std::fs::read_to_string(root.join("photos/captions.yaml")).unwrap();
    let captions = captions.replacen(
        "caption: \"太原市青年践行",
        &format!(
            "caption: {}",
            &yaml_str(&format!("图注 {MARKUP} 太原市青年践行"))
                [..yaml_str(&format!("图注 {MARKUP} 太原市青年践行")).len() - 1]
        ),
        1,
    );
    std::fs::write(root.join("photos/captions.yaml"), captions).unwrap();

    let (session, outcome) = build(root, &Options::default());
    assert_ok(&outcome);
    let literal = squash(MARKUP);
    for pdf in ["brochure.pdf", "slides.pdf"] {
        let text = pdf_text(&session.project.out.join(pdf));
        for prefix in ["标题", "章节", "正文", "图注"] {
            let want = format!("{prefix}{literal}");
            assert!(text.contains(&want), "{pdf}: {want} not printed literally");
        }
    }
    let (texts, _) = pptx_texts(&session.project.out);
    for prefix in ["标题", "章节", "正文", "图注"] {
        let want = format!("{prefix} {MARKUP}");
        assert!(
            texts.contains(&want),
            "slides.pptx: {want} not written literally"
        );
    }
}

#[test]
fn file_names_and_notes_with_markup_are_only_data() {
    let dir = sample_project();
    let root = dir.path();
    let yaml_str = |s: &str| serde_json::to_string(s).unwrap();
    // A photo whose file name is typst code, with notes that are typst code too.
    let odd = r#"#read("x")[e]$x$.jpg"#;
    std::fs::copy(
        root.join("photos/Wine_by_Jakkub_Mede.jpg"),
        root.join("photos").join(odd),
    )
    .unwrap();
    let mut captions = std::fs::read_to_string(root.join("photos/captions.yaml")).unwrap();
    captions.push_str(&format!(
        "{}:\n  caption: {}\n  alt: {}\n  notes: {}\n",
        yaml_str(odd),
        yaml_str(&format!("奇怪的文件名 {MARKUP}")),
        yaml_str(&format!("替代文字 {MARKUP}")),
        yaml_str(&format!("照片备注 {MARKUP}"))
    ));
    std::fs::write(root.join("photos/captions.yaml"), captions).unwrap();
    std::fs::write(
        root.join("content/05-odd.yaml"),
        format!(
            "title: 附录\nnotes: {}\nparagraphs:\n  - text: 正文。\n    notes: {}\n    photos: [{}]\n",
            yaml_str(&format!("章节备注 {MARKUP}")),
            yaml_str(&format!("段落备注 {MARKUP}")),
            yaml_str(odd)
        ),
    )
    .unwrap();
    let (session, outcome) = build(root, &Options::default());
    assert_ok(&outcome);
    // The alt text, which only the tags carry, is the YAML's text too.
    let screen = lopdf::Document::load(session.project.out.join("brochure-screen.pdf")).unwrap();
    let alts: Vec<String> = structure(&screen)
        .into_iter()
        .filter_map(|(_, alt)| alt)
        .collect();
    let want = format!("替代文字 {MARKUP}");
    assert!(alts.contains(&want), "{want} is not an alt text: {alts:?}");
    let deck = pdf_text(&session.project.out.join("slides.pdf"));
    assert!(deck.contains(&squash(&format!("奇怪的文件名 {MARKUP}"))));
    let pdfpc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(session.project.out.join("slides.pdfpc")).unwrap())
            .unwrap();
    let notes: Vec<&str> = pdfpc["pages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["note"].as_str())
        .collect();
    let (_, pptx_notes) = pptx_texts(&session.project.out);
    for want in ["照片备注", "章节备注", "段落备注"] {
        let want = format!("{want} {MARKUP}");
        assert!(
            notes.contains(&want.as_str()),
            "{want} not in the notes: {notes:?}"
        );
        assert!(
            pptx_notes.contains(&want),
            "{want} not in slides.pptx's notes"
        );
    }
}
