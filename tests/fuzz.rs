//! Property test over YAML → document → layout data: whatever bytes a content file holds,
//! loading never panics; content that fails names the file of every error; content that loads
//! has only printable strings, and the layouts' data carries each of them as written.
//! Bounded for CI (PROPTEST_CASES raises it for longer runs).

mod common;
use common::*;
use folio::Kind;
use folio::print::{Geometry, Trim};
use folio::project::Project;
use folio::render::data;
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
            for (text, _) in &doc.texts {
                prop_assert!(!text.trim().is_empty(), "an empty printed string");
                prop_assert!(!text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{text:?}");
            }
            let geometry = Geometry { trim: Trim::A4, bleed: 3.0, marks: true };
            for kind in [Kind::Brochure, Kind::Slides] {
                let inputs = data::Inputs { doc: &doc, geometry, fonts: &Default::default(), has_logo: false, sizes: &[] };
                let bytes = data::build(&inputs, kind);
                let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                prop_assert_eq!(json["sections"].as_array().map(|a| a.len()), Some(doc.sections.len()));
                for (s, js) in doc.sections.iter().zip(json["sections"].as_array().unwrap()) {
                    for (p, jp) in s.paragraphs.iter().zip(js["paragraphs"].as_array().unwrap()) {
                        prop_assert_eq!(jp["text"].as_str(), Some(p.text.as_str()));
                    }
                }
                prop_assert_eq!(json["meta"]["title"].as_str(), Some(doc.title.as_str()));
            }
        } else {
            prop_assert!(loaded.report.has_errors());
            for d in loaded.report.diagnostics.iter().filter(|d| d.is_error()) {
                prop_assert!(d.file.is_some(), "an error that names no file: {}", d.short());
            }
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
