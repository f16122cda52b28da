//! The preview's page images: what a page looks like (a hash of what it draws) and the page
//! drawn as a PNG with typst-render.

use std::hash::{Hash, Hasher};
use typst::layout::{Frame, FrameItem};
use typst_layout::Page;

/// A hash of what a page draws: its size, bleed and fill and every item's paint, position and
/// shape. Introspection tags are left out: they carry locations that an edit earlier in the
/// document can shift without changing how a later page looks.
pub fn look(page: &Page) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    page.bleed.hash(&mut h);
    page.fill.hash(&mut h);
    frame(&page.frame, &mut h);
    h.finish()
}

fn frame(f: &Frame, h: &mut impl Hasher) {
    f.size().hash(h);
    for (pos, item) in f.items() {
        match item {
            FrameItem::Tag(_) => continue,
            FrameItem::Group(g) => {
                (pos, 0u8, g.transform, &g.clip).hash(h);
                frame(&g.frame, h);
            }
            FrameItem::Text(t) => (pos, 1u8, t).hash(h),
            FrameItem::Shape(s, _) => (pos, 2u8, s).hash(h),
            FrameItem::Image(image, size, _) => (pos, 3u8, image, size).hash(h),
            FrameItem::Link(dest, size) => (pos, 4u8, dest, size).hash(h),
        }
    }
}

/// The page drawn `width` pixels wide, bleed included, as a PNG.
pub fn draw(page: &Page, width: u32) -> Result<Vec<u8>, String> {
    let full = page.frame.width() + page.bleed.left + page.bleed.right;
    let opts = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(width as f64 / full.to_pt().max(1.0)),
        render_bleed: true,
    };
    let pixmap = typst_render::render(page, &opts);
    // Pages are drawn on their fill (white by default): opaque, so the colour channels are
    // the pixels whatever the premultiplication.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut png = Vec::new();
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    // Fast compression: a page image is made after every save and read once or twice, locally.
    PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Adaptive)
        .write_image(
            &rgb,
            pixmap.width(),
            pixmap.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| format!("a page image: {e}"))?;
    Ok(png)
}
