//! Photos keep their quality through folio's preparation: a photo cropped, resampled and
//! encoded as folio does for print (300 ppi frames, 4:4:4) stays within 40 dB PSNR of a
//! reference made independently (the image crate's own Lanczos3 resize of the same crop, no
//! JPEG step); for slides (4:2:0, colour at half resolution by design) within 37 dB. A faster
//! decoder, resampler or encoder must keep this.

use folio::content::Focus;
use folio::photos::decode;
use folio::photos::resample::{self, Crop, Encoding, Levels, Pixels};

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

/// One photo's frames prepared as a build prepares them: one decode at the reduction the most
/// demanding frame allows (a JPEG's reduced DCT scale), halves of it for frames that need
/// fewer pixels, libjpeg-turbo's encoder. Returns each frame's JPEG and the decode's reduction.
fn prepared_now(
    bytes: &[u8],
    name: &str,
    frames: &[(Crop, Pixels, Encoding)],
) -> (Vec<Vec<u8>>, u32) {
    let shrink = frames
        .iter()
        .map(|(c, o, _)| resample::reduction(*c, *o))
        .min()
        .unwrap();
    let decoded = decode::decode_reduced(bytes, name, shrink).unwrap();
    let reduced = decoded.shrink;
    let mut levels = Levels::new(decoded);
    let jpegs = frames
        .iter()
        .map(|&(crop, out, encoding)| {
            let pixels = levels.resize(crop, out).unwrap();
            resample::encode(&pixels, levels.decoded().icc.as_deref(), encoding, None).unwrap()
        })
        .collect();
    (jpegs, reduced)
}

/// The same frame as folio prepared it before issue 18: the image crate's decode (zune-jpeg)
/// at full size, Lanczos3 straight from it, jpeg-encoder at the same quality and sampling.
fn prepared_before(full: &image::RgbImage, crop: Crop, out: Pixels, encoding: Encoding) -> Vec<u8> {
    let src = decode::Decoded {
        image: image::DynamicImage::ImageRgb8(full.clone()),
        icc: None,
        shrink: 1,
    };
    let pixels = resample::resize(&src, crop, out).unwrap();
    let mut bytes = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut bytes, resample::JPEG_QUALITY);
    enc.set_sampling_factor(match encoding {
        Encoding::Print => jpeg_encoder::SamplingFactor::R_4_4_4,
        Encoding::Screen => jpeg_encoder::SamplingFactor::R_4_2_0,
    });
    enc.set_optimized_huffman_tables(false);
    enc.encode(
        pixels.as_bytes(),
        out.width as u16,
        out.height as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .unwrap();
    bytes
}

#[test]
fn faster_preparation_keeps_the_images_of_before() {
    // A progressive photo whose frames all allow a half-size decode, and a baseline one whose
    // frames allow a quarter; each with frames for print, slides and thumbnails, so the decode's
    // reduction and one or two halvings are all compared. Then a print frame that needs the full
    // decode (only the encoder differs).
    let frame = |(w, h): (u32, u32), aspect: f64, width: u32, encoding| {
        let crop = resample::crop_box(w, h, aspect, Focus { x: 0.5, y: 0.4 });
        let out = Pixels {
            width,
            height: (width as f64 / aspect).round() as u32,
        };
        (crop, out, encoding)
    };
    // A photo, its frames (aspect, width in pixels, encoding), the decode's expected reduction.
    type Case<'a> = (&'a str, &'a [(f64, u32, Encoding)], u32);
    let cases: [Case; 3] = [
        (
            "seeding_by_Clements_Engelhardt.jpg",
            &[
                (16.0 / 9.0, 2000, Encoding::Screen),
                (10.0 / 7.0, 1339, Encoding::Print),
                (10.0 / 7.0, 497, Encoding::Screen),
            ],
            2,
        ),
        (
            "Kleiber_by_Lukas_Baubkus.jpg",
            &[
                (16.0 / 9.0, 1339, Encoding::Print),
                (10.0 / 7.0, 497, Encoding::Screen),
            ],
            4,
        ),
        (
            "Dragonfly_by_Bolly.jpg",
            &[(2.0 / 3.0, 2203, Encoding::Print)],
            1,
        ),
    ];
    for (name, specs, reduction) in cases {
        let bytes = std::fs::read(common_photo(name)).unwrap();
        let full = image::load_from_memory(&bytes).unwrap().to_rgb8();
        let frames: Vec<_> = specs
            .iter()
            .map(|&(aspect, width, encoding)| frame(full.dimensions(), aspect, width, encoding))
            .collect();
        let (now, reduced) = prepared_now(&bytes, name, &frames);
        assert_eq!(reduced, reduction, "{name}: the decode's reduction");
        for ((crop, out, encoding), jpeg) in frames.iter().zip(&now) {
            let ours = image::load_from_memory(jpeg).unwrap().to_rgb8();
            let before = prepared_before(&full, *crop, *out, *encoding);
            let before = image::load_from_memory(&before).unwrap().to_rgb8();
            let db = psnr(&ours, &before);
            eprintln!(
                "{name} {} × {} {encoding:?}: {db:.1} dB against before",
                out.width, out.height
            );
            assert!(
                db >= 40.0,
                "{name} {} × {}: {db:.1} dB PSNR against the images of before",
                out.width,
                out.height
            );
        }
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

#[test]
fn the_jpeg_codec_was_built_with_its_simd() {
    // Without nasm at build time libjpeg-turbo works but decodes and encodes two to four
    // times slower; scripts/test installs nasm and rebuilds it.
    assert!(
        folio::photos::jpeg::simd(),
        "libjpeg-turbo was built without SIMD: install nasm (apt-get install nasm), then `cargo clean --release -p mozjpeg-sys` and build again"
    );
}
