//! What `train` shows while it works: a few lines saying what the run is about to do
//! ([`header`]), a progress bar per epoch on a terminal and one line per epoch ([`Progress`]).

use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use optim::UpdateRule;

use super::datasets::Datasets;
use super::metrics::{EpochMetrics, Observer, StepInfo};
use super::model::Model;
use super::run::Trainer;

/// `1 epoch`, `4 epochs`.
pub fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// What the run is about to do: data, model, optimizer with every hyperparameter, schedule,
/// training; one line each.
pub fn header(trainer: &Trainer, data: &Datasets, dir: &Path) -> String {
    let config = &trainer.config;
    let sizes: Vec<String> = trainer
        .model
        .sizes()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let val = (data.val.as_ref()).map_or(String::new(), |v| format!(", {} validation", v.len()));
    let dropout = if config.model.dropout > 0.0 {
        format!(", dropout {}", config.model.dropout)
    } else {
        String::new()
    };
    let groups = if config.no_bias_decay {
        ", no weight decay on biases"
    } else {
        ""
    };
    let clip = (config.clip_grad_norm)
        .map_or(String::new(), |m| format!(", gradient norm clipped to {m}"));
    let warmup =
        (config.warmup.as_ref()).map_or(String::new(), |w| format!(" after a {w}-epoch warm-up"));
    let watched = if config.schedule.per_epoch() && data.val.is_none() {
        " (on the training loss: no --val-split)"
    } else {
        ""
    };
    [
        format!(
            "data:      {} from {}: {} training{val}, {} test images of {} pixels",
            config.dataset,
            dir.display(),
            data.train.len(),
            data.test.len(),
            data.input_size()
        ),
        format!(
            "model:     {} ({}, init {}{dropout}), {} parameters",
            sizes.join("-"),
            config.model.activation,
            config.model.init,
            trainer.parameters().count_elements()
        ),
        format!("optimizer: {}{groups}{clip}", config.optimizer),
        match config.optimizer.lr() {
            Some(_) => format!("schedule:  {}{warmup}{watched}", config.schedule),
            None => "schedule:  none (this form has no learning rate)".to_string(),
        },
        format!(
            "training:  {}, batch {}, seed {}, cross-entropy; {} threads",
            plural(config.epochs, "epoch"),
            config.batch_size,
            config.seed,
            autograd::backend::threads()
        ),
    ]
    .join("\n")
        + "\n"
}

/// A progress bar per epoch on stderr (only when it is a terminal), and one line per epoch on
/// stdout.
pub struct Progress {
    bar: Option<ProgressBar>,
    terminal: bool,
}

impl Default for Progress {
    fn default() -> Progress {
        Progress {
            bar: None,
            terminal: std::io::stderr().is_terminal(),
        }
    }
}

impl Observer for Progress {
    fn epoch_start(&mut self, epoch: usize, batches: usize) {
        if self.terminal {
            let bar = ProgressBar::new(batches as u64);
            let style = ProgressStyle::with_template(
                "epoch {prefix:>2} [{bar:25}] {pos}/{len}  loss {msg}  {eta} left",
            )
            .expect("the template is valid")
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(epoch.to_string());
            self.bar = Some(bar);
        }
    }

    fn step(&mut self, info: &StepInfo, _model: &mut Model) {
        if let Some(bar) = &self.bar {
            bar.set_position(info.batch as u64);
            bar.set_message(format!("{:.4}", info.running_loss));
        }
    }

    fn epoch_end(&mut self, m: &EpochMetrics) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let val =
            (m.val_accuracy).map_or(String::new(), |v| format!("  val acc {:.2}%", v * 100.0));
        println!(
            "epoch {:>2}  train loss {:.4}  test loss {:.4}  test acc {:.2}%{val}  {:.1} s  (lr {})",
            m.epoch,
            m.train_loss,
            m.test_loss,
            m.test_accuracy * 100.0,
            m.seconds,
            m.lr
        );
    }
}
