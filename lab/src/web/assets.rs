//! The page's files, compiled into the program: nothing is fetched from another site, and the
//! page works with no network at all. Plain JavaScript that draws SVG, no library.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// `(name, content type, text)` of every file the page loads.
pub const FILES: [(&str, &str, &str); 6] = [
    (
        "index.html",
        "text/html; charset=utf-8",
        include_str!("static/index.html"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("static/style.css"),
    ),
    (
        "plot.js",
        "text/javascript; charset=utf-8",
        include_str!("static/plot.js"),
    ),
    (
        "surfaces.js",
        "text/javascript; charset=utf-8",
        include_str!("static/surfaces.js"),
    ),
    (
        "mnist.js",
        "text/javascript; charset=utf-8",
        include_str!("static/mnist.js"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("static/app.js"),
    ),
];

/// The file `name`, or 404.
pub fn answer(name: &str) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, text)) => (
            [
                (header::CONTENT_TYPE, *kind),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            *text,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, format!("no file {name}")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::FILES;

    #[test]
    fn the_page_loads_nothing_from_another_site() {
        for (name, _, text) in FILES {
            // SVG's namespace is a name, not an address the browser visits.
            let text = text.replace("http://www.w3.org/2000/svg", "");
            for scheme in ["http://", "https://", "//cdn", "@import"] {
                assert!(!text.contains(scheme), "{name} refers to {scheme}");
            }
        }
        let index = FILES[0].2;
        for (name, _, _) in &FILES[1..] {
            assert!(index.contains(name), "index.html loads {name}");
        }
    }
}
