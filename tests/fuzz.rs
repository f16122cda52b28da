//! Property test over YAML → model → layout data: whatever bytes a content file holds, loading
//! never panics, and valid content always yields layout data that is valid JSON.
//! Bounded for CI (PROPTEST_CASES raises it for longer runs).

mod common;
use common::*;
use folio::project::Project;
use folio::render::data::{self, Geometry, Kind};
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "title: ",
    "paragraphs:\n",
    "  - text: ",
    "    lead: ",
    "figures:\n",
    "  - value: ",
    "    label: ",
    "photos: [",
    "]",
    "\n",
    "  ",
    "\t",
    "- ",
    ": ",
    "\"",
    "'",
    "#",
    "&a ",
    "*a",
    "!!str ",
    "{",
    "}",
    "[",
    ",",
    "|\n",
    ">\n",
    "正文。",
    "😀",
    "\u{feff}",
    "\r\n",
    "<<: *a\n",
    "~",
    "null",
    "12e9999",
    "-1",
    "0x1F",
    "id: x\n",
    "slide:\n",
    "  - a\n",
    "notes: n\n",
    "slides: false\n",
    "#read(\"/etc/passwd\")",
];

fn yaml() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2000),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn loading_any_content_never_panics(section in yaml(), doc_tail in yaml(), raw in prop::collection::vec(any::<u8>(), 0..64)) {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::create_dir_all(dir.path().join("photos")).unwrap();
        std::fs::write(content.join("document.yaml"), format!("title: 标题\norganisation: 单位\nyear: 2020\n{doc_tail}")).unwrap();
        std::fs::write(content.join("01-a.yaml"), &section).unwrap();
        std::fs::write(content.join("02-raw.yaml"), &raw).unwrap();
        let project = Project::open(dir.path(), None).unwrap();
        let loaded = folio::content::load(&project);
        if let Some(doc) = loaded.document {
            let geometry = Geometry { trim: (210.0, 297.0), bleed: 3.0, marks: true };
            for kind in [Kind::Brochure, Kind::Slides] {
                let bytes = data::build(&doc, kind, geometry, &Default::default(), false, &[]);
                prop_assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok());
            }
        } else {
            prop_assert!(loaded.report.has_errors());
        }
    }
}

#[test]
fn sample_loads_cleanly() {
    let project = Project::open(&repo(), None).unwrap();
    let loaded = folio::content::load(&project);
    assert!(loaded.document.is_some());
    assert_eq!(
        loaded.report.diagnostics.len(),
        0,
        "{:?}",
        loaded.report.diagnostics
    );
}
