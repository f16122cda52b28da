//! What a session remembers of the files it wrote, so an output whose pages did not change is
//! neither exported nor written again. In watch mode a change that only touches the brochure
//! (the middle of a paragraph, say) then re-exports only the brochure, and a PDF viewer reloads
//! only what changed.

use crate::print::Geometry;
use crate::products::Kind;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Everything besides the laid-out pages that shapes an output's files.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finishing {
    pub impose: bool,
    pub geometry: Geometry,
    /// PDF/X-4 for this output profile (its hash), or a plain PDF.
    pub pdfx: Option<blake3::Hash>,
    /// Which of the brochure's files are made: the print PDF, the screen edition.
    pub print_pdf: bool,
    pub screen: bool,
    /// Which of the deck's files are made: the PDF (with its notes), the `.pptx`, the handout.
    pub deck_pdf: bool,
    pub pptx: bool,
    pub handout: bool,
}

/// A file's size and modification time, to notice a file changed or deleted by someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub modified: Option<SystemTime>,
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

/// One output as the session last wrote it.
struct Written {
    /// The hash of its laid-out pages.
    pages: u128,
    finishing: Finishing,
    files: Vec<(PathBuf, Stamp)>,
}

#[derive(Default)]
pub struct Memory {
    written: Mutex<HashMap<Kind, Written>>,
}

impl Memory {
    /// The pages hash of `kind` as last written, if its files are still exactly as written.
    pub fn still_written(&self, kind: Kind, finishing: &Finishing) -> Option<u128> {
        let written = self.written.lock();
        let w = written.get(&kind)?;
        let intact = w.finishing == *finishing
            && w.files
                .iter()
                .all(|(path, s)| Stamp::of(path).as_ref() == Some(s));
        intact.then_some(w.pages)
    }

    /// Records that `kind`'s pages (`pages`) were written as `files`; a file that cannot be
    /// stamped means nothing is known for sure.
    pub fn remember(&self, kind: Kind, pages: u128, finishing: Finishing, files: &[&Path]) {
        let mut written = self.written.lock();
        let stamps: Option<Vec<(PathBuf, Stamp)>> = files
            .iter()
            .map(|p| Some((p.to_path_buf(), Stamp::of(p)?)))
            .collect();
        match stamps {
            Some(files) => {
                written.insert(
                    kind,
                    Written {
                        pages,
                        finishing,
                        files,
                    },
                );
            }
            None => {
                written.remove(&kind);
            }
        }
    }

    /// After a failed write nothing is known for sure.
    pub fn forget(&self) {
        self.written.lock().clear();
    }
}
