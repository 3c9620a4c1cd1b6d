//! What the surfaces page offers: every surface `trajectories` knows, with its view, default
//! start, minima and contour lines, and the seven optimizers with the options of each form
//! and their defaults, as the command line writes them.

use std::sync::OnceLock;

use optim::{Algorithm, Form, UpdateRule};
use serde_json::{json, Map, Value};

use crate::cli::optimizer::options_of;
use crate::plot::color_of;
use crate::plot::contour::Grid;
use crate::surfaces::Surface;

/// The surfaces, each with its view, default start, minima and contour lines (in the
/// surface's coordinates, grouped by level): `GET /api/surfaces`.
pub fn surfaces_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let all: Vec<Value> = (Surface::ALL.iter()).map(|&s| surface_json(s)).collect();
        Value::Array(all).to_string()
    })
}

fn surface_json(s: Surface) -> Value {
    let view = s.view();
    let grid = Grid::sample(|x, y| s.eval_f64(x, y), view, 121, 91);
    let levels = grid.levels(16);
    let mut lines = vec![Vec::new(); levels.len()];
    let round = |v: f64| (v * 1e4).round() / 1e4;
    for (level, a, b) in grid.segments(&levels) {
        lines[level].extend([a[0], a[1], b[0], b[1]].map(round));
    }
    json!({
        "name": s.name(),
        "view": view,
        "start": s.default_start().map(short),
        "minima": s.minima(),
        "local_minima": s.local_minima(),
        "min_value": s.min_value(),
        "levels": levels,
        "contours": lines,
    })
}

/// An `f32` as the number its shortest text names: 0.001, not 0.0010000000474974513.
pub fn short(v: f32) -> f64 {
    v.to_string().parse().unwrap_or(f64::NAN)
}

/// The seven optimizers: name, summary, colour, and for each form it has, the options it
/// takes with their defaults (as the command line writes them): `GET /api/optimizers`.
pub fn optimizers_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let all: Vec<Value> = (Algorithm::COURSE.iter())
            .map(|&name| optimizer_json(name))
            .collect();
        Value::Array(all).to_string()
    })
}

fn optimizer_json(name: &str) -> Value {
    let course = Algorithm::defaults(name, Form::Course).expect("one of the course's names");
    let forms: &[Form] = if course.has_form() {
        &Form::ALL
    } else {
        &[Form::Course]
    };
    let forms: Vec<Value> = (forms.iter())
        .map(|&form| {
            let algorithm = Algorithm::defaults(name, form).expect("one of the course's names");
            json!({ "form": form.as_str(), "options": options_json(&algorithm) })
        })
        .collect();
    let c = color_of(name);
    json!({
        "name": name,
        "summary": course.summary(),
        "color": format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2),
        "forms": forms,
    })
}

/// `[{"id": "lr", "value": "0.001"}, …]`: the options of `algorithm`'s command line in their
/// order, with its values; `lr` left out where the form has no learning rate.
pub fn options_json(algorithm: &Algorithm) -> Vec<Value> {
    let fields = match serde_json::to_value(algorithm) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    };
    let text = |v: &Value| match v {
        // An f32 setting as its shortest text: 0.01, not 0.009999999776482582.
        Value::Number(n) => n.as_f64().map_or(n.to_string(), |f| (f as f32).to_string()),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    (options_of(algorithm.name()).iter())
        .map(|o| o.trim_start_matches("--").replace('-', "_"))
        .filter(|id| id != "lr" || algorithm.lr().is_some())
        .filter_map(|id| {
            let value = fields.get(&id)?;
            Some(json!({ "id": id, "value": text(value), "flag": value.is_boolean() }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_surface_has_contours_and_every_optimizer_its_options() {
        let surfaces: Value = serde_json::from_str(surfaces_json()).unwrap();
        assert_eq!(surfaces.as_array().unwrap().len(), Surface::ALL.len());
        for s in surfaces.as_array().unwrap() {
            assert!(s["contours"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| !l.as_array().unwrap().is_empty()));
        }
        let optimizers: Value = serde_json::from_str(optimizers_json()).unwrap();
        let adadelta = &optimizers[4];
        assert_eq!(adadelta["name"], "adadelta");
        let ids = |form: &Value| -> Vec<String> {
            (form["options"].as_array().unwrap().iter())
                .map(|o| o["id"].as_str().unwrap().to_string())
                .collect()
        };
        assert!(!ids(&adadelta["forms"][0]).contains(&"lr".to_string())); // course: no λ
        assert!(ids(&adadelta["forms"][1]).contains(&"lr".to_string())); // PyTorch: λ
    }
}
