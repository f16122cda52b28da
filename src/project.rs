//! Where a project's files are: its content and photos, and the layouts and fonts it uses
//! (its own when it brings them, otherwise folio's).

use std::path::{Path, PathBuf};

/// The folder folio was built from: its `layouts/` and `fonts/` serve projects that have none.
pub fn home() -> PathBuf {
    std::env::var_os("FOLIO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub content: PathBuf,
    pub photos: PathBuf,
    /// Layout folders, searched file by file in order: the project's own `layouts/` (when it
    /// has one) overrides folio's, one file at a time.
    pub layouts: Vec<PathBuf>,
    /// Font folders, searched in order before the system's fonts.
    pub font_dirs: Vec<PathBuf>,
    pub out: PathBuf,
}

impl Project {
    /// Opens the project at `root`; `out` overrides `root/out`.
    pub fn open(root: &Path, out: Option<&Path>) -> Result<Project, String> {
        let root = root
            .canonicalize()
            .map_err(|e| format!("cannot open project folder {}: {e}", root.display()))?;
        let content = root.join("content");
        if !content.is_dir() {
            return Err(format!(
                "{} has no content/ folder: a folio project holds content/*.yaml and photos/ \
                 (run folio in the project folder or pass its path)",
                root.display()
            ));
        }
        let home = home();
        let mut layouts = Vec::new();
        for dir in [root.join("layouts"), home.join("layouts")] {
            if dir.is_dir() && !layouts.contains(&dir) {
                layouts.push(dir);
            }
        }
        let mut font_dirs = Vec::new();
        for dir in [root.join("fonts"), home.join("fonts")] {
            if dir.is_dir() && !font_dirs.contains(&dir) {
                font_dirs.push(dir);
            }
        }
        let out = match out {
            Some(o) if o.is_absolute() => o.to_path_buf(),
            Some(o) => std::env::current_dir().unwrap_or_default().join(o),
            None => root.join("out"),
        };
        Ok(Project {
            photos: root.join("photos"),
            content,
            layouts,
            font_dirs,
            out,
            root,
        })
    }

    /// A path shown to users: relative to the project when inside it.
    pub fn display_path(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }

    /// Cache folder for resampled photos.
    pub fn cache_dir(&self) -> PathBuf {
        self.out.join(".cache")
    }
}
