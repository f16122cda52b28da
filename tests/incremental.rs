//! Re-rendering after an edit must redo only what the edit touched. typst caches its work per
//! element, and a layout that defeats the cache (say, a page header whose closure captures the
//! whole content, or a header that scans every slide marker on every page) silently turns each
//! edit into a full re-layout. These tests count typst's work through its timing events, which
//! are deterministic counts rather than times, and fail when an edit costs close to a cold
//! build. typst's timing events are process-wide, so the tests here take turns.

mod common;
use common::*;
use folio::project::Project;
use folio::{Options, Session};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

static TIMING: Mutex<()> = Mutex::new(());

/// How many times each of typst's timed steps ran during one build.
fn work(session: &Session, opts: &Options) -> HashMap<String, usize> {
    let _turn = TIMING.lock().unwrap_or_else(|e| e.into_inner());
    typst_timing::clear();
    typst_timing::enable();
    let outcome = session.run(opts);
    typst_timing::disable();
    assert_ok(&outcome);
    let mut json = Vec::new();
    typst_timing::export_json(&mut json, |_| (String::new(), 0)).unwrap();
    let events: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
    let mut counts = HashMap::new();
    for e in events.iter().filter(|e| e["ph"] == "B") {
        *counts
            .entry(e["name"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    counts
}

fn n(counts: &HashMap<String, usize>, step: &str) -> usize {
    counts.get(step).copied().unwrap_or(0)
}

/// As `folio watch` runs a build (without the handout).
fn watch_options() -> Options {
    Options {
        no_sync: true,
        no_handout: true,
        ..Default::default()
    }
}

fn edit(file: &Path, needle: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(needle), "{needle} not in {}", file.display());
    std::fs::write(
        file,
        text.replacen(needle, &format!("{needle}（已修改）"), 1),
    )
    .unwrap();
}

/// A generated text-only document: `sections` sections of ten seed paragraphs each.
fn generated(root: &Path, sections: usize) {
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::create_dir_all(root.join("photos")).unwrap();
    std::fs::write(root.join("photos/captions.yaml"), "{}\n").unwrap();
    std::fs::write(
        root.join("content/document.yaml"),
        "title: 生成的文档\norganisation: 测试单位\nyear: 2024\n",
    )
    .unwrap();
    let seed = std::fs::read_to_string(repo().join("tests/fixtures/seed.txt")).unwrap();
    let paras: Vec<&str> = seed.lines().filter(|l| l.chars().count() > 80).collect();
    for s in 0..sections {
        let mut yaml = format!("title: \"第{s}部分\"\nparagraphs:\n");
        for p in 0..10 {
            let text = paras[(s * 10 + p) % paras.len()].trim_start_matches('—');
            yaml.push_str(&format!(
                "  - lead: \"段落{s}-{p}。\"\n    text: {}\n",
                serde_json::to_string(text).unwrap()
            ));
        }
        std::fs::write(root.join(format!("content/{s:02}.yaml")), yaml).unwrap();
    }
}

/// typst's work for a cold build and for an edit to one paragraph of the first section.
fn edit_work(sections: usize) -> (HashMap<String, usize>, HashMap<String, usize>) {
    let dir = tempfile::tempdir().unwrap();
    generated(dir.path(), sections);
    let session = Session::new(Project::open(dir.path(), None).unwrap());
    let cold = work(&session, &watch_options());
    edit(&dir.path().join("content/00.yaml"), "段落0-5。");
    (cold, work(&session, &watch_options()))
}

#[test]
fn an_edit_costs_about_the_same_in_a_document_five_times_longer() {
    let (small_cold, small) = edit_work(4);
    let (large_cold, large) = edit_work(20);
    for step in ["linebreak_optimized", "func call", "realize"] {
        eprintln!(
            "{step}: 40 paragraphs: cold {} edit {}; 200 paragraphs: cold {} edit {}",
            n(&small_cold, step),
            n(&small, step),
            n(&large_cold, step),
            n(&large, step)
        );
    }
    // Measured: function calls 6,312 cold and 583 for the edit at 40 paragraphs; 29,053 and
    // 1,407 at 200 (the "continued" headers of every slide look at the changed slide title).
    // With a header that scanned every slide marker on every page, the edit at 200 made 26,644
    // calls and 214 realisations.
    for (cold, edit) in [(&small_cold, &small), (&large_cold, &large)] {
        assert!(n(edit, "linebreak_optimized") * 20 < n(cold, "linebreak_optimized"));
        assert!(n(edit, "realize") * 20 < n(cold, "realize"));
        assert!(n(edit, "func call") * 8 < n(cold, "func call"));
    }
    assert!(n(&large, "func call") < 4 * n(&small, "func call"));
}

#[test]
fn an_edit_to_one_paragraph_of_the_sample_lays_out_little_more_than_that_paragraph() {
    let dir = sample_project();
    let session = Session::new(Project::open(dir.path(), None).unwrap());
    let cold = work(&session, &watch_options());
    edit(
        &dir.path().join("content/02-organisation.yaml"),
        "团的基层组织进一步夯实。",
    );
    let edit = work(&session, &watch_options());
    for step in ["linebreak_optimized", "func call", "realize"] {
        eprintln!(
            "{step}: cold build {}, after the edit {}",
            n(&cold, step),
            n(&edit, step)
        );
    }
    // Measured on the sample: paragraphs broken into lines 494 cold, 5 after the edit;
    // function calls 6,391 and 647; realisations 1,342 and 35. With the page header capturing
    // the whole content, the edit broke 241 paragraphs again (all of the brochure's).
    assert!(n(&cold, "linebreak_optimized") > 100);
    assert!(n(&edit, "linebreak_optimized") * 10 < n(&cold, "linebreak_optimized"));
    assert!(n(&edit, "func call") * 4 < n(&cold, "func call"));
    assert!(n(&edit, "realize") * 10 < n(&cold, "realize"));
}
