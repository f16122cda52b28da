//! Every field the YAML accepts is printed somewhere, or is a setting that shapes the output
//! (issue 10): a field that passes validation and appears nowhere is a promise broken silently.
//!
//! The list of fields is read from the schema itself (the parser's "unknown field … expected one
//! of …" answer at every level), so a field added to `content/schema` without a place here fails
//! this test until it is given a marker or a reason.

mod common;
use common::*;
use folio::content::schema::{CaptionsFile, DocumentFile, Section};
use std::collections::BTreeSet;

/// The fields the schema accepts at `place`, asked of the parser with a key it cannot know.
fn schema_fields<T: serde::de::DeserializeOwned>(yaml: &str) -> BTreeSet<String> {
    let err = match serde_saphyr::from_str::<T>(yaml) {
        Ok(_) => panic!("the probe was accepted: {yaml}"),
        Err(e) => e.to_string(),
    };
    let list = err
        .split("expected one of ")
        .nth(1)
        .unwrap_or_else(|| panic!("no field list in: {err}"));
    let list = list.lines().next().unwrap();
    let list = list.split(" at line ").next().unwrap();
    list.split(',')
        .map(|f| f.trim().trim_matches('`').to_string())
        .filter(|f| !f.is_empty())
        .collect()
}

const HEAD: &str = "title: a\norganisation: b\nyear: 1\n";

/// Each place of the schema: its name here, and its fields as the parser lists them.
fn schema() -> Vec<(&'static str, BTreeSet<String>)> {
    let para = "paragraphs:\n  - text: t\n    zz_probe: 1\n";
    vec![
        (
            "document",
            schema_fields::<DocumentFile>(&format!("{HEAD}zz_probe: 1\n")),
        ),
        (
            "settings",
            schema_fields::<DocumentFile>(&format!("{HEAD}settings:\n  zz_probe: 1\n")),
        ),
        (
            "settings.colors",
            schema_fields::<DocumentFile>(&format!(
                "{HEAD}settings:\n  colors:\n    zz_probe: 1\n"
            )),
        ),
        (
            "settings.fonts",
            schema_fields::<DocumentFile>(&format!("{HEAD}settings:\n  fonts:\n    zz_probe: 1\n")),
        ),
        (
            "cover",
            schema_fields::<DocumentFile>(&format!("{HEAD}cover:\n  zz_probe: 1\n")),
        ),
        (
            "intro",
            schema_fields::<DocumentFile>(&format!("{HEAD}intro:\n  zz_probe: 1\n")),
        ),
        (
            "closing",
            schema_fields::<DocumentFile>(&format!("{HEAD}closing:\n  zz_probe: 1\n")),
        ),
        (
            "closing.paragraph",
            schema_fields::<DocumentFile>(&format!(
                "{HEAD}closing:\n  {}",
                para.replace("\n  ", "\n    ")
            )),
        ),
        ("section", schema_fields::<Section>("zz_probe: 1\n")),
        ("paragraph", schema_fields::<Section>(para)),
        (
            "figure",
            schema_fields::<Section>("figures:\n  - value: v\n    label: l\n    zz_probe: 1\n"),
        ),
        (
            "caption",
            schema_fields::<CaptionsFile>("a.jpg:\n  caption: c\n  zz_probe: 1\n"),
        ),
    ]
}

/// Where each field shows. `marker`: its text is printed (checked below); `dest`: a named
/// destination of the brochure; `setting`: not text, it shapes the output (its own tests).
const PLACES: &[(&str, &str, &str)] = &[
    ("document", "title", "marker"),
    ("document", "subtitle", "marker"),
    ("document", "organisation", "marker"),
    ("document", "year", "marker"),
    (
        "document",
        "language",
        "setting: line breaking and punctuation rules",
    ),
    (
        "document",
        "region",
        "setting: line breaking and punctuation rules",
    ),
    ("document", "settings", "setting"),
    (
        "document",
        "cover",
        "setting: the cover photo (its caption is a marker)",
    ),
    ("document", "intro", "marker"),
    ("document", "closing", "marker"),
    ("document", "notes", "marker"),
    ("settings", "trim", "setting: page size (tests/print.rs)"),
    ("settings", "bleed_mm", "setting: bleed (tests/print.rs)"),
    ("settings", "crop_marks", "setting: marks (tests/print.rs)"),
    (
        "settings",
        "theme",
        "setting: a layouts/theme-NAME.typ (tests/sample.rs)",
    ),
    (
        "settings",
        "pdfx",
        "setting: PDF/X-4 or a plain PDF (tests/pdfx.rs)",
    ),
    (
        "settings",
        "output_profile",
        "setting: the output intent (tests/pdfx.rs)",
    ),
    (
        "settings",
        "cmyk_photos",
        "setting: photos as CMYK (tests/pdfx.rs)",
    ),
    (
        "settings",
        "cmyk_intent",
        "setting: how photos become CMYK (tests/pdfx.rs)",
    ),
    (
        "settings",
        "pptx",
        "setting: the deck also as slides.pptx (tests/pptx.rs)",
    ),
    (
        "settings",
        "handout",
        "setting: the deck also as handout.pdf (tests/handout.rs)",
    ),
    (
        "settings",
        "screen",
        "setting: the brochure also as brochure-screen.pdf (tests/screen.rs)",
    ),
    ("settings", "colors", "setting"),
    ("settings", "logo", "setting: an image on the title slide"),
    ("settings", "fonts", "setting"),
    ("settings.colors", "primary", "setting: a colour"),
    ("settings.colors", "accent", "setting: a colour"),
    ("settings.colors", "paper", "setting: a colour"),
    ("settings.fonts", "body", "setting: a font family"),
    ("settings.fonts", "heading", "setting: a font family"),
    ("cover", "photo", "setting: the photo itself"),
    ("intro", "id", "dest"),
    ("intro", "title", "marker"),
    ("intro", "figures", "marker"),
    ("intro", "paragraphs", "marker"),
    ("intro", "photos", "marker"),
    ("intro", "notes", "marker"),
    ("intro", "slides", "setting: keeps the intro off the deck"),
    ("closing", "title", "marker"),
    ("closing", "paragraphs", "marker"),
    ("closing", "notes", "marker"),
    (
        "closing",
        "slides",
        "setting: keeps the closing off the deck",
    ),
    ("closing.paragraph", "lead", "marker"),
    ("closing.paragraph", "text", "marker"),
    ("closing.paragraph", "slide", "marker"),
    ("closing.paragraph", "notes", "marker"),
    (
        "closing.paragraph",
        "slides",
        "setting: keeps it off the closing slide",
    ),
    ("section", "id", "dest"),
    ("section", "title", "marker"),
    ("section", "figures", "marker"),
    ("section", "paragraphs", "marker"),
    ("section", "photos", "marker"),
    ("section", "notes", "marker"),
    (
        "section",
        "slides",
        "setting: keeps the section off the deck (tests/slides.rs)",
    ),
    ("paragraph", "lead", "marker"),
    ("paragraph", "text", "marker"),
    ("paragraph", "slide", "marker"),
    ("paragraph", "notes", "marker"),
    (
        "paragraph",
        "slides",
        "setting: no slide for it (tests/slides.rs)",
    ),
    ("paragraph", "photos", "marker"),
    ("figure", "value", "marker"),
    ("figure", "unit", "marker"),
    ("figure", "label", "marker"),
    ("caption", "caption", "marker"),
    (
        "caption",
        "alt",
        "marker: spoken, the screen edition's alt text",
    ),
    ("caption", "credit", "marker"),
    ("caption", "focus", "setting: the crop"),
    ("caption", "notes", "marker"),
    ("caption", "slides", "setting: keeps the photo off the deck"),
];

#[test]
fn every_field_of_the_schema_has_a_place() {
    let mut problems = Vec::new();
    for (place, fields) in schema() {
        for f in &fields {
            if !PLACES.iter().any(|(p, n, _)| *p == place && n == f) {
                problems.push(format!(
                    "{place}.{f} is accepted but this test does not say where it shows: print it (and give it a marker below) or remove it from the schema"
                ));
            }
        }
        for (p, n, _) in PLACES.iter().filter(|(p, _, _)| *p == place) {
            if !fields.contains(*n) {
                problems.push(format!(
                    "{p}.{n} is listed here but the schema no longer has it"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A document with a unique marker in every text field of every place above.
fn marked_project() -> tempfile::TempDir {
    let doc = "title: 标题MKdoctitle\nsubtitle: 副标题MKdocsubtitle\norganisation: 单位MKdocorg\nyear: 2917\nnotes: 开场MKdocnotes\ncover:\n  photo: cover.jpg\nintro:\n  id: mk-intro-dest\n  title: 引言MKintrotitle\n  notes: 引言备注MKintronotes\n  figures:\n    - value: 11MKintrofigvalue\n      unit: 个MKintrofigunit\n      label: 数字MKintrofiglabel\n  paragraphs:\n    - lead: 引语MKintrolead。\n      text: 引言正文MKintrotext。\n      slide: 引言幻灯MKintroslide\n      notes: 引言段备注MKintroparanotes\n      photos: [p1.jpg]\n  photos: [p2.jpg]\nclosing:\n  title: 结语MKclosetitle\n  notes: 结语备注MKclosenotes\n  paragraphs:\n    - lead: 结语引语MKcloselead。\n      text: 结语正文MKclosetext。\n      slide: 结语幻灯MKcloseslide\n      notes: 结语段备注MKcloseparanotes\n";
    let s1 = "id: mk-section-dest\ntitle: 第一部分MKsectitle\nnotes: 部分备注MKsecnotes\nfigures:\n  - value: 22MKsecfigvalue\n    unit: 名MKsecfigunit\n    label: 标签MKsecfiglabel\nparagraphs:\n  - lead: 段落引语MKseclead。\n    text: 段落正文MKsectext。\n    slide: [要点MKsecbulleta, 要点MKsecbulletb]\n    notes: 段落备注MKsecparanotes\n    photos: [p3.jpg]\nphotos: [p4.jpg]\n";
    let s2 = "id: mk-untitled-dest\nnotes: 无题备注MKuntitlednotes\nparagraphs:\n  - text: 无题正文MKuntitledtext。\n    slide: 无题幻灯MKuntitledslide\n    notes: 无题段备注MKuntitledparanotes\n";
    let mut captions = String::new();
    for p in ["cover", "p1", "p2", "p3", "p4"] {
        captions += &format!(
            "{p}.jpg:\n  caption: 图注MK{p}caption\n  alt: 照片MK{p}alt\n  credit: 作者MK{p}credit\n  notes: 图片备注MK{p}notes\n"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::create_dir_all(dir.path().join("photos")).unwrap();
    std::fs::write(dir.path().join("content/document.yaml"), doc).unwrap();
    std::fs::write(dir.path().join("content/01-marked.yaml"), s1).unwrap();
    std::fs::write(dir.path().join("content/02-untitled.yaml"), s2).unwrap();
    std::fs::write(dir.path().join("photos/captions.yaml"), captions).unwrap();
    let photo = std::fs::read(repo().join("photos/Picture_0B_by_freespace.jpg")).unwrap();
    for p in ["cover", "p1", "p2", "p3", "p4"] {
        std::fs::write(dir.path().join(format!("photos/{p}.jpg")), &photo).unwrap();
    }
    dir
}

#[test]
fn every_marked_field_is_printed_or_spoken() {
    let dir = marked_project();
    let (_, outcome) = build(dir.path(), &folio::Options::default());
    assert_ok(&outcome);
    let out = dir.path().join("out");
    let brochure = pdf_text(&out.join("brochure.pdf"));
    let slides = pdf_text(&out.join("slides.pdf"));
    let notes = squash(&std::fs::read_to_string(out.join("slides.pdfpc")).unwrap());
    // Alt texts are not printed but spoken: the screen edition's tags carry them.
    let screen = lopdf::Document::load(out.join("brochure-screen.pdf")).unwrap();
    let spoken: String = structure(&screen)
        .into_iter()
        .filter_map(|(_, alt)| alt)
        .collect();
    let yaml: String = [
        "content/document.yaml",
        "content/01-marked.yaml",
        "content/02-untitled.yaml",
        "photos/captions.yaml",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap())
    .collect();
    let markers: BTreeSet<String> = yaml
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.starts_with("MK"))
        .map(String::from)
        .collect();
    assert!(markers.len() >= 40, "{markers:?}");
    let mut missing = Vec::new();
    for m in &markers {
        if !(brochure.contains(m.as_str())
            || slides.contains(m.as_str())
            || notes.contains(m.as_str())
            || spoken.contains(m.as_str()))
        {
            missing.push(m.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "fields accepted and printed nowhere: {missing:?}"
    );
    // The year is printed too.
    assert!(brochure.contains("2917") && slides.contains("2917"));
    // Where the text is expected, not only somewhere: body text in the brochure, the slide
    // texts on slides, notes in the notes.
    for m in [
        "MKintrotext",
        "MKsectext",
        "MKclosetext",
        "MKintrolead",
        "MKcloselead",
        "MKintrotitle",
        "MKclosetitle",
        "MKp1caption",
        "MKp4credit",
    ] {
        assert!(brochure.contains(m), "{m} not in the brochure");
    }
    for m in [
        "MKintroslide",
        "MKsecbulletb",
        "MKcloseslide",
        "MKuntitledslide",
        "MKintrotitle",
    ] {
        assert!(slides.contains(m), "{m} not on the slides");
    }
    for m in [
        "MKintronotes",
        "MKuntitlednotes",
        "MKclosenotes",
        "MKcloseparanotes",
        "MKsecnotes",
        "MKp3notes",
        "MKdocnotes",
    ] {
        assert!(notes.contains(m), "{m} not in the notes");
    }
    // Section ids are the brochure's named destinations (brochure.pdf#id opens there).
    let pdf = lopdf::Document::load(out.join("brochure.pdf")).unwrap();
    fn strings(o: &lopdf::Object, out: &mut BTreeSet<Vec<u8>>) {
        match o {
            lopdf::Object::String(s, _) => {
                out.insert(s.clone());
            }
            lopdf::Object::Array(a) => a.iter().for_each(|x| strings(x, out)),
            lopdf::Object::Dictionary(d) => d.iter().for_each(|(_, x)| strings(x, out)),
            _ => {}
        }
    }
    let mut found = BTreeSet::new();
    pdf.objects.values().for_each(|o| strings(o, &mut found));
    let strings = found;
    for id in ["mk-intro-dest", "mk-section-dest", "mk-untitled-dest"] {
        assert!(
            strings.contains(id.as_bytes()),
            "{id} is not a named destination"
        );
    }
}
