//! `folio watch --serve`: the preview server over raw HTTP (only its own routes; a save
//! pushes only the changed pages; errors with file:line), and the pages in a real browser
//! (tests/browser/preview.py: headless Chromium driven by Playwright; scripts/test installs
//! both).

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `folio watch --serve` and its log.
struct Watch {
    child: Child,
    lines: mpsc::Receiver<String>,
    log: Vec<String>,
    addr: SocketAddr,
}

impl Watch {
    fn start(root: &Path) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["watch", "--serve", "--port", "0"])
            .arg(root)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let lines = stderr_lines(&mut child);
        let mut w = Watch {
            child,
            lines,
            log: Vec::new(),
            addr: "127.0.0.1:1".parse().unwrap(),
        };
        let line = w.wait_for("preview at http://");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap();
        w.addr = addr.parse().unwrap();
        w.wait_for("watching");
        w
    }

    /// A line of the log containing `what`, within two minutes (a cold first build on a
    /// loaded machine).
    fn wait_for(&mut self, what: &str) -> String {
        wait_for(&self.lines, what, &mut self.log, Duration::from_secs(120))
    }

    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// A raw request, so the target reaches the server exactly as written (HTTP/1.0: the body
    /// comes whole, not in chunks).
    fn request(&self, method: &str, target: &str, host: Option<&str>) -> (u16, Vec<u8>) {
        let mut s = TcpStream::connect(self.addr).unwrap();
        let host = host.map_or_else(|| self.addr.to_string(), str::to_string);
        write!(s, "{method} {target} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        let head_end = out
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP response");
        let head = String::from_utf8_lossy(&out[..head_end]).to_string();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, out[head_end + 4..].to_vec())
    }

    fn get(&self, target: &str) -> (u16, Vec<u8>) {
        self.request("GET", target, None)
    }

    fn state(&self) -> serde_json::Value {
        let (status, body) = self.get("/state");
        assert_eq!(status, 200);
        serde_json::from_slice(&body).unwrap()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn looks(state: &serde_json::Value, kind: &str) -> Vec<String> {
    state[kind]
        .as_array()
        .unwrap_or_else(|| panic!("no {kind} in the state"))
        .iter()
        .map(|p| p["look"].as_str().unwrap().to_string())
        .collect()
}

/// Every file of the project but its output folder, with its bytes.
fn project_files(root: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    for d in ["content", "photos"] {
        walk(&root.join(d), &mut out);
    }
    out.sort();
    out
}

#[test]
fn only_the_previews_own_routes_are_served() {
    let dir = sample_project();
    let root = dir.path();
    let w = Watch::start(root);
    let before = project_files(root);

    let (status, page) = w.get("/");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&page).contains("<html"));
    for asset in [
        "/present",
        "/show",
        "/folio.css",
        "/live.js",
        "/preview.js",
        "/present.js",
    ] {
        assert_eq!(w.get(asset).0, 200, "{asset}");
    }
    let state = w.state();
    assert_eq!(looks(&state, "brochure").len(), 12);

    // Whatever the spelling, nothing outside the preview's routes is answered.
    let port = w.addr.port();
    for target in [
        "/../Cargo.toml".to_string(),
        "/../../../../etc/passwd".into(),
        "/%2e%2e/Cargo.toml".into(),
        "/%2E%2E/%2E%2E/etc/passwd".into(),
        "/..%2f..%2fcontent%2fdocument.yaml".into(),
        "/page/../../content/document.yaml".into(),
        "/page/brochure/../../content/document.yaml".into(),
        "/page/brochure/%2e%2e%2f%2e%2e%2fcontent%2fdocument.yaml".into(),
        "/content/document.yaml".into(),
        "/photos/captions.yaml".into(),
        "/out/brochure.pdf".into(),
        "/etc/passwd".into(),
        "//etc/passwd".into(),
        format!("{}/content/document.yaml", root.display()),
        "/..\\..\\content\\document.yaml".into(),
        "/./preview.js/../../Cargo.toml".into(),
        format!("http://127.0.0.1:{port}/../content/document.yaml"),
    ] {
        let (status, body) = w.get(&target);
        assert_eq!(status, 404, "{target}");
        assert_eq!(String::from_utf8_lossy(&body), "not found\n", "{target}");
    }
    // Only GET (and HEAD); only this computer's names for the server (a web page cannot reach
    // it through another name that resolves to 127.0.0.1).
    assert_eq!(w.request("POST", "/", None).0, 405);
    assert_eq!(w.request("PUT", "/content/document.yaml", None).0, 405);
    assert_eq!(w.request("DELETE", "/state", None).0, 405);
    assert_eq!(w.request("GET", "/state", Some("evil.example")).0, 403);
    assert_eq!(
        w.request("GET", "/state", Some(&format!("localhost:{port}")))
            .0,
        200
    );
    // The server wrote nothing into the project.
    assert_eq!(project_files(root), before);
}

/// Reads Server-Sent Events until one whose state satisfies `done`.
fn next_state(
    events: &mut BufReader<TcpStream>,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let mut line = String::new();
    loop {
        line.clear();
        let n = events.read_line(&mut line).expect("the event stream");
        assert!(n > 0, "the event stream ended");
        if let Some(json) = line.strip_prefix("data: ") {
            let state: serde_json::Value = serde_json::from_str(json).unwrap();
            if done(&state) {
                return state;
            }
        }
    }
}

#[test]
fn a_save_pushes_the_new_state_and_only_changed_pages_are_drawn() {
    let dir = sample_project();
    let root = dir.path();
    let mut w = Watch::start(root);
    let mut stream = TcpStream::connect(w.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    write!(
        stream,
        "GET /events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        w.addr
    )
    .unwrap();
    let mut events = BufReader::new(stream);
    let first = next_state(&mut events, |s| !s["building"].as_bool().unwrap());
    let before = looks(&first, "brochure");
    let slides_before = looks(&first, "slides");

    // A paragraph's end: the page it is on is drawn again, pages before it are not, and the
    // deck (which shows only a paragraph's first sentences) keeps every slide.
    let section = root.join("content/01-leadership.yaml");
    edit(&section, "荣誉称号。", "荣誉称号,并在全省交流经验。");
    let v = first["version"].as_u64().unwrap();
    let after = next_state(&mut events, |s| {
        s["version"].as_u64().unwrap() > v && !s["building"].as_bool().unwrap()
    });
    assert!(after["errors"].as_array().unwrap().is_empty(), "{after}");
    let new = looks(&after, "brochure");
    let changed: Vec<usize> = (0..new.len()).filter(|&i| new[i] != before[i]).collect();
    assert!(!changed.is_empty(), "no page changed");
    assert!(
        !changed.contains(&0) && !changed.contains(&1),
        "{changed:?}"
    );
    assert!(changed.len() < new.len() / 2, "{changed:?}");
    assert_eq!(looks(&after, "slides"), slides_before);
    // The changed page's image is there, drawn at thumbnail size; the large one on request.
    let look = &new[changed[0]];
    for (route, width) in [("page", 480), ("large", 1600)] {
        let (status, png) = w.get(&format!("/{route}/brochure/{look}.png"));
        assert_eq!(status, 200);
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!(img.width(), width);
        assert!(img.height() > img.width(), "a portrait page");
    }

    // A broken save: the state carries the terminal's message with file and line, and keeps
    // the last good pages.
    edit(&section, "paragraphs:", "paragraphs: [");
    let broken = next_state(&mut events, |s| !s["errors"].as_array().unwrap().is_empty());
    let short = broken["errors"][0]["short"].as_str().unwrap().to_string();
    assert!(short.starts_with("content/01-leadership.yaml:"), "{short}");
    let place = short.split(": ").next().unwrap();
    assert!(
        broken["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains(place),
        "{broken}"
    );
    assert_eq!(looks(&broken, "brochure"), new);
    w.wait_for("kept the last good PDFs");
    assert!(
        w.log.iter().any(|l| l.contains(place)),
        "the terminal does not say {place}:\n{}",
        w.log.join("\n")
    );
    // Fixed: the errors are gone.
    edit(&section, "paragraphs: [", "paragraphs:");
    let fixed = next_state(&mut events, |s| {
        s["errors"].as_array().unwrap().is_empty() && !s["building"].as_bool().unwrap()
    });
    assert_eq!(looks(&fixed, "brochure"), new);
}

#[test]
fn a_port_in_use_is_an_error_that_says_what_to_do() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = sample_project();
    let out = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["watch", "--serve", "--port", &port])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&port) && err.contains("--port 0"), "{err}");
}

#[test]
fn the_preview_works_in_a_real_browser() {
    let dir = sample_with_notes();
    let root = dir.path();
    // Notes for the introduction (slide 3), for the presenter view to show.
    edit(
        &root.join("content/document.yaml"),
        "intro:\n",
        "intro:\n  notes: \"介绍全年工作概况：三个方面。\"\n",
    );
    let mut w = Watch::start(root);
    let pages = pdf_info(&root.join("out/brochure.pdf"), "Pages:");
    let slides = pdf_info(&root.join("out/slides.pdf"), "Pages:");
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("preview");
    std::fs::create_dir_all(&shots).unwrap();
    let script = repo().join("tests/browser/preview.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(w.url())
        .arg(root)
        .args([&pages, &slides])
        .arg(&shots)
        .output()
        .expect("python3 (scripts/test installs it with Playwright and Chromium)");
    // Read what folio printed meanwhile.
    while let Ok(line) = w.lines.try_recv() {
        w.log.push(line);
    }
    assert!(
        out.status.success(),
        "the browser test failed:\n{}\n{}\nfolio watch said:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        w.log.join("\n")
    );
    let seen: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    // The overlay said what the terminal said, file and line.
    let overlay = seen["overlay"].as_str().unwrap();
    let place = overlay
        .lines()
        .find(|l| l.starts_with("content/02-organisation.yaml:"))
        .and_then(|l| l.split(": ").next())
        .unwrap_or_else(|| panic!("no file:line in the overlay: {overlay}"));
    assert!(
        w.log.iter().any(|l| l.contains(place)),
        "the terminal does not say {place}:\n{}",
        w.log.join("\n")
    );
    for shot in [
        "preview.png",
        "preview-error.png",
        "presenter.png",
        "audience.png",
    ] {
        assert!(shots.join(shot).is_file(), "{shot}");
    }
}
