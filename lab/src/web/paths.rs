//! The surfaces page's paths: each computed exactly as `trajectories --json` computes and
//! prints it (the same parser, the same [`run_noisy`], the same serialization), the race's
//! paths in parallel, all of them kept in a cache of bounded size.

use std::ffi::OsString;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::argv::{optimizer_flags, parse_message, request_argv, with_optimizer_options, Params};
use super::cache::{Lru, Weigh};
use crate::cli::optimizer::option_error;
use crate::trajectory::{run_noisy, Cli, TrajectoryError};

/// Bytes of computed paths kept (a 2000-step path is about 80 kB of JSON).
pub const CACHE_BYTES: usize = 64 << 20;

/// Paths in one race: the seven optimizers and room for one more.
pub const MAX_RACE: usize = 8;

/// What a request may set: the run's options and the optimizer's own.
const RUN_OPTIONS: [&str; 6] = ["function", "optimizer", "start", "steps", "noise", "seed"];

/// One path's answer: HTTP status and JSON body. 200: the path as `trajectories --json`
/// prints it; 400: `{"error"}` with the program's message for a bad value (its status 2);
/// 422: `{"error", "partial"}` for a path that diverged (its status 1), with the path up to
/// the bad point.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// 200, 400 or 422.
    pub status: u16,
    /// The JSON text.
    pub body: String,
}

impl Weigh for Answer {
    fn bytes(&self) -> usize {
        self.body.len()
    }
}

fn error(status: u16, message: &str, partial: Option<Value>) -> Answer {
    let mut body = json!({ "error": message });
    if let Some(p) = partial {
        body["partial"] = p;
    }
    Answer {
        status,
        body: body.to_string(),
    }
}

/// The command line of `trajectories` that `params` stand for, ending in `--json`.
///
/// # Errors
/// A message naming a parameter the lab does not take.
pub fn trajectory_argv(params: &Params) -> Result<Vec<OsString>, String> {
    let allowed = with_optimizer_options(&RUN_OPTIONS);
    let mut argv = request_argv("trajectories", params, &allowed, &optimizer_flags())?;
    argv.push("--json".into());
    Ok(argv)
}

/// Runs the command line `argv` as `trajectories` does (with `--json`) and answers as it
/// would print: the path, or the message of its refusal or divergence.
pub fn compute(argv: &[OsString]) -> Answer {
    let cli = match Cli::try_parse(argv) {
        Ok(cli) => cli,
        Err(e) => return error(400, &parse_message(e, argv), None),
    };
    let Some(surface) = cli.function else {
        return error(400, "--function is required", None);
    };
    let start = cli.start.unwrap_or(surface.default_start());
    match run_noisy(surface, &cli.optimizer, start, cli.steps, cli.noise()) {
        Ok(mut path) => {
            // As `trajectories --json`: the name as typed.
            path.optimizer = cli.typed.clone();
            let body = serde_json::to_string(&path).expect("a path serializes");
            Answer { status: 200, body }
        }
        Err(TrajectoryError::Optim(e)) => error(400, &option_error(&e), None),
        Err(e) => {
            let partial = match &e {
                TrajectoryError::Diverged { partial, .. } => {
                    let mut p = (**partial).clone();
                    p.optimizer = cli.typed.clone();
                    serde_json::to_value(p).ok()
                }
                TrajectoryError::Optim(_) => None,
            };
            error(422, &e.to_string(), partial)
        }
    }
}

/// The paths asked for so far, by command line.
pub struct Paths {
    cache: Mutex<Lru<Vec<OsString>, Answer>>,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            cache: Mutex::new(Lru::new(CACHE_BYTES)),
        }
    }
}

impl Paths {
    /// The answers for these command lines, from the cache or computed, those computed in
    /// parallel (one thread per core; each builds its own tensors); and how many were
    /// computed.
    pub fn answers(&self, argvs: &[Vec<OsString>]) -> (Vec<Arc<Answer>>, usize) {
        let lock = || self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let cached: Vec<Option<Arc<Answer>>> = {
            let mut cache = lock();
            argvs.iter().map(|a| cache.get(a)).collect()
        };
        let missing: Vec<usize> = (0..argvs.len()).filter(|&i| cached[i].is_none()).collect();
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let next = AtomicUsize::new(0);
        let computed: Vec<(usize, Answer)> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads.min(missing.len()))
                .map(|_| {
                    s.spawn(|| {
                        let mut done = Vec::new();
                        while let Some(&i) = missing.get(next.fetch_add(1, Ordering::Relaxed)) {
                            done.push((i, compute(&argvs[i])));
                        }
                        done
                    })
                })
                .collect();
            (workers.into_iter())
                .flat_map(|w| w.join().expect("computing a path does not panic"))
                .collect()
        });
        let count = computed.len();
        let mut answers = cached;
        let mut cache = lock();
        for (i, answer) in computed {
            answers[i] = Some(cache.insert(argvs[i].clone(), answer));
        }
        let answers = answers
            .into_iter()
            .map(|a| a.expect("every answer found or computed"));
        (answers.collect(), count)
    }

    /// Bytes of paths kept.
    pub fn cached_bytes(&self) -> usize {
        self.cache.lock().map_or(0, |c| c.bytes())
    }
}

/// The race's answer: `{"paths": [...], "computed", "server_ms"}`, each path as
/// [`compute`] answers it, its JSON text spliced in unchanged.
pub fn race_body(answers: &[Arc<Answer>], computed: usize, server_ms: f64) -> String {
    #[derive(serde::Serialize)]
    struct Race<'a> {
        paths: Vec<&'a RawValue>,
        computed: usize,
        server_ms: f64,
    }
    let paths = (answers.iter())
        .map(|a| serde_json::from_str(&a.body).expect("an answer is JSON"))
        .collect();
    let race = Race {
        paths,
        computed,
        server_ms,
    };
    serde_json::to_string(&race).expect("the race serializes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use optim::Algorithm;

    fn params(pairs: &[(&str, &str)]) -> Params {
        (pairs.iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn an_answer_is_the_path_or_the_programs_message() {
        let ok = compute(
            &trajectory_argv(&params(&[("function", "booth"), ("optimizer", "nag")])).unwrap(),
        );
        assert_eq!(ok.status, 200);
        let path: Value = serde_json::from_str(&ok.body).unwrap();
        assert_eq!(
            (
                path["optimizer"].as_str(),
                path["points"].as_array().map(Vec::len)
            ),
            (Some("nag"), Some(101))
        );
        let bad = compute(
            &trajectory_argv(&params(&[
                ("function", "booth"),
                ("optimizer", "sgd"),
                ("lr", "-1"),
            ]))
            .unwrap(),
        );
        assert_eq!(bad.status, 400);
        assert!(bad.body.contains("--lr"), "{}", bad.body);
        let far = params(&[("function", "beale"), ("optimizer", "sgd"), ("lr", "10")]);
        let diverged = compute(&trajectory_argv(&far).unwrap());
        assert_eq!(diverged.status, 422);
        assert!(diverged.body.contains("diverged") && diverged.body.contains("partial"));
    }

    #[test]
    fn a_race_computes_each_path_once() {
        let paths = Paths::default();
        let argvs: Vec<Vec<OsString>> = (Algorithm::COURSE.iter())
            .map(|name| {
                trajectory_argv(&params(&[("function", "saddle"), ("optimizer", name)])).unwrap()
            })
            .collect();
        let (first, computed) = paths.answers(&argvs);
        assert_eq!(computed, 7);
        let (again, computed) = paths.answers(&argvs);
        assert_eq!(computed, 0);
        assert_eq!(first, again);
        assert!(paths.cached_bytes() > 0);
    }
}
