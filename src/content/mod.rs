//! Content: the YAML files of `content/` and `photos/captions.yaml`, parsed, validated and
//! resolved into a [`Document`] that the rest of folio reads.
//!
//! - `schema.rs`: what the files may say (serde structs; unknown keys are errors)
//! - `yaml.rs`: reading one file, with errors at its lines in plain words
//! - `resolve.rs`: the files turned into a `Document` (validation, photos, captions)
//! - `settings.rs`: the settings and their defaults, language and region
//! - `paths.rs`: names that must stay inside their folder
//! - `typography.rs`: the clean-up applied to every printed string
//! - `document.rs`: the resolved types

mod document;
pub mod paths;
mod resolve;
pub mod schema;
pub mod settings;
pub mod typography;
mod yaml;

pub use crate::print::Trim;
pub use document::*;
pub use resolve::load;
pub use settings::{LANGUAGES, REGIONS, script};

use crate::diag::{Report, SourceMap};

/// The loaded content: the document when it is valid, and what was found on the way.
pub struct Loaded {
    pub document: Option<Document>,
    pub sources: SourceMap,
    pub report: Report,
}
