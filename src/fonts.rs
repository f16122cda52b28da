//! Fonts: discovered once per process (the project's `fonts/`, folio's `fonts/`, then the
//! system's, through typst-kit's fontdb scan) and checked against every character the content uses.

use crate::content::Document;
use crate::diag::{Diagnostic, Report, SourceMap};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use typst::text::FontBook;
use typst_kit::fonts::FontStore;

/// The fonts available to layouts, shared by every World of the process.
pub struct Fonts {
    pub store: FontStore,
    pub dirs: Vec<PathBuf>,
    /// Answers of `covers`, kept for the session: re-checking after an edit costs nothing.
    coverage: Mutex<HashMap<(String, char), bool>>,
}

impl Fonts {
    /// Scans `dirs` in order, then the system's fonts (fonts found earlier win in typst's book
    /// order, so a project's own font shadows the system's).
    pub fn discover(dirs: &[PathBuf]) -> Arc<Fonts> {
        let mut store = FontStore::new();
        for dir in dirs {
            store.extend(typst_kit::fonts::scan(dir));
        }
        if std::env::var_os("FOLIO_NO_SYSTEM_FONTS").is_none() {
            store.extend(typst_kit::fonts::system());
        }
        Arc::new(Fonts {
            store,
            dirs: dirs.to_vec(),
            coverage: Mutex::new(HashMap::new()),
        })
    }

    pub fn book(&self) -> &FontBook {
        self.store.book()
    }

    pub fn has_family(&self, family: &str) -> bool {
        self.book().contains_family(&family.to_lowercase())
    }

    /// Does any face of `family` have a glyph for `c`?
    fn covers(&self, family: &str, c: char) -> bool {
        let key = (family.to_string(), c);
        if let Some(&known) = self.coverage.lock().unwrap().get(&key) {
            return known;
        }
        let book = self.book();
        let covered = book
            .select_family(&family.to_lowercase())
            .filter_map(|i| book.info(i))
            .any(|info| info.coverage.contains(c as u32));
        self.coverage.lock().unwrap().insert(key, covered);
        covered
    }
}

/// Checks that the configured families exist and cover every character of the content.
/// Characters no family covers are errors listed with where they occur.
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
    let mut seen: HashMap<char, bool> = HashMap::new();
    for (text, loc) in &doc.texts {
        for c in text.chars() {
            if c.is_whitespace() || c.is_control() {
                continue;
            }
            let missing = *seen
                .entry(c)
                .or_insert_with(|| families.iter().any(|f| !fonts.covers(f, c)));
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
        report.push(
            Diagnostic::error(format!(
                "character `{c}` (U+{:04X}) is not in the fonts {}{more}",
                c as u32,
                families.join(" / ")
            ))
            .at(sources, first)
            .hint("replace the character, or add a font that has it to fonts/ and name it in settings.fonts"),
        );
    }
}
