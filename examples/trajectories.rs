//! Optimizers' paths on 2-D test functions: the course's pictures, drawn by the library itself.
//!
//! ```text
//! cargo run --release --example trajectories -- --function beale --optimizer adam \
//!     --start 1,1.5 --steps 500 --lr 0.05 [--noise 0.5 --seed 1] [--out beale_adam.png | --json]
//! cargo run --release --example trajectories -- --all [--out-dir docs/img] [--gif] [--mnist]
//! ```
//!
//! `--json` prints `{"function", "optimizer", "points", "losses"}` with `steps + 1` points and one
//! loss per point; `"function"` and `"optimizer"` echo the names as given (`nag` stays `nag`). Exit codes: 0 done; 2 bad command line or hyperparameter (one line naming
//! it); 1 a run diverged (NaN or infinite point: the message names the step, and in `--json`
//! mode nothing is printed on stdout) or a file could not be written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches};
use lab::claims;
use lab::option_names::option_error;
use lab::plot::{self, Track};
use lab::training::writable_out_dir;
use lab::trajectory::{run_noisy, Cli, TrajectoryError};

fn main() -> ExitCode {
    lab::program::main_wrapper(main_body)
}

fn main_body() -> Result<ExitCode, (u8, String)> {
    let matches = lab::program::parse_args(Cli::command());
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.check().map_err(|message| (2, message))?;
    // The JSON echoes the optimizer's name as typed: tools that passed `nag` look for `nag`.
    let typed = matches
        .get_raw("optimizer")
        .and_then(|mut values| values.next())
        .map(|name| name.to_string_lossy().into_owned());
    let result = if cli.all {
        run_all(&cli)
    } else {
        run_one(&cli, typed)
    };
    result
        .map(|()| ExitCode::SUCCESS)
        .map_err(|message| (1, message))
}

fn run_one(cli: &Cli, typed_optimizer: Option<String>) -> Result<(), String> {
    let (Some(surface), Some(optimizer)) = (cli.function, cli.optimizer.as_deref()) else {
        unreachable!("clap requires --function and --optimizer without --all");
    };
    let start = cli.start.unwrap_or(surface.default_start());
    let mut path = match run_noisy(
        surface,
        optimizer,
        start,
        cli.steps,
        &cli.hyper(),
        cli.noise(),
    ) {
        Ok(path) => path,
        // A hyperparameter out of range is a bad command-line value: exit 2 like clap's errors.
        Err(TrajectoryError::Optim(e)) => Cli::command()
            .error(ErrorKind::ValueValidation, option_error(&e))
            .exit(),
        Err(e) => return Err(e.to_string()),
    };
    if cli.json {
        path.optimizer = typed_optimizer.unwrap_or(path.optimizer);
        let json = serde_json::to_string(&path).map_err(|e| format!("cannot write JSON: {e}"))?;
        println!("{json}");
        return Ok(());
    }
    let out = cli.out.clone().unwrap_or_else(|| {
        PathBuf::from("runs/trajectories").join(format!("{}_{}.png", surface.name(), optimizer))
    });
    create_parent(&out)?;
    lab::program::check_picture_path("--out", &out, &["png", "svg", "gif"])?;
    let tracks = [Track {
        label: optimizer,
        optimizer,
        points: &path.points,
    }];
    let title = format!("{} on {}, {} steps", optimizer, surface.name(), cli.steps);
    if out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gif"))
    {
        plot::draw_gif(surface, &tracks, &title, &out, 60)
    } else {
        plot::draw(surface, &tracks, &title, &out)
    }
    .map_err(|e| e.to_string())?;
    let last = path.points.last().copied().unwrap_or(start);
    let loss = path.losses.last().copied().unwrap_or(f32::NAN);
    println!(
        "final point ({}, {}), loss {loss:.6e}; wrote {}",
        last[0],
        last[1],
        out.display()
    );
    Ok(())
}

fn run_all(cli: &Cli) -> Result<(), String> {
    let out_dir = cli.out_dir();
    // Held until the program ends: a second `--all` into this folder is refused meanwhile.
    let _lock = writable_out_dir("--out-dir", &out_dir)?;
    let tunings = optim::catalog::course()
        .map(|entry| claims::tune(entry.name))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    println!("{}", claims::tuning_text(&tunings));
    let mut results = Vec::new();
    for exp in claims::experiments(&tunings) {
        let outcomes = claims::run_experiment(&exp).map_err(|e| e.to_string())?;
        println!("{}", claims::table(&exp, &outcomes));
        let labels: Vec<String> = outcomes.iter().map(|o| o.setting.label()).collect();
        let tracks: Vec<Track<'_>> = outcomes
            .iter()
            .zip(&labels)
            .map(|(o, label)| Track {
                label,
                optimizer: o.setting.optimizer,
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
        if cli.gif {
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
        unreachable!("claims::experiments() returns three experiments");
    };
    let mut verdicts = claims::verdicts(saddle, beale, booth);
    let mut more = claims::check_more().map_err(|e| e.to_string())?;
    if cli.mnist {
        more.push(claims::mnist::check().map_err(|e| format!("MNIST: {e}"))?);
    }
    for checked in more {
        print!("{}", checked.text);
        for picture in &checked.pictures {
            let png = out_dir.join(format!("{}.png", picture.name()));
            draw_picture(picture, &png)?;
            println!("wrote {}", png.display());
        }
        verdicts.extend(checked.verdicts);
    }
    println!();
    print!("{}", claims::verdict_text(&verdicts));
    Ok(())
}

fn draw_picture(picture: &claims::Picture, png: &Path) -> Result<(), String> {
    match picture {
        claims::Picture::Paths {
            surface,
            title,
            tracks,
            ..
        } => {
            let tracks: Vec<Track<'_>> = tracks
                .iter()
                .map(|(label, optimizer, points)| Track {
                    label,
                    optimizer,
                    points,
                })
                .collect();
            plot::draw(*surface, &tracks, title, png).map_err(|e| e.to_string())
        }
        claims::Picture::Lines { plot, .. } => plot.draw(png).map_err(|e| e.to_string()),
    }
}

fn create_parent(path: &Path) -> Result<(), String> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display())),
        _ => Ok(()),
    }
}
