//! `trajectories --all`: the tuning, every experiment with its table and pictures, and every
//! claim's verdict, printed as they come and drawn into one folder. A line is printed before
//! every phase that takes a second or more, so the program is never silent for long.

use std::path::Path;
use std::time::Instant;

use optim::Algorithm;

use super::{
    experiment_picture, experiments, mnist, more_checks, run_experiment, table, tune, tuning_text,
    verdict_text, verdicts, Picture,
};
use crate::plot;
use crate::training::writable_out_dir;

/// Runs everything `--all` does, printing each table and verdict, drawing the pictures (and
/// the animations with `gif`) into `out_dir`; with `with_mnist` also the claims checked on
/// real MNIST.
///
/// # Errors
/// A one-line message: `out_dir` unusable or held by another program, a picture that cannot be
/// written, MNIST that cannot be obtained.
pub fn run_all(out_dir: &Path, gif: bool, with_mnist: bool) -> Result<(), String> {
    // Held until this returns: a second `--all` into this folder is refused meanwhile.
    let _lock = writable_out_dir("--out-dir", out_dir)?;
    let started = Instant::now();
    println!(
        "tuning λ of each optimizer on Beale ({} optimizers × {} rates)…",
        Algorithm::COURSE.len(),
        super::LR_GRID.len()
    );
    let tunings = (Algorithm::COURSE.iter())
        .map(|&name| tune(name))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    println!("{}", tuning_text(&tunings));
    let mut results = Vec::new();
    for exp in experiments(&tunings) {
        let outcomes = run_experiment(&exp).map_err(|e| e.to_string())?;
        println!("{}", table(&exp, &outcomes));
        let picture = experiment_picture(&exp, &outcomes);
        let png = out_dir.join(format!("{}.png", exp.name));
        picture.draw(&png)?;
        println!("wrote {}", png.display());
        if let (true, Picture::Paths { title, tracks, .. }) = (gif, &picture) {
            let gif = out_dir.join(format!("{}.gif", exp.name));
            println!("drawing {} (20 frames)…", gif.display());
            plot::draw_gif(exp.surface, &super::as_tracks(tracks), title, &gif, 20)
                .map_err(|e| e.to_string())?;
            println!("wrote {}", gif.display());
        }
        println!();
        results.push(outcomes);
    }
    let [saddle, beale, booth] = results.as_slice() else {
        unreachable!("experiments() returns three experiments");
    };
    let mut all = verdicts(saddle, beale, booth);
    for (what, check) in more_checks() {
        println!("checking {what}…");
        let checked = check().map_err(|e| e.to_string())?;
        all.extend(report(&checked, out_dir)?);
    }
    if with_mnist {
        println!(
            "checking AdaGrad's and RMSProp's rates and momentum's averaging on MNIST (four \
             short runs of two epochs)…"
        );
        let checked = mnist::check().map_err(|e| format!("MNIST: {e}"))?;
        all.extend(report(&checked, out_dir)?);
    }
    println!();
    print!("{}", verdict_text(&all));
    println!("({:.0} s)", started.elapsed().as_secs_f64());
    Ok(())
}

/// Prints a check's text, draws its pictures into `out_dir`, and hands back its verdicts.
fn report(checked: &super::Checked, out_dir: &Path) -> Result<Vec<super::Verdict>, String> {
    print!("{}", checked.text);
    for picture in &checked.pictures {
        let png = out_dir.join(format!("{}.png", picture.name()));
        picture.draw(&png)?;
        println!("wrote {}", png.display());
    }
    Ok(checked.verdicts.clone())
}
