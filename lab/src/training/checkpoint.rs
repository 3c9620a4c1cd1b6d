//! A run's checkpoint: one safetensors file with the weights (PyTorch's names), the optimizer's
//! buffers (`optim.<param>.<slot>`) and, as metadata, everything else needed to continue
//! exactly: the optimizer's counters and each parameter group's rule with its current λ
//! (`optim.*`), the schedule's position (`scheduler.*`), the epoch and step, the configuration,
//! the layer sizes and the metrics so far. Every byte of it is covered by the checksums `nn`
//! writes, so an edited value is refused rather than resumed. `optim` writes and reads its parts ([`OptimizerState::to_tensors`],
//! [`Scheduler::to_metadata`]); the weights load as strictly as PyTorch's `load_state_dict`
//! ([`nn::load_parameters`]).
//!
//! [`Scheduler::to_metadata`]: optim::scheduler::Scheduler::to_metadata

use std::path::Path;

use optim::{Algorithm, OptimizerState};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::config::RunConfig;
use super::error::TrainError;
use super::metrics::EpochMetrics;
use super::run::Trainer;

/// Name of the checkpoint file in the output directory.
pub const CHECKPOINT_FILE: &str = "checkpoint.safetensors";

/// Identifies our checkpoints in their metadata (`format` key); `/2` holds the optimizer as
/// its own struct and the schedule as an `optim` scheduler.
const CHECKPOINT_FORMAT: &str = "lab.training/2";

/// The format of the checkpoints written before this one.
const EARLIER_FORMAT: &str = "examples.training/1";

/// Prefix of the optimizer's tensors and metadata.
const OPTIM: &str = "optim.";

/// Prefix of the schedule's metadata.
pub(super) const SCHEDULER: &str = "scheduler.";

impl Trainer {
    /// Saves the run (see the module docs), atomically.
    ///
    /// # Errors
    /// [`TrainError::CheckpointFile`] naming the file; [`TrainError::Checkpoint`] if the
    /// metadata cannot be serialized.
    pub fn save_checkpoint(&self, path: &Path) -> Result<(), TrainError> {
        let mut tensors = nn::parameter_tensors(&self.params);
        let (buffers, mut meta) = self.optimizer.state_dict().to_tensors(OPTIM);
        tensors.extend(buffers);
        if let Some(s) = &self.scheduler {
            meta.extend(s.to_metadata(SCHEDULER));
        }
        meta.extend([
            ("format".to_string(), CHECKPOINT_FORMAT.to_string()),
            ("epoch".to_string(), self.epoch.to_string()),
            ("step".to_string(), self.step.to_string()),
            ("seed".to_string(), self.config.seed.to_string()),
            (
                "schedule_epochs".to_string(),
                self.schedule_epochs.to_string(),
            ),
            to_json(path, "config", &self.config)?,
            to_json(path, "sizes", &self.model.sizes())?,
            to_json(path, "history", &self.history)?,
        ]);
        nn::save_tensors(path, &tensors, meta).map_err(TrainError::CheckpointFile)
    }

    /// Rebuilds a run from a checkpoint written by [`Trainer::save_checkpoint`]: the same
    /// configuration and layer sizes, then the saved weights, optimizer state, schedule position,
    /// counters and metrics. [`Trainer::set_epochs`] sets how far it trains.
    ///
    /// # Errors
    /// [`TrainError::CheckpointFile`] if the file cannot be read, its tensors fail their
    /// checksum or its weights do not fit the network; [`TrainError::Checkpoint`] naming the
    /// file and the metadata value that is missing, does not parse, or disagrees with the rest
    /// (epoch and history, step, seed, layer sizes, a batch size of 0), a NaN in the optimizer's
    /// state, or a checkpoint of the earlier format.
    pub fn resume(path: &Path) -> Result<Trainer, TrainError> {
        let (mut tensors, meta) = nn::load_tensors(path).map_err(TrainError::CheckpointFile)?;
        let get = |key: &str| {
            meta.get(key).map(String::as_str).ok_or_else(|| {
                fail(
                    path,
                    format!("metadata has no `{key}`: not a checkpoint of train/compare"),
                )
            })
        };
        let format = get("format")?;
        if format == EARLIER_FORMAT {
            let reason = "written by an earlier version of train, whose settings this version \
                          no longer reads; start a new run (its weights load with nn::load_weights)";
            return Err(fail(path, reason.to_string()));
        }
        if format != CHECKPOINT_FORMAT {
            let reason = format!("format `{format}` is not `{CHECKPOINT_FORMAT}`");
            return Err(fail(path, reason));
        }
        let config: RunConfig = from_json(path, "config", get("config")?)?;
        let sizes: Vec<usize> = from_json(path, "sizes", get("sizes")?)?;
        let history: Vec<EpochMetrics> = from_json(path, "history", get("history")?)?;
        let epoch: usize = parse(path, "epoch", get("epoch")?)?;
        let step: u64 = parse(path, "step", get("step")?)?;
        let seed: u64 = parse(path, "seed", get("seed")?)?;
        let schedule_epochs: usize = parse(path, "schedule_epochs", get("schedule_epochs")?)?;
        check_metadata(&config, &sizes, &history, epoch, step, seed)
            .map_err(|reason| fail(path, reason))?;

        // The configuration is the file's, not the command line's: a bad value in it is the
        // checkpoint's fault, so the error names the metadata rather than a flag.
        let mut trainer = Trainer::with_sizes(config, &sizes).map_err(|e| match e {
            TrainError::Config(message) => {
                let message = match message.split_once(": ") {
                    Some((flag, rest)) if flag.starts_with("--") => rest.to_string(),
                    _ => message,
                };
                fail(path, format!("metadata `config`: {message}"))
            }
            e => e,
        })?;
        let optim_error = |e: optim::OptimError| fail(path, e.to_string());
        let state = OptimizerState::<Algorithm>::from_tensors(OPTIM, &mut tensors, &meta)
            .map_err(optim_error)?;
        // A NaN moment would turn the first resumed step's weights into NaN.
        for (name, buffer) in &state.buffers {
            if let Some(bad) = buffer.iter().find(|v| !v.is_finite()) {
                return Err(fail(
                    path,
                    format!("optimizer state `{OPTIM}{name}` holds {bad}; it cannot be resumed"),
                ));
            }
        }
        // What is left is the weights: every parameter with its shape, nothing unknown.
        nn::load_parameters(path, &trainer.params, tensors).map_err(TrainError::CheckpointFile)?;
        trainer
            .optimizer
            .load_state_dict(&state)
            .map_err(optim_error)?;
        // The scheduler is built at the next epoch (it needs the steps per epoch) and takes its
        // position from these entries then.
        let schedule = meta.range(SCHEDULER.to_string()..);
        let schedule = schedule.take_while(|(key, _)| key.starts_with(SCHEDULER));
        trainer.saved_schedule = Some(schedule.map(|(k, v)| (k.clone(), v.clone())).collect());
        trainer.schedule_epochs = schedule_epochs;
        trainer.epoch = epoch;
        trainer.step = step;
        trainer.history = history;
        Ok(trainer)
    }
}

/// Checks that the metadata describes one consistent run: a usable configuration, layer sizes
/// that are its network's, a history of `epoch` epochs ending at `step`, the configuration's
/// seed. Returns the first thing that is wrong.
fn check_metadata(
    config: &RunConfig,
    sizes: &[usize],
    history: &[EpochMetrics],
    epoch: usize,
    step: u64,
    seed: u64,
) -> Result<(), String> {
    if config.batch_size == 0 {
        return Err("metadata `config` has batch_size 0; a run needs at least 1".into());
    }
    if !(0.0..1.0).contains(&config.model.dropout) {
        let dropout = config.model.dropout;
        return Err(format!(
            "metadata `config` has dropout {dropout}, outside [0, 1)"
        ));
    }
    let hidden = sizes.get(1..sizes.len().saturating_sub(1)).unwrap_or(&[]);
    if sizes.len() < 2 || hidden != config.model.hidden || sizes.contains(&0) {
        return Err(format!(
            "metadata `sizes` {sizes:?} is not a network with the hidden layers {:?} of `config`",
            config.model.hidden
        ));
    }
    if history.len() != epoch {
        return Err(format!(
            "metadata `epoch` = {epoch} but `history` holds {} epochs",
            history.len()
        ));
    }
    for (i, m) in history.iter().enumerate() {
        let before = if i == 0 { 0 } else { history[i - 1].step };
        if m.epoch != i + 1 || m.step < before {
            return Err(format!(
                "metadata `history`: entry {} is epoch {} at step {}, out of order",
                i + 1,
                m.epoch,
                m.step
            ));
        }
    }
    let last = history.last().map_or(0, |m| m.step);
    if step != last {
        return Err(format!(
            "metadata `step` = {step} but `history` ends at step {last}"
        ));
    }
    if seed != config.seed {
        return Err(format!(
            "metadata `seed` = {seed} but `config` has seed {}",
            config.seed
        ));
    }
    Ok(())
}

/// A [`TrainError::Checkpoint`] about `path`.
fn fail(path: &Path, reason: String) -> TrainError {
    TrainError::Checkpoint {
        path: path.to_path_buf(),
        reason,
    }
}

/// The metadata `key` of `path`, as a number.
fn parse<T: std::str::FromStr>(path: &Path, key: &str, text: &str) -> Result<T, TrainError> {
    text.parse()
        .map_err(|_| fail(path, format!("metadata `{key}` = `{text}` does not parse")))
}

/// The metadata entry `key` = `value` as JSON text.
fn to_json<T: Serialize>(
    path: &Path,
    key: &str,
    value: &T,
) -> Result<(String, String), TrainError> {
    let text = serde_json::to_string(value).map_err(|e| fail(path, e.to_string()))?;
    Ok((key.to_string(), text))
}

/// The metadata `key` of `path`, as JSON of `T`.
fn from_json<T: DeserializeOwned>(path: &Path, key: &str, text: &str) -> Result<T, TrainError> {
    serde_json::from_str(text).map_err(|e| fail(path, format!("metadata `{key}`: {e}")))
}
