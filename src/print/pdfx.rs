//! PDF/X-4 (ISO 15930-7): what makes the print file declare itself fit for a press. typst
//! writes the pages (PDF 1.6, CMYK and ICC-based colour, fonts embedded); this adds the
//! output intent with its CMYK profile, the Info keys and an XMP packet that agree with them,
//! and leaves out what X-4 forbids in the print file (link annotations on the page).

use crate::profiles::OutputProfile;
use lopdf::{Dictionary, Object, Stream, StringFormat, dictionary};

/// What the print file says about itself.
pub struct PdfX<'a> {
    pub profile: &'a OutputProfile,
    pub title: &'a str,
    pub author: &'a str,
    /// When the file was made (see [`build_date`]).
    pub date: time::OffsetDateTime,
    /// Stays the same from build to build of one document.
    pub document_id: String,
    /// Changes whenever the pages do.
    pub instance_id: String,
}

/// The date a build stamps on the print file: `SOURCE_DATE_EPOCH` when set (reproducible
/// builds), else when its sources last changed, so rebuilding unchanged sources writes the same
/// bytes (and a viewer has nothing to reload); now only when that is unknown.
/// `sources_changed` is asked only when `SOURCE_DATE_EPOCH` is not set.
pub fn build_date(
    sources_changed: impl FnOnce() -> Option<std::time::SystemTime>,
) -> time::OffsetDateTime {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .or_else(|| sources_changed().map(time::OffsetDateTime::from))
        .unwrap_or_else(time::OffsetDateTime::now_utc)
        .replace_nanosecond(0)
        .expect("zero nanoseconds are valid")
}

/// A UUID-shaped identifier from a hash, as XMP's DocumentID and VersionID expect.
pub fn uuid(hash: &[u8]) -> String {
    let h: Vec<String> = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let h = h.concat();
    format!(
        "uuid:{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn ascii(s: &str) -> Object {
    Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
}

/// `D:YYYYMMDDHHmmSSZ`, the PDF date format, in UTC.
fn pdf_date(d: time::OffsetDateTime) -> String {
    let d = d.to_offset(time::UtcOffset::UTC);
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}Z",
        d.year(),
        d.month() as u8,
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

fn xmp_date(d: time::OffsetDateTime) -> xmp_writer::DateTime {
    let d = d.to_offset(time::UtcOffset::UTC);
    xmp_writer::DateTime::new(
        d.year().clamp(0, 9999) as u16,
        d.month() as u8,
        d.day(),
        d.hour(),
        d.minute(),
        d.second(),
        xmp_writer::Timezone::Utc,
    )
}

pub const PRODUCER: &str = concat!("folio ", env!("CARGO_PKG_VERSION"), " (typst 0.15)");

impl PdfX<'_> {
    /// The Info dictionary.
    pub fn info(&self) -> Dictionary {
        let date = pdf_date(self.date);
        dictionary! {
            "Title" => lopdf::text_string(self.title),
            "Author" => lopdf::text_string(self.author),
            "Creator" => ascii("folio"),
            "Producer" => ascii(PRODUCER),
            "CreationDate" => ascii(&date),
            "ModDate" => ascii(&date),
            "Trapped" => Object::Name(b"False".to_vec()),
            "GTS_PDFXVersion" => ascii("PDF/X-4"),
        }
    }

    /// The output profile's stream.
    pub fn profile(&self) -> Stream {
        let (icc, flate) = self.profile.stored();
        let mut dict = dictionary! { "N" => 4 };
        if flate {
            dict.set("Filter", "FlateDecode");
        }
        Stream::new(dict, icc.to_vec())
    }

    /// The output intent, referring to the profile's stream, object `profile`.
    pub fn output_intent(&self, profile: u32) -> Dictionary {
        let p = self.profile;
        let mut d = dictionary! {
            "Type" => "OutputIntent",
            "S" => "GTS_PDFX",
            "OutputConditionIdentifier" => ascii(&p.identifier),
            "OutputCondition" => ascii(&p.condition),
            "Info" => ascii(&p.condition),
            "DestOutputProfile" => Object::Reference((profile, 0)),
        };
        if let Some(r) = p.registry {
            d.set("RegistryName", ascii(r));
        }
        d
    }

    /// The XMP metadata stream.
    pub fn metadata(&self) -> Stream {
        Stream::new(
            dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
            self.xmp().into_bytes(),
        )
    }

    /// The XMP packet, saying what Info says.
    fn xmp(&self) -> String {
        let mut x = xmp_writer::XmpWriter::new();
        let date = xmp_date(self.date);
        x.title([(None, self.title)]);
        x.creator([self.author]);
        x.format("application/pdf");
        x.create_date(date);
        x.modify_date(date);
        x.metadata_date(date);
        x.creator_tool("folio");
        x.producer(PRODUCER);
        x.trapped(false);
        x.pdfx_version("PDF/X-4");
        x.document_id(&self.document_id);
        x.instance_id(&self.instance_id);
        x.version_id("1");
        x.rendition_class(xmp_writer::RenditionClass::Default);
        x.finish(None)
    }
}

/// Writes one object as PDF syntax.
pub fn syntax(object: &Object) -> Vec<u8> {
    let mut out = Vec::new();
    lopdf::Writer::write_object(&mut out, object).expect("writing to memory");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_ids_have_their_formats() {
        let d = time::OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        assert_eq!(pdf_date(d), "D:20231114221320Z");
        let id = uuid(blake3::hash(b"x").as_bytes());
        assert_eq!(id.len(), 41);
        assert!(id.starts_with("uuid:") && id.matches('-').count() == 4);
        let title = String::from_utf8(syntax(&lopdf::text_string("年报"))).unwrap();
        assert_eq!(title.to_uppercase(), "<FEFF5E7462A5>");
        assert_eq!(syntax(&lopdf::text_string("Report")), b"(Report)");
    }
}
