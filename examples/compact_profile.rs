//! How folio's compact output profiles (src/profiles/*.icc) were made from the CC0 originals:
//!
//!     cargo run --release --example compact_profile -- ORIGINAL.icc OUT.icc

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [from, to] = args.as_slice() else {
        eprintln!("usage: compact_profile ORIGINAL.icc OUT.icc");
        std::process::exit(2);
    };
    let original = std::fs::read(from).unwrap_or_else(|e| {
        eprintln!("cannot read {from}: {e}");
        std::process::exit(1);
    });
    let grid = folio::profiles::compact::Grid::PRINT;
    match folio::profiles::compact::compact(&original, grid) {
        Ok(small) => {
            std::fs::write(to, &small).unwrap_or_else(|e| {
                eprintln!("cannot write {to}: {e}");
                std::process::exit(1);
            });
            println!(
                "{from}: {} bytes -> {to}: {} bytes",
                original.len(),
                small.len()
            );
        }
        Err(e) => {
            eprintln!("{from}: {e}");
            std::process::exit(1);
        }
    }
}
