//! folio's speed, measured: cold and warm builds in new processes, edit-to-PDF latency in a
//! long-lived session (what `folio watch` does after a save), and a ~200-page, 200-photo case.
//! Prints medians; BENCHMARKS.md records a run.
//!
//!     cargo bench --bench render            (FOLIO_BENCH_RUNS=N for more runs)

// The same allocator as the `folio` binary, so in-process timings match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// The tests' helpers (temporary projects, copying folders), shared rather than copied.
#[path = "../tests/common/mod.rs"]
mod common;

use common::{copy_dir, repo};
use folio::project::Project;
use folio::{Options, Session};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// Runs `folio build` in a new process; returns wall time and peak memory (KiB).
fn build_process(root: &Path) -> (Duration, u64) {
    build_process_with(root, &[])
}

/// `folio build` with extra arguments, in a new process: its time and peak memory (KB).
fn build_process_with(root: &Path, args: &[&str]) -> (Duration, u64) {
    let exe = repo().join("target/release/folio");
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "maxrss=%M"])
        .arg(&exe)
        .arg("build")
        .arg(root)
        .args(args)
        .output()
        .expect("build target/release/folio first (cargo build --release)");
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let rss = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("maxrss="))
        .next_back()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    (elapsed, rss)
}

/// `runs` builds in new processes (emptying `out/` first when `cold`): median time, peak memory.
fn build_runs(root: &Path, runs: usize, cold: bool) -> (Duration, u64) {
    let mut times = Vec::new();
    let mut rss = 0;
    for _ in 0..runs {
        if cold {
            let _ = std::fs::remove_dir_all(root.join("out"));
        }
        let (t, m) = build_process(root);
        times.push(t);
        rss = rss.max(m);
    }
    (median(times), rss)
}

/// Edit-to-PDF: change one paragraph, re-render and write both PDFs in a live session.
/// An edit: the file's text and the run number → the edited text.
type Edit<'a> = &'a dyn Fn(&str, usize) -> String;

/// Adds a sentence after `needle` (a lead-in: seen in the brochure and as a slide's title).
fn after(needle: &str) -> impl Fn(&str, usize) -> String {
    move |text, i| text.replacen(needle, &format!("{needle}第{i}次修改。"), 1)
}

/// Adds a sentence before `needle` (the end of a paragraph: seen in the brochure only).
fn before(needle: &str) -> impl Fn(&str, usize) -> String {
    move |text, i| text.replacen(needle, &format!("第{i}次修改。{needle}"), 1)
}

/// Edit-to-PDF: edit `file`, re-render in a live session and write the `pdfs` PDFs the edit
/// changes.
/// Returns the median time to the files, and the median time spent making `slides.pptx`.
fn edit_latency(
    root: &Path,
    file: &Path,
    edit: Edit,
    pdfs: usize,
    runs: usize,
) -> (Duration, Duration) {
    let session = Session::new(Project::open(root, None).unwrap());
    // As `folio watch` runs it (without the handout and the screen edition).
    let opts = Options {
        no_sync: true,
        no_handout: true,
        no_screen: true,
        ..Default::default()
    };
    assert!(!session.run(&opts).report.has_errors());
    let original = std::fs::read_to_string(file).unwrap();
    let mut times = Vec::new();
    let mut pptx = Vec::new();
    for i in 0..runs {
        // FOLIO_BENCH_PAUSE_MS spaces the edits as a person saving would.
        if let Some(pause) = std::env::var("FOLIO_BENCH_PAUSE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            std::thread::sleep(Duration::from_millis(pause));
        }
        let edited = edit(&original, i);
        assert_ne!(edited, original);
        std::fs::write(file, edited).unwrap();
        // FOLIO_BENCH_TRACE=FILE writes typst's timing of the last run (chrome://tracing format).
        let trace = std::env::var_os("FOLIO_BENCH_TRACE").filter(|_| i + 1 == runs);
        if trace.is_some() {
            typst_timing::enable();
        }
        let start = Instant::now();
        let outcome = session.run(&opts);
        times.push(start.elapsed());
        pptx.push(outcome.timings.pptx);
        if let Some(path) = trace {
            typst_timing::disable();
            let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
            let mut sources = std::collections::HashMap::new();
            typst_timing::export_json(file, |raw| span_location(&mut sources, raw)).unwrap();
        }
        if std::env::var_os("FOLIO_BENCH_VERBOSE").is_some() {
            eprintln!("  {:?}", outcome.timings);
            for r in &outcome.rendered {
                eprintln!(
                    "    {}: compile {} ({} passes), export {}, {} pages",
                    r.kind.name(),
                    ms(r.compile),
                    r.passes,
                    ms(r.export),
                    r.document.pages().len(),
                );
            }
        }
        assert!(!outcome.report.has_errors());
        assert_eq!(
            outcome
                .written
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
                .filter(|p| !p.ends_with("handout.pdf"))
                .count(),
            pdfs
        );
    }
    std::fs::write(file, original).unwrap();
    (median(times), median(pptx))
}

/// Where a span of a layout file points, for the trace. Each layout is read and parsed once.
fn span_location(
    sources: &mut std::collections::HashMap<typst::syntax::FileId, Option<typst::syntax::Source>>,
    raw: std::num::NonZeroU64,
) -> (String, u32) {
    let span = typst::syntax::Span::from_raw(raw);
    let Some(id) = span.id() else {
        return (String::new(), 0);
    };
    let rel = id.vpath().get_without_slash().to_string();
    let source = sources.entry(id).or_insert_with(|| {
        let text = std::fs::read_to_string(repo().join("layouts").join(&rel)).ok()?;
        Some(typst::syntax::Source::new(id, text))
    });
    let line = source
        .as_ref()
        .and_then(|s| {
            s.find(span)
                .and_then(|n| s.lines().byte_to_line_column(n.offset()))
        })
        .map_or(0, |(l, _)| l as u32 + 1);
    (rel, line)
}

/// A generated document: 20 sections × 10 long paragraphs, 200 distinct photos cut from the samples.
fn scale_project(root: &Path) {
    let photos = root.join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    std::fs::create_dir_all(root.join("content")).unwrap();
    let sources: Vec<PathBuf> = std::fs::read_dir(repo().join("photos"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    let decoded: Vec<image::DynamicImage> =
        sources.iter().map(|p| image::open(p).unwrap()).collect();
    let mut captions = String::new();
    for i in 0..200 {
        let src = &decoded[i % decoded.len()];
        let (w, h) = (src.width() * 3 / 4, src.height() * 3 / 4);
        let x = (i as u32 * 37) % (src.width() - w);
        let y = (i as u32 * 53) % (src.height() - h);
        let crop = src.crop_imm(x, y, w, h).to_rgb8();
        crop.save(photos.join(format!("p{i:03}.jpg"))).unwrap();
        captions.push_str(&format!("p{i:03}.jpg:\n  caption: \"第{i}张照片的图片说明文字\"\n  credit: \"Sample, CC BY 4.0\"\n"));
    }
    std::fs::write(photos.join("captions.yaml"), captions).unwrap();
    std::fs::write(
        root.join("content/document.yaml"),
        "title: 规模测试手册\norganisation: 测试单位\nyear: 2024\ncover:\n  photo: p000.jpg\n",
    )
    .unwrap();
    let seed = std::fs::read_to_string(repo().join("tests/fixtures/seed.txt")).unwrap();
    let paras: Vec<&str> = seed.lines().filter(|l| l.chars().count() > 100).collect();
    for s in 0..20 {
        let mut y = format!("title: \"第{s}部分 规模测试\"\nparagraphs:\n");
        for p in 0..10 {
            // Six seed paragraphs each, so the brochure reaches about 200 pages.
            let text: String = [0, 7, 11, 17, 23, 29]
                .iter()
                .map(|k| paras[(s * 10 + p + k) % paras.len()].trim_start_matches('—'))
                .collect();
            let n = s * 10 + p;
            y.push_str(&format!(
                "  - lead: \"段落{n}。\"\n    text: {}\n    photos: [p{n:03}.jpg]\n",
                serde_json::to_string(&text).unwrap()
            ));
        }
        std::fs::write(root.join(format!("content/{s:02}-part.yaml")), y).unwrap();
    }
}

/// Two edits to one paragraph of `file`: its lead-in (both PDFs change) and its end, before
/// `end` (only the brochure shows it).
fn edits(name: &str, root: &Path, file: &str, lead: &str, end: &str, runs: usize) {
    let file = root.join(file);
    let (t, pptx) = edit_latency(root, &file, &after(lead), 2, runs);
    println!(
        "{name:7} edit-to-PDF, a lead-in (both PDFs):       {}",
        ms(t)
    );
    println!(
        "{name:7}   of which slides.pptx:                  {}",
        ms(pptx)
    );
    let (t, _) = edit_latency(root, &file, &before(end), 1, runs);
    println!(
        "{name:7} edit-to-PDF, a paragraph's end (brochure): {}",
        ms(t)
    );
}

/// The paragraph the sample's edits change: its file, its lead-in, and the text just after it.
const SAMPLE: (&str, &str, &str) = (
    "content/01-leadership.yaml",
    "党的理论武装持续增强。",
    "荣誉称号。\"",
);
/// The same at scale.
const SCALE: (&str, &str, &str) = (
    "content/05-part.yaml",
    "段落50。",
    "\"\n    photos: [p050.jpg]",
);

fn sample_edits(root: &Path, runs: usize) {
    let (file, lead, end) = SAMPLE;
    edits("sample", root, file, lead, end, runs);
}

/// Writing ~135 MB per edit makes single runs at scale noisy: callers take more of them.
fn scale_edits(root: &Path, runs: usize) {
    let (file, lead, end) = SCALE;
    edits("scale", root, file, lead, end, runs);
}

fn main() {
    let runs: usize = std::env::var("FOLIO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    if let Ok(dir) = std::env::var("FOLIO_BENCH_TYPST_ALONE") {
        typst_alone(Path::new(&dir));
        return;
    }
    println!("folio benchmark, {runs} runs each, medians");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(&repo().join("content"), &root.join("content"));
    copy_dir(&repo().join("photos"), &root.join("photos"));
    let case = std::env::var("FOLIO_BENCH_CASES").unwrap_or_default();
    if case == "edit" {
        sample_edits(root, runs * 4);
        return;
    }
    if case == "save" {
        sample_save(root, runs * 4);
        return;
    }
    if case == "cold" {
        side_by_side(root, runs);
        return;
    }
    if case == "screen" {
        with_and_without_screen(root, runs);
        return;
    }
    // FOLIO_BENCH_SCALE_DIR keeps the generated project (and its photo cache) between runs.
    let big = tempfile::tempdir().unwrap();
    let big =
        std::env::var_os("FOLIO_BENCH_SCALE_DIR").map_or(big.path().to_path_buf(), PathBuf::from);
    if !big.join("content").is_dir() {
        scale_project(&big);
    }
    if case == "scale-edit" {
        scale_edits(&big, runs * 3);
        return;
    }
    if case == "scale-save" {
        scale_save(&big, runs * 3);
        return;
    }
    if case == "preview" {
        sample_preview(root, runs * 4);
        scale_preview(&big, runs * 3);
        return;
    }

    side_by_side(root, runs);
    with_and_without_screen(root, runs);
    let (cold, cold_rss) = build_runs(root, runs, true);
    println!(
        "sample  cold build (new process, empty cache):   {}",
        ms(cold)
    );
    let (warm, warm_rss) = build_runs(root, runs, false);
    println!(
        "sample  warm build (new process, cache filled):  {}",
        ms(warm)
    );
    println!(
        "sample  peak memory of a build:                  {} MB",
        cold_rss.max(warm_rss) / 1024
    );
    sample_edits(root, runs * 4);

    let (cold, cold_rss) = build_runs(&big, 1, true);
    println!(
        "scale   cold build, 200 photos:                  {}",
        ms(cold)
    );
    let (warm, warm_rss) = build_runs(&big, runs.min(3), false);
    let pages =
        lopdf::Document::load(big.join("out/brochure.pdf")).map_or(0, |d| d.get_pages().len());
    println!(
        "scale   warm build ({pages} brochure pages):        {}",
        ms(warm)
    );
    println!(
        "scale   peak memory:                             {} MB",
        cold_rss.max(warm_rss) / 1024
    );
    scale_edits(&big, runs * 3);
    sample_save(root, runs * 4);
    scale_save(&big, runs * 3);
    sample_preview(root, runs * 4);
    scale_preview(&big, runs * 3);
}

fn sample_preview(root: &Path, runs: usize) {
    let (file, _, end) = SAMPLE;
    save_to_thumbnail("sample", root, file, end, runs);
}

fn scale_preview(root: &Path, runs: usize) {
    let (file, _, end) = SCALE;
    save_to_thumbnail("scale", root, file, end, runs);
}

/// What a person sees in the preview: a real `folio watch --serve`, a file saved as editors
/// save, until an event-stream client (what the page's EventSource is) has the new state and
/// has downloaded every page image that changed. Also how many pages were drawn again.
fn save_to_thumbnail(name: &str, root: &Path, file: &str, end: &str, runs: usize) {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    let (mut watch, log) = start_watch(root, &["--serve", "--port", "0"]);
    let addr = log
        .iter()
        .find_map(|l| l.split("http://").nth(1))
        .and_then(|rest| rest.split('/').next())
        .expect("folio watch --serve printed its address")
        .to_string();
    let mut stream = TcpStream::connect(&addr).unwrap();
    write!(stream, "GET /events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut events = BufReader::new(stream);
    let mut next = |after: u64| -> serde_json::Value {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(events.read_line(&mut line).unwrap() > 0, "no events");
            if let Some(json) = line.strip_prefix("data: ") {
                let s: serde_json::Value = serde_json::from_str(json).unwrap();
                if s["version"].as_u64().unwrap() > after && !s["building"].as_bool().unwrap() {
                    return s;
                }
            }
        }
    };
    let looks = |s: &serde_json::Value| -> Vec<String> {
        s["brochure"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["look"].as_str().unwrap().to_string())
            .collect()
    };
    let fetch = |look: &str| {
        let mut s = TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "GET /page/brochure/{look}.png HTTP/1.0\r\nHost: {addr}\r\n\r\n"
        )
        .unwrap();
        let mut body = Vec::new();
        s.read_to_end(&mut body).unwrap();
        assert!(body.starts_with(b"HTTP/1.1 200") || body.starts_with(b"HTTP/1.0 200"));
    };
    let mut state = next(0);
    let file = root.join(file);
    let original = std::fs::read_to_string(&file).unwrap();
    let (mut times, mut redrawn) = (Vec::new(), Vec::new());
    for i in 0..runs {
        std::thread::sleep(Duration::from_millis(300));
        let before_save = looks(&state);
        let start = save_as_editor(root, &file, &before(end)(&original, i));
        let version = state["version"].as_u64().unwrap();
        state = next(version);
        let now = looks(&state);
        let changed: Vec<&String> = now
            .iter()
            .zip(&before_save)
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a)
            .collect();
        for look in &changed {
            fetch(look);
        }
        times.push(start.elapsed());
        redrawn.push((changed.len(), now.len()));
    }
    let _ = watch.kill();
    let _ = watch.wait();
    std::fs::write(&file, original).unwrap();
    let (most, pages) = redrawn.iter().max().copied().unwrap_or((0, 0));
    println!(
        "{name:7} save to page image in the preview (real watcher, event stream, image fetched): {}; pages drawn again per save: at most {most} of {pages}",
        spread(times)
    );
}

fn sample_save(root: &Path, runs: usize) {
    let (file, _, end) = SAMPLE;
    save_to_pdf("sample", root, file, end, runs);
}

fn scale_save(root: &Path, runs: usize) {
    let (file, _, end) = SCALE;
    save_to_pdf("scale", root, file, end, runs);
}

/// folio's cold build against typst's own compile of the same brochure and deck, alternating
/// in one run: new processes each time, folio with an empty `out/` (no photo cache).
/// What the screen edition costs: cold and warm builds of all outputs with and without it
/// (`--no-screen`), alternating in one run so the machine's mood is shared.
fn with_and_without_screen(root: &Path, runs: usize) {
    for cold in [true, false] {
        let mut with = (Vec::new(), 0);
        let mut without = (Vec::new(), 0);
        let variants: [&[&str]; 2] = [&[], &["--no-screen"]];
        if !cold {
            // Both variants' photos in the cache before the first timed run.
            build_process_with(root, variants[0]);
        }
        for _ in 0..runs {
            for (args, into) in variants.into_iter().zip([&mut with, &mut without]) {
                if cold {
                    let _ = std::fs::remove_dir_all(root.join("out"));
                }
                let (t, rss) = build_process_with(root, args);
                into.0.push(t);
                into.1 = into.1.max(rss);
            }
        }
        let name = if cold { "cold" } else { "warm" };
        let (a, b) = (median(with.0), median(without.0));
        println!(
            "sample  {name} build, all outputs:  {} with the screen edition, {} without ({:+.0} %); peak {} / {} MB",
            ms(a),
            ms(b),
            (a.as_secs_f64() / b.as_secs_f64() - 1.0) * 100.0,
            with.1 / 1024,
            without.1 / 1024
        );
    }
}

fn side_by_side(root: &Path, runs: usize) {
    // The layouts' data, as folio hands it to them, for typst to compile on its own.
    let session = Session::new(Project::open(root, None).unwrap());
    let outcome = session.run(&Options::default());
    assert!(!outcome.report.has_errors());
    let dir = tempfile::tempdir().unwrap();
    for kind in folio::products::Kind::ALL {
        std::fs::write(
            dir.path().join(format!("{}.json", kind.name())),
            session.layout_data(kind),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("root"), root.to_string_lossy().as_bytes()).unwrap();
    // folio's default build writes five files; typst alone writes the brochure and the deck,
    // so folio is also timed writing only those two (no screen edition, pptx or handout).
    const SAME_TWO: [&str; 3] = ["--no-screen", "--no-pptx", "--no-handout"];
    let (mut folio_times, mut two_times, mut typst_times) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(root.join("out"));
        folio_times.push(build_process(root).0);
        let _ = std::fs::remove_dir_all(root.join("out"));
        two_times.push(build_process_with(root, &SAME_TWO).0);
        let start = Instant::now();
        let status = Command::new(std::env::current_exe().unwrap())
            .env("FOLIO_BENCH_TYPST_ALONE", dir.path())
            .status()
            .unwrap();
        assert!(status.success());
        typst_times.push(start.elapsed());
    }
    let range = |v: &[Duration]| {
        let mut v = v.to_vec();
        v.sort();
        format!("{}–{}", ms(v[0]), ms(*v.last().unwrap()))
    };
    let (f, two, t) = (
        median(folio_times.clone()),
        median(two_times.clone()),
        median(typst_times.clone()),
    );
    println!(
        "sample  cold build, folio (all five files):      {} (range {})",
        ms(f),
        range(&folio_times)
    );
    println!(
        "sample  cold build, folio (the same two PDFs):   {} (range {})",
        ms(two),
        range(&two_times)
    );
    println!(
        "sample  cold build, typst alone (same layouts):  {} (range {})",
        ms(t),
        range(&typst_times)
    );
    println!(
        "sample  cold build ratio folio / typst:          {:.2} (all five files), {:.2} (the same two PDFs)",
        f.as_secs_f64() / t.as_secs_f64(),
        two.as_secs_f64() / t.as_secs_f64()
    );
}

/// typst alone (run in a child process by `side_by_side`): the brochure and the deck compiled
/// from folio's layouts and data, each photo given to typst as its original file (typst decodes
/// it and embeds the JPEG as it is), both PDFs exported and written, side by side. No flow
/// plan, no photo preparation, no checks: what a typst user's own document of the same pages
/// would cost.
fn typst_alone(dir: &Path) {
    use folio::products::Kind;
    let root = PathBuf::from(std::fs::read_to_string(dir.join("root")).unwrap());
    let project = Project::open(&root, None).unwrap();
    let fonts = folio::fonts::Fonts::discover(&project.font_dirs);
    std::thread::scope(|s| {
        for kind in Kind::ALL {
            let (fonts, project) = (fonts.clone(), &project);
            s.spawn(move || {
                let data = std::fs::read(dir.join(format!("{}.json", kind.name()))).unwrap();
                let world = alone::World::new(fonts, project, kind.layout(), data);
                let doc = typst::compile::<typst_layout::PagedDocument>(&world)
                    .output
                    .unwrap_or_else(|e| panic!("typst alone: {e:?}"));
                let pdf = typst_pdf::pdf(&doc, &Default::default()).unwrap();
                std::fs::write(dir.join(format!("{}.pdf", kind.name())), pdf).unwrap();
            });
        }
    });
}

/// The World of typst alone: layout files read from disk, the data, photos as their files.
mod alone {
    use folio::fonts::Fonts;
    use folio::project::Project;
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::Arc;
    use typst::diag::{FileError, FileResult};
    use typst::foundations::{Bytes, Datetime};
    use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
    use typst::text::{Font, FontBook};
    use typst::utils::LazyHash;
    use typst::{Library, LibraryExt};

    pub struct World {
        library: LazyHash<Library>,
        fonts: Arc<Fonts>,
        main: FileId,
        layouts: PathBuf,
        data: Bytes,
        photos: HashMap<usize, PathBuf>,
    }

    fn id(path: &str) -> FileId {
        RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).unwrap()).intern()
    }

    impl World {
        pub fn new(fonts: Arc<Fonts>, project: &Project, main: &str, data: Vec<u8>) -> World {
            let json: serde_json::Value = serde_json::from_slice(&data).unwrap();
            let mut photos = HashMap::new();
            collect(&json, &project.photos, &mut photos);
            World {
                library: LazyHash::new(Library::builder().build()),
                fonts,
                main: id(&format!("/{main}")),
                layouts: project.layouts[0].clone(),
                data: Bytes::new(data),
                photos,
            }
        }
    }

    /// Every photo record's id and file.
    fn collect(v: &serde_json::Value, dir: &std::path::Path, out: &mut HashMap<usize, PathBuf>) {
        match v {
            serde_json::Value::Object(o) => {
                if let (Some(id), Some(name), Some(_)) = (
                    o.get("id").and_then(|i| i.as_u64()),
                    o.get("name").and_then(|n| n.as_str()),
                    o.get("src"),
                ) {
                    out.insert(id as usize, dir.join(name));
                }
                o.values().for_each(|v| collect(v, dir, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| collect(v, dir, out)),
            _ => {}
        }
    }

    impl typst::World for World {
        fn library(&self) -> &LazyHash<Library> {
            &self.library
        }
        fn book(&self) -> &LazyHash<FontBook> {
            self.fonts.store.book()
        }
        fn main(&self) -> FileId {
            self.main
        }
        fn source(&self, id: FileId) -> FileResult<Source> {
            let path = id.get().vpath().realize(&self.layouts).unwrap();
            let text = std::fs::read_to_string(&path).map_err(|e| FileError::from_io(e, &path))?;
            Ok(Source::new(id, text))
        }
        fn file(&self, id: FileId) -> FileResult<Bytes> {
            let vpath = id.get().vpath().get_with_slash();
            if vpath == "/data.json" {
                return Ok(self.data.clone());
            }
            if vpath == "/flow.json" {
                return Ok(Bytes::new(b"{}".to_vec()));
            }
            if let Some(rest) = vpath.strip_prefix("/folio/photos/") {
                let photo: usize = rest.split('/').next().unwrap().parse().unwrap();
                let path = &self.photos[&photo];
                return std::fs::read(path)
                    .map(Bytes::new)
                    .map_err(|e| FileError::from_io(e, path));
            }
            let path = id.get().vpath().realize(&self.layouts).unwrap();
            std::fs::read(&path)
                .map(Bytes::new)
                .map_err(|e| FileError::from_io(e, &path))
        }
        fn font(&self, index: usize) -> Option<Font> {
            self.fonts.store.font(index)
        }
        fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
            Datetime::from_ymd(2000, 1, 1)
        }
    }
}

/// What a person sees: a real `folio watch` process, a file saved as editors save (a temporary
/// file renamed over the original), until the new brochure.pdf has been renamed into place.
/// The edit is to a paragraph's end, which only the brochure shows.
fn save_to_pdf(name: &str, root: &Path, file: &str, end: &str, runs: usize) {
    use std::os::unix::fs::MetadataExt;
    let (mut watch, _) = start_watch(root, &[]);
    let file = root.join(file);
    let pdf = root.join("out/brochure.pdf");
    let original = std::fs::read_to_string(&file).unwrap();
    let mut times = Vec::new();
    for i in 0..runs {
        std::thread::sleep(Duration::from_millis(300));
        let inode = std::fs::metadata(&pdf).unwrap().ino();
        let start = save_as_editor(root, &file, &before(end)(&original, i));
        while std::fs::metadata(&pdf).map_or(true, |m| m.ino() == inode) {
            if start.elapsed() > Duration::from_secs(10) {
                panic!("no new brochure.pdf 10 s after a save");
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        times.push(start.elapsed());
    }
    let _ = watch.kill();
    let _ = watch.wait();
    std::fs::write(&file, original).unwrap();
    println!(
        "{name:7} save to PDF (real watcher, paragraph's end): {}",
        spread(times)
    );
}

/// A real `folio watch` of `root` (with `args`) past its first build, and what it printed until
/// then. The rest of its log is read on a thread, so it never blocks on a full pipe.
fn start_watch(root: &Path, args: &[&str]) -> (std::process::Child, Vec<String>) {
    use std::io::{BufRead, BufReader};
    let mut watch = Command::new(env!("CARGO_BIN_EXE_folio"))
        .arg("watch")
        .args(args)
        .arg(root)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(watch.stderr.take().unwrap());
    let mut lines = Vec::new();
    while !lines
        .last()
        .is_some_and(|l: &String| l.contains("watching"))
    {
        let mut line = String::new();
        assert!(log.read_line(&mut line).unwrap() > 0, "folio watch ended");
        lines.push(line);
    }
    std::thread::spawn(move || for _ in log.lines() {});
    (watch, lines)
}

/// Saves `text` into `file` as editors save (a temporary file renamed over it), and returns
/// when the save began.
fn save_as_editor(root: &Path, file: &Path, text: &str) -> Instant {
    let tmp = root.join("content/.folio-bench-save.swp~");
    let start = Instant::now();
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, file).unwrap();
    start
}

/// The median of `times` and their range.
fn spread(mut times: Vec<Duration>) -> String {
    times.sort();
    format!(
        "{} (range {}–{})",
        ms(median(times.clone())),
        ms(times[0]),
        ms(*times.last().unwrap())
    )
}
