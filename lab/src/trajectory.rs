//! One optimizer's path on a 2-D surface, and the `trajectories` command line.
//!
//! [`run`] puts the point `(x, y)` in an autograd tensor of shape `[2]`, hands it to an `optim`
//! optimizer and steps, evaluating the surface through the optimizer's closure (so NAG in the
//! course form can take its gradient at the look-ahead point). The picture therefore shows
//! exactly what the library does.

use std::fmt;
use std::path::PathBuf;

use autograd::{no_grad, Parameters, Tensor};
use clap::parser::ValueSource;
use clap::Parser;
use optim::scheduler::Scheduler;
use optim::{Algorithm, OptimError, Optimizer, UpdateRule};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::cli::{optimizer, ParseError};
use crate::plot::{self, PlotError, Track};
use crate::surfaces::Surface;

/// A path: what `trajectories --json` prints.
///
/// `points` has `steps + 1` entries (the start, then the point after each step) and
/// `losses[i] = f(points[i])`, computed with the same autograd ops the optimizer saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trajectory {
    /// The surface's name (`"beale"`).
    pub function: String,
    /// The optimizer's canonical name (`"adam"`, `"nesterov"` for `nag`).
    pub optimizer: String,
    /// Every hyperparameter it ran with, as it prints itself: `adam (lr 0.05, β1 0.9, …)`.
    pub settings: String,
    /// `[x, y]` at the start and after each step.
    pub points: Vec<[f32; 2]>,
    /// `f(x, y)` at each point.
    pub losses: Vec<f32>,
}

/// Why [`run`] stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum TrajectoryError {
    /// The optimizer refused its hyperparameters.
    Optim(Box<OptimError>),
    /// A point or its loss became NaN or infinite.
    Diverged {
        /// The step that produced it (1-based).
        step: usize,
        /// The path up to and including the bad point.
        partial: Box<Trajectory>,
    },
}

impl fmt::Display for TrajectoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrajectoryError::Optim(e) => write!(f, "{e}"),
            TrajectoryError::Diverged { step, partial } => {
                let p = partial.points.last().copied().unwrap_or([f32::NAN; 2]);
                let loss = partial.losses.last().copied().unwrap_or(f32::NAN);
                write!(
                    f,
                    "{} on {} diverged at step {step}: point ({}, {}), loss {loss} \
                     (try a smaller --lr)",
                    partial.optimizer, partial.function, p[0], p[1]
                )
            }
        }
    }
}

impl std::error::Error for TrajectoryError {}

impl From<OptimError> for TrajectoryError {
    fn from(e: OptimError) -> Self {
        TrajectoryError::Optim(Box::new(e))
    }
}

/// Gaussian noise added to every gradient the optimizer sees: `g ← g + σ·n`, `n ~ N(0, I)`.
///
/// The draws come from a ChaCha8 stream seeded by `seed`, so the same seed gives the same path
/// on every machine; the recorded losses stay those of the exact function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noise {
    /// Standard deviation `σ` of each gradient coordinate's noise.
    pub sigma: f32,
    /// Seed of the random stream.
    pub seed: u64,
}

impl Noise {
    /// The first `count` standard normal pairs of the stream of `seed`: draw `i` is what step
    /// `i + 1` of a noisy run adds to its gradient, times `σ`.
    pub fn draws(seed: u64, count: usize) -> Vec<[f32; 2]> {
        let mut g = Gaussian(ChaCha8Rng::seed_from_u64(seed));
        (0..count).map(|_| g.pair()).collect()
    }
}

/// A sampler of standard normal pairs (Box–Muller), the two coordinates of one draw.
struct Gaussian(ChaCha8Rng);

impl Gaussian {
    fn pair(&mut self) -> [f32; 2] {
        // 1 − u lies in (0, 1], so the logarithm is finite.
        let u: f64 = 1.0 - self.0.random::<f64>();
        let v: f64 = self.0.random::<f64>();
        let r = (-2.0 * u.ln()).sqrt();
        let a = std::f64::consts::TAU * v;
        [(r * a.cos()) as f32, (r * a.sin()) as f32]
    }
}

/// Runs `optimizer` for `steps` steps on `surface` from `start`.
///
/// # Errors
/// - [`TrajectoryError::Optim`] when the optimizer refuses its hyperparameters (the message
///   names the value);
/// - [`TrajectoryError::Diverged`] at the first step whose point or loss is not finite
///   (the start itself counts as step 0).
///
/// ```
/// use lab::surfaces::Surface;
/// use lab::trajectory::run;
/// let sgd = optim::Sgd { lr: 0.1, ..Default::default() };
/// let t = run(Surface::Saddle, &sgd.into(), [1.0, 0.0], 1).unwrap();
/// // x ← x − λ·2x = 1 − 0.2
/// assert_eq!(t.points, vec![[1.0, 0.0], [0.8, 0.0]]);
/// ```
pub fn run(
    surface: Surface,
    optimizer: &Algorithm,
    start: [f32; 2],
    steps: usize,
) -> Result<Trajectory, TrajectoryError> {
    run_noisy(surface, optimizer, start, steps, None)
}

/// [`run`] with an optional gradient [`Noise`].
///
/// # Errors
/// As [`run`].
pub fn run_noisy(
    surface: Surface,
    optimizer: &Algorithm,
    start: [f32; 2],
    steps: usize,
    noise: Option<Noise>,
) -> Result<Trajectory, TrajectoryError> {
    run_with(surface, optimizer, |_| Ok(None), start, steps, noise)
}

/// [`run_noisy`] with a schedule: `schedule` makes the scheduler (of λ or μ) of the optimizer,
/// ticked after every step (the course's decreasing momentum, say), or `None`.
///
/// # Errors
/// As [`run`]; the scheduler's own refusal as [`TrajectoryError::Optim`].
pub fn run_with(
    surface: Surface,
    optimizer: &Algorithm,
    schedule: impl FnOnce(&mut Optimizer<Algorithm>) -> Result<Option<Scheduler>, OptimError>,
    start: [f32; 2],
    steps: usize,
    noise: Option<Noise>,
) -> Result<Trajectory, TrajectoryError> {
    let p = Tensor::from_vec(start.to_vec(), &[2])
        .expect("2 values for shape [2]")
        .requires_grad();
    let mut params = Parameters::new();
    params.push("xy", p.clone());
    let mut opt = Optimizer::new(params, optimizer.clone())?;
    let mut scheduler = schedule(&mut opt)?;
    let mut rng = noise.map(|n| (n.sigma, Gaussian(ChaCha8Rng::seed_from_u64(n.seed))));

    let mut traj = Trajectory {
        function: surface.name().to_string(),
        optimizer: optimizer.name().to_string(),
        settings: optimizer.to_string(),
        points: Vec::with_capacity(steps + 1),
        losses: Vec::with_capacity(steps + 1),
    };
    let record = |traj: &mut Trajectory, step: usize| -> Result<(), TrajectoryError> {
        let v = p.to_vec();
        let point = [v[0], v[1]];
        let loss = no_grad(|| surface.eval(&p).item());
        traj.points.push(point);
        traj.losses.push(loss);
        if point.iter().all(|c| c.is_finite()) && loss.is_finite() {
            Ok(())
        } else {
            Err(TrajectoryError::Diverged {
                step,
                partial: Box::new(traj.clone()),
            })
        }
    };
    record(&mut traj, 0)?;
    for step in 1..=steps {
        opt.step_with_closure(&mut || {
            p.zero_grad();
            let loss = surface.eval(&p);
            loss.backward();
            if let Some((sigma, gauss)) = rng.as_mut() {
                let n = gauss.pair();
                if let Some(g) = p.grad_slot().as_mut() {
                    for (gi, ni) in g.iter_mut().zip(n) {
                        *gi += *sigma * ni;
                    }
                }
            }
            loss.item()
        })?;
        if let Some(s) = scheduler.as_mut() {
            s.step(&mut opt, None)?;
        }
        record(&mut traj, step)?;
    }
    Ok(traj)
}

/// The gradient `∇f(x, y)` of `surface` at `point`, by autograd in `f32` (what an optimizer
/// would be given there).
pub fn gradient(surface: Surface, point: [f32; 2]) -> [f32; 2] {
    let p = Tensor::from_vec(point.to_vec(), &[2])
        .expect("2 values for shape [2]")
        .requires_grad();
    surface.eval(&p).backward();
    let g = p.grad().map(|g| g.iter().copied().collect::<Vec<f32>>());
    let g = g.unwrap_or_else(|| vec![0.0, 0.0]);
    [g[0], g[1]]
}

/// Parses `"X,Y"` (e.g. `-1.2,1.0`) into a point.
///
/// # Errors
/// A message naming the bad text, for clap to print.
pub fn parse_point(s: &str) -> Result<[f32; 2], String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let [x, y] = parts.as_slice() else {
        return Err(format!(
            "expected X,Y (two numbers separated by a comma), got `{s}`"
        ));
    };
    let num = |t: &str| {
        t.parse::<f32>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("`{t}` is not a finite number (in `{s}`)"))
    };
    Ok([num(x)?, num(y)?])
}

/// The most steps `--steps` accepts: no picture needs more, and a longer path only costs
/// minutes of computing and memory for points that cannot be told apart.
pub const MAX_STEPS: usize = 100_000;

/// Parses `--steps`: a whole number up to [`MAX_STEPS`].
fn parse_steps(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n <= MAX_STEPS => Ok(n),
        Ok(_) => Err(format!("at most {MAX_STEPS} steps are drawn")),
        Err(_) => Err(format!("`{text}` is not a whole number of steps")),
    }
}

/// The `trajectories` command line; the optimizer's own options (`--lr`, `--momentum`, …) are
/// added by [`Cli::parse_checked`] from its `optim` struct ([`crate::cli::optimizer`]).
#[derive(Debug, Clone, Parser)]
#[command(
    name = "trajectories",
    about = "Optimizers' paths on 2-D test functions, as in the course's pictures",
    after_help = "Examples:\n  trajectories --function beale --optimizer adam --start 1,1.5 --steps 500 --lr 0.05\n  \
                  trajectories --function saddle --optimizer sgd --start=-1,0.001 --steps 50 --json\n  \
                  trajectories --optimizer rmsprop --help     (rmsprop's own options)\n  \
                  trajectories --all --out-dir docs/img"
)]
pub struct Cli {
    /// The test function.
    #[arg(long, value_enum, required_unless_present = "all")]
    pub function: Option<Surface>,
    /// Start point X,Y (default: the function's own, e.g. 1,1.5 for beale).
    #[arg(long, value_name = "X,Y", value_parser = parse_point, allow_hyphen_values = true)]
    pub start: Option<[f32; 2]>,
    /// Number of steps (at most 100000).
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = parse_steps)]
    pub steps: usize,
    /// Add Gaussian noise of standard deviation SIGMA to every gradient coordinate.
    #[arg(long, value_name = "SIGMA", value_parser = parse_sigma)]
    pub noise: Option<f32>,
    /// Seed of the gradient noise: the same seed gives the same path.
    #[arg(long, value_name = "N", default_value_t = 0, requires = "noise")]
    pub seed: u64,
    /// Print the path as one JSON object instead of drawing it.
    #[arg(long, conflicts_with = "out")]
    pub json: bool,
    /// Picture to write (.png, .svg or .gif); default runs/trajectories/FUNCTION_OPTIMIZER.png.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Run the course's comparison: all seven optimizers on the saddle and on Beale, the
    /// experiments of the other claims (noise, local minimum, decreasing μ, too large λ,
    /// AdaGrad's rate and units, Adam's parts), check every claim and draw one PNG each.
    #[arg(long, conflicts_with_all = ["function", "start", "json", "out", "noise"])]
    pub all: bool,
    /// With --all: where the pictures go [default: runs/trajectories] (one run alone writes
    /// --out).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// With --all: also check AdaGrad's vanishing rate on MNIST (downloads it if needed).
    #[arg(long)]
    pub mnist: bool,
    /// With --all: also write animated GIFs (one run alone draws a GIF when --out ends in .gif).
    #[arg(long)]
    pub gif: bool,
    /// The optimizer of a single run, from `--optimizer` and its own options.
    #[arg(skip = Algorithm::from(optim::Adam::default()))]
    pub optimizer: Algorithm,
    /// The optimizer's name as typed (`nag` stays `nag`), which `--json` echoes.
    #[arg(skip)]
    pub typed: String,
}

/// Parses a noise level: a finite number ≥ 0.
///
/// # Errors
/// A message naming the bad text, for clap to print.
pub fn parse_sigma(s: &str) -> Result<f32, String> {
    s.trim()
        .parse::<f32>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("`{s}` is not a finite number ≥ 0"))
}

impl Cli {
    /// Parses the command line `argv` (program name first) with the options of the optimizer
    /// `--optimizer` chooses (its struct's defaults when not given), then [`Cli::check`]s it.
    ///
    /// # Errors
    /// A one-line message naming the option (status 2 for the programs). `--help` and clap's
    /// own parse errors end the process as clap does.
    pub fn parse_checked(argv: &[std::ffi::OsString]) -> Result<Cli, String> {
        Cli::try_parse(argv).map_err(|e| e.exit_or_message(|e| optimizer::explain(e, argv, "adam")))
    }

    /// [`Cli::parse_checked`] without ending the process: clap's errors (and `--help`) are
    /// returned.
    ///
    /// # Errors
    /// [`ParseError`].
    pub fn try_parse(argv: &[std::ffi::OsString]) -> Result<Cli, ParseError> {
        use clap::{CommandFactory, FromArgMatches};
        let command = optimizer::with_optimizer(Cli::command(), argv, "adam");
        let matches = command
            .try_get_matches_from(argv)
            .map_err(ParseError::Clap)?;
        let mut cli = Cli::from_arg_matches(&matches).map_err(ParseError::Clap)?;
        let given = |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
        let bad = |message: String| Err(ParseError::Bad(message));
        if !cli.all && !given("optimizer") {
            return bad("--optimizer is required for a single run (or give --all)".into());
        }
        if cli.all {
            // The optimizer's options set one run's optimizer; --all chooses its own settings.
            if given("optimizer") {
                return bad(
                    "--optimizer chooses a single run's optimizer; --all runs all seven".into(),
                );
            }
            let name = matches
                .get_one::<String>("optimizer")
                .cloned()
                .unwrap_or_default();
            let options = optimizer::options_of(&name);
            if let Some(o) = options.iter().find(|o| given(&o[2..].replace('-', "_"))) {
                return bad(format!(
                    "{o} sets a single run's optimizer; --all runs its own settings"
                ));
            }
        }
        cli.typed = matches
            .get_one::<String>("optimizer")
            .cloned()
            .unwrap_or_default();
        cli.optimizer = optimizer::optimizer_from(&matches, |_| None).map_err(ParseError::Bad)?;
        cli.check().map_err(ParseError::Bad)?;
        Ok(cli)
    }

    /// Refuses the options of `--all` given to a single run, where they would do nothing.
    ///
    /// # Errors
    /// A one-line message naming the option and what to use instead.
    pub fn check(&self) -> Result<(), String> {
        if self.all {
            return Ok(());
        }
        let instead = [
            (self.gif, "--gif", "for one run, give --out NAME.gif"),
            (
                self.out_dir.is_some(),
                "--out-dir",
                "for one run, give --out PATH",
            ),
            (
                self.mnist,
                "--mnist",
                "it is one of the claims --all checks",
            ),
        ];
        match instead.into_iter().find(|(given, _, _)| *given) {
            Some((_, option, hint)) => Err(format!("{option} applies to --all only; {hint}")),
            None => Ok(()),
        }
    }

    /// Where `--all` writes its pictures.
    pub fn out_dir(&self) -> PathBuf {
        (self.out_dir.clone()).unwrap_or_else(|| PathBuf::from("runs/trajectories"))
    }

    /// The gradient noise asked for, if any.
    pub fn noise(&self) -> Option<Noise> {
        self.noise.map(|sigma| Noise {
            sigma,
            seed: self.seed,
        })
    }

    /// The title of a single run's picture: the optimizer with every setting that moves its
    /// path ([`crate::claims::label`]), the function, the steps and the noise, e.g.
    /// `adagrad λ=0.01 on beale, 100 steps` — a run that barely moves says at what rate.
    ///
    /// # Panics
    /// Without `--function` (that is, with `--all`).
    #[track_caller]
    pub fn title(&self) -> String {
        let surface = self.function.expect("a single run has a --function");
        let noise = (self.noise).map_or(String::new(), |s| {
            format!(", gradient noise σ = {s} (seed {})", self.seed)
        });
        format!(
            "{} on {}, {} steps{noise}",
            crate::claims::label(&self.optimizer),
            surface.name(),
            self.steps
        )
    }

    /// Draws the single run `path` to `out`: its path over the function's contour lines, the
    /// legend naming the optimizer with its settings, and [`Cli::title`] above; a PNG, an SVG,
    /// or an animated GIF of 60 frames, by `out`'s extension.
    ///
    /// # Errors
    /// [`PlotError`] when the file cannot be written.
    ///
    /// # Panics
    /// Without `--function` (that is, with `--all`).
    #[track_caller]
    pub fn draw(&self, path: &Trajectory, out: &std::path::Path) -> Result<(), PlotError> {
        let surface = self.function.expect("a single run has a --function");
        let label = crate::claims::label(&self.optimizer);
        let tracks = [Track {
            label: &label,
            optimizer: self.optimizer.name(),
            points: &path.points,
        }];
        let gif = out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gif"));
        if gif {
            plot::draw_gif(surface, &tracks, &self.title(), out, 60)
        } else {
            plot::draw(surface, &tracks, &self.title(), out)
        }
    }
}
