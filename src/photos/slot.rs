//! Photo slots: what typst places where a photo goes, and how the photo replaces it in the PDF.
//!
//! typst never sees a photo's pixels or bytes. A layout's request is answered at once with a
//! *slot*: a one-page PDF of the frame's size whose only image is a 1 × 1 stand-in named
//! `/FolioPhoto/<name>` (the request and a hash of what will fill it). typst lays it out and
//! krilla copies it into the output like any embedded PDF. After export, [`Splice`] finds each
//! named stand-in in the PDF typst wrote and appends the real JPEG as a new revision of that
//! object (print::update), so:
//! - compiles never wait for photos: they are prepared while the PDFs export;
//! - export never copies the megabytes of photos (an edit exports a PDF of text and shapes);
//! - the name changes when the photo's file or focus changes, so typst's page hash (which
//!   decides whether an output is exported again) sees a changed photo.

use super::{PhotoSet, Request, wrap};
use crate::print::update::{self, TypstPdf, Update};
use std::collections::{HashMap, HashSet};

/// The key of the stand-in image's dictionary that names the photo.
const KEY: &str = "/FolioPhoto";

/// A slot's name: `r<photo>_<W>x<H>_<DPI>_<hash>`, a PDF name without delimiters.
pub fn name(req: &Request, key: &blake3::Hash) -> String {
    format!(
        "r{}_{}x{}_{}_{}",
        req.photo,
        req.width,
        req.height,
        req.dpi,
        &key.to_hex()[..16]
    )
}

/// The request a slot's name stands for.
pub fn request_of(name: &str) -> Option<Request> {
    let mut parts = name.strip_prefix('r')?.split('_');
    let photo = parts.next()?;
    let size = parts.next()?;
    let dpi = parts.next()?;
    Request::from_path(&format!("{}{photo}/{size}@{dpi}", Request::PREFIX))
}

/// The slot PDF: one page of `width_pt` × `height_pt` filled by the named stand-in, drawn as
/// the real photo will be (so the content stream typst copies is final).
pub fn pdf(name: &str, width_pt: f64, height_pt: f64) -> Vec<u8> {
    use pdf_writer::{Finish, Name, Pdf, Rect, Ref};
    let (catalog, pages, page, image, content) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
    );
    let mut pdf = Pdf::new();
    // PDF 1.6: the print file is PDF 1.6 (PDF/X-4), and typst embeds no PDF newer than its output.
    pdf.set_version(1, 6);
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.parent(pages)
        .media_box(Rect::new(0.0, 0.0, width_pt as f32, height_pt as f32))
        .contents(content);
    p.resources().x_objects().pair(Name(b"Im0"), image);
    p.finish();
    // Mid grey, should a stand-in ever be seen.
    let mut img = pdf.image_xobject(image, &[0x99]);
    img.width(1).height(1).bits_per_component(8);
    img.color_space().device_gray();
    img.pair(Name(&KEY.as_bytes()[1..]), Name(name.as_bytes()));
    img.finish();
    let ops = format!("q {width_pt:.4} 0 0 {height_pt:.4} 0 0 cm /Im0 Do Q");
    pdf.stream(content, ops.as_bytes());
    pdf.finish()
}

/// A raster slot: a 1 × 1 grey JPEG whose comment segment names the slot. A PDF that may not
/// embed other PDFs (PDF/UA-1: the screen edition) places this instead; typst passes a JPEG
/// through byte for byte, so the name is found in the PDF as a slot PDF's is, and [`Splice`]
/// replaces the image object the same way.
pub fn jpeg(name: &str) -> Vec<u8> {
    static GREY: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, 90)
            .encode(&[0x99, 0x99, 0x99], 1, 1, jpeg_encoder::ColorType::Rgb)
            .expect("a 1 x 1 JPEG");
        out
    });
    // After the start-of-image marker: a COM segment `/FolioPhoto /<name> ` (the space ends
    // the name for `find`).
    let text = format!("{KEY} /{name} ");
    let mut out = Vec::with_capacity(GREY.len() + text.len() + 4);
    out.extend_from_slice(&GREY[..2]);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&((text.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&GREY[2..]);
    out
}

/// The name of the slot a slot PDF (or a raster slot) holds.
pub fn name_in(slot: &[u8]) -> Option<String> {
    find(slot).into_iter().next().map(|(_, name)| name)
}

/// The slot names in a PDF and where each occurs.
fn find(pdf: &[u8]) -> Vec<(usize, String)> {
    let finder = memchr::memmem::Finder::new(KEY.as_bytes());
    finder
        .find_iter(pdf)
        .filter_map(|at| {
            // The name follows, after any white space: `/FolioPhoto /r0_…` or `/FolioPhoto/r0_…`.
            let rest = &pdf[at + KEY.len()..];
            let start = rest.iter().position(|b| !b" \n\r\t".contains(b))?;
            let rest = rest[start..].strip_prefix(b"/")?;
            let end = rest
                .iter()
                .position(|b| b"/<>[]() \n\r\t%".contains(b))
                .unwrap_or(rest.len());
            let name = std::str::from_utf8(&rest[..end]).ok()?;
            Some((at, name.to_string()))
        })
        .collect()
}

/// Fills a PDF's slots with the photos of `photos`, which must all be prepared.
pub struct Splice<'a> {
    pub photos: &'a PhotoSet,
}

impl Splice<'_> {
    /// The JPEG for slot `name` and how it is described: an error when the name is not this
    /// document's or the photo was not prepared (a bug: never a PDF with a stand-in).
    fn image(
        &self,
        name: &str,
    ) -> Result<(typst::foundations::Bytes, wrap::ImageObject<'static>), String> {
        let jpeg = self.jpeg(name)?;
        let image =
            wrap::image_object(&jpeg).ok_or_else(|| format!("photo {name} is not a JPEG"))?;
        Ok((jpeg, image))
    }

    fn jpeg(&self, name: &str) -> Result<typst::foundations::Bytes, String> {
        let req = request_of(name).ok_or_else(|| format!("a photo slot has no request: {name}"))?;
        if self.photos.slot_name(&req).as_deref() != Some(name) {
            return Err(format!("a photo slot names another photo version: {name}"));
        }
        self.photos.lookup(&req).map(|s| s.jpeg).ok_or_else(|| {
            let photo = self.photos.sources.get(req.photo).map(|s| s.name.as_str());
            format!(
                "photo {} was not prepared for its {}×{} px frame",
                photo.unwrap_or("?"),
                req.width,
                req.height
            )
        })
    }
}

impl update::Splice for Splice<'_> {
    fn incremental(&self, file: &TypstPdf, update: &mut Update) -> Result<bool, String> {
        let mut done: HashSet<usize> = HashSet::new();
        let mut profiles: HashMap<blake3::Hash, usize> = HashMap::new();
        for (at, name) in find(file.bytes()) {
            let n = file
                .object_at(at)
                .ok_or("a photo slot is outside any object")?;
            if !done.insert(n) {
                continue;
            }
            let (jpeg, image) = self.image(&name)?;
            let dict = image.dict(jpeg.len(), |icc| {
                *profiles
                    .entry(blake3::hash(&icc.profile))
                    .or_insert_with(|| update.add(&icc_object(icc)))
            });
            update.replace_stream(n, &dict, Box::new(jpeg));
        }
        Ok(true)
    }

    fn rewrite(&self, doc: &mut lopdf::Document) -> Result<(), String> {
        use lopdf::{Object, Stream, dictionary};
        let slots: Vec<(lopdf::ObjectId, String)> = doc
            .objects
            .iter()
            .filter_map(|(id, o)| {
                let stream = o.as_stream().ok()?;
                let name = match stream.dict.get(b"FolioPhoto") {
                    Ok(name) => String::from_utf8(name.as_name().ok()?.to_vec()).ok()?,
                    // A raster slot names itself inside its JPEG.
                    Err(_) if stream.content.starts_with(&[0xFF, 0xD8]) => {
                        name_in(&stream.content)?
                    }
                    Err(_) => return None,
                };
                Some((*id, name))
            })
            .collect();
        for (id, name) in slots {
            let (jpeg, image) = self.image(&name)?;
            let space = match image.space {
                wrap::Space::Icc(icc) => {
                    let profile = doc.add_object(Stream::new(
                        dictionary! { "N" => icc.components as i64 },
                        icc.profile.into_owned(),
                    ));
                    Object::Array(vec![Object::Name(b"ICCBased".to_vec()), profile.into()])
                }
                wrap::Space::Gray => Object::Name(b"DeviceGray".to_vec()),
                wrap::Space::Cmyk => Object::Name(b"DeviceCMYK".to_vec()),
            };
            let mut dict = dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => image.width as i64,
                "Height" => image.height as i64,
                "BitsPerComponent" => 8,
                "ColorSpace" => space,
                "Filter" => "DCTDecode",
            };
            if image.inverted {
                let decode = [1, 0, 1, 0, 1, 0, 1, 0].map(Object::Integer);
                dict.set("Decode", decode.to_vec());
            }
            doc.objects.insert(
                id,
                Object::Stream(Stream::new(dict, jpeg.to_vec()).with_compression(false)),
            );
        }
        Ok(())
    }
}

/// An ICC profile stream object (uncompressed: small, and compressed profiles save little).
fn icc_object(icc: &wrap::Icc) -> Vec<u8> {
    let mut out = format!(
        "<</N {}/Length {}>>\nstream\n",
        icc.components,
        icc.profile.len()
    )
    .into_bytes();
    out.extend_from_slice(&icc.profile);
    out.extend_from_slice(b"\nendstream");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_to_requests() {
        let req = Request {
            photo: 3,
            width: 2480,
            height: 1654,
            dpi: 300,
        };
        let n = name(&req, &blake3::hash(b"photo"));
        assert!(n.starts_with("r3_2480x1654_300_"), "{n}");
        assert_eq!(request_of(&n), Some(req));
        assert_eq!(request_of("x3_1x1_1_00"), None);
    }

    #[test]
    fn raster_slots_are_jpegs_that_name_their_slot() {
        let jpeg = jpeg("r2_620x414_150_abcd");
        assert_eq!(name_in(&jpeg).as_deref(), Some("r2_620x414_150_abcd"));
        let decoded = image::load_from_memory(&jpeg).expect("a valid JPEG");
        assert_eq!((decoded.width(), decoded.height()), (1, 1));
    }

    #[test]
    fn slots_are_found_in_a_pdf() {
        let pdf = pdf("r0_10x10_300_abcd", 10.0, 20.0);
        let found = find(&pdf);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, "r0_10x10_300_abcd");
        // A valid PDF of the frame's size.
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
    }
}
