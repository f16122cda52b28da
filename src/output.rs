//! Writing outputs so that nothing is ever half-written: a temporary file in the same folder,
//! then renamed over the old one (a viewer that reloads sees the old or the new file, never a
//! part). With `sync`, the data is on disk before the rename, so even a power cut cannot leave
//! an empty file; the watch loop skips that (about 10 ms per build) as the next save rewrites.

use std::io::Write;
use std::path::Path;

pub fn write_atomic(path: &Path, bytes: &[u8], sync: bool) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".folio-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if sync {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `bytes` unless the file already holds exactly them; returns whether it wrote.
pub fn write_if_changed(path: &Path, bytes: &[u8], sync: bool) -> std::io::Result<bool> {
    // Compare sizes first: reading a large old file only pays when it may be identical.
    let same_size = std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64);
    if same_size && std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    write_atomic(path, bytes, sync)?;
    Ok(true)
}
