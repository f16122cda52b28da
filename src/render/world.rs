//! The typst World folio compiles in: layout sources from the layouts folder (kept and updated
//! in place so edits reparse incrementally), the content as a JSON virtual file, photos served
//! on demand by the photo set, and the process-wide fonts. Nothing else is readable: a layout
//! (or a string in the content) cannot reach files outside the project.

use crate::fonts::Fonts;
use crate::photos::{PhotoSet, Request};
use parking_lot::{Mutex, RwLock};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The virtual path of the content data every layout reads with `json("/data.json")`.
pub const DATA_PATH: &str = "/data.json";
/// The virtual path of the brochure's flow plan (`render::flow`), `json("/flow.json")`.
pub const FLOW_PATH: &str = "/flow.json";

pub struct FolioWorld {
    library: LazyHash<Library>,
    fonts: Arc<Fonts>,
    main: FileId,
    layouts: Vec<PathBuf>,
    sources: Mutex<HashMap<FileId, SourceSlot>>,
    data: RwLock<Bytes>,
    /// The flow plan the brochure is laid out with; kept from one render to the next.
    flow: RwLock<Bytes>,
    photos: RwLock<Arc<PhotoSet>>,
    logo: RwLock<Option<Bytes>>,
    /// The theme other than `default` the settings name.
    theme: RwLock<Option<String>>,
    /// Photo requests of the current compile.
    requests: Mutex<BTreeSet<Request>>,
}

struct SourceSlot {
    source: Source,
    /// Read from disk during the current generation.
    fresh: bool,
}

pub fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("folio's own virtual paths are valid"),
    )
    .intern()
}

impl FolioWorld {
    /// A World whose main file is `layouts/<main>`; `update` gives it data and photos.
    pub fn new(fonts: Arc<Fonts>, layouts: Vec<PathBuf>, main: &str) -> FolioWorld {
        FolioWorld {
            library: LazyHash::new(Library::builder().build()),
            fonts,
            main: file_id(&format!("/{main}")),
            layouts,
            sources: Mutex::new(HashMap::new()),
            data: RwLock::new(Bytes::new(Vec::new())),
            flow: RwLock::new(Bytes::new(b"{}".to_vec())),
            photos: RwLock::new(Arc::new(PhotoSet::empty())),
            logo: RwLock::new(None),
            theme: RwLock::new(None),
            requests: Mutex::new(BTreeSet::new()),
        }
    }

    /// Prepares the next compile: new data and photos; layout files are re-read when used.
    pub fn update(&self, data: Vec<u8>, photos: Arc<PhotoSet>, logo: Option<Vec<u8>>) {
        *self.data.write() = Bytes::new(data);
        *self.photos.write() = photos;
        *self.logo.write() = logo.map(Bytes::new);
        for slot in self.sources.lock().values_mut() {
            slot.fresh = false;
        }
    }

    /// The data of the current compile.
    pub fn data(&self) -> Bytes {
        self.data.read().clone()
    }

    /// Sets the flow plan the next compile reads.
    pub fn set_flow(&self, plan: Vec<u8>) {
        *self.flow.write() = Bytes::new(plan);
    }

    /// The theme layouts import as `theme.typ`: `default`, or `theme-NAME.typ` for NAME.
    pub fn set_theme(&self, theme: &str) {
        let theme = (theme != "default").then(|| theme.to_string());
        if *self.theme.read() != theme {
            // Another theme file: every layout source is read again.
            self.sources.lock().clear();
            *self.theme.write() = theme;
        }
    }

    pub fn photos(&self) -> Arc<PhotoSet> {
        self.photos.read().clone()
    }

    /// Starts a compile: forgets the photo requests of the last one.
    pub fn begin(&self) {
        self.requests.lock().clear();
    }

    /// Photo requests the last compile made.
    pub fn used(&self) -> Vec<Request> {
        self.requests.lock().iter().copied().collect()
    }

    /// Where a layout file `id` is read from: the first layouts folder that has it. The
    /// layouts import `theme.typ`; with `settings.theme: NAME` that is `theme-NAME.typ`.
    pub fn layout_path(&self, id: FileId) -> FileResult<PathBuf> {
        let vpath = id.get().vpath();
        let theme = self.theme.read().clone();
        let themed = match theme {
            Some(name) if vpath.get_without_slash() == "theme.typ" => Some(
                VirtualPath::new(format!("/theme-{name}.typ"))
                    .map_err(|_| FileError::NotFound(PathBuf::from(format!("theme-{name}.typ"))))?,
            ),
            _ => None,
        };
        let vpath = themed.as_ref().unwrap_or(vpath);
        let rel = vpath.get_without_slash();
        // Layout modules and what sits beside them (a logo, a pattern) are readable; nothing else.
        // The first layouts folder that has the file serves it.
        let candidates: Vec<PathBuf> = self
            .layouts
            .iter()
            .filter_map(|d| vpath.realize(d).ok())
            .collect();
        candidates
            .iter()
            .find(|p| p.is_file())
            .or(candidates.first())
            .cloned()
            .ok_or_else(|| FileError::NotFound(PathBuf::from(rel)))
    }

    fn read_layout_file(&self, id: FileId) -> FileResult<Vec<u8>> {
        let path = self.layout_path(id)?;
        std::fs::read(&path).map_err(|e| FileError::from_io(e, &path))
    }
}

impl World for FolioWorld {
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
        let mut sources = self.sources.lock();
        if let Some(slot) = sources.get_mut(&id) {
            if !slot.fresh {
                let text = String::from_utf8(self.read_layout_file(id)?)
                    .map_err(|_| FileError::InvalidUtf8)?;
                if slot.source.text() != text {
                    // Incremental reparse of only the edited part.
                    slot.source.replace(&text);
                }
                slot.fresh = true;
            }
            return Ok(slot.source.clone());
        }
        let text =
            String::from_utf8(self.read_layout_file(id)?).map_err(|_| FileError::InvalidUtf8)?;
        let source = Source::new(id, text);
        sources.insert(
            id,
            SourceSlot {
                source: source.clone(),
                fresh: true,
            },
        );
        Ok(source)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let vpath = id.get().vpath().get_with_slash();
        if vpath == DATA_PATH {
            return Ok(self.data.read().clone());
        }
        if vpath == FLOW_PATH {
            return Ok(self.flow.read().clone());
        }
        if vpath.starts_with(Request::PREFIX) {
            let req = Request::from_path(vpath)
                .ok_or_else(|| FileError::NotFound(PathBuf::from(vpath)))?;
            let slot = self.photos.read().slot(&req);
            let slot = slot.ok_or_else(|| FileError::NotFound(PathBuf::from(vpath)))?;
            self.requests.lock().insert(req);
            return Ok(slot);
        }
        if vpath == super::data::LOGO_PATH {
            return self
                .logo
                .read()
                .clone()
                .ok_or_else(|| FileError::NotFound(PathBuf::from(vpath)));
        }
        if let Ok(source) = self.source(id) {
            return Ok(Bytes::from_string(source));
        }
        self.read_layout_file(id).map(Bytes::new)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.store.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // Fixed so that the same content renders the same bytes.
        Datetime::from_ymd(2000, 1, 1)
    }
}
