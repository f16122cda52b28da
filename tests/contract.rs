//! layouts/README.md documents `/data.json` for the people who write layouts; this checks that
//! the documented fields are exactly the fields folio writes (`render::data`), record by record.

mod common;
use common::*;
use folio::print::{Geometry, Trim};
use folio::project::Project;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The field names of each entry of the README's contract block: top-level lines
/// (`meta { title, subtitle?, .. }`) give a record's fields; `intro, closing section | none`
/// gives two top-level names.
fn documented() -> BTreeMap<String, BTreeSet<String>> {
    let readme = std::fs::read_to_string(repo().join("layouts/README.md")).unwrap();
    let block = readme
        .split("## The data contract")
        .nth(1)
        .and_then(|s| s.split("```").nth(1))
        .expect("the contract block");
    // Join continuation lines (indented) to their entry.
    let mut entries: Vec<String> = Vec::new();
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        if line.starts_with(' ') {
            entries.last_mut().unwrap().push_str(line);
        } else {
            entries.push(line.to_string());
        }
    }
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut top = BTreeSet::new();
    for e in entries {
        let (names, rest) = e.split_at(e.find("  ").unwrap_or(e.len()));
        let names: Vec<&str> = names.split(',').map(str::trim).collect();
        let fields: BTreeSet<String> = match rest.find('{') {
            Some(open) => {
                let inner = &rest[open + 1..rest.rfind('}').unwrap()];
                // Drop parenthesised remarks and bracketed types, then split on commas.
                let mut depth = 0;
                let plain: String = inner
                    .chars()
                    .filter(|&c| {
                        match c {
                            '(' | '[' => depth += 1,
                            ')' | ']' => depth -= 1,
                            _ => return depth == 0,
                        }
                        false
                    })
                    .collect();
                plain
                    .split(',')
                    .map(|f| f.trim().split([':', ' ', '?']).next().unwrap().to_string())
                    .filter(|f| !f.is_empty())
                    .collect()
            }
            None => BTreeSet::new(),
        };
        for n in names {
            if ["photo", "section", "figure", "paragraph"].contains(&n) {
                out.insert(n.to_string(), fields.clone());
            } else {
                top.insert(n.to_string());
                if !fields.is_empty() {
                    out.insert(n.to_string(), fields.clone());
                }
            }
        }
    }
    out.insert("top".into(), top);
    out
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn the_readme_documents_exactly_the_fields_folio_writes() {
    let project = Project::open(&repo(), None).unwrap();
    let doc = folio::content::load(&project).document.unwrap();
    let geometry = Geometry {
        trim: Trim::A4,
        bleed: 3.0,
        marks: true,
    };
    let inputs = folio::render::data::Inputs {
        doc: &doc,
        geometry,
        fonts: &Default::default(),
        has_logo: true,
        sizes: &[],
    };
    let data = folio::render::data::data(&inputs, folio::Kind::Brochure);
    let json = serde_json::to_value(&data).unwrap();
    let section = &json["sections"][0];
    let written: BTreeMap<String, BTreeSet<String>> = [
        ("top", keys(&json)),
        ("meta", keys(&json["meta"])),
        ("page", keys(&json["page"])),
        ("theme", keys(&json["theme"])),
        ("photo", keys(&json["photos"][0])),
        ("section", keys(section)),
        ("figure", keys(&section["figures"][0])),
        ("paragraph", keys(&section["paragraphs"][0])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(
        documented(),
        written,
        "layouts/README.md's contract and render/data.rs disagree"
    );
    assert_eq!(json["version"], folio::render::data::VERSION);
}
