//! The print file: typst writes the MediaBox (trim + slug) and the TrimBox; the BleedBox is
//! ours, and with PDF/X the output intent, Info and XMP (`pdfx.rs`), without link annotations.
//!
//! The fast path appends the changes to the file typst wrote as an incremental update
//! (`update.rs`); a file not laid out as expected is parsed and rewritten with lopdf instead.

use super::pdfx::{PdfX, syntax};
use super::update::{self, Splice, TypstPdf, Update, remove_key};
use super::{rect, rect_object as to_obj};
use lopdf::{Document, Object};

/// Sets BleedBox = TrimBox grown by `bleed` points (within the MediaBox) on every page and,
/// with `pdfx`, makes the file PDF/X-4; `photos` adds its objects in the same update.
pub fn print_file(
    pdf: Vec<u8>,
    bleed: f64,
    pdfx: Option<&PdfX>,
    photos: &dyn Splice,
) -> Result<crate::output::Parts, String> {
    update::apply(
        pdf,
        &PrintFile {
            bleed,
            pdfx,
            photos,
        },
    )
}

/// The print finishing as edits to the file typst wrote.
struct PrintFile<'a> {
    bleed: f64,
    pdfx: Option<&'a PdfX<'a>>,
    photos: &'a dyn Splice,
}

impl Splice for PrintFile<'_> {
    fn incremental(&self, file: &TypstPdf, update: &mut Update) -> Result<bool, String> {
        let pages = file.pages();
        if pages.is_empty() || edits(file, update, &pages, self.bleed, self.pdfx).is_none() {
            return Ok(false);
        }
        self.photos.incremental(file, update)
    }

    fn rewrite(&self, doc: &mut Document) -> Result<(), String> {
        self.photos.rewrite(doc)?;
        rewrite(doc, self.bleed, self.pdfx)
    }
}

fn bleed_box(media: [f64; 4], trim: [f64; 4], bleed: f64) -> [f64; 4] {
    [
        (trim[0] - bleed).max(media[0]),
        (trim[1] - bleed).max(media[1]),
        (trim[2] + bleed).min(media[2]),
        (trim[3] + bleed).min(media[3]),
    ]
}

/// Numbers after `key` in a one-line dictionary, e.g. `/TrimBox[1 2 3 4]`.
fn box_in(dict: &str, key: &str) -> Option<[f64; 4]> {
    let rest = &dict[dict.find(key)? + key.len()..];
    let inner = rest.trim_start().strip_prefix('[')?;
    let v: Vec<f64> = inner[..inner.find(']')?]
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
}

/// The page boxes and PDF/X objects, into `update`; `None` when the file is not as expected.
fn edits(
    file: &TypstPdf,
    update: &mut Update,
    pages: &[(usize, String)],
    bleed: f64,
    pdfx: Option<&PdfX>,
) -> Option<()> {
    for (n, page) in pages {
        let media = box_in(page, "/MediaBox")?;
        let trim = box_in(page, "/TrimBox").unwrap_or(media);
        let b = bleed_box(media, trim, bleed);
        // PDF/X-4 allows no annotation over the printed area: the contents page's links go.
        let page = if pdfx.is_some() {
            remove_key(page, "/Annots")
        } else {
            page.clone()
        };
        let updated = format!(
            "{}/BleedBox[{:.4} {:.4} {:.4} {:.4}]>>",
            &page[..page.len() - 2],
            b[0],
            b[1],
            b[2],
            b[3]
        );
        update.replace(*n, updated.as_bytes());
    }
    if let Some(x) = pdfx {
        let root = file.trailer_ref("/Root")?;
        let catalog = file.dict(root)?;
        let profile = update.add(&syntax(&Object::Stream(x.profile())));
        let intent = update.add(&syntax(&Object::Dictionary(
            x.output_intent(profile as u32),
        )));
        let metadata = update.add(&syntax(&Object::Stream(x.metadata())));
        let info = update.add(&syntax(&Object::Dictionary(x.info())));
        let catalog = remove_key(&remove_key(&catalog, "/Metadata"), "/OutputIntents");
        let catalog = format!(
            "{}/Metadata {metadata} 0 R/OutputIntents[{intent} 0 R]>>",
            &catalog[..catalog.len() - 2]
        );
        update.replace(root, catalog.as_bytes());
        update.set_trailer("/Info", &format!("{info} 0 R"));
    }
    Some(())
}

/// The general path: parse and rewrite the whole file.
fn rewrite(doc: &mut Document, bleed: f64, pdfx: Option<&PdfX>) -> Result<(), String> {
    let pages: Vec<_> = doc.get_pages().into_values().collect();
    for id in pages {
        let dict = doc
            .get_object_mut(id)
            .and_then(Object::as_dict_mut)
            .map_err(|e| e.to_string())?;
        let media = dict.get(b"MediaBox").ok().and_then(rect);
        let trim = dict.get(b"TrimBox").ok().and_then(rect).or(media);
        let (Some(trim), Some(media)) = (trim, media) else {
            return Err("a page has no MediaBox".into());
        };
        dict.set("TrimBox", to_obj(trim));
        dict.set("BleedBox", to_obj(bleed_box(media, trim, bleed)));
        if pdfx.is_some() {
            dict.remove(b"Annots");
        }
    }
    if let Some(x) = pdfx {
        let profile = doc.add_object(x.profile());
        let intent = doc.add_object(x.output_intent(profile.0));
        let metadata = doc.add_object(x.metadata());
        let info = doc.add_object(x.info());
        let catalog = doc.catalog_mut().map_err(|e| e.to_string())?;
        catalog.set("Metadata", Object::Reference(metadata));
        catalog.set("OutputIntents", vec![Object::Reference(intent)]);
        doc.trailer.set("Info", Object::Reference(info));
        doc.version = "1.6".into();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_boxes_from_one_line_dictionaries() {
        let d = "<</Type/Page/MediaBox[0 0 600 800]/TrimBox[34.5 34.5 565.5 765.5]/Parent 1 0 R>>";
        assert_eq!(box_in(d, "/TrimBox"), Some([34.5, 34.5, 565.5, 765.5]));
        assert_eq!(
            bleed_box([0.0, 0.0, 600.0, 800.0], [34.5, 34.5, 565.5, 765.5], 8.5),
            [26.0, 26.0, 574.0, 774.0]
        );
        assert_eq!(box_in(d, "/BleedBox"), None);
    }

    /// Counts the times each path of the splice ran.
    #[derive(Default)]
    struct Counting {
        incremental: std::cell::Cell<usize>,
        rewrite: std::cell::Cell<usize>,
    }

    impl Splice for Counting {
        fn incremental(&self, _: &TypstPdf, _: &mut Update) -> Result<bool, String> {
            self.incremental.set(self.incremental.get() + 1);
            Ok(true)
        }
        fn rewrite(&self, _: &mut Document) -> Result<(), String> {
            self.rewrite.set(self.rewrite.get() + 1);
            Ok(())
        }
    }

    #[test]
    fn a_file_not_laid_out_as_typst_writes_is_rewritten_with_the_photos_too() {
        // lopdf writes dictionaries over several lines: not the file the fast path reads.
        use lopdf::dictionary;
        let mut doc = Document::with_version("1.6");
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages,
            "MediaBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
            "TrimBox" => vec![20.into(), 20.into(), 580.into(), 780.into()],
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut pdf = Vec::new();
        doc.save_to(&mut pdf).unwrap();
        let photos = Counting::default();
        let out = print_file(pdf, 8.0, None, &photos).unwrap().to_vec();
        assert_eq!((photos.incremental.get(), photos.rewrite.get()), (0, 1));
        let doc = Document::load_mem(&out).unwrap();
        let page = doc.get_object(page).unwrap().as_dict().unwrap();
        assert_eq!(
            page.get(b"BleedBox").ok().and_then(rect),
            Some([12.0, 12.0, 588.0, 788.0])
        );
    }
}
