//! The print file is PDF/X-4: folio's own check finds no problem in it, finds each kind of
//! problem in files made to break one rule, and the choices around it (plain PDF, another
//! output profile, a print shop's own profile, reproducible dates) do what they say.

mod common;
use common::*;
use folio::print::check::pdfx_problems;
use lopdf::{Document, Object, dictionary};

fn brochure() -> Vec<u8> {
    let built = sample_built();
    std::fs::read(built.session.path(folio::OutFile::Brochure)).unwrap()
}

fn catalog_dict(doc: &mut Document) -> &mut lopdf::Dictionary {
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    doc.get_object_mut(root).unwrap().as_dict_mut().unwrap()
}

fn info_dict(doc: &mut Document) -> &mut lopdf::Dictionary {
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    doc.get_object_mut(info).unwrap().as_dict_mut().unwrap()
}

/// The first output intent's dictionary.
fn intent_dict(doc: &mut Document) -> &mut lopdf::Dictionary {
    let id = catalog_dict(doc)
        .get(b"OutputIntents")
        .unwrap()
        .as_array()
        .unwrap()[0]
        .as_reference()
        .unwrap();
    doc.get_object_mut(id).unwrap().as_dict_mut().unwrap()
}

/// Puts `profile` in place of the output intent's profile.
fn replace_profile(doc: &mut Document, profile: lopdf::Stream) {
    let id = intent_dict(doc)
        .get(b"DestOutputProfile")
        .unwrap()
        .as_reference()
        .unwrap();
    *doc.get_object_mut(id).unwrap() = Object::Stream(profile);
}

fn first_page(doc: &mut Document) -> &mut lopdf::Dictionary {
    let id = doc.get_pages()[&1];
    doc.get_object_mut(id).unwrap().as_dict_mut().unwrap()
}

fn xmp_replace(doc: &mut Document, from: &str, to: &str) {
    let id = catalog_dict(doc)
        .get(b"Metadata")
        .unwrap()
        .as_reference()
        .unwrap();
    let stream = doc.get_object_mut(id).unwrap().as_stream_mut().unwrap();
    let text = String::from_utf8(stream.content.clone()).unwrap();
    assert!(text.contains(from), "the XMP has no {from}");
    stream.set_content(text.replace(from, to).into_bytes());
}

fn save(doc: &mut Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn the_sample_brochure_is_pdf_x4() {
    let pdf = brochure();
    assert!(pdf.starts_with(b"%PDF-1.6"));
    assert_eq!(pdfx_problems(&pdf), Vec::<String>::new());
    // Size: the sample's photos at 300 ppi (photo pages print three of them near full page,
    // 7.5 MB in all) plus the profile stay well under what typst or XeLaTeX write with the
    // same photos (16.8 MB).
    assert!(pdf.len() <= 9_000_000, "{} bytes", pdf.len());
    let doc = Document::load_mem(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    assert_eq!(intents.len(), 1);
    let oi = doc
        .get_dictionary(intents[0].as_reference().unwrap())
        .unwrap();
    assert_eq!(
        oi.get(b"OutputConditionIdentifier")
            .unwrap()
            .as_str()
            .unwrap(),
        b"FOGRA39"
    );
    assert_eq!(
        oi.get(b"RegistryName").unwrap().as_str().unwrap(),
        b"http://www.color.org"
    );
    let profile = doc
        .get_object(
            oi.get(b"DestOutputProfile")
                .unwrap()
                .as_reference()
                .unwrap(),
        )
        .unwrap()
        .as_stream()
        .unwrap();
    assert!(
        profile.content.len() <= 700 * 1024,
        "{}",
        profile.content.len()
    );
    assert_eq!(profile.dict.get(b"N").unwrap().as_i64().unwrap(), 4);
    // The contents page's links are gone from the print file; the bookmarks stay.
    for (n, id) in doc.get_pages() {
        assert!(
            doc.get_dictionary(id).unwrap().get(b"Annots").is_err(),
            "page {n}"
        );
    }
    assert!(catalog.get(b"Outlines").is_ok());
}

#[test]
fn the_imposed_sheets_are_pdf_x4_too() {
    let dir = sample_project();
    let opts = folio::Options {
        impose: true,
        only: Some(folio::Kind::Brochure),
        ..Default::default()
    };
    let (session, outcome) = build(dir.path(), &opts);
    assert_ok(&outcome);
    let pdf = std::fs::read(session.path(folio::OutFile::BrochureImposed)).unwrap();
    assert_eq!(pdfx_problems(&pdf), Vec::<String>::new());
}

/// Each rule, broken once in an otherwise good file, is caught.
#[test]
fn each_broken_rule_is_caught() {
    type Break = Box<dyn Fn(&mut Document)>;
    let cases: Vec<(&str, Break, &str)> = vec![
        (
            "PDF 1.7",
            Box::new(|d| d.version = "1.7".into()),
            "header says PDF 1.7",
        ),
        (
            "no /ID",
            Box::new(|d| {
                d.trailer.remove(b"ID");
            }),
            "no /ID",
        ),
        (
            "no output intent",
            Box::new(|d| {
                catalog_dict(d).remove(b"OutputIntents");
            }),
            "0 GTS_PDFX output intents",
        ),
        (
            "two output intents",
            Box::new(|d| {
                let c = catalog_dict(d);
                let first = c.get(b"OutputIntents").unwrap().as_array().unwrap()[0].clone();
                c.set("OutputIntents", vec![first.clone(), first]);
            }),
            "2 GTS_PDFX output intents",
        ),
        (
            "no condition identifier",
            Box::new(|d| {
                intent_dict(d).remove(b"OutputConditionIdentifier");
            }),
            "no /OutputConditionIdentifier",
        ),
        (
            "no profile",
            Box::new(|d| {
                intent_dict(d).remove(b"DestOutputProfile");
            }),
            "no /DestOutputProfile",
        ),
        (
            "an RGB profile",
            Box::new(|d| {
                let rgb = std::fs::read(repo().join("src/profiles/sRGB.icc")).unwrap();
                replace_profile(d, lopdf::Stream::new(dictionary! { "N" => 3 }, rgb));
            }),
            "not CMYK",
        ),
        (
            "a display profile",
            Box::new(|d| {
                let mut icc = folio::profiles::output::builtin("fogra39")
                    .unwrap()
                    .icc
                    .to_vec();
                icc[12..16].copy_from_slice(b"mntr");
                replace_profile(d, lopdf::Stream::new(dictionary! { "N" => 4 }, icc));
            }),
            "not an output (printer) profile",
        ),
        (
            "no GTS_PDFXVersion",
            Box::new(|d| {
                info_dict(d).remove(b"GTS_PDFXVersion");
            }),
            "GTS_PDFXVersion is not",
        ),
        (
            "Trapped unknown",
            Box::new(|d| {
                info_dict(d).set("Trapped", Object::Name(b"Unknown".to_vec()));
            }),
            "Trapped is not",
        ),
        (
            "no title",
            Box::new(|d| {
                info_dict(d).remove(b"Title");
            }),
            "Info has no /Title",
        ),
        (
            "no creation date",
            Box::new(|d| {
                info_dict(d).remove(b"CreationDate");
            }),
            "Info has no /CreationDate",
        ),
        (
            "no XMP",
            Box::new(|d| {
                catalog_dict(d).remove(b"Metadata");
            }),
            "no XMP metadata",
        ),
        (
            "XMP not X-4",
            Box::new(|d| xmp_replace(d, "PDF/X-4</pdfxid", "PDF/X-3</pdfxid")),
            "pdfxid:GTS_PDFXVersion",
        ),
        (
            "XMP trapped disagrees",
            Box::new(|d| xmp_replace(d, "<pdf:Trapped>False", "<pdf:Trapped>True")),
            "disagree",
        ),
        (
            "XMP without a version",
            Box::new(|d| xmp_replace(d, "xmpMM:VersionID", "xmpMM:Versionless")),
            "xmpMM:VersionID",
        ),
        (
            "JavaScript",
            Box::new(|d| {
                let js = d.add_object(dictionary! { "Names" => vec![] });
                catalog_dict(d).set("Names", dictionary! { "JavaScript" => js });
            }),
            "JavaScript",
        ),
        (
            "embedded files",
            Box::new(|d| {
                let f = d.add_object(dictionary! { "Names" => vec![] });
                catalog_dict(d).set("Names", dictionary! { "EmbeddedFiles" => f });
            }),
            "embedded files",
        ),
        (
            "catalog actions",
            Box::new(|d| {
                catalog_dict(d).set("AA", dictionary! {});
            }),
            "additional actions",
        ),
        (
            "no trim box",
            Box::new(|d| {
                first_page(d).remove(b"TrimBox");
            }),
            "neither a TrimBox nor an ArtBox",
        ),
        (
            "trim and art box",
            Box::new(|d| {
                let p = first_page(d);
                let t = p.get(b"TrimBox").unwrap().clone();
                p.set("ArtBox", t);
            }),
            "both a TrimBox and an ArtBox",
        ),
        (
            "bleed past the media",
            Box::new(|d| {
                first_page(d).set(
                    "BleedBox",
                    vec![(-50).into(), (-50).into(), 2000.into(), 2000.into()],
                );
            }),
            "past the MediaBox",
        ),
        (
            "bleed inside the trim",
            Box::new(|d| {
                first_page(d).set(
                    "BleedBox",
                    vec![100.into(), 100.into(), 200.into(), 200.into()],
                );
            }),
            "does not contain the TrimBox",
        ),
        (
            "a link on the page",
            Box::new(|d| {
                let a = d.add_object(dictionary! { "Type" => "Annot", "Subtype" => "Link", "Rect" => vec![100.into(), 100.into(), 200.into(), 120.into()] });
                first_page(d).set("Annots", vec![Object::Reference(a)]);
            }),
            "Link annotation inside the bleed box",
        ),
        (
            "page actions",
            Box::new(|d| {
                first_page(d).set("AA", dictionary! {});
            }),
            "page 1 has additional actions",
        ),
        (
            "an RGB colour",
            Box::new(|d| {
                let id = d.get_pages()[&1];
                let content =
                    lopdf::Stream::new(dictionary! {}, b"1 0 0 rg 0 0 10 10 re f".to_vec());
                let c = d.add_object(content);
                let p = d.get_object_mut(id).unwrap().as_dict_mut().unwrap();
                let mut contents = match p.get(b"Contents").unwrap().clone() {
                    Object::Array(a) => a,
                    other => vec![other],
                };
                contents.push(Object::Reference(c));
                p.set("Contents", contents);
            }),
            "DeviceRGB",
        ),
        (
            "an RGB transparency group",
            Box::new(|d| {
                first_page(d).set(
                    "Group",
                    dictionary! { "S" => "Transparency", "CS" => "DeviceRGB" },
                );
            }),
            "DeviceRGB",
        ),
    ];
    let good = Document::load_mem(&brochure()).unwrap();
    for (what, breaks, expected) in cases {
        let mut doc = good.clone();
        breaks(&mut doc);
        let problems = pdfx_problems(&save(&mut doc));
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{what}: expected a problem with `{expected}`, got {problems:#?}"
        );
    }
}

#[test]
fn a_plain_pdf_when_asked() {
    let dir = sample_project();
    let opts = folio::Options {
        no_pdfx: true,
        only: Some(folio::Kind::Brochure),
        ..Default::default()
    };
    let (session, outcome) = build(dir.path(), &opts);
    assert_ok(&outcome);
    let pdf = std::fs::read(session.path(folio::OutFile::Brochure)).unwrap();
    let problems = pdfx_problems(&pdf);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("0 GTS_PDFX output intents")),
        "{problems:#?}"
    );
    // The same with the setting.
    let doc_path = dir.path().join("content/document.yaml");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    std::fs::write(
        &doc_path,
        doc.replacen("settings:\n", "settings:\n  pdfx: false\n", 1),
    )
    .unwrap();
    let (session, outcome) = build(dir.path(), &only(folio::Kind::Brochure));
    assert_ok(&outcome);
    let pdf = std::fs::read(session.path(folio::OutFile::Brochure)).unwrap();
    assert!(!pdfx_problems(&pdf).is_empty());
}

fn output_intent(pdf: &[u8]) -> (String, usize) {
    let doc = Document::load_mem(pdf).unwrap();
    let intents = doc
        .catalog()
        .unwrap()
        .get(b"OutputIntents")
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    let oi = doc
        .get_dictionary(intents[0].as_reference().unwrap())
        .unwrap();
    let id = String::from_utf8_lossy(
        oi.get(b"OutputConditionIdentifier")
            .unwrap()
            .as_str()
            .unwrap(),
    )
    .into_owned();
    let profile = doc
        .get_object(
            oi.get(b"DestOutputProfile")
                .unwrap()
                .as_reference()
                .unwrap(),
        )
        .unwrap()
        .as_stream()
        .unwrap();
    (id, profile.content.len())
}

#[test]
fn another_output_profile_and_a_shops_own() {
    let dir = sample_project();
    let doc_path = dir.path().join("content/document.yaml");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    let with = |setting: &str| {
        doc.replacen(
            "settings:\n",
            &format!("settings:\n  output_profile: {setting}\n"),
            1,
        )
    };
    let brochure =
        |session: &folio::Session| std::fs::read(session.path(folio::OutFile::Brochure)).unwrap();

    std::fs::write(&doc_path, with("fogra52")).unwrap();
    let (session, outcome) = build(dir.path(), &only(folio::Kind::Brochure));
    assert_ok(&outcome);
    let pdf = brochure(&session);
    assert_eq!(output_intent(&pdf).0, "FOGRA52");
    assert_eq!(pdfx_problems(&pdf), Vec::<String>::new());

    // A shop's profile, 2.7 MB as delivered: embedded compact, as a Custom condition.
    std::fs::create_dir_all(dir.path().join("profiles")).unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/icc/ISOcoated_v2_300_mth.icc"),
        dir.path().join("profiles/shop.icc"),
    )
    .unwrap();
    std::fs::write(&doc_path, with("profiles/shop.icc")).unwrap();
    let (session, outcome) = build(dir.path(), &only(folio::Kind::Brochure));
    assert_ok(&outcome);
    let pdf = brochure(&session);
    let (id, size) = output_intent(&pdf);
    assert_eq!(id, "Custom");
    assert!(size <= 700 * 1024, "{size}");
    assert_eq!(pdfx_problems(&pdf), Vec::<String>::new());

    // An RGB profile is refused at its line, naming what is wrong.
    std::fs::copy(
        repo().join("src/profiles/sRGB.icc"),
        dir.path().join("profiles/screen.icc"),
    )
    .unwrap();
    std::fs::write(&doc_path, with("profiles/screen.icc")).unwrap();
    let (_, outcome) = build(dir.path(), &only(folio::Kind::Brochure));
    let found = errors(&outcome);
    assert!(
        found
            .iter()
            .any(|e| e.contains("document.yaml:") && e.contains("RGB profile")),
        "{found:#?}"
    );
    // A name that is neither.
    std::fs::write(&doc_path, with("fogra99")).unwrap();
    let (_, outcome) = build(dir.path(), &only(folio::Kind::Brochure));
    let found = errors(&outcome);
    assert!(
        found
            .iter()
            .any(|e| e.contains("fogra99") && e.contains("fogra39, fogra52")),
        "{found:#?}"
    );
}

#[test]
fn the_command_line_chooses_a_profile_and_dates_follow_source_date_epoch() {
    let dir = sample_project();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
        .args([
            "build",
            "--only",
            "brochure",
            "--output-profile",
            "gracol2013",
        ])
        .arg(dir.path())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = std::fs::read(dir.path().join("out/brochure.pdf")).unwrap();
    assert_eq!(output_intent(&pdf).0, "CGATS21_CRPC6");
    let doc = Document::load_mem(&pdf).unwrap();
    let info = doc
        .get_dictionary(doc.trailer.get(b"Info").unwrap().as_reference().unwrap())
        .unwrap();
    assert_eq!(
        info.get(b"CreationDate").unwrap().as_str().unwrap(),
        b"D:20231114221320Z"
    );
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["check", "--pdf"])
        .arg(dir.path().join("out/brochure.pdf"))
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    // And a file that is not X fails the command.
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["check", "--pdf"])
        .arg(repo().join("tests/fixtures/icc/LICENSE"))
        .output()
        .unwrap();
    assert!(!check.status.success());
}

/// The CMYK JPEGs a PDF embeds, decoded to ink values (0 = none, 255 = full).
fn cmyk_images(pdf: &[u8]) -> Vec<Vec<u8>> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    let doc = Document::load_mem(pdf).unwrap();
    let mut out = Vec::new();
    for obj in doc.objects.values() {
        let Ok(s) = obj.as_stream() else { continue };
        let is_cmyk_jpeg = s.dict.get(b"Subtype").and_then(|o| o.as_name()).ok() == Some(b"Image")
            && s.dict.get(b"ColorSpace").and_then(|o| o.as_name()).ok() == Some(b"DeviceCMYK")
            && s.dict.get(b"Filter").and_then(|o| o.as_name()).ok() == Some(b"DCTDecode");
        if !is_cmyk_jpeg {
            continue;
        }
        let info = folio::photos::wrap::jpeg_info(&s.content).unwrap();
        let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::CMYK);
        let mut decoder =
            zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(&s.content), options);
        let mut cmyk = decoder.decode().unwrap();
        if info.adobe {
            cmyk.iter_mut().for_each(|v| *v = 255 - *v);
        }
        out.push(cmyk);
    }
    out
}

#[test]
fn cmyk_photos_are_separated_within_the_ink_limit() {
    let dir = sample_project();
    let opts = folio::Options {
        cmyk_photos: true,
        ..Default::default()
    };
    let (session, outcome) = build(dir.path(), &opts);
    assert_ok(&outcome);
    let pdf = std::fs::read(session.path(folio::OutFile::Brochure)).unwrap();
    assert_eq!(pdfx_problems(&pdf), Vec::<String>::new());
    // Every photo of the print file is CMYK; the deck's stay RGB (a screen shows RGB).
    let list = |file: folio::OutFile| image_list(&session.path(file));
    let brochure = list(folio::OutFile::Brochure);
    let rows: Vec<&str> = brochure.lines().skip(2).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.contains(" cmyk ")), "{brochure}");
    assert!(!list(folio::OutFile::Slides).contains(" cmyk "));
    // FOGRA39 allows 300 % total ink. folio separates a little under it; JPEG's rounding may
    // lift a few edge pixels over it, never a visible area.
    let images = cmyk_images(&pdf);
    // A photo shown twice (a page and the gallery) is one image object.
    let objects: std::collections::HashSet<&str> = rows
        .iter()
        .filter_map(|r| r.split_whitespace().nth(10))
        .collect();
    assert_eq!(images.len(), objects.len());
    for cmyk in images {
        let mut totals: Vec<u32> = cmyk
            .chunks_exact(4)
            .map(|p| p.iter().map(|v| *v as u32).sum())
            .collect();
        totals.sort_unstable();
        let percent = |t: u32| t as f64 / 255.0 * 100.0;
        let p9999 = percent(totals[totals.len() * 9999 / 10000]);
        let max = percent(*totals.last().unwrap());
        assert!(p9999 <= 300.0, "99.99th percentile total ink {p9999:.1} %");
        assert!(max <= 310.0, "largest total ink {max:.1} %");
    }
    // The cache keeps RGB and CMYK versions apart: turning the option off brings RGB back.
    let (session, outcome) = build(dir.path(), &folio::Options::default());
    assert_ok(&outcome);
    let pdf = std::fs::read(session.path(folio::OutFile::Brochure)).unwrap();
    assert!(cmyk_images(&pdf).is_empty());
}
