//! An SVG picture as a PNG, drawn in the program with the bundled fonts: the graph pictures
//! that autograd writes as SVG (`Tensor::to_svg`) become PNG files with no external program.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use crate::report::{write_atomic, ReportError};

/// Pixels per SVG unit: twice, so that text stays crisp on high-density screens.
const SCALE: f32 = 2.0;

/// Writes `svg` to `path` as a PNG, atomically.
///
/// # Errors
/// [`ReportError`] naming `path` when the SVG does not parse or the file cannot be written.
pub fn svg_to_png(svg: &str, path: &Path) -> Result<(), ReportError> {
    let err = |reason: String| ReportError {
        path: path.to_path_buf(),
        reason,
    };
    let options = usvg::Options {
        fontdb: fonts(),
        font_family: "DejaVu Sans".into(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| err(format!("bad SVG: {e}")))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(SCALE)
        .ok_or_else(|| err("empty picture".into()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| {
        err(format!(
            "cannot hold a {}×{} picture",
            size.width(),
            size.height()
        ))
    })?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    let png = pixmap
        .encode_png()
        .map_err(|e| err(format!("cannot encode PNG: {e}")))?;
    write_atomic(path, &png)
}

/// DejaVu Sans and Sans Mono, the fonts of every picture, from the `dejavu` crate.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            for bytes in [
                dejavu::sans::regular(),
                dejavu::sans::bold(),
                dejavu::sans_mono::regular(),
                dejavu::sans_mono::bold(),
            ] {
                db.load_font_data(bytes.to_vec());
            }
            db.set_monospace_family("DejaVu Sans Mono");
            db.set_sans_serif_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}
