//! Hostile and broken input: every case in tests/bad/ fails with a message naming the file
//! (and line), never panics, and leaves the previous outputs byte for byte; the edge cases in
//! tests/edge/ (BOM, CRLF) build.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

fn folio(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(args)
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_bad_project_fails_clearly_and_keeps_the_last_outputs() {
    let corpus = repo().join("tests/bad");
    let mut cases: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let dir = tempfile::tempdir().unwrap();
        copy_dir(case, dir.path());
        // "The last good PDFs" that a failed run must not touch.
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("brochure.pdf"), b"%PDF-previous brochure").unwrap();
        std::fs::write(out.join("slides.pdf"), b"%PDF-previous slides").unwrap();
        let before = snapshot(&out);

        for command in [&["build"][..], &["check"][..]] {
            let result = folio(command, dir.path());
            let stderr = String::from_utf8_lossy(&result.stderr);
            let expect = std::fs::read_to_string(case.join("expect")).unwrap();
            if result.status.code() != Some(1) {
                failures.push(format!(
                    "{name} ({command:?}): exit {:?}\n{stderr}",
                    result.status.code()
                ));
            }
            // Messages speak the writer's language, never the parser's.
            for jargon in [
                "Option<",
                "Vec<",
                "DuplicateKeyPolicy",
                "Options",
                "untagged",
                "serde",
                "struct ",
                "enum ",
                "i64",
                "f64",
            ] {
                if stderr.contains(jargon) {
                    failures.push(format!("{name}: jargon `{jargon}` in\n{stderr}"));
                }
            }
            if stderr.contains("panicked") {
                failures.push(format!("{name}: panic\n{stderr}"));
            }
            for want in expect.lines().filter(|l| !l.is_empty()) {
                if !stderr.contains(want) {
                    failures.push(format!(
                        "{name} ({command:?}): expected {want:?} in\n{stderr}"
                    ));
                }
            }
        }
        if snapshot(&out) != before {
            failures.push(format!("{name}: out/ changed"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

#[test]
fn bom_and_crlf_files_build() {
    for case in ["bom", "crlf"] {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("tests/edge").join(case), dir.path());
        let result = folio(&["build"], dir.path());
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(result.status.success(), "{case}: {stderr}");
        assert!(dir.path().join("out/brochure.pdf").is_file());
        let text = pdf_text(&dir.path().join("out/brochure.pdf"));
        assert!(text.contains("这是一段正文"), "{case}: text missing");
    }
}

#[test]
fn check_reports_json_for_tools() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/bad/unknown-key"), dir.path());
    let result = folio(&["check", "--format", "json"], dir.path());
    assert_eq!(result.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
    assert_eq!(json["ok"], false);
    let d = &json["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "content/document.yaml");
    assert_eq!(d["line"], 1);
    assert!(d["hint"].as_str().unwrap().contains("title"));
}

#[test]
fn sample_passes_check_without_warnings() {
    let result = folio(&["check", "--strict"], &repo());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(stderr.contains("0 error(s), 0 warning(s)"), "{stderr}");
}
