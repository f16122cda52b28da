//! Writing outputs so that nothing is ever half-written: a temporary file in the same folder,
//! then renamed over the old one (a viewer that reloads sees the old or the new file, never a
//! part). With `sync`, the data is on disk before the rename, so even a power cut cannot leave
//! an empty file; the watch loop skips that (about 10 ms per build) as the next save rewrites.
//!
//! Without `sync` (the watch loop) the old version is also freed in the background. Renaming
//! over a file frees its pages and disk blocks inside the rename: 25–75 ms for the 92 MB deck of
//! the scale benchmark, on the path from a save to the new PDF. A hard link keeps the old version
//! alive through the rename, and a background thread deletes the link.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Old versions waiting to be deleted are named `.folio-<pid>-<n>.old`.
const OLD_SUFFIX: &str = ".old";

/// A file's bytes in parts, written one after another: the PDF typst wrote, then what folio
/// appends to it. The photos' JPEGs stay shared with the photo cache until they are written:
/// at 200 pages, copying them into one 64 MB buffer first cost about as much as writing it.
#[derive(Default)]
pub struct Parts {
    parts: Vec<Part>,
    len: usize,
}

enum Part {
    /// Bytes given whole (a PDF typst wrote): never grown, which could copy megabytes.
    Owned(Vec<u8>),
    /// Small pieces of text, gathered into one part.
    Text(Vec<u8>),
    Shared(Box<dyn AsRef<[u8]> + Send + Sync>),
}

impl Part {
    fn bytes(&self) -> &[u8] {
        match self {
            Part::Owned(b) | Part::Text(b) => b,
            Part::Shared(b) => (**b).as_ref(),
        }
    }
}

impl From<Vec<u8>> for Parts {
    fn from(bytes: Vec<u8>) -> Parts {
        Parts {
            len: bytes.len(),
            parts: vec![Part::Owned(bytes)],
        }
    }
}

impl Parts {
    /// Appends a copy of `bytes` (text: dictionaries, an xref table).
    pub fn text(&mut self, bytes: &[u8]) {
        if !matches!(self.parts.last(), Some(Part::Text(_))) {
            self.parts.push(Part::Text(Vec::new()));
        }
        if let Some(Part::Text(t)) = self.parts.last_mut() {
            t.extend_from_slice(bytes);
        }
        self.len += bytes.len();
    }

    /// Appends `bytes` without copying them.
    pub fn shared(&mut self, bytes: Box<dyn AsRef<[u8]> + Send + Sync>) {
        self.len += (*bytes).as_ref().len();
        self.parts.push(Part::Shared(bytes));
    }

    /// Appends `other`'s parts.
    pub fn append(&mut self, other: Parts) {
        self.len += other.len;
        self.parts.extend(other.parts);
    }

    /// The length of the whole.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The parts in order.
    pub fn slices(&self) -> impl Iterator<Item = &[u8]> {
        self.parts.iter().map(Part::bytes)
    }

    /// The whole, in one buffer (for work that reads the file: imposition, tests).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.len);
        for s in self.slices() {
            v.extend_from_slice(s);
        }
        v
    }

    /// Whether the whole equals `bytes`.
    pub fn equals(&self, bytes: &[u8]) -> bool {
        if bytes.len() != self.len {
            return false;
        }
        let mut at = 0;
        self.slices().all(|s| {
            at += s.len();
            bytes[at - s.len()..at] == *s
        })
    }
}

pub fn write_atomic(path: &Path, bytes: &[u8], sync: bool) -> std::io::Result<()> {
    write_parts_atomic(path, [bytes], sync)
}

/// [`write_atomic`] for bytes in parts, each written as it is.
pub fn write_parts_atomic<'a>(
    path: &Path,
    parts: impl IntoIterator<Item = &'a [u8]>,
    sync: bool,
) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".folio-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    for part in parts {
        tmp.write_all(part)?;
    }
    set_usual_permissions(tmp.as_file(), path);
    let old = if sync {
        tmp.as_file().sync_all()?;
        None
    } else {
        keep_old_version(path, dir)
    };
    tmp.persist(path).map_err(|e| e.error)?;
    if let Some(old) = old {
        std::thread::spawn(move || {
            let _ = std::fs::remove_file(old);
        });
    }
    Ok(())
}

/// A temporary file is private (0600); the output it becomes should be as readable as any file
/// the user makes: the permissions of the file it replaces, or rw-r--r--. A web server or a
/// colleague on a shared drive can then read it.
fn set_usual_permissions(file: &std::fs::File, path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (file, path);
}

/// A second name for the current version of `path`, if it has one and the folder allows it.
fn keep_old_version(path: &Path, dir: &Path) -> Option<std::path::PathBuf> {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    if !path.is_file() {
        return None;
    }
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let old = dir.join(format!(".folio-{}-{n}{OLD_SUFFIX}", std::process::id()));
    std::fs::hard_link(path, &old).ok()?;
    Some(old)
}

/// Deletes old versions a watch session was stopped before deleting.
pub fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".folio-") && name.ends_with(OLD_SUFFIX) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Writes `bytes` unless the file already holds exactly them; returns whether it wrote.
pub fn write_if_changed(path: &Path, bytes: &Parts, sync: bool) -> std::io::Result<bool> {
    // Compare sizes first: reading a large old file only pays when it may be identical.
    let same_size = std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64);
    if same_size && std::fs::read(path).is_ok_and(|old| bytes.equals(&old)) {
        return Ok(false);
    }
    write_parts_atomic(path, bytes.slices(), sync)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_written_and_compared_as_one_file() {
        let mut parts = Parts::from(b"%PDF typst".to_vec());
        parts.text(b" 1 0 obj");
        parts.text(b" stream ");
        parts.shared(Box::new(b"JPEG".to_vec()));
        parts.text(b" trailer");
        let whole = b"%PDF typst 1 0 obj stream JPEG trailer";
        assert_eq!(parts.len(), whole.len());
        assert_eq!(parts.to_vec(), whole);
        assert!(parts.equals(whole));
        assert!(!parts.equals(b"%PDF typst 1 0 obj stream JPEG trailex"));
        assert!(!parts.equals(b"%PDF typst"));
        // Text after a whole part starts a new part: the whole is never grown.
        assert_eq!(parts.slices().count(), 4);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pdf");
        assert!(write_if_changed(&path, &parts, true).unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), whole);
        assert!(!write_if_changed(&path, &parts, true).unwrap(), "unchanged");
    }

    #[test]
    fn a_quick_write_replaces_the_file_and_leaves_no_old_version_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pdf");
        write_atomic(&path, b"first", true).unwrap();
        write_atomic(&path, b"second", false).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                mode, 0o644,
                "outputs are readable by others, as files people make are"
            );
        }
        // The background deletion finishes promptly; a stale one is swept up on the next start.
        let others = || {
            std::fs::read_dir(dir.path())
                .unwrap()
                .filter(|e| e.as_ref().unwrap().file_name() != "a.pdf")
                .count()
        };
        for _ in 0..100 {
            if others() == 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(others(), 0);
        std::fs::write(dir.path().join(".folio-1-0.old"), b"stale").unwrap();
        remove_stale(dir.path());
        assert_eq!(others(), 0);
    }
}
