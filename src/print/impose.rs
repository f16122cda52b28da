pub fn saddle(_pdf: &[u8], _g: &crate::render::data::Geometry) -> Result<Vec<u8>, String> {
    Err("not yet".into())
}
