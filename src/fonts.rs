//! Fonts: discovered once per process (the project's `fonts/`, folio's `fonts/`, then the
//! system's, found by fontdb as typst-kit finds them, each face described on every core) and
//! checked against every character the content uses, face by face, the way typst will select
//! them.
//!
//! **The fallback chain.** Several sources may hold a family of the same name: folio bundles
//! *subsets* of Noto Serif/Sans CJK SC, and a Chinese desktop has the full fonts under the same
//! names. typst selects one face per family name and variant, so a character the subset lacks
//! would print as a blank (`.notdef`) even though the system's font has it. folio therefore
//! renames each later source's copy of a family (`Noto Serif CJK SC · 2`, `· 3`, …) and hands the
//! layouts the whole chain, first source first: a character missing from the bundled subset is
//! drawn from the same family installed on the system, and one that no link of the chain has
//! is an error at its YAML line before anything is rendered.

use crate::content::Document;
use crate::diag::{Diagnostic, Report, SourceMap};
use parking_lot::Mutex;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use typst::text::{FontBook, FontInfo, FontStretch, FontStyle, FontVariant, FontWeight};
use typst_kit::fonts::{FontPath, FontStore};

/// The fonts available to layouts, shared by every World of the process.
pub struct Fonts {
    pub store: FontStore,
    pub dirs: Vec<PathBuf>,
    /// For each family (lowercase), the names of its copies in source order: the family itself,
    /// then the renamed copies from later sources.
    chains: HashMap<String, Vec<String>>,
    /// Answers of `covers`, kept for the session: re-checking after an edit costs nothing.
    coverage: Mutex<HashMap<(String, char), bool>>,
}

/// The variants layouts use: regular text and bold (leads, titles, figures).
pub const VARIANTS: [FontWeight; 2] = [FontWeight::REGULAR, FontWeight::BOLD];

fn variant(weight: FontWeight) -> FontVariant {
    FontVariant::new(FontStyle::Normal, weight, FontStretch::NORMAL)
}

/// The name of the `n`-th copy (0-based) of `family` in the chain.
pub fn alias(family: &str, n: usize) -> String {
    if n == 0 {
        family.to_string()
    } else {
        format!("{family} · {}", n + 1)
    }
}

/// The faces `load` puts in a fontdb database, as typst describes them, in fontdb's order (as
/// typst-kit scans). Describing a face reads its character map (a CJK face has tens of
/// thousands of characters): most of the discovery's time, and independent face by face, so
/// the faces are described on every core.
fn scan(load: impl FnOnce(&mut fontdb::Database)) -> Vec<(FontPath, FontInfo)> {
    use rayon::prelude::*;
    let mut db = fontdb::Database::new();
    load(&mut db);
    let faces: Vec<&fontdb::FaceInfo> = db.faces().collect();
    faces
        .par_iter()
        .filter_map(|face| {
            let path = match &face.source {
                fontdb::Source::File(path) | fontdb::Source::SharedFile(path, _) => path,
                // Only files are loaded into these databases.
                fontdb::Source::Binary(_) => return None,
            };
            let info = db.with_face_data(face.id, FontInfo::new)??;
            let path = FontPath {
                path: path.clone(),
                index: face.index,
            };
            Some((path, info))
        })
        .collect()
}

impl Fonts {
    /// Scans `dirs` in order, then the system's fonts. A family found in an earlier source keeps
    /// its name; its copies in later sources are renamed so typst can reach them as fallbacks.
    pub fn discover(dirs: &[PathBuf]) -> Arc<Fonts> {
        let mut groups: Vec<Vec<(FontPath, FontInfo)>> = dirs
            .iter()
            .map(|d| scan(|db| db.load_fonts_dir(d)))
            .collect();
        if std::env::var_os("FOLIO_NO_SYSTEM_FONTS").is_none() {
            groups.push(scan(|db| db.load_system_fonts()));
        }
        let mut store = FontStore::new();
        let mut chains: HashMap<String, Vec<String>> = HashMap::new();
        for group in groups {
            // The copy number of each family in this source, decided once per source.
            let mut here: HashMap<String, String> = HashMap::new();
            for (path, mut info) in group {
                let key = info.family.to_lowercase();
                let name = here
                    .entry(key.clone())
                    .or_insert_with(|| {
                        let chain = chains.entry(key.clone()).or_default();
                        let name = alias(&info.family, chain.len());
                        chain.push(name.clone());
                        name
                    })
                    .clone();
                info.family = name;
                store.push((path, info));
            }
        }
        Arc::new(Fonts {
            store,
            dirs: dirs.to_vec(),
            chains,
            coverage: Mutex::new(HashMap::new()),
        })
    }

    pub fn book(&self) -> &FontBook {
        self.store.book()
    }

    pub fn has_family(&self, family: &str) -> bool {
        self.chains.contains_key(&family.to_lowercase())
    }

    /// The families typst tries, in order, for text set in `family`: the family and its copies
    /// from later font sources. Empty when the family is not installed.
    pub fn chain(&self, family: &str) -> Vec<String> {
        self.chains
            .get(&family.to_lowercase())
            .cloned()
            .unwrap_or_default()
    }

    /// Will typst draw `c` in `family`, at every weight layouts use? For each weight, typst
    /// selects one face per name of the chain and takes the first that has the character.
    pub fn covers(&self, family: &str, c: char) -> bool {
        let key = (family.to_lowercase(), c);
        if let Some(&known) = self.coverage.lock().get(&key) {
            return known;
        }
        let book = self.book();
        let chain = self.chain(family);
        let covered = !chain.is_empty()
            && VARIANTS.iter().all(|&w| {
                chain.iter().any(|name| {
                    book.select(&name.to_lowercase(), variant(w))
                        .and_then(|i| book.info(i))
                        .is_some_and(|info| info.coverage.contains(c as u32))
                })
            });
        self.coverage.lock().insert(key, covered);
        covered
    }
}

/// Characters that need no glyph of their own: spaces, controls and format characters (joiners,
/// variation selectors, the byte-order mark), which typst shapes as nothing.
pub fn needs_glyph(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || matches!(c as u32, 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF | 0xE0100..=0xE01EF))
}

/// Checks that the configured families exist and that every character of the content will be
/// drawn by a face of their chains. Characters nothing covers are errors listed with where they
/// occur.
/// The bundled faces of each Chinese script (theme.yaml's `fonts` and `fonts-traditional`).
const SIMPLIFIED_FACES: &[&str] = &["Noto Serif CJK SC", "Noto Sans CJK SC"];
const TRADITIONAL_FACES: &[&str] = &["Noto Serif CJK TC", "Noto Sans CJK TC"];

pub fn check_coverage(doc: &Document, fonts: &Fonts, sources: &SourceMap, report: &mut Report) {
    let families = [
        doc.settings.body_font.as_str(),
        doc.settings.heading_font.as_str(),
    ];
    let mut missing_family = false;
    for family in families {
        if !fonts.has_family(family) {
            missing_family = true;
            report.push(
                Diagnostic::error(format!("font family `{family}` is not installed"))
                    .hint(format!(
                        "put its .otf/.ttf files in the project's fonts/ folder, or change settings.fonts (searched: {}, then system fonts)",
                        fonts.dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
                    )),
            );
        }
    }
    if missing_family {
        return;
    }
    // Group by character so a repeated character gives one error with its places.
    let mut uncovered: BTreeMap<char, Vec<crate::diag::Loc>> = BTreeMap::new();
    // Whether each character is missing, decided once: a table for the Basic Multilingual
    // Plane, where a hashed lookup per character took 7 ms of a save at 200 pages.
    let mut bmp: Vec<Option<bool>> = vec![None; 0x10000];
    let mut others: HashMap<char, bool> = HashMap::new();
    let decide = |c: char| needs_glyph(c) && families.iter().any(|f| !fonts.covers(f, c));
    for (text, loc) in &doc.texts {
        for c in text.chars() {
            let missing = match bmp.get_mut(c as usize) {
                Some(Some(missing)) => *missing,
                Some(unknown) => *unknown.insert(decide(c)),
                None => *others.entry(c).or_insert_with(|| decide(c)),
            };
            if missing {
                let places = uncovered.entry(c).or_default();
                if !places.contains(loc) {
                    places.push(*loc);
                }
            }
        }
    }
    for (c, places) in uncovered {
        let first = places[0];
        let more = if places.len() > 1 {
            format!(" (and {} more place(s))", places.len() - 1)
        } else {
            String::new()
        };
        let chain: Vec<String> = families.iter().flat_map(|f| fonts.chain(f)).collect();
        // Name the script when the other Chinese faces folio bundles have the character: a
        // Traditional character in a Simplified document is a setting, not a typo.
        let script = crate::content::script(&doc.language, doc.region.as_deref());
        let other = match script {
            "zh-hant" => (
                "Simplified",
                SIMPLIFIED_FACES,
                "`region: cn` (or sg)",
                "Traditional",
            ),
            _ => (
                "Traditional",
                TRADITIONAL_FACES,
                "`region: tw` (or hk, mo)",
                "Simplified",
            ),
        };
        let named = other.1.iter().all(|f| fonts.covers(f, c)).then_some(other);
        let (message, hint) = match named {
            Some((kind, _, region, ours)) => (
                format!(
                    "character `{c}` (U+{:04X}) is a {kind} character; the document's fonts are {ours} ({}){more}",
                    c as u32,
                    chain.join(" / ")
                ),
                format!("set {region} in content/document.yaml, or add a {kind} font to fonts/ and name it in settings.fonts, or replace the character"),
            ),
            None => (
                format!(
                    "character `{c}` (U+{:04X}) is not in the fonts {}{more}",
                    c as u32,
                    chain.join(" / ")
                ),
                "replace the character, or add a font that has it to fonts/ and name it in settings.fonts".to_string(),
            ),
        };
        report.push(Diagnostic::error(message).at(sources, first).hint(hint));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The faces described on every core are typst-kit's, in its order: the order decides which
    /// copy of a family keeps its name, so the chain (and every PDF) depends on it.
    #[test]
    fn discovery_finds_what_typst_kit_finds_in_the_same_order() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let ours: Vec<(PathBuf, u32, FontInfo)> = scan(|db| db.load_fonts_dir(&dir))
            .into_iter()
            .chain(scan(|db| db.load_system_fonts()))
            .map(|(p, info)| (p.path, p.index, info))
            .collect();
        let theirs: Vec<(PathBuf, u32, FontInfo)> = typst_kit::fonts::scan(&dir)
            .chain(typst_kit::fonts::system())
            .map(|(p, info)| (p.path, p.index, info))
            .collect();
        assert!(ours.len() >= 8, "the bundled fonts were not found");
        assert_eq!(ours, theirs);
    }
}
