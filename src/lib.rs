//! folio turns YAML content and a folder of captioned photos into a print-ready PDF brochure
//! and a 16:9 slide deck. See ARCHITECTURE.md for the map of this crate.

pub mod content;
pub mod diag;
pub mod fonts;
pub mod notes;
pub mod output;
pub mod photos;
pub mod pipeline;
pub mod pptx;
pub mod preview;
pub mod print;
pub mod products;
pub mod profiles;
pub mod project;
pub mod render;
pub mod unchanged;

pub use pipeline::{Options, Outcome, Session};
pub use products::{Kind, OutFile};
