//! Photos keep their quality through folio's preparation: a photo cropped, resampled and
//! encoded as folio does for print (300 ppi frames, 4:4:4) stays within 40 dB PSNR of a
//! reference made independently (the image crate's own Lanczos3 resize of the same crop, no
//! JPEG step); for slides (4:2:0, colour at half resolution by design) within 37 dB. A faster
//! decoder, resampler or encoder must keep this.

use folio::content::Focus;
use folio::photos::decode;
use folio::photos::resample::{self, Encoding, Pixels};

/// Peak signal-to-noise ratio of two RGB images of one size, in dB.
fn psnr(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let sum: f64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| (*x as f64 - *y as f64).powi(2))
        .sum();
    let mse = sum / a.as_raw().len() as f64;
    10.0 * (255.0 * 255.0 / mse).log10()
}

fn check(name: &str, aspect: f64, width: u32, encoding: Encoding) -> f64 {
    let path = common_photo(name);
    let bytes = std::fs::read(&path).unwrap();
    let decoded = decode::decode(&bytes, name).unwrap();
    let (w, h) = (decoded.image.width(), decoded.image.height());
    let crop = resample::crop_box(w, h, aspect, Focus { x: 0.5, y: 0.5 });
    let out = Pixels {
        width,
        height: (width as f64 / aspect).round() as u32,
    };
    let jpeg = resample::render(&decoded, crop, out, encoding, None).unwrap();
    let ours = image::load_from_memory(&jpeg).unwrap().to_rgb8();
    let reference = image::imageops::resize(
        &image::imageops::crop_imm(
            &decoded.image.to_rgb8(),
            crop.left,
            crop.top,
            crop.width,
            crop.height,
        )
        .to_image(),
        out.width,
        out.height,
        image::imageops::FilterType::Lanczos3,
    );
    psnr(&ours, &reference)
}

fn common_photo(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("photos")
        .join(name)
}

#[test]
fn prepared_photos_stay_close_to_a_reference_resample() {
    // A progressive JPEG and a baseline one, landscape and portrait crops, print and screen.
    let cases = [
        (
            "Dragonfly_by_Bolly.jpg",
            3.0 / 2.0,
            1800,
            Encoding::Print,
            40.0,
        ),
        (
            "Kleiber_by_Lukas_Baubkus.jpg",
            4.0 / 5.0,
            1200,
            Encoding::Print,
            40.0,
        ),
        (
            "Dragonfly_by_Bolly.jpg",
            16.0 / 9.0,
            1280,
            Encoding::Screen,
            37.0,
        ),
    ];
    for (name, aspect, width, encoding, floor) in cases {
        let db = check(name, aspect, width, encoding);
        eprintln!("{name} {aspect:.2} {width} px {encoding:?}: {db:.1} dB");
        assert!(
            db >= floor,
            "{name}: {db:.1} dB PSNR against the reference resample"
        );
    }
}

#[test]
fn the_measure_fails_on_a_visibly_worse_photo() {
    // The same comparison notices a low-quality encode: a test that cannot fail proves nothing.
    let path = common_photo("Dragonfly_by_Bolly.jpg");
    let img = image::open(path).unwrap().to_rgb8();
    let small = image::imageops::resize(&img, 800, 600, image::imageops::FilterType::Lanczos3);
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 20)
        .encode_image(&small)
        .unwrap();
    let poor = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert!(psnr(&poor, &small) < 40.0);
}
