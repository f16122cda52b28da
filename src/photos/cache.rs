//! The on-disk cache of resampled photos: one JPEG per (source content, crop, size, encoding,
//! decode scale), so a new process skips the resampling. A changed photo has a new content
//! hash and therefore new keys: a stale entry can never be served. Deleting the folder is
//! always safe.

use super::Plan;
use std::path::PathBuf;

/// Bump when the resampling changes, so old entries are not reused.
/// 2: jpeg-encoder with fitted Huffman tables; 4:2:0 for screens. 3: standard tables.
/// 4: libjpeg-turbo, decodes at a reduced DCT scale.
const VERSION: u32 = 4;

pub struct DiskCache {
    dir: Option<PathBuf>,
    /// `folio check` reads the cache (so it does not resample what a build already did) but
    /// writes nothing.
    writable: bool,
}

impl DiskCache {
    /// The cache under `dir` (none: every photo is resampled, nothing is kept).
    pub fn new(dir: Option<PathBuf>, writable: bool) -> DiskCache {
        DiskCache {
            dir: dir.map(|d| d.join("photos")),
            writable,
        }
    }

    /// `shrink`: the reduction the photo was decoded at (its pixels differ slightly from a
    /// full-size decode's, and it depends on the photo's other frames in the build).
    pub fn key(&self, source: &blake3::Hash, plan: &Plan, shrink: u32) -> String {
        let mut h = blake3::Hasher::new();
        h.update(source.as_bytes());
        h.update(&VERSION.to_le_bytes());
        h.update(&shrink.to_le_bytes());
        h.update(&super::resample::JPEG_QUALITY.to_le_bytes());
        h.update(&[plan.encoding as u8]);
        if let Some(press) = &plan.press {
            h.update(press.as_bytes());
        }
        for v in [
            plan.crop.left,
            plan.crop.top,
            plan.crop.width,
            plan.crop.height,
            plan.out.width,
            plan.out.height,
        ] {
            h.update(&v.to_le_bytes());
        }
        h.finalize().to_hex()[..32].to_string()
    }

    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        let path = self.dir.as_ref()?.join(format!("{key}.jpg"));
        let bytes = std::fs::read(path).ok()?;
        // A cut-short file (disk full, killed writer) is not a JPEG: ignore it.
        (bytes.starts_with(&[0xFF, 0xD8]) && bytes.ends_with(&[0xFF, 0xD9])).then_some(bytes)
    }

    /// Best effort: a cache that cannot be written only costs time.
    pub fn put(&self, key: &str, bytes: &[u8]) {
        let Some(dir) = self.dir.as_ref().filter(|_| self.writable) else {
            return;
        };
        if std::fs::create_dir_all(dir).is_ok() {
            let _ = crate::output::write_atomic(&dir.join(format!("{key}.jpg")), bytes, false);
        }
    }
}
