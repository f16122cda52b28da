//! Path confinement: a name the content gives (a photo, the logo) must stay inside its folder.
//! Absolute paths, `..` and symbolic links that lead outside are refused; a name that does not
//! exist gets the closest real name as a suggestion. Security-relevant: keep it small and tested.

use std::path::{Component, Path, PathBuf};

/// Why a name was refused, in words for the person who wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub message: String,
    pub hint: Option<String>,
}

fn refused(message: String, hint: Option<String>) -> Refused {
    Refused { message, hint }
}

/// The real path of `rel` inside `base` (`what` names it in messages: "photo", "logo").
pub fn inside(base: &Path, rel: &str, what: &str) -> Result<PathBuf, Refused> {
    let p = Path::new(rel);
    let escapes = p.is_absolute()
        || rel.starts_with('/')
        || rel.starts_with('\\')
        || p.components().any(|c| !matches!(c, Component::Normal(_)));
    let folder = base_name(base);
    if escapes || rel.trim().is_empty() {
        return Err(refused(
            format!("{what} path `{rel}` leaves the project's {folder} folder"),
            Some(format!(
                "copy the file into {folder}/ and write its name relative to that folder"
            )),
        ));
    }
    match base.join(p).canonicalize() {
        Ok(real) => {
            let base_real = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
            if !real.starts_with(&base_real) {
                return Err(refused(
                    format!("{what} `{rel}` is a link to a file outside the project"),
                    Some(format!("copy the file itself into {folder}/")),
                ));
            }
            if !real.is_file() {
                return Err(refused(format!("{what} `{rel}` is not a file"), None));
            }
            Ok(real)
        }
        Err(_) => {
            let hint = match closest_file(base, rel) {
                Some(n) => format!("did you mean `{n}`?"),
                None => format!("put the file in {folder}/ or correct the name"),
            };
            Err(refused(
                format!("{what} `{rel}` not found in {folder}/"),
                Some(hint),
            ))
        }
    }
}

/// The name in `dir` closest to `name` (a typo's likely intent), if one is close.
pub fn closest_file(dir: &Path, name: &str) -> Option<String> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| !is_stray(Path::new(n)))
        .map(|n| {
            (
                strsim::jaro_winkler(&n.to_lowercase(), &name.to_lowercase()),
                n,
            )
        })
        .filter(|(s, _)| *s > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

/// Files that are not content though they sit in `content/` or `photos/`: hidden files (macOS
/// `._name` and `.DS_Store`, editors' `.name.swp`), editors' backups (`name~`, `#name#`) and the
/// thumbnails Windows leaves behind.
pub fn is_stray(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || lower == "thumbs.db"
        || lower == "desktop.ini"
        || lower.ends_with(".swp")
        || lower.ends_with(".bak")
}

fn base_name(base: &Path) -> String {
    base.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let photos = dir.path().join("photos");
        std::fs::create_dir_all(photos.join("sub")).unwrap();
        std::fs::write(photos.join("a.jpg"), b"x").unwrap();
        std::fs::write(photos.join("sub/b.jpg"), b"x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), b"x").unwrap();
        (dir, photos)
    }

    #[test]
    fn names_inside_the_folder_resolve() {
        let (_d, photos) = folder();
        assert!(inside(&photos, "a.jpg", "photo").is_ok());
        assert!(inside(&photos, "sub/b.jpg", "photo").is_ok());
    }

    #[test]
    fn escapes_are_refused() {
        let (_d, photos) = folder();
        for bad in [
            "../secret.txt",
            "/etc/hostname",
            "sub/../../secret.txt",
            "\\server\\x",
            "",
            "  ",
            "./a.jpg",
        ] {
            let e = inside(&photos, bad, "photo").unwrap_err();
            assert!(e.message.contains("leaves the project"), "{bad}: {e:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_that_lead_outside_are_refused_and_links_inside_are_followed() {
        let (d, photos) = folder();
        std::os::unix::fs::symlink(d.path().join("secret.txt"), photos.join("out.jpg")).unwrap();
        std::os::unix::fs::symlink(photos.join("a.jpg"), photos.join("in.jpg")).unwrap();
        std::os::unix::fs::symlink(d.path(), photos.join("up")).unwrap();
        assert!(
            inside(&photos, "out.jpg", "photo")
                .unwrap_err()
                .message
                .contains("link to a file outside")
        );
        assert!(
            inside(&photos, "up/secret.txt", "photo")
                .unwrap_err()
                .message
                .contains("outside")
        );
        assert!(inside(&photos, "in.jpg", "photo").is_ok());
    }

    #[test]
    fn a_typo_gets_the_closest_name_and_folders_are_not_files() {
        let (_d, photos) = folder();
        std::fs::write(photos.join("._a.jpg"), b"x").unwrap();
        let e = inside(&photos, "a.jpeg", "photo").unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean `a.jpg`?"));
        assert!(
            inside(&photos, "sub", "photo")
                .unwrap_err()
                .message
                .contains("not a file")
        );
        assert!(closest_file(&photos, "zzz.png").is_none());
    }

    #[test]
    fn stray_files_are_recognised() {
        for stray in [
            "._a.yaml",
            ".DS_Store",
            "a.yaml~",
            "#a.yaml#",
            "Thumbs.db",
            "desktop.ini",
            "a.yaml.swp",
            "a.bak",
        ] {
            assert!(is_stray(Path::new(stray)), "{stray}");
        }
        for real in ["01-a.yaml", "photo.jpg", "a~b.yaml"] {
            assert!(!is_stray(Path::new(real)), "{real}");
        }
    }
}
