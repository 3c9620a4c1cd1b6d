//! The MNIST page's runs: `train`'s [`Trainer`] on a command line made from the page's
//! settings (so `train`'s checks and messages), capped so that a run takes minutes, one at a
//! time per server (a second start is refused with a message; the page queues its optimizers
//! itself), streaming its loss every [`super::stream::STREAM_EVERY`] steps and its validation
//! accuracy at each epoch's end. A run stops when its page goes away (the stream's receiver is
//! dropped) or on the stop button; the last [`KEPT_RUNS`] runs are kept, in memory only.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::argv::{optimizer_flags, parse_message, request_argv, with_optimizer_options, Params};
use super::stream::{Event, RunRecord, Stream};
use crate::cli::TrainArgs;
use crate::report::Csv;
use crate::training::{metrics_csv, Datasets, TrainError, Trainer};

/// Most hidden layers.
pub const MAX_LAYERS: usize = 2;
/// Most units in a hidden layer.
pub const MAX_UNITS: usize = 512;
/// Most epochs of a run.
pub const MAX_EPOCHS: usize = 3;
/// Smallest batch.
pub const MIN_BATCH: usize = 32;
/// Training images held out for the validation curve (`--val-split`).
pub const VAL_SPLIT: usize = 5000;
/// Finished runs kept to compare.
pub const KEPT_RUNS: usize = 10;

/// The caps, as the page states them.
pub fn caps_text() -> String {
    format!(
        "at most {MAX_LAYERS} hidden layers of at most {MAX_UNITS} units, at most {MAX_EPOCHS} \
         epochs, batches of at least {MIN_BATCH}; {VAL_SPLIT} training images held out for \
         validation; one run at a time (a second start is refused while one runs)"
    )
}

/// What a request may set, besides the optimizer's own options (never where to write or read).
const RUN_OPTIONS: [&str; 7] = [
    "optimizer",
    "hidden",
    "epochs",
    "batch_size",
    "seed",
    "schedule",
    "activation",
];

/// The MNIST runs of one server.
pub struct Mnist {
    data_dir: Option<PathBuf>,
    data: Mutex<Option<Arc<Datasets>>>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The run in progress: its number, label and stop flag.
    running: Option<(u64, String, Arc<AtomicBool>)>,
    /// The last [`KEPT_RUNS`] runs that ended, oldest first.
    kept: VecDeque<RunRecord>,
    /// The number of the last run started.
    next: u64,
}

impl Mnist {
    /// Runs on the MNIST found in `data_dir`, else `$MNIST_DIR` or the cache; nothing is
    /// downloaded (`train --fetch-only` does that).
    pub fn new(data_dir: Option<PathBuf>) -> Mnist {
        Mnist {
            data_dir,
            data: Mutex::new(None),
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts the run `params` describe (one epoch unless they say otherwise) on a thread of
    /// its own and returns its events.
    ///
    /// # Errors
    /// `(400, message)` for a bad setting (`train`'s message) or one beyond the caps;
    /// `(409, message)` while another run is in progress.
    pub fn start(
        self: &Arc<Self>,
        params: &Params,
    ) -> Result<mpsc::Receiver<Event>, (u16, String)> {
        let allowed = with_optimizer_options(&RUN_OPTIONS);
        // train's default of 4 epochs is beyond the caps: a request that names none runs one.
        let mut params = params.clone();
        params.entry("epochs".into()).or_insert_with(|| "1".into());
        let mut argv =
            request_argv("train", &params, &allowed, &optimizer_flags()).map_err(|m| (400, m))?;
        argv.push(format!("--val-split={VAL_SPLIT}").into());
        let (args, _) = TrainArgs::try_parse(&argv).map_err(|e| (400, parse_message(e, &argv)))?;
        check_caps(&args).map_err(|m| (400, m))?;
        let mut state = self.state();
        if let Some((id, label, _)) = &state.running {
            let message = format!(
                "run {id} ({label}) is in progress: the lab trains one MNIST run at a time; \
                 stop it or wait for it to end"
            );
            return Err((409, message));
        }
        state.next += 1;
        let run = &args.run;
        let sizes: Vec<String> = run
            .model
            .sizes(crate::cli::IMAGE_PIXELS, crate::cli::CLASSES)
            .iter()
            .map(usize::to_string)
            .collect();
        let epochs = crate::training::plural(run.epochs, "epoch");
        let record = RunRecord {
            id: state.next,
            label: format!(
                "{} · {} · batch {} · {epochs}",
                crate::claims::label(&run.optimizer),
                sizes.join("-"),
                run.batch_size
            ),
            optimizer: optim::UpdateRule::name(&run.optimizer).to_string(),
            settings: run.optimizer.to_string(),
            command: command_text(&argv),
            steps: Vec::new(),
            epochs: Vec::new(),
            status: "running".into(),
            message: String::new(),
        };
        let stop = Arc::new(AtomicBool::new(false));
        state.running = Some((record.id, record.label.clone(), Arc::clone(&stop)));
        let (tx, rx) = mpsc::channel(64);
        let me = Arc::clone(self);
        std::thread::spawn(move || me.train(args, record, tx, stop));
        Ok(rx)
    }

    /// Asks the run in progress to stop; its number, or `None` when none runs.
    pub fn stop(&self) -> Option<u64> {
        let state = self.state();
        let (id, _, stop) = state.running.as_ref()?;
        stop.store(true, Ordering::Relaxed);
        Some(*id)
    }

    /// `{"running": {"id", "label"} | null, "caps", "runs": [RunRecord…]}`.
    pub fn runs_json(&self) -> String {
        let state = self.state();
        let running =
            (state.running.as_ref()).map(|(id, label, _)| json!({ "id": id, "label": label }));
        json!({ "running": running, "caps": caps_text(), "runs": state.kept }).to_string()
    }

    /// The CSV `file` (`steps.csv` or `metrics.csv`) of kept run `id`, made in memory.
    pub fn csv(&self, id: u64, file: &str) -> Option<String> {
        let state = self.state();
        let run = state.kept.iter().find(|r| r.id == id)?;
        match file {
            "metrics.csv" => Some(metrics_csv(&run.epochs).to_text()),
            "steps.csv" => {
                let mut csv = Csv::new(&["step", "epoch", "loss", "running_loss", "lr"]);
                for p in &run.steps {
                    let row = [
                        p.step.to_string(),
                        p.epoch.to_string(),
                        p.loss.to_string(),
                        p.running_loss.to_string(),
                        p.lr.to_string(),
                    ];
                    csv.push(row.to_vec());
                }
                Some(csv.to_text())
            }
            _ => None,
        }
    }

    /// MNIST with its validation split, loaded once.
    fn datasets(&self) -> Result<Arc<Datasets>, String> {
        let mut data = self.data.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(d) = data.as_ref() {
            return Ok(Arc::clone(d));
        }
        let dataset = data::Dataset::Mnist;
        let source = data::Source::from_env(dataset);
        let local = data::Source::local(self.data_dir.clone().or(source.dir), source.cache);
        let fetch = "run `cargo run --release --example train -- --fetch-only` once to download it";
        let dir = data::obtain(dataset, &local).map_err(|e| format!("{e} ({fetch})"))?;
        let loaded = Datasets::load(dataset, &dir, VAL_SPLIT).map_err(|e| e.to_string())?;
        let loaded = Arc::new(loaded);
        *data = Some(Arc::clone(&loaded));
        Ok(loaded)
    }

    /// The run's thread: trains, streams, and keeps the record.
    fn train(
        &self,
        args: TrainArgs,
        record: RunRecord,
        tx: mpsc::Sender<Event>,
        stop: Arc<AtomicBool>,
    ) {
        let send =
            |event: &'static str, data: Value| tx.blocking_send((event, data.to_string())).is_ok();
        send("start", serde_json::to_value(&record).unwrap_or_default());
        let mut observer = Stream {
            tx: &tx,
            stop: &stop,
            record,
            recent: (0.0, 0),
        };
        // A panic (a bug) fails the run instead of leaving the server busy for ever.
        let result = catch_unwind(AssertUnwindSafe(|| {
            let data = self.datasets()?;
            let (input, classes) = (data.input_size(), data.classes);
            let mut trainer = Trainer::new(args.run, input, classes).map_err(|e| e.to_string())?;
            match trainer.fit(&data, &mut observer, None) {
                Ok(()) => Ok(("finished", String::new())),
                Err(e @ TrainError::Stopped { .. }) => Ok(("stopped", e.to_string())),
                Err(e) => Err(e.to_string()),
            }
        }))
        .unwrap_or_else(|_| Err("the run panicked (a bug in the lab)".to_string()));
        let mut record = observer.record;
        (record.status, record.message) = match result {
            Ok((status, message)) => (status.to_string(), message),
            Err(message) => ("failed".to_string(), message),
        };
        let end = json!({ "id": record.id, "status": record.status, "message": record.message });
        // Kept before the page hears of the end, so that it finds the run among the kept.
        {
            let mut state = self.state();
            state.kept.push_back(record);
            while state.kept.len() > KEPT_RUNS {
                state.kept.pop_front();
            }
            state.running = None;
        }
        send("end", end);
    }
}

/// Refuses settings beyond the lab's caps, naming the option.
fn check_caps(args: &TrainArgs) -> Result<(), String> {
    let run = &args.run;
    let hidden: Vec<String> = run.model.hidden.iter().map(usize::to_string).collect();
    let over =
        if run.model.hidden.len() > MAX_LAYERS || run.model.hidden.iter().any(|&h| h > MAX_UNITS) {
            Some(format!("--hidden {}", hidden.join(",")))
        } else if run.epochs > MAX_EPOCHS {
            Some(format!("--epochs {}", run.epochs))
        } else if run.batch_size < MIN_BATCH {
            Some(format!("--batch-size {}", run.batch_size))
        } else {
            None
        };
    match over {
        Some(option) => Err(format!(
            "{option}: beyond the lab's caps ({}); `train` has none",
            caps_text().split(';').next().unwrap_or_default()
        )),
        None => Ok(()),
    }
}

/// `train --optimizer=adam --lr=0.01 …`, the program's words for the run.
fn command_text(argv: &[OsString]) -> String {
    let words: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    words.join(" ")
}
