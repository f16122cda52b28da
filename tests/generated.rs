//! Generated documents (issue 10): random lengths, long tokens, figures of any shape, photos of
//! any aspect ratio, line and paragraph separators, every script the fonts cover. Each must
//! build, and its laid-out pages must hold every character of its text, with no blank glyph,
//! nothing outside the safe area and no text over text (the build's own guard, plus an
//! independent count of the characters here).
//!
//! Cases: FOLIO_DOCS_CASES (300 by default); a failing case prints its seed, and
//! FOLIO_DOCS_SEED=<seed> FOLIO_DOCS_CASES=1 replays it (FOLIO_DOCS_KEEP=<dir> keeps the
//! cases as projects to build and look at).

mod common;
use folio::project::Project;
use folio::render::frames::text_boxes;
use folio::{Options, Session};
use std::collections::BTreeSet;
use unicode_normalization::UnicodeNormalization;

/// A small deterministic generator (xorshift64*), so a failing case can be replayed by seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const CJK_WORDS: &[&str] = &[
    "青年",
    "团委",
    "工作",
    "服务",
    "志愿者",
    "学习",
    "组织",
    "建设",
    "全市",
    "活动",
    "成效",
    "深入",
    "发展",
    "创新",
    "创业",
    "乡村",
    "振兴",
    "疫情",
    "防控",
    "引领",
    "凝聚",
    "太原",
];
const OTHER_WORDS: &[&str] = &[
    "the",
    "annual",
    "report",
    "Jugendarbeit",
    "Ελληνικη",
    "русский",
    "ひらがな",
    "カタカナ",
    "café",
    "naïve",
    "Ångström",
    "2020",
    "95%",
    "(市、区)",
    "“青春”",
    "《报告》",
    "——",
    "……",
];
const LONG_TOKENS: &[&str] = &[
    "Donaudampfschifffahrtsgesellschaftskapitän",
    "https://www.example.org/reports/2020/annual/youth-league/index.html?lang=zh&page=12",
    "youth.league.committee@taiyuan-example.org.cn",
    "1234567890123456789012345678",
    "ABCD-EFGH-1234-5678-IJKL-MNOP",
    "¥12,345,678,901.50",
    "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
];
const FIGURE_VALUES: &[&str] = &[
    "65万",
    "126",
    "500",
    "1.2亿",
    "95%",
    "2020-12-31",
    "¥1,234,567.00",
    "info@example.org",
    "ID-2020-000123-XYZ",
    "12345678901234567890",
    "3/4",
    "第一",
    "+38.5%",
    "10:30",
];
const SEPARATORS: &[&str] = &["\u{2028}", "\u{2029}", "\n", " ", "，", "。"];

fn phrase(rng: &mut Rng, max_words: usize) -> String {
    let n = 1 + rng.below(max_words);
    let mut s = String::new();
    for _ in 0..n {
        let r = rng.below(100);
        let w = if r < 70 {
            rng.pick(CJK_WORDS).to_string()
        } else if r < 90 {
            format!(" {} ", rng.pick(OTHER_WORDS))
        } else if r < 96 {
            format!(" {} ", rng.pick(LONG_TOKENS))
        } else {
            rng.pick(SEPARATORS).to_string()
        };
        s.push_str(&w);
    }
    let s = s.trim().to_string();
    if s.is_empty() { "文字".into() } else { s }
}

/// A YAML double-quoted string: escapes that keep separators and quotes intact.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

struct Case {
    files: Vec<(String, Vec<u8>)>,
    /// Every text the document prints.
    texts: Vec<String>,
}

fn photo(rng: &mut Rng) -> Vec<u8> {
    // Any aspect ratio from 1:5 to 5:1, small (the test is about layout, not pixels).
    let long = 60 + rng.below(140) as u32;
    let ratio = 0.2 + (rng.below(1000) as f64 / 1000.0) * 4.8;
    let (w, h) = if ratio >= 1.0 {
        (long, ((long as f64 / ratio) as u32).max(8))
    } else {
        (((long as f64 * ratio) as u32).max(8), long)
    };
    let seed = rng.below(255) as u8;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([seed, (x * 3) as u8, (y * 5) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&img)
        .unwrap();
    out
}

fn generate(seed: u64) -> Case {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut texts = Vec::new();
    let mut files = Vec::new();
    let text = |rng: &mut Rng, max: usize, texts: &mut Vec<String>| {
        let t = phrase(rng, max);
        texts.push(t.clone());
        q(&t)
    };
    let n_photos = rng.below(41);
    let mut captions = String::new();
    for i in 0..n_photos {
        files.push((format!("photos/p{i}.jpg"), photo(&mut rng)));
        if rng.chance(85) {
            captions += &format!("p{i}.jpg:\n  caption: {}\n", text(&mut rng, 12, &mut texts));
            if rng.chance(50) {
                captions += &format!("  credit: {}\n", text(&mut rng, 4, &mut texts));
            }
        }
    }
    let mut doc = format!(
        "title: {}\norganisation: {}\nyear: {}\n",
        text(&mut rng, 8, &mut texts),
        text(&mut rng, 4, &mut texts),
        1990 + rng.below(60)
    );
    if rng.chance(60) {
        doc += &format!("subtitle: {}\n", text(&mut rng, 10, &mut texts));
    }
    if n_photos > 0 && rng.chance(60) {
        doc += &format!("cover:\n  photo: p{}.jpg\n", rng.below(n_photos));
    }
    if rng.chance(50) {
        doc += &format!(
            "closing:\n  paragraphs:\n    - text: {}\n",
            text(&mut rng, 40, &mut texts)
        );
    }
    files.push(("content/document.yaml".into(), doc.into_bytes()));
    let mut next_photo = 0;
    let n_sections = 1 + rng.below(4);
    for s in 0..n_sections {
        let mut yaml = String::new();
        if rng.chance(80) {
            yaml += &format!("title: {}\n", text(&mut rng, 8, &mut texts));
        }
        let n_fig = rng.below(13);
        if n_fig > 0 {
            yaml += "figures:\n";
            for _ in 0..n_fig {
                let v = if rng.chance(80) {
                    rng.pick(FIGURE_VALUES).to_string()
                } else {
                    phrase(&mut rng, 2)
                };
                texts.push(v.clone());
                yaml += &format!(
                    "  - value: {}\n    label: {}\n",
                    q(&v),
                    text(&mut rng, 5, &mut texts)
                );
                if rng.chance(30) {
                    yaml += &format!("    unit: {}\n", text(&mut rng, 1, &mut texts));
                }
            }
        }
        yaml += "paragraphs:\n";
        for _ in 0..1 + rng.below(4) {
            let words = 1 + rng.below(150);
            yaml += &format!("  - text: {}\n", text(&mut rng, words, &mut texts));
            if rng.chance(40) {
                yaml += &format!("    lead: {}\n", text(&mut rng, 4, &mut texts));
            }
            if rng.chance(20) {
                yaml += &format!(
                    "    slide: [{}, {}]\n",
                    text(&mut rng, 6, &mut texts),
                    text(&mut rng, 6, &mut texts)
                );
            }
            let take = if n_photos > next_photo {
                rng.below((n_photos - next_photo).min(6) + 1)
            } else {
                0
            };
            if take > 0 {
                let names: Vec<String> = (next_photo..next_photo + take)
                    .map(|i| format!("p{i}.jpg"))
                    .collect();
                yaml += &format!("    photos: [{}]\n", names.join(", "));
                next_photo += take;
            }
        }
        // Every photo is placed (the last section takes the rest), so every caption prints.
        if next_photo < n_photos && (rng.chance(50) || s + 1 == n_sections) {
            let names: Vec<String> = (next_photo..n_photos)
                .map(|i| format!("p{i}.jpg"))
                .collect();
            yaml += &format!("photos: [{}]\n", names.join(", "));
            next_photo = n_photos;
        }
        files.push((format!("content/{:02}-s.yaml", s + 1), yaml.into_bytes()));
    }
    files.push(("photos/captions.yaml".into(), captions.into_bytes()));
    Case { files, texts }
}

fn norm(s: &str) -> BTreeSet<char> {
    s.nfkc().filter(|&c| folio::fonts::needs_glyph(c)).collect()
}

#[test]
fn generated_documents_print_every_character_inside_the_page() {
    let cases: u64 = std::env::var("FOLIO_DOCS_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(300);
    let first: u64 = std::env::var("FOLIO_DOCS_SEED")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(1);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::create_dir_all(root.join("photos")).unwrap();
    // One session for every case, as `folio watch` keeps one while a writer edits.
    let session = Session::new(Project::open(root, None).unwrap());
    let opts = Options {
        dry_run: true,
        ..Default::default()
    };
    let start = std::time::Instant::now();
    for seed in first..first + cases {
        for sub in ["content", "photos"] {
            for e in std::fs::read_dir(root.join(sub)).unwrap() {
                std::fs::remove_file(e.unwrap().path()).unwrap();
            }
        }
        let case = generate(seed);
        for (name, bytes) in &case.files {
            std::fs::write(root.join(name), bytes).unwrap();
        }
        // FOLIO_DOCS_KEEP=dir keeps each case as a project (dir/seed-N) to build and look at.
        if let Some(keep) = std::env::var_os("FOLIO_DOCS_KEEP") {
            let dest = std::path::Path::new(&keep).join(format!("seed-{seed}"));
            for (name, bytes) in &case.files {
                let path = dest.join(name);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, bytes).unwrap();
            }
        }
        let outcome = session.run(&opts);
        let errors = common::errors(&outcome);
        let show = || {
            case.files
                .iter()
                .filter(|(n, _)| n.ends_with(".yaml"))
                .map(|(n, b)| format!("--- {n}\n{}", String::from_utf8_lossy(b)))
                .collect::<String>()
        };
        assert!(errors.is_empty(), "seed {seed}: {errors:#?}\n{}", show());
        // Every character of the text is on some page of the brochure or the deck.
        let mut printed = BTreeSet::new();
        for r in &outcome.rendered {
            for page in r.document.pages() {
                for b in text_boxes(&page.frame) {
                    printed.extend(norm(&b.text));
                }
            }
        }
        let wanted: BTreeSet<char> = case.texts.iter().flat_map(|t| norm(t)).collect();
        let missing: String = wanted.difference(&printed).collect();
        assert!(
            missing.is_empty(),
            "seed {seed}: not printed: {missing:?}\n{}",
            show()
        );
        // The guard's own reading, repeated here so a guard that stopped looking fails too.
        for r in &outcome.rendered {
            let bleed = if r.kind == folio::Kind::Brochure {
                3.0 * 72.0 / 25.4
            } else {
                0.0
            };
            let findings = folio::render::inspect::inspect(&r.document, bleed);
            assert!(
                findings.is_empty(),
                "seed {seed}: {findings:#?}\n{}",
                show()
            );
        }
    }
    eprintln!(
        "{cases} generated documents in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}
