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

    /// The PDF version and standards typst writes it for: the brochure is the print file, PDF 1.6
    /// as PDF/X-4 requires (folio adds the X-4 parts after typst).
    pub fn pdf_standards(self) -> typst_pdf::PdfStandards {
        match self {
            Kind::Brochure => typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::V_1_6])
                .expect("PDF 1.6 alone is a valid choice"),
            Kind::Slides => typst_pdf::PdfStandards::default(),
        }
    }

    /// Whether its PDF is tagged: the deck is read on screens; the print file goes to a press
    /// (the screen edition of the brochure is a separate output).
    pub fn tagged(self) -> bool {
        match self {
            Kind::Brochure => false,
            Kind::Slides => true,
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
    /// The brochure for screens: trim size, sRGB, tagged (PDF/UA-1, PDF/A-2b).
    BrochureScreen,
    /// The deck.
    Slides,
    /// The deck's speaker notes, for pdfpc.
    SlidesNotes,
    /// The deck as an editable PowerPoint file.
    SlidesPptx,
    /// Three slides to an A4 page with their notes, for the audience.
    Handout,
}

impl OutFile {
    pub fn file_name(self) -> &'static str {
        match self {
            OutFile::Brochure => "brochure.pdf",
            OutFile::BrochureImposed => "brochure-imposed.pdf",
            OutFile::BrochureScreen => "brochure-screen.pdf",
            OutFile::Slides => "slides.pdf",
            OutFile::SlidesNotes => "slides.pdfpc",
            OutFile::SlidesPptx => "slides.pptx",
            OutFile::Handout => "handout.pdf",
        }
    }

    /// The output whose pages the file is made from.
    pub fn kind(self) -> Kind {
        match self {
            OutFile::Brochure | OutFile::BrochureImposed | OutFile::BrochureScreen => {
                Kind::Brochure
            }
            OutFile::Slides | OutFile::SlidesNotes | OutFile::SlidesPptx | OutFile::Handout => {
                Kind::Slides
            }
        }
    }
}
