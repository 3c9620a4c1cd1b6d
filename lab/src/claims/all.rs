//! `trajectories --all`: the tuning, every experiment with its table and pictures, and every
//! claim's verdict, printed as they come and drawn into one folder.

use std::path::Path;

use optim::{Algorithm, UpdateRule};

use super::{
    check_more, experiments, mnist, run_experiment, table, tune, tuning_text, verdict_text,
    verdicts, Picture,
};
use crate::plot::{self, Track};
use crate::training::writable_out_dir;

/// Runs everything `--all` does, printing each table and verdict, drawing the pictures (and
/// the animations with `gif`) into `out_dir`; with `with_mnist` also the claim checked on real
/// MNIST.
///
/// # Errors
/// A one-line message: `out_dir` unusable or held by another program, a picture that cannot be
/// written, MNIST that cannot be obtained.
pub fn run_all(out_dir: &Path, gif: bool, with_mnist: bool) -> Result<(), String> {
    // Held until this returns: a second `--all` into this folder is refused meanwhile.
    let _lock = writable_out_dir("--out-dir", out_dir)?;
    println!("tuning λ of each optimizer on Beale…");
    let tunings = (Algorithm::COURSE.iter())
        .map(|&name| tune(name))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    println!("{}", tuning_text(&tunings));
    let mut results = Vec::new();
    for exp in experiments(&tunings) {
        let outcomes = run_experiment(&exp).map_err(|e| e.to_string())?;
        println!("{}", table(&exp, &outcomes));
        let labels: Vec<String> = outcomes.iter().map(|o| o.setting.label()).collect();
        let tracks: Vec<Track<'_>> = (outcomes.iter().zip(&labels))
            .map(|(o, label)| Track {
                label,
                optimizer: o.setting.optimizer.name(),
                points: &o.path.points,
            })
            .collect();
        let title = format!(
            "{}: {} steps from ({}, {})",
            exp.name, exp.steps, exp.start[0], exp.start[1]
        );
        let png = out_dir.join(format!("{}.png", exp.name));
        plot::draw(exp.surface, &tracks, &title, &png).map_err(|e| e.to_string())?;
        let mut wrote = vec![png];
        if gif {
            let gif = out_dir.join(format!("{}.gif", exp.name));
            plot::draw_gif(exp.surface, &tracks, &title, &gif, 20).map_err(|e| e.to_string())?;
            wrote.push(gif);
        }
        for w in wrote {
            println!("wrote {}\n", w.display());
        }
        results.push(outcomes);
    }
    let [saddle, beale, booth] = results.as_slice() else {
        unreachable!("experiments() returns three experiments");
    };
    let mut all = verdicts(saddle, beale, booth);
    println!(
        "checking the other claims: noise, momentum's edges, the adaptive methods, Adam's parts…"
    );
    let mut more = check_more().map_err(|e| e.to_string())?;
    if with_mnist {
        println!("checking AdaGrad's and RMSProp's rates and momentum's averaging on MNIST (two short runs)…");
        more.push(mnist::check().map_err(|e| format!("MNIST: {e}"))?);
    }
    for checked in more {
        print!("{}", checked.text);
        for picture in &checked.pictures {
            let png = out_dir.join(format!("{}.png", picture.name()));
            draw_picture(picture, &png)?;
            println!("wrote {}", png.display());
        }
        all.extend(checked.verdicts);
    }
    println!();
    print!("{}", verdict_text(&all));
    Ok(())
}

/// Draws one of the claims' pictures.
fn draw_picture(picture: &Picture, png: &Path) -> Result<(), String> {
    match picture {
        Picture::Paths {
            surface,
            title,
            tracks,
            ..
        } => {
            let tracks: Vec<Track<'_>> = (tracks.iter())
                .map(|(label, optimizer, points)| Track {
                    label,
                    optimizer,
                    points,
                })
                .collect();
            plot::draw(*surface, &tracks, title, png).map_err(|e| e.to_string())
        }
        Picture::Lines { plot, .. } => plot.draw(png).map_err(|e| e.to_string()),
    }
}
