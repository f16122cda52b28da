//! `slides.pptx`: the deck as an editable PowerPoint file. Read back with python-pptx (as
//! scripts/test installs it) and converted with LibreOffice, as the people who present it do.

mod common;
use common::*;
use folio::Options;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Text as compared between the outputs: no white space, no list markers (a PowerPoint list
/// draws its markers; they are not text).
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '■')
        .collect()
}

fn texts(slide: &Value) -> Vec<String> {
    slide["shapes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| norm(t.as_str().unwrap()))
        .collect()
}

fn sorted_chars(s: &str) -> Vec<char> {
    let mut v: Vec<char> = s.chars().collect();
    v.sort();
    v
}

/// `soffice --headless --convert-to pdf`, with a profile of its own so tests can run side by side.
fn libreoffice_pdf(pptx: &Path, dir: &Path) -> PathBuf {
    let profile = dir.join("lo-profile");
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(pptx)
        .output()
        .expect("soffice (scripts/test installs libreoffice-impress-nogui)");
    let pdf = dir.join(pptx.with_extension("pdf").file_name().unwrap());
    assert!(
        out.status.success() && pdf.exists(),
        "LibreOffice could not convert {}: {}",
        pptx.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    pdf
}

#[test]
fn the_pptx_has_the_pdf_decks_slides_text_and_notes() {
    let dir = sample_with_notes();
    let (session, outcome) = build(dir.path(), &Options::default());
    assert_ok(&outcome);
    let out = &session.project.out;
    let deck = pptx_deck(&out.join("slides.pptx"));
    assert_eq!(
        deck["problems"],
        Value::Array(vec![]),
        "{}",
        deck["problems"]
    );
    assert_eq!(deck["width"], 12192000);
    assert_eq!(deck["height"], 6858000);
    assert_eq!(deck["title"], "百年风华正青春 建功立业新征程");
    assert_eq!(deck["author"], "共青团太原市委");
    let layouts: Vec<&str> = deck["layouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    for kind in [
        "Title",
        "Agenda",
        "Section divider",
        "Content",
        "Key figures",
        "Photo",
        "Photo grid",
        "Closing",
        "Credits",
    ] {
        assert!(
            layouts.iter().any(|l| l.ends_with(kind)),
            "no layout for {kind}: {layouts:?}"
        );
    }

    same_slides_as_the_pdf(out, &deck);
    let slides = deck["slides"].as_array().unwrap();
    // A paragraph is one text box, never a box per line.
    let body = slides
        .iter()
        .flat_map(|s| s["shapes"].as_array().unwrap())
        .map(|t| t.as_str().unwrap())
        .find(|t| t.starts_with("2020年，全市各级团组织"))
        .expect("the introduction's paragraph in one box");
    assert!(body.ends_with("全年各项工作取得明显成效。"), "{body}");
    assert!(
        !body.contains('\n'),
        "a paragraph broken into lines: {body}"
    );

    // Every notes field is in the notes, on the slide the PDF deck's notes give it.
    let pdfpc: Value =
        serde_json::from_slice(&std::fs::read(out.join("slides.pdfpc")).unwrap()).unwrap();
    let mut noted = 0;
    for (i, slide) in slides.iter().enumerate() {
        let want = pdfpc["pages"][i]["note"].as_str().unwrap();
        assert_eq!(
            norm(slide["notes"].as_str().unwrap()),
            norm(want),
            "notes of slide {}",
            i + 1
        );
        noted += !want.is_empty() as usize;
    }
    let all_notes: String = slides
        .iter()
        .map(|s| s["notes"].as_str().unwrap())
        .collect();
    for note in [
        "开场：问候来宾",
        "第一部分的要点：思想引领。",
        "第二行提示。",
        "强调 58026 这个数字。",
        "介绍大赛的获奖项目。",
    ] {
        assert!(all_notes.contains(note), "{note} is not in the notes");
    }
    assert!(noted >= 4);
    // Photos: each stored once, pictures on the photo slides.
    let media = zip_names(&out.join("slides.pptx"), "ppt/media/");
    let mut hashes: Vec<_> = media.iter().map(|(_, b)| blake3::hash(b)).collect();
    hashes.sort_by_key(|h| *h.as_bytes());
    hashes.dedup();
    assert_eq!(hashes.len(), media.len(), "a picture stored twice");
    assert!(media.iter().all(|(n, _)| n.ends_with(".jpeg")));
    let pictures: u64 = slides.iter().map(|s| s["pictures"].as_u64().unwrap()).sum();
    assert!(pictures >= 12, "{pictures} pictures");
}

/// `slides.pptx` has as many slides as `slides.pdf`, with the same text on each, each text box
/// a run of the page's text (one box per block, not per line).
fn same_slides_as_the_pdf(out: &Path, deck: &Value) {
    let pdf = out.join("slides.pdf");
    let slides = deck["slides"].as_array().unwrap();
    assert_eq!(
        slides.len(),
        pdf_pages(&pdf),
        "slides.pptx and slides.pdf differ in slide count"
    );
    for (i, slide) in slides.iter().enumerate() {
        let page = norm(&raw_page_text(&pdf, i + 1));
        let shapes = texts(slide);
        assert_eq!(
            sorted_chars(&shapes.concat()),
            sorted_chars(&page),
            "slide {}: pptx {:?} / pdf {page}",
            i + 1,
            shapes
        );
        for t in &shapes {
            assert!(
                page.contains(t.as_str()),
                "slide {}: {t} is not a run of the page's text {page}",
                i + 1
            );
        }
    }
}

#[test]
fn documents_with_long_texts_split_where_the_pdf_splits() {
    let mut continued = 0;
    for fixture in [
        "stress",
        "long-tokens",
        "generated/seed-213",
        "generated/seed-324",
    ] {
        let dir = tempfile::tempdir().unwrap();
        if fixture == "stress" {
            copy_dir(&repo().join("content"), &dir.path().join("content"));
            copy_dir(&repo().join("photos"), &dir.path().join("photos"));
            stress(dir.path());
        } else {
            copy_dir(&repo().join("tests/fixtures").join(fixture), dir.path());
        }
        let (session, outcome) = build(
            dir.path(),
            &Options {
                only: Some(folio::Kind::Slides),
                ..Default::default()
            },
        );
        assert_ok(&outcome);
        let out = &session.project.out;
        let deck = pptx_deck(&out.join("slides.pptx"));
        assert_eq!(
            deck["problems"],
            Value::Array(vec![]),
            "{fixture}: {}",
            deck["problems"]
        );
        same_slides_as_the_pdf(out, &deck);
        continued += pdf_text(&out.join("slides.pdf")).matches("(续)").count();
    }
    assert!(
        continued > 0,
        "no continued slide in these documents: the split is not tested"
    );
}

#[test]
fn libreoffice_converts_it_and_an_edited_deck() {
    let built = sample_built();
    let out = &built.session.project.out;
    let pptx = out.join("slides.pptx");
    let deck = pptx_deck(&pptx);
    let work = tempfile::tempdir().unwrap();
    let pdf = libreoffice_pdf(&pptx, work.path());
    let slides = deck["slides"].as_array().unwrap();
    assert_eq!(pdf_pages(&pdf), slides.len());
    for (i, slide) in slides.iter().enumerate() {
        let page = norm(&raw_page_text(&pdf, i + 1));
        for t in texts(slide) {
            assert!(
                page.contains(&t),
                "LibreOffice's slide {} lacks {t}: {page}",
                i + 1
            );
        }
    }
    // Edited as a presenter would (python-pptx), saved, and converted again.
    let edited = work.path().join("edited.pptx");
    let status = Command::new("python3")
        .arg(repo().join("tests/pptx_read.py"))
        .arg(&pptx)
        .args(["--edit", "3", "改过的标题 Edited title"])
        .arg(&edited)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        pptx_deck(&edited)["slides"][2]["shapes"][0]
            .as_str()
            .unwrap()
            .contains("改过的标题")
    );
    let pdf = libreoffice_pdf(&edited, work.path());
    assert!(
        norm(&raw_page_text(&pdf, 3)).contains("改过的标题EditedTitle")
            || norm(&raw_page_text(&pdf, 3)).contains("改过的标题Editedtitle")
    );
}

#[test]
fn a_setting_turns_it_off_and_only_pptx_writes_only_it() {
    let dir = sample_project();
    let root = dir.path();
    let doc = root.join("content/document.yaml");
    let text = std::fs::read_to_string(&doc).unwrap();
    let (session, outcome) = build(
        root,
        &Options {
            only_file: Some(folio::products::OutFile::SlidesPptx),
            only: Some(folio::Kind::Slides),
            ..Default::default()
        },
    );
    assert_ok(&outcome);
    let out = &session.project.out;
    assert!(out.join("slides.pptx").exists());
    assert!(!out.join("slides.pdf").exists() && !out.join("brochure.pdf").exists());
    std::fs::remove_file(out.join("slides.pptx")).unwrap();
    std::fs::write(
        &doc,
        text.replacen("settings:", "settings:\n  pptx: false", 1),
    )
    .unwrap();
    let (session, outcome) = build(root, &Options::default());
    assert_ok(&outcome);
    assert!(session.project.out.join("slides.pdf").exists());
    assert!(!session.project.out.join("slides.pptx").exists());
}

fn pdf_pages(pdf: &Path) -> usize {
    pdf_info(pdf, "Pages:").parse().unwrap()
}

/// One page's text in drawing order (`pdftotext -raw`): a paragraph's lines stay together.
fn raw_page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-raw", "-f", &n, "-l", &n])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// The files of the zip `file` whose names start with `prefix`, with their contents.
fn zip_names(file: &Path, prefix: &str) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        if name.starts_with(prefix) {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            out.push((name, bytes));
        }
    }
    out
}
