//! Content is data, never code: typst markup in titles, paragraphs and captions prints as is.

mod common;
use common::*;
use folio::Options;

const MARKUP: &str = r#"#read("x") $x$ *a* _b_ @c <d> [e] \"#;

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
}
