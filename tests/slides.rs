//! The deck never overflows: a 3,000-character paragraph, a 200-character caption and a section
//! with 40 photos all stay inside their slides (measured on typst's laid-out frames).

mod common;
use common::*;
use folio::Options;
use folio::render::frames::{page_size, text_boxes};

#[test]
fn long_text_and_many_photos_stay_inside_the_slides() {
    let dir = sample_project();
    let root = dir.path();
    let long: String = "青年工作持续推进，成效显著。".repeat(215); // ~3,000 characters
    let caption: String = "这是一段很长的图片说明文字，".repeat(15); // ~200 characters
    let photos: Vec<String> = std::fs::read_dir(root.join("photos"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".jpg"))
        .collect();
    // 40 photos: copies of the samples under new names.
    let mut names = Vec::new();
    let mut captions = std::fs::read_to_string(root.join("photos/captions.yaml")).unwrap();
    for i in 0..40 {
        let name = format!("copy{i:02}.jpg");
        std::fs::copy(
            root.join("photos").join(&photos[i % photos.len()]),
            root.join("photos").join(&name),
        )
        .unwrap();
        let text = if i == 0 {
            caption.clone()
        } else {
            format!("第{i}张照片")
        };
        captions.push_str(&format!("{name}:\n  caption: \"{text}\"\n"));
        names.push(name);
    }
    std::fs::write(root.join("photos/captions.yaml"), captions).unwrap();
    std::fs::write(
        root.join("content/05-stress.yaml"),
        format!(
            "title: 压力测试\nparagraphs:\n  - lead: 很长的段落。\n    text: \"{long}\"\n    slide: \"{long}\"\n    photos: [{}]\n",
            names.join(", ")
        ),
    )
    .unwrap();

    let (_, outcome) = build(
        root,
        &Options {
            only: Some(folio::Kind::Slides),
            ..Default::default()
        },
    );
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
