//! What folio makes: the two outputs a layout renders (`Kind`), and the files written for them
//! (`OutFile`). File names live here and nowhere else.

/// An output rendered by a layout of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Brochure,
    Slides,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Brochure, Kind::Slides];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Brochure => "brochure",
            Kind::Slides => "slides",
        }
    }

    /// The layout file that renders it.
    pub fn layout(self) -> &'static str {
        match self {
            Kind::Brochure => "brochure.typ",
            Kind::Slides => "slides.typ",
        }
    }

    /// Resolution photos are prepared at.
    pub fn dpi(self) -> u32 {
        match self {
            Kind::Brochure => 300,
            Kind::Slides => 150,
        }
    }

    /// The file that holds the rendered pages.
    pub fn pdf(self) -> OutFile {
        match self {
            Kind::Brochure => OutFile::Brochure,
            Kind::Slides => OutFile::Slides,
        }
    }
}

/// A file in the output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutFile {
    /// The print brochure, with bleed, marks and boxes.
    Brochure,
    /// The brochure's pages paired on printer's sheets (`--impose saddle`).
    BrochureImposed,
    /// The deck.
    Slides,
    /// The deck's speaker notes, for pdfpc.
    SlidesNotes,
}

impl OutFile {
    pub fn file_name(self) -> &'static str {
        match self {
            OutFile::Brochure => "brochure.pdf",
            OutFile::BrochureImposed => "brochure-imposed.pdf",
            OutFile::Slides => "slides.pdf",
            OutFile::SlidesNotes => "slides.pdfpc",
        }
    }

    /// The output whose pages the file is made from.
    pub fn kind(self) -> Kind {
        match self {
            OutFile::Brochure | OutFile::BrochureImposed => Kind::Brochure,
            OutFile::Slides | OutFile::SlidesNotes => Kind::Slides,
        }
    }
}
