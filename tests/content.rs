//! Content validation in-process: the checks `content::load` makes, one small project each,
//! without a build (the bad-input corpus runs the same through the CLI).

mod common;
use folio::project::Project;

fn load(doc: &str, section: &str) -> folio::content::Loaded {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::create_dir_all(dir.path().join("photos")).unwrap();
    std::fs::write(dir.path().join("content/document.yaml"), doc).unwrap();
    std::fs::write(dir.path().join("content/01-a.yaml"), section).unwrap();
    folio::content::load(&Project::open(dir.path(), None).unwrap())
}

const DOC: &str = "title: 标题\norganisation: 单位\nyear: 2020\n";
const SECTION: &str = "title: 第一部分\nparagraphs:\n  - text: 正文。\n";

fn errors(l: &folio::content::Loaded) -> Vec<String> {
    l.report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.short())
        .collect()
}

#[test]
fn a_valid_document_loads_with_its_text_cleaned_up() {
    let l = load(
        DOC,
        "title: 第一部分\nparagraphs:\n  - text: 2020年,全市(市、区)团委。\n",
    );
    let doc = l.document.expect("loads");
    assert_eq!(
        doc.sections[0].paragraphs[0].text,
        "2020年，全市（市、区）团委。"
    );
    assert!(
        doc.texts
            .iter()
            .any(|(t, _)| t == "2020年，全市（市、区）团委。")
    );
}

#[test]
fn language_and_region_are_checked_at_their_lines() {
    let l = load(&format!("{DOC}language: fr\nregion: kr\n"), SECTION);
    let e = errors(&l);
    assert!(
        e.iter()
            .any(|e| e.contains("document.yaml:4") && e.contains("language `fr`")),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(|e| e.contains("document.yaml:5") && e.contains("region `kr`")),
        "{e:#?}"
    );
    // English takes English regions, not Chinese ones.
    let l = load(&format!("{DOC}language: en\nregion: tw\n"), SECTION);
    assert!(
        errors(&l)
            .iter()
            .any(|e| e.contains("document.yaml:5") && e.contains("region `tw`")),
    );
    assert!(l.document.is_none());
}

#[test]
fn control_characters_are_refused_in_text_and_notes() {
    let l = load(
        DOC,
        "title: 第一部分\nparagraphs:\n  - text: \"正文\\u0008。\"\n    notes: \"讲\\u0007稿\"\n",
    );
    let e = errors(&l);
    assert!(
        e.iter()
            .any(|e| e.contains("01-a.yaml:3") && e.contains("U+0008")),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(|e| e.contains("01-a.yaml:4") && e.contains("U+0007")),
        "{e:#?}"
    );
}

#[test]
fn sections_are_numbered_and_ids_must_be_unique() {
    let l = load(DOC, "id: a\ntitle: 一\nparagraphs:\n  - text: 正文。\n");
    let doc = l.document.unwrap();
    assert_eq!(doc.sections[0].number, Some(1));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::create_dir_all(dir.path().join("photos")).unwrap();
    std::fs::write(dir.path().join("content/document.yaml"), DOC).unwrap();
    for f in ["01-a.yaml", "02-b.yaml"] {
        std::fs::write(
            dir.path().join("content").join(f),
            "id: same\ntitle: 一\nparagraphs:\n  - text: 正文。\n",
        )
        .unwrap();
    }
    let l = folio::content::load(&Project::open(dir.path(), None).unwrap());
    let e = errors(&l);
    assert!(
        e.iter()
            .any(|e| e.contains("02-b.yaml:1") && e.contains("duplicate section id `same`")),
        "{e:#?}"
    );
}
