//! The sample's outputs, byte for byte: a refactoring must not change what is printed. When a
//! change is meant to change the output, run with FOLIO_BLESS=1 to record the new hashes (and
//! look at the pages first).

mod common;
use common::*;

const HASHES: &str = "tests/fixtures/sample-outputs.b3";

#[test]
fn the_sample_renders_byte_for_byte_as_recorded() {
    // The print file carries its date: a fixed one, as reproducible builds set it. (The only
    // test in this binary, so no other thread reads the environment meanwhile.)
    unsafe { std::env::set_var("SOURCE_DATE_EPOCH", "1700000000") };
    let dir = sample_project();
    let opts = folio::Options {
        impose: true,
        ..Default::default()
    };
    let (session, outcome) = build(dir.path(), &opts);
    assert_ok(&outcome);
    let mut got = String::new();
    for file in [
        folio::OutFile::Brochure,
        folio::OutFile::BrochureImposed,
        folio::OutFile::BrochureScreen,
        folio::OutFile::Slides,
        folio::OutFile::SlidesNotes,
    ] {
        let bytes = std::fs::read(session.path(file)).unwrap();
        got += &format!("{}  {}\n", blake3::hash(&bytes).to_hex(), file.file_name());
    }
    let path = repo().join(HASHES);
    if std::env::var_os("FOLIO_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        got, want,
        "the sample's outputs changed; if that is meant, look at the pages and run with FOLIO_BLESS=1"
    );
}
