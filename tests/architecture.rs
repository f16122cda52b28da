//! ARCHITECTURE.md's table says which modules each module may use; this reads the table and
//! every `crate::` path in `src/`, and fails when the code and the map disagree (a new module
//! missing from the table, or a dependency the table does not allow).

mod common;
use common::repo;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Names in backticks in a table cell.
fn ticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

/// The top-level module a file under `src/` belongs to.
fn module_of(rel: &Path) -> String {
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_code_keeps_to_the_dependency_table() {
    let map = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap();
    let mut allowed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in map.lines().filter(|l| l.starts_with("| `src/")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let deps: BTreeSet<String> = ticked(cells[3]).into_iter().collect();
        for path in ticked(cells[1]) {
            let rel = path.trim_start_matches("src/").trim_end_matches('/');
            allowed.insert(module_of(Path::new(rel)), deps.clone());
        }
    }
    assert!(allowed.len() >= 14, "table not found: {allowed:?}");
    let src = repo().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let module = module_of(rel);
        // lib.rs declares the modules; main.rs and cmd/ are the binary, whose `crate::` is
        // main.rs and which reaches the library only through `folio::`.
        if module == "lib" || module == "main" || module == "cmd" {
            if module == "cmd" && !allowed.contains_key("cmd") {
                problems.push("src/cmd/ is in no row of ARCHITECTURE.md's table".into());
            }
            continue;
        }
        let Some(ok) = allowed.get(&module) else {
            problems.push(format!(
                "src/{} is in no row of ARCHITECTURE.md's table",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for used in text.split("crate::").skip(1) {
            let name: String = used
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name != module && !ok.contains(&name) {
                problems.push(format!(
                    "src/{} uses `{name}`, which its row does not allow",
                    rel.display()
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
