//! Every picture stands on its own: drawn to SVG, its text is read back and checked. The
//! settings of every line are in the legend or the title; coinciding lines are dashed and
//! named; log axes carry at least three labels; contour lines carry their values; bands are
//! filled polygons under their line; the legend lies right of the plotting area.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use lab::claims::{
    self, check_more, experiment_picture, experiments, mnist, mnist_noise, run_experiment, tune,
    Picture,
};
use lab::plot::contour::Grid;
use lab::plot::{self, color_of, tidy, window, LinePlot, LineStyle, Series, Track};
use lab::surfaces::Surface;
use lab::trajectory::{run, run_noisy, Cli};
use optim::{AdaGrad, Algorithm, RmsProp};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lab-pictures-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// One element of an SVG file as plotters writes it: `<tag a="…" …>content</tag>` or
/// `<tag … />`.
#[derive(Debug, Clone)]
struct Element {
    attrs: HashMap<String, String>,
    content: String,
}

impl Element {
    fn num(&self, key: &str) -> f64 {
        self.attrs[key].parse().unwrap()
    }

    fn points(&self) -> Vec<(f64, f64)> {
        (self.attrs["points"].split_whitespace())
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The `tag` elements of `svg`, in document order.
fn elements(svg: &str, tag: &str) -> Vec<Element> {
    let open = format!("<{tag} ");
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(at) = rest.find(&open) {
        rest = &rest[at + open.len()..];
        let end = rest.find('>').unwrap();
        let head = rest[..end].trim_end_matches('/');
        let mut attrs = HashMap::new();
        for part in head.split("\" ") {
            if let Some((k, v)) = part.split_once("=\"") {
                attrs.insert(k.trim().to_string(), unescape(v.trim_end_matches('"')));
            }
        }
        let mut content = String::new();
        if !rest[..end].ends_with('/') {
            let close = format!("</{tag}>");
            if let Some(c) = rest.find(&close) {
                content = unescape(rest[end + 1..c].trim());
            }
        }
        out.push(Element { attrs, content });
    }
    out
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every text of the picture, joined by spaces in document order (a wrapped legend entry
/// comes back whole).
fn all_text(svg: &str) -> String {
    let texts: Vec<String> = elements(svg, "text")
        .into_iter()
        .map(|t| t.content)
        .collect();
    texts.join(" ")
}

fn hex(c: plotters::style::RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// The polylines drawn in colour `color`.
fn polylines_of(svg: &str, color: &str) -> Vec<Element> {
    (elements(svg, "polyline").into_iter())
        .filter(|p| p.attrs.get("stroke").map(String::as_str) == Some(color))
        .collect()
}

const OPTIMIZERS: [&str; 7] = [
    "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam",
];

/// Checks that each optimizer named in `name` is followed by its settings before the next
/// one: λ for all but AdaDelta, μ for Momentum and NAG, β1 and β2 for Adam, γ for RMSProp and
/// AdaDelta.
fn names_its_settings(name: &str) {
    let words: Vec<&str> = name.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let word = w.trim_matches(|c: char| !c.is_alphanumeric());
        if !OPTIMIZERS.contains(&word) || w.contains('\'') {
            continue;
        }
        let upto = (words[i + 1..].iter())
            .position(|v| OPTIMIZERS.contains(&v.trim_matches(|c: char| !c.is_alphanumeric())))
            .map_or(words.len(), |k| i + 1 + k);
        let settings = words[i + 1..upto].join(" ");
        let mut needs = vec![];
        if word != "adadelta" {
            needs.push("λ=");
        }
        match word {
            "momentum" | "nesterov" => needs.push("μ="),
            "adam" => needs.extend(["β1=", "β2="]),
            "rmsprop" | "adadelta" => needs.push("γ="),
            _ => {}
        }
        for n in needs {
            assert!(
                settings.contains(n),
                "`{name}`: {word} without {n} (its settings: `{settings}`)"
            );
        }
    }
}

/// The legend texts of `picture` (its lines' names) and, for paths, its title.
fn names_of(picture: &Picture) -> Vec<String> {
    match picture {
        Picture::Paths { tracks, .. } => tracks.iter().map(|t| t.0.clone()).collect(),
        Picture::Lines { plot, .. } => plot.series.iter().map(|s| s.name.clone()).collect(),
    }
}

/// Draws `picture` to SVG and checks that every line's name is in the picture and names its
/// settings.
fn check_settings_shown(picture: &Picture, dir: &Path) {
    let svg_path = dir.join(format!("{}.svg", picture.name()));
    picture.draw(&svg_path).unwrap();
    let text = all_text(&read(&svg_path));
    let names = names_of(picture);
    assert!(!names.is_empty(), "{}: no lines", picture.name());
    for name in names {
        assert!(
            text.contains(&name),
            "{}: legend entry `{name}` not in the picture's text: {text}",
            picture.name()
        );
        names_its_settings(&name);
    }
    assert!(
        text.contains("λ"),
        "{}: no λ anywhere: {text}",
        picture.name()
    );
}

#[test]
fn a_single_run_names_its_rate_in_the_title_and_the_legend() {
    let dir = temp_dir("single");
    let argv: Vec<std::ffi::OsString> = [
        "trajectories",
        "--function",
        "beale",
        "--optimizer",
        "adagrad",
    ]
    .iter()
    .map(|s| s.into())
    .collect();
    let cli = Cli::try_parse(&argv).unwrap();
    let path = run(
        Surface::Beale,
        &cli.optimizer,
        Surface::Beale.default_start(),
        100,
    )
    .unwrap();
    let out = dir.join("beale_adagrad.svg");
    cli.draw(&path, &out).unwrap();
    let svg = read(&out);
    let texts: Vec<String> = elements(&svg, "text")
        .into_iter()
        .map(|t| t.content)
        .collect();
    assert_eq!(texts[0], "adagrad λ=0.01 on beale, 100 steps");
    assert!(
        texts[1..].iter().any(|t| t == "adagrad λ=0.01"),
        "{texts:?}"
    );

    let argv: Vec<std::ffi::OsString> = [
        "trajectories",
        "--function",
        "booth",
        "--optimizer",
        "adam",
        "--lr",
        "0.05",
        "--noise",
        "0.5",
    ]
    .iter()
    .map(|s| s.into())
    .collect();
    let cli = Cli::try_parse(&argv).unwrap();
    let path = run_noisy(
        Surface::Booth,
        &cli.optimizer,
        [-4.0, -4.0],
        100,
        cli.noise(),
    )
    .unwrap();
    let out = dir.join("booth_adam.svg");
    cli.draw(&path, &out).unwrap();
    let text = all_text(&read(&out));
    assert!(
        text.contains("adam λ=0.05 β1=0.9 β2=0.999 on booth, 100 steps, gradient noise σ = 0.5"),
        "{text}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_picture_of_all_names_the_settings_of_its_lines() {
    let dir = temp_dir("all");
    let tunings: Vec<_> = Algorithm::COURSE
        .iter()
        .map(|&name| tune(name).unwrap())
        .collect();
    let mut pictures = Vec::new();
    for exp in experiments(&tunings) {
        let outcomes = run_experiment(&exp).unwrap();
        pictures.push(experiment_picture(&exp, &outcomes));
    }
    for checked in check_more().unwrap() {
        pictures.extend(checked.pictures);
    }
    // The MNIST pictures, from made-up curves (the settings come from the experiment's own).
    let ada = AdaGrad::default();
    let rms = RmsProp::default();
    let rates = [vec![0.7, 0.5, 0.3], vec![0.3, 0.4, 0.5]];
    pictures.push(mnist::rate_picture(&ada, &rms, rates));
    let curve = |a: f64| vec![(100.0, a), (150.0, a * 1.1), (200.0, a * 0.9)];
    pictures.extend(mnist_noise::pictures(
        [curve(0.1), curve(0.45)],
        [curve(0.15), curve(0.14)],
    ));
    let names: Vec<&str> = pictures.iter().map(Picture::name).collect();
    for expected in [
        "saddle",
        "beale",
        "booth",
        "noise",
        "local_minimum",
        "momentum_schedule",
        "oscillation",
        "effective_rate",
        "units",
        "adam_parts",
        "mnist_rate",
        "mnist_noise",
        "mnist_test_loss",
    ] {
        assert!(names.contains(&expected), "no {expected} in {names:?}");
    }
    for picture in &pictures {
        check_settings_shown(picture, &dir);
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_settings_check_catches_a_missing_setting() {
    names_its_settings("momentum λ=0.01 μ=0.9 and rmsprop λ=0.01 γ=0.999");
    names_its_settings("adadelta γ=0.9 ε=1e-6 on booth");
    for bad in [
        "momentum λ=0.01",
        "adam λ=0.1 β1=0.9",
        "sgd",
        "rmsprop λ=0.01 and sgd λ=1",
    ] {
        let caught = std::panic::catch_unwind(|| names_its_settings(bad));
        assert!(caught.is_err(), "`{bad}` passed");
    }
}

/// A smooth path (a quarter circle around Booth's minimum), drawn twice.
fn quarter_circle() -> Vec<[f32; 2]> {
    (0..=60)
        .map(|i| {
            let a = std::f32::consts::FRAC_PI_2 * i as f32 / 60.0;
            [1.0 + 3.0 * a.cos(), 3.0 + 3.0 * a.sin()]
        })
        .collect()
}

#[test]
fn identical_paths_are_dashed_and_the_legend_says_so() {
    let dir = temp_dir("same-paths");
    let points = quarter_circle();
    let other: Vec<[f32; 2]> = points.iter().map(|p| [p[0] - 4.0, p[1] - 6.0]).collect();
    let tracks = [
        Track {
            label: "sgd λ=0.1",
            optimizer: "sgd",
            points: &points,
        },
        Track {
            label: "momentum λ=0.01 μ=0.9",
            optimizer: "momentum",
            points: &points,
        },
        Track {
            label: "rmsprop λ=0.1 γ=0.9",
            optimizer: "rmsprop",
            points: &other,
        },
    ];
    let out = dir.join("same.svg");
    plot::draw(Surface::Booth, &tracks, "two identical paths", &out).unwrap();
    let svg = read(&out);
    let text = all_text(&svg);
    assert!(text.contains("same path as sgd"), "{text}");
    assert_eq!(text.matches("same path").count(), 1, "{text}");
    // Solid: one polyline (and the legend's sample); dashed: one polyline per dash.
    let solid = polylines_of(&svg, &hex(color_of("sgd")));
    let dashed = polylines_of(&svg, &hex(color_of("momentum")));
    let apart = polylines_of(&svg, &hex(color_of("rmsprop")));
    assert!(solid.len() <= 2, "{} sgd polylines", solid.len());
    assert!(apart.len() <= 2, "{} rmsprop polylines", apart.len());
    assert!(dashed.len() >= 15, "{} momentum polylines", dashed.len());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn identical_curves_are_dashed_and_the_legend_says_so() {
    let dir = temp_dir("same-lines");
    let curve: Vec<(f64, f64)> = (0..100)
        .map(|i| (i as f64, (i as f64 / 20.0).sin()))
        .collect();
    let plot = LinePlot {
        series: vec![
            Series::new("first", curve.clone()),
            Series::new("copy", curve.clone()),
            Series::new("another copy", curve),
        ],
        ..Default::default()
    };
    let out = dir.join("same.svg");
    plot.draw(&out).unwrap();
    let svg = read(&out);
    let text = all_text(&svg);
    assert!(text.contains("copy same line as first"), "{text}");
    assert!(text.contains("another copy same line as first"), "{text}");
    let count = |i: usize| polylines_of(&svg, &hex(plot::nth_color(i))).len();
    assert!(count(0) <= 2, "{}", count(0));
    assert!(count(1) >= 15, "dashed: {}", count(1));
    // Dotted over two: shorter dashes, more of them.
    assert!(
        count(2) > count(1),
        "dotted {} vs dashed {}",
        count(2),
        count(1)
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// The labels of the y axis: numbers anchored at their end, left of the plotting area.
fn y_tick_labels(svg: &str) -> Vec<String> {
    (elements(svg, "text").into_iter())
        .filter(|t| t.attrs.get("text-anchor").map(String::as_str) == Some("end"))
        .map(|t| t.content)
        .filter(|c| c.parse::<f64>().is_ok())
        .collect()
}

#[test]
fn log_axes_carry_at_least_three_labels_whatever_the_range() {
    let dir = temp_dir("log-axes");
    for (low, high) in [(0.04f64, 0.06f64), (1e-6, 1.0), (0.12, 0.7), (3.0, 3.01)] {
        let points = (0..50)
            .map(|i| (i as f64, low * (high / low).powf(i as f64 / 49.0)))
            .collect();
        let plot = LinePlot {
            log_y: true,
            series: vec![Series::new("sgd λ=0.1", points)],
            ..Default::default()
        };
        let out = dir.join("log.svg");
        plot.draw(&out).unwrap();
        let labels = y_tick_labels(&read(&out));
        assert!(labels.len() >= 3, "[{low}, {high}]: y labels {labels:?}");
        // The labels are all different: no label printed twice.
        let mut unique = labels.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), labels.len(), "{labels:?}");
    }
    // A log step axis (AdaGrad's rate): at least three labels under the x axis too.
    let plot = LinePlot {
        log_x: true,
        log_y: true,
        series: vec![Series::new(
            "adagrad λ=0.01",
            (0..=20000)
                .map(|t| (t as f64, 0.01 / (1.0 + t as f64).sqrt()))
                .collect(),
        )],
        ..Default::default()
    };
    let out = dir.join("log_x.svg");
    plot.draw(&out).unwrap();
    let svg = read(&out);
    let x_labels: Vec<String> = (elements(&svg, "text").into_iter())
        .filter(|t| t.attrs.get("text-anchor").map(String::as_str) == Some("middle"))
        .map(|t| t.content)
        .filter(|c| c.parse::<f64>().is_ok())
        .collect();
    assert!(x_labels.len() >= 3, "{x_labels:?}");
    assert!(x_labels.contains(&"1".to_string()), "{x_labels:?}");
    // Step 0 has no place on a log axis: dropped, the other 20000 points drawn.
    let drawn: usize = (polylines_of(&svg, &hex(plot::nth_color(0))).iter())
        .map(|p| p.points().len())
        .max()
        .unwrap();
    assert!(drawn > 100, "{drawn}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn contour_lines_carry_their_values() {
    let dir = temp_dir("contours");
    let points = quarter_circle();
    let tracks = [Track {
        label: "sgd λ=0.1",
        optimizer: "sgd",
        points: &points,
    }];
    let out = dir.join("booth.svg");
    plot::draw(Surface::Booth, &tracks, "booth", &out).unwrap();
    let svg = read(&out);
    // The levels as the picture computes them.
    let grid = Grid::sample(
        |x, y| Surface::Booth.eval_f64(x, y),
        window(Surface::Booth, &tracks),
        240,
        180,
    );
    let levels: Vec<String> = grid.nice_levels(16).into_iter().map(tidy).collect();
    assert!(levels.len() >= 8, "{levels:?}");
    let texts: Vec<String> = elements(&svg, "text")
        .into_iter()
        .map(|t| t.content)
        .collect();
    let labelled: Vec<&String> = levels.iter().filter(|l| texts.contains(l)).collect();
    assert!(
        labelled.len() >= levels.len() / 2,
        "levels {levels:?}, labelled {labelled:?}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_band_is_a_filled_polygon_under_its_line() {
    let dir = temp_dir("band");
    let median: Vec<(f64, f64)> = (1..=10).map(|i| (i as f64, 1.0 / i as f64)).collect();
    let band = median
        .iter()
        .map(|&(x, y)| (x, y * 0.8, y * 1.25))
        .collect();
    let color = color_of("sgd");
    let plot = LinePlot {
        log_y: true,
        series: vec![Series {
            color: Some(color),
            band,
            markers: true,
            ..Series::new("sgd λ=0.1, median and quartiles of 5 seeds", median)
        }],
        ..Default::default()
    };
    let out = dir.join("band.svg");
    plot.draw(&out).unwrap();
    let svg = read(&out);
    let filled: Vec<Element> = (elements(&svg, "polygon").into_iter())
        .filter(|p| p.attrs.get("fill").map(String::as_str) == Some(hex(color).as_str()))
        .collect();
    assert_eq!(filled.len(), 1, "{filled:?}");
    assert_eq!(filled[0].points().len(), 20); // 10 highs, then 10 lows back
    assert!(filled[0].num("opacity") < 0.5);
    let polygon_at = svg.find("<polygon").unwrap();
    let line_at = svg.find(&format!("stroke=\"{}\"", hex(color))).unwrap();
    assert!(polygon_at < line_at, "the band is drawn after its line");
    // The dots on the points.
    let dots = (elements(&svg, "circle").into_iter())
        .filter(|c| c.attrs.get("fill").map(String::as_str) == Some(hex(color).as_str()))
        .count();
    assert!(dots >= 10, "{dots} dots");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_scatter_is_dots_without_a_line() {
    let dir = temp_dir("scatter");
    let color = color_of("rmsprop");
    let plot = LinePlot {
        series: vec![Series {
            color: Some(color),
            scatter: true,
            ..Series::new(
                "rmsprop λ=0.001 γ=0.9, one point per seed",
                vec![(1.0, 2.0), (2.0, 3.0), (3.0, 1.0)],
            )
        }],
        ..Default::default()
    };
    let out = dir.join("scatter.svg");
    plot.draw(&out).unwrap();
    let svg = read(&out);
    assert!(polylines_of(&svg, &hex(color)).is_empty());
    let dots = (elements(&svg, "circle").into_iter())
        .filter(|c| c.attrs.get("fill").map(String::as_str) == Some(hex(color).as_str()))
        .count();
    assert_eq!(dots, 3 + 1); // the points, and the legend's sample
    fs::remove_dir_all(&dir).unwrap();
}

/// The grid lines of a chart (plotters draws its mesh as `<line>`s): `(x1, y1, x2, y2)`.
fn grid_lines(svg: &str) -> Vec<(f64, f64, f64, f64)> {
    (elements(svg, "line").into_iter())
        .filter(|l| {
            l.attrs
                .get("stroke")
                .is_some_and(|s| s == "#D7D7D7" || s == "#F6F6F6")
        })
        .map(|l| (l.num("x1"), l.num("y1"), l.num("x2"), l.num("y2")))
        .collect()
}

/// The right end of the plotting area: the largest x of the grid lines and of the data's
/// polylines (those of more than two points: not the legend's samples).
fn plot_right(svg: &str, data: &[String]) -> f64 {
    let grid = grid_lines(svg).into_iter().map(|l| l.0.max(l.2));
    let lines = (elements(svg, "polyline").into_iter())
        .filter(|p| p.attrs.get("stroke").is_some_and(|s| data.contains(s)))
        .filter(|p| p.points().len() > 2)
        .flat_map(|p| p.points())
        .map(|p| p.0);
    grid.chain(lines).fold(f64::MIN, f64::max)
}

#[test]
fn the_legend_lies_right_of_the_plotting_area() {
    let dir = temp_dir("legend");
    let names = [
        "sgd λ=0.1",
        "momentum λ=0.01 μ=0.9",
        "adam λ=0.001 β1=0.9 β2=0.999",
    ];
    // Curves that fill the whole plotting area, corners included.
    let series: Vec<Series> = (names.iter().enumerate())
        .map(|(k, name)| {
            let points = (0..=100)
                .map(|i| (i as f64, ((i * (k + 1)) as f64 / 10.0).sin()))
                .collect();
            Series::new(*name, points)
        })
        .collect();
    let plot = LinePlot {
        title: "three lines".into(),
        series,
        hlines: vec![(0.5, "target".into())],
        vlines: vec![(30.0, "chosen λ".into())],
        ..Default::default()
    };
    let out = dir.join("legend.svg");
    plot.draw(&out).unwrap();
    let svg = read(&out);
    let colors: Vec<String> = (0..3).map(|i| hex(plot::nth_color(i))).collect();
    let right = plot_right(&svg, &colors);
    let texts = elements(&svg, "text");
    for name in names {
        let t = texts.iter().find(|t| t.content == name).unwrap();
        assert!(
            t.num("x") > right,
            "`{name}` at x = {}, plotting area ends at {right}",
            t.num("x")
        );
    }
    // Plotters' tick at 0 on a linear axis reads 0, not −2e-16.
    assert!(texts.iter().any(|t| t.content == "0"), "no 0 on the y axis");
    assert!(
        !texts.iter().any(|t| t.content.contains("e-1")),
        "a round-off label"
    );
    let target = texts.iter().find(|t| t.content == "target").unwrap();
    assert!(
        target.num("x") > right,
        "hline label inside the plotting area"
    );
    let legend_x = texts
        .iter()
        .find(|t| t.content == names[0])
        .unwrap()
        .num("x");
    assert!(target.num("x") < legend_x, "hline label under the legend");
    // The vertical line's label sits above the plotting area: above every grid line.
    let grid = grid_lines(&svg);
    assert!(grid.len() > 10, "{} grid lines", grid.len());
    let top = grid.iter().map(|l| l.1.min(l.3)).fold(f64::MAX, f64::min);
    let chosen = texts.iter().find(|t| t.content == "chosen λ").unwrap();
    assert!(
        chosen.num("y") <= top,
        "vline label at y = {}, plot top {top}",
        chosen.num("y")
    );

    // The paths' legend too: right of every contour line and path.
    let points = quarter_circle();
    let tracks = [Track {
        label: "sgd λ=0.1",
        optimizer: "sgd",
        points: &points,
    }];
    let out = dir.join("paths.svg");
    plot::draw(Surface::Booth, &tracks, "booth", &out).unwrap();
    let svg = read(&out);
    let right = (elements(&svg, "polyline").into_iter())
        .filter(|p| p.points().len() >= 2 && p.attrs.get("stroke-width").is_some_and(|w| w == "1"))
        .flat_map(|p| p.points())
        .map(|p| p.0)
        .fold(f64::MIN, f64::max);
    let entry = elements(&svg, "text")
        .into_iter()
        .find(|t| t.content == "sgd λ=0.1")
        .unwrap();
    assert!(
        entry.num("x") > right,
        "legend at {}, contours up to {right}",
        entry.num("x")
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_claims_pictures_are_named_as_run_all_writes_them() {
    // `Picture::draw` is what `run_all` uses; a PNG and an SVG of the same chart both come out.
    let dir = temp_dir("formats");
    let picture = claims::mnist::rate_picture(
        &AdaGrad::default(),
        &RmsProp::default(),
        [vec![0.5, 0.3], vec![0.2, 0.25]],
    );
    for ext in ["png", "svg"] {
        let out = dir.join(format!("mnist_rate.{ext}"));
        picture.draw(&out).unwrap();
        assert!(fs::metadata(&out).unwrap().len() > 1000);
    }
    let LinePlot { series, .. } = match &picture {
        Picture::Lines { plot, .. } => plot.clone(),
        Picture::Paths { .. } => panic!("a chart"),
    };
    // Read every 10 steps from step 10.
    assert_eq!(series[0].points, vec![(10.0, 0.5), (20.0, 0.3)]);
    assert_eq!(series[0].style, LineStyle::Solid);
    fs::remove_dir_all(&dir).unwrap();
}
