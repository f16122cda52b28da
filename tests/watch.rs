//! `folio watch` end to end: an edit re-renders both PDFs, a broken save keeps them byte for
//! byte, the fix renders again; Ctrl-C stops it cleanly. And the photo cache never serves a
//! stale photo. A session's edit gives the bytes of a fresh build.

mod common;
use common::*;
use folio::project::Project;
use folio::{Options, Session};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// How long a line of `folio watch`'s log is waited for.
const WAIT: Duration = Duration::from_secs(60);

#[test]
fn watch_rerenders_on_edit_and_keeps_good_pdfs_on_errors() {
    let dir = sample_project();
    let root = dir.path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["watch", "--debounce-ms", "100"])
        .arg(root)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let rx = stderr_lines(&mut child);
    let mut log = Vec::new();
    wait_for(&rx, "first build", &mut log, WAIT);
    wait_for(&rx, "watching", &mut log, WAIT);
    // Without --serve there is no preview server (tests/preview.rs has the one with it).
    assert!(
        !log.iter().any(|l| l.contains("preview at")),
        "{}",
        log.join("\n")
    );
    let (brochure, slides) = (root.join("out/brochure.pdf"), root.join("out/slides.pdf"));
    assert!(brochure.is_file() && slides.is_file());

    // 1. Edit a paragraph: both PDFs are rewritten with the new text.
    let section = root.join("content/01-leadership.yaml");
    // (`edit` empties the file before writing it: a build that lands between the two reports
    // the empty file and keeps the PDFs, so the build to wait for is the one that rewrote.)
    edit(&section, "党的理论武装持续增强。", "党的理论武装全面加强。");
    let line = wait_for(&rx, "rewrote", &mut log, WAIT);
    assert!(
        line.contains("brochure.pdf") && line.contains("slides.pdf"),
        "{line}"
    );
    assert!(pdf_text(&brochure).contains("党的理论武装全面加强"));
    assert!(pdf_text(&slides).contains("党的理论武装全面加强"));

    // 2. Save broken YAML: an error with file and line; the PDFs stay byte-identical.
    let good = (
        std::fs::read(&brochure).unwrap(),
        std::fs::read(&slides).unwrap(),
    );
    edit(&section, "paragraphs:", "paragraphs: [");
    wait_for(&rx, "kept the last good PDFs", &mut log, WAIT);
    assert!(
        log.iter()
            .any(|l| l.contains("content/01-leadership.yaml:")),
        "{}",
        log.join("\n")
    );
    assert_eq!(std::fs::read(&brochure).unwrap(), good.0);
    assert_eq!(std::fs::read(&slides).unwrap(), good.1);

    // 3. Fix it: new PDFs again. The sentence changes while the file is still broken, so the
    // first good build already has it (the other way round, a quick build could land between
    // the two saves, without the new sentence).
    edit(&section, "党的理论武装全面加强。", "党的理论武装持续增强。");
    edit(&section, "paragraphs: [", "paragraphs:");
    let line = wait_for(&rx, "rewrote", &mut log, WAIT);
    assert!(line.contains("brochure.pdf"), "{line}");
    assert!(pdf_text(&brochure).contains("党的理论武装持续增强"));

    // 4. Ctrl-C: a clean exit.
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn photo_cache_is_invalidated_when_a_photo_changes() {
    let dir = sample_project();
    let root = dir.path();
    let opts = only(folio::Kind::Brochure);
    let (session, outcome) = build(root, &opts);
    assert_ok(&outcome);
    let cache = session.project.cache_dir().join("photos");
    let entries = |d: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let first = entries(&cache);
    assert!(!first.is_empty(), "resampled photos are cached");
    let pdf1 = std::fs::read(session.project.out.join("brochure.pdf")).unwrap();

    // Same name, different picture: swap the content of two photos.
    let a = root.join("photos/sunset_by_Aitzol_Berasategi.jpg");
    let b = root.join("photos/seeding_by_Clements_Engelhardt.jpg");
    let (da, db) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    std::fs::write(&a, &db).unwrap();
    std::fs::write(&b, &da).unwrap();
    let (session2, outcome) = build(root, &opts);
    assert_ok(&outcome);
    let second = entries(&cache);
    assert!(
        second.len() > first.len(),
        "new cache entries for the changed photos"
    );
    let pdf2 = std::fs::read(session2.project.out.join("brochure.pdf")).unwrap();
    assert_ne!(pdf1, pdf2, "the brochure shows the new pictures");

    // Clearing the cache is safe: the next build recreates it and the same PDF.
    std::fs::remove_dir_all(session2.project.cache_dir()).unwrap();
    let (session3, outcome) = build(root, &opts);
    assert_ok(&outcome);
    assert_eq!(
        std::fs::read(session3.project.out.join("brochure.pdf")).unwrap(),
        pdf2
    );
}

#[test]
fn only_outputs_whose_pages_changed_are_exported_and_written_again() {
    let dir = sample_project();
    let session = folio::Session::new(folio::project::Project::open(dir.path(), None).unwrap());
    let opts = folio::Options {
        no_sync: true,
        ..Default::default()
    };
    let run = || {
        let outcome = session.run(&opts);
        assert_ok(&outcome);
        let unchanged: Vec<&str> = outcome
            .rendered
            .iter()
            .filter(|r| r.unchanged)
            .map(|r| r.kind.name())
            .collect();
        let mut written: Vec<String> = outcome
            .written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        written.sort();
        (unchanged, written)
    };
    let out = dir.path().join("out");
    assert_eq!(
        run(),
        (
            vec![],
            vec![
                "brochure-screen.pdf".into(),
                "brochure.pdf".into(),
                "handout.pdf".into(),
                "slides.pdf".into(),
                "slides.pdfpc".into(),
                "slides.pptx".into()
            ]
        )
    );
    // Nothing changed: neither output is exported again.
    assert_eq!(run(), (vec!["brochure", "slides"], vec![]));
    // The end of a long paragraph shows in the brochure only (the slide shows its opening).
    let file = dir.path().join("content/01-leadership.yaml");
    edit(&file, "荣誉称号。\"", "荣誉称号。年底又获评先进。\"");
    assert_eq!(
        run(),
        (
            vec!["slides"],
            vec!["brochure-screen.pdf".into(), "brochure.pdf".into()]
        )
    );
    assert!(pdf_text(&out.join("brochure.pdf")).contains("年底又获评先进"));
    // A deck deleted behind folio's back is written again, though its pages did not change.
    std::fs::remove_file(out.join("slides.pdf")).unwrap();
    // (slides.pptx is rewritten too: its date is that of the newest source, edited above.)
    assert_eq!(
        run(),
        (
            vec!["brochure"],
            vec!["slides.pdf".into(), "slides.pptx".into()]
        )
    );
    assert!(out.join("slides.pdf").is_file());
}

/// A session lays an edit out starting from its last layout's page numbers and queries
/// (`render::seeded`), in fewer passes than a fresh build. The pages must still be the ones a
/// fresh build lays out: the same PDFs, byte for byte.
#[test]
fn an_edit_in_a_session_gives_the_bytes_of_a_fresh_build() {
    let dir = sample_project();
    let opts = Options {
        no_sync: true,
        ..Default::default()
    };
    let session = Session::new(Project::open(dir.path(), None).unwrap());
    assert_ok(&session.run(&opts));
    // An edit that moves what follows it: a lead-in (the deck's title) and a longer paragraph.
    let file = dir.path().join("content/01-leadership.yaml");
    edit(
        &file,
        "党的理论武装持续增强。",
        "党的理论武装持续增强，学习覆盖面不断扩大。",
    );
    edit(
        &file,
        "荣誉称号。\"",
        "荣誉称号。年底又获评先进集体，多名干部获得表彰。\"",
    );
    assert_ok(&session.run(&opts));
    let out = dir.path().join("out");
    let files = [
        "brochure.pdf",
        "slides.pdf",
        "brochure-screen.pdf",
        "handout.pdf",
    ];
    let read = |f: &str| std::fs::read(out.join(f)).unwrap();
    let in_session: Vec<Vec<u8>> = files.iter().map(|f| read(f)).collect();
    // A fresh build of the edited content (the photo cache and the flow plan stay).
    for f in files {
        std::fs::remove_file(out.join(f)).unwrap();
    }
    let fresh = Session::new(Project::open(dir.path(), None).unwrap());
    assert_ok(&fresh.run(&opts));
    for (f, bytes) in files.iter().zip(&in_session) {
        assert!(read(f) == *bytes, "{f} differs from a fresh build's");
    }
}
