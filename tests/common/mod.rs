//! Helpers shared by the integration tests: temporary projects and PDF inspection.
#![allow(dead_code)]

use folio::project::Project;
use folio::{Options, Outcome, Session};
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary copy of the sample project (content and photos; layouts and fonts are the repo's).
pub fn sample_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    copy_dir(&repo().join("photos"), &dir.path().join("photos"));
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        let kind = e.file_type().unwrap();
        if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), target).unwrap();
        } else if kind.is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The sample, built once per test binary with the default options and shared by the tests
/// that only read what it wrote.
pub struct Built {
    pub dir: tempfile::TempDir,
    pub session: Session,
    pub outcome: Outcome,
}

pub fn sample_built() -> &'static Built {
    static BUILT: std::sync::OnceLock<Built> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = sample_project();
        let (session, outcome) = build(dir.path(), &Options::default());
        assert_ok(&outcome);
        Built {
            dir,
            session,
            outcome,
        }
    })
}

/// Options that render only one output.
pub fn only(kind: folio::Kind) -> Options {
    Options {
        only: Some(kind),
        ..Default::default()
    }
}

pub fn build(root: &Path, opts: &Options) -> (Session, Outcome) {
    let project = Project::open(root, None).unwrap();
    let session = Session::new(project);
    let outcome = session.run(opts);
    (session, outcome)
}

/// The errors of a run, one line each.
pub fn errors(outcome: &Outcome) -> Vec<String> {
    outcome
        .report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.short())
        .collect()
}

pub fn assert_ok(outcome: &Outcome) {
    let errors = errors(outcome);
    assert!(errors.is_empty(), "build failed: {errors:#?}");
}

/// The text of a PDF as poppler extracts it, NFKC-normalised, without whitespace.
pub fn pdf_text(pdf: &Path) -> String {
    pdftotext(pdf, &[])
}

/// The text of one page (1-based), as `pdf_text` reads it.
pub fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    pdftotext(pdf, &["-f", &n, "-l", &n])
}

/// Text in the order it is drawn (`pdftotext -raw`: the tags' reading order), of one page
/// (1-based) or all, as `pdf_text` reads it.
pub fn drawn_text(pdf: &Path, page: Option<usize>) -> String {
    match page.map(|p| p.to_string()) {
        Some(n) => pdftotext(pdf, &["-raw", "-f", &n, "-l", &n]),
        None => pdftotext(pdf, &["-raw"]),
    }
}

fn pdftotext(pdf: &Path, args: &[&str]) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    assert!(out.status.success());
    squash(&String::from_utf8(out.stdout).unwrap())
}

/// `pdfimages -list` of a PDF: two header lines, then a line per placed image.
pub fn image_list(pdf: &Path) -> String {
    let out = Command::new("pdfimages")
        .arg("-list")
        .arg(pdf)
        .output()
        .expect("pdfimages (apt-get install poppler-utils)");
    assert!(
        out.status.success(),
        "pdfimages failed on {}",
        pdf.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn squash(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

pub const MM: f64 = 72.0 / 25.4;

/// Page boxes of every page: (MediaBox, TrimBox, BleedBox) in points.
/// (MediaBox, TrimBox, BleedBox) of one page.
pub type PageBoxes = ([f64; 4], Option<[f64; 4]>, Option<[f64; 4]>);

pub fn boxes(pdf: &Path) -> Vec<PageBoxes> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let rect = |o: &lopdf::Object| -> [f64; 4] {
        let a = o.as_array().unwrap();
        let v: Vec<f64> = a.iter().map(|x| x.as_float().unwrap() as f64).collect();
        [v[0], v[1], v[2], v[3]]
    };
    doc.get_pages()
        .values()
        .map(|id| {
            let d = doc.get_dictionary(*id).unwrap();
            (
                rect(d.get(b"MediaBox").unwrap()),
                d.get(b"TrimBox").ok().map(rect),
                d.get(b"BleedBox").ok().map(rect),
            )
        })
        .collect()
}

/// (x ppi, y ppi) of every placed image, from `pdfimages -list`.
pub fn image_ppi(pdf: &Path) -> Vec<(usize, f64, f64)> {
    image_list(pdf)
        .lines()
        .skip(2)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 14 && f[2] == "image").then(|| {
                (
                    f[0].parse().unwrap(),
                    f[f.len() - 4].parse().unwrap(),
                    f[f.len() - 3].parse().unwrap(),
                )
            })
        })
        .collect()
}

/// Makes the sample project in `root` a stress test for the deck: a ~3,000-character slide
/// text, a ~200-character caption, 40 photos in one section, a 200-character document title
/// and a 150-character section title. Returns the long text and the long caption.
pub fn stress(root: &Path) -> (String, String) {
    let long: String = "青年工作持续推进，成效显著。".repeat(215); // ~3,000 characters
    let caption: String = "这是一段很长的图片说明文字，".repeat(15); // ~200 characters
    let photos: Vec<String> = std::fs::read_dir(root.join("photos"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".jpg"))
        .collect();
    // 40 photos: copies of the samples under new names.
    let mut names = Vec::new();
    let mut captions = std::fs::read_to_string(root.join("photos/captions.yaml")).unwrap();
    for i in 0..40 {
        let name = format!("copy{i:02}.jpg");
        std::fs::copy(
            root.join("photos").join(&photos[i % photos.len()]),
            root.join("photos").join(&name),
        )
        .unwrap();
        let text = if i == 0 {
            caption.clone()
        } else {
            format!("第{i}张照片")
        };
        captions.push_str(&format!("{name}:\n  caption: \"{text}\"\n"));
        names.push(name);
    }
    std::fs::write(root.join("photos/captions.yaml"), captions).unwrap();
    // A 200-character document title and a 150-character section title.
    let doc = std::fs::read_to_string(root.join("content/document.yaml")).unwrap();
    let long_title = "很长的标题文字".repeat(29);
    let doc = doc.replacen(
        "title: \"百年风华正青春 建功立业新征程\"",
        &format!("title: \"{long_title}\""),
        1,
    );
    std::fs::write(root.join("content/document.yaml"), doc).unwrap();
    std::fs::write(
        root.join("content/05-stress.yaml"),
        format!(
            "title: \"压力测试{}\"\nparagraphs:\n  - lead: 很长的段落。\n    text: \"{long}\"\n    slide: \"{long}\"\n    photos: [{}]\n",
            "标题很长".repeat(36),
            names.join(", ")
        ),
    )
    .unwrap();

    (long, caption)
}

/// Replaces the first `from` in the file at `path` with `to`; the file must hold `from`.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The lines a child process writes to stderr, as they come (read on a thread).
pub fn stderr_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::{BufRead, BufReader};
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().expect("stderr piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

/// The first line from `lines` that contains `what`, waiting at most `within`; every line read
/// is kept in `log`, which a timeout prints.
pub fn wait_for(
    lines: &std::sync::mpsc::Receiver<String>,
    what: &str,
    log: &mut Vec<String>,
    within: std::time::Duration,
) -> String {
    let deadline = std::time::Instant::now() + within;
    while std::time::Instant::now() < deadline {
        if let Ok(line) = lines.recv_timeout(std::time::Duration::from_millis(200)) {
            log.push(line.clone());
            if line.contains(what) {
                return line;
            }
        }
    }
    panic!(
        "timed out waiting for {what:?}; output so far:\n{}",
        log.join("\n")
    );
}

/// The sample with speaker notes on the document, a section, a paragraph and a photo.
pub fn sample_with_notes() -> tempfile::TempDir {
    let dir = sample_project();
    let root = dir.path();
    let edit = |file: &str, from: &str, to: &str| edit(&root.join(file), from, to);
    edit(
        "content/document.yaml",
        "\nintro:",
        "\nnotes: \"开场：问候来宾，说明汇报的四个部分。\"\nintro:",
    );
    edit(
        "content/01-leadership.yaml",
        "\nparagraphs:",
        "\nnotes: |\n  第一部分的要点：思想引领。\n  第二行提示。\nparagraphs:",
    );
    edit(
        "content/02-organisation.yaml",
        "    text:",
        "    notes: \"强调 58026 这个数字。\"\n    text:",
    );
    edit(
        "photos/captions.yaml",
        "  caption: \"“创青春”第六届太原青年创业创新大赛\"",
        "  caption: \"“创青春”第六届太原青年创业创新大赛\"\n  notes: \"介绍大赛的获奖项目。\"",
    );
    dir
}

/// A field of `pdfinfo`'s report on `pdf` (`"Pages:"`, `"Page size:"`).
pub fn pdf_info(pdf: &Path, field: &str) -> String {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo (apt-get install poppler-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| panic!("pdfinfo says nothing of {field} for {}", pdf.display()))
}

/// What tests/pptx_read.py reads from a `.pptx` with python-pptx (scripts/test installs it):
/// each slide's layout, texts and notes, and any structural problem.
pub fn pptx_deck(pptx: &Path) -> serde_json::Value {
    let out = Command::new("python3")
        .arg(repo().join("tests/pptx_read.py"))
        .arg(pptx)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "python-pptx could not read {} (scripts/test installs python-pptx): {}",
        pptx.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The brochure of a run.
pub fn brochure_of(outcome: &Outcome) -> &folio::render::Rendered {
    outcome
        .rendered
        .iter()
        .find(|r| r.kind == folio::Kind::Brochure)
        .expect("a brochure was rendered")
}

/// A line of laid-out text: its baseline, left and right edges (pt from the trim's top-left)
/// and its runs' text, left to right.
pub struct TextLine {
    pub baseline: f64,
    pub left: f64,
    pub right: f64,
    pub text: String,
}

/// The lines of text set at `size` on each page of the brochure, top to bottom.
pub fn brochure_lines(outcome: &Outcome, size: f64) -> Vec<Vec<TextLine>> {
    brochure_of(outcome)
        .document
        .pages()
        .iter()
        .map(|page| {
            let mut runs: Vec<_> = folio::render::frames::text_boxes(&page.frame)
                .into_iter()
                .filter(|b| (b.size - size).abs() < 0.05)
                .collect();
            // Runs of one line may sit a hair apart vertically (another font): group by
            // baseline first, then read each line left to right.
            runs.sort_by(|a, b| a.baseline.total_cmp(&b.baseline));
            let mut groups: Vec<Vec<folio::render::frames::TextBox>> = Vec::new();
            for r in runs {
                match groups.last_mut() {
                    Some(g) if (r.baseline - g[0].baseline).abs() < 0.5 => g.push(r),
                    _ => groups.push(vec![r]),
                }
            }
            let lines: Vec<TextLine> = groups
                .into_iter()
                .map(|mut g| {
                    g.sort_by(|a, b| a.x0.total_cmp(&b.x0));
                    TextLine {
                        baseline: g[0].baseline,
                        left: g[0].x0,
                        right: g.iter().map(|r| r.x1).fold(f64::MIN, f64::max),
                        text: g.iter().map(|r| r.text.as_str()).collect(),
                    }
                })
                .collect();
            lines
        })
        .collect()
}

/// Every structure element of a tagged PDF, in the tree's order: its type and its alt text.
pub fn structure(doc: &lopdf::Document) -> Vec<(String, Option<String>)> {
    fn walk(
        doc: &lopdf::Document,
        o: &lopdf::Object,
        out: &mut Vec<(String, Option<String>)>,
        depth: usize,
    ) {
        assert!(depth < 200, "the structure tree is too deep (a cycle?)");
        let o = match o {
            lopdf::Object::Reference(id) => match doc.get_object(*id) {
                Ok(o) => o,
                Err(_) => return,
            },
            o => o,
        };
        match o {
            lopdf::Object::Array(a) => a.iter().for_each(|k| walk(doc, k, out, depth + 1)),
            lopdf::Object::Dictionary(d) => {
                // A marked-content or object reference ends the branch.
                if let Ok(s) = d.get(b"S").and_then(|s| s.as_name()) {
                    let alt = d
                        .get(b"Alt")
                        .ok()
                        .and_then(|a| lopdf::decode_text_string(a).ok());
                    out.push((String::from_utf8_lossy(s).into_owned(), alt));
                }
                if let Ok(k) = d.get(b"K") {
                    walk(doc, k, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    let root = doc.catalog().unwrap();
    let mut out = Vec::new();
    walk(doc, root.get(b"StructTreeRoot").unwrap(), &mut out, 0);
    out
}
