//! What a run leaves in its output folder after every epoch: the checkpoint, the weights alone
//! (for PyTorch's `load_state_dict(strict=True)`), `metrics.csv` and `metrics.json`.

use std::path::Path;

use serde::Serialize;

use super::checkpoint::CHECKPOINT_FILE;
use super::config::RunConfig;
use super::error::TrainError;
use super::metrics::{metrics_csv, EpochMetrics};
use super::run::Trainer;
use crate::report::{write_atomic, ReportError};

/// The model's weights alone, as PyTorch's `model.state_dict()` would save them.
pub const MODEL_FILE: &str = "model.safetensors";

impl Trainer {
    /// Saves the weights alone under PyTorch's names, atomically: a file that loads into the
    /// course's `nn.Sequential` with `load_state_dict(strict=True)` (no optimizer state).
    ///
    /// # Errors
    /// [`TrainError::CheckpointFile`] naming the file.
    pub fn save_weights(&self, path: &Path) -> Result<(), TrainError> {
        let tensors = nn::parameter_tensors(&self.params);
        nn::save_tensors(path, &tensors, Default::default()).map_err(TrainError::CheckpointFile)
    }

    /// Writes the checkpoint, then the weights alone ([`MODEL_FILE`]), `metrics.csv` and
    /// `metrics.json`, into `dir`. Checkpoint first: if the run stops between the writes, the
    /// others are behind the checkpoint, and [`Trainer::sync_metrics`] on resume rewrites the
    /// metrics from its history (the weights are rewritten at the next epoch).
    ///
    /// # Errors
    /// [`TrainError::CheckpointFile`] or [`TrainError::Report`] naming the file.
    pub fn write_outputs(&self, dir: &Path) -> Result<(), TrainError> {
        std::fs::create_dir_all(dir).map_err(|e| ReportError {
            path: dir.to_path_buf(),
            reason: format!("cannot create the directory: {e}"),
        })?;
        self.save_checkpoint(&dir.join(CHECKPOINT_FILE))?;
        self.save_weights(&dir.join(MODEL_FILE))?;
        for (name, text) in self.metrics_files() {
            write_atomic(&dir.join(name), text.as_bytes())?;
        }
        Ok(())
    }

    /// Rewrites `metrics.csv` and `metrics.json` in `dir` from this run's history (as resumed
    /// from its checkpoint) and configuration, and the weights file from its weights; returns
    /// the names of the metrics files whose epochs were not that history (missing, behind,
    /// ahead or altered).
    ///
    /// # Errors
    /// [`TrainError::Report`] naming the file that cannot be written.
    pub fn sync_metrics(&self, dir: &Path) -> Result<Vec<&'static str>, TrainError> {
        let mut disagreed = Vec::new();
        for (name, text) in self.metrics_files() {
            let path = dir.join(name);
            let old = std::fs::read_to_string(&path).unwrap_or_default();
            // metrics.json also holds the configuration, whose `epochs` a resumed run may raise.
            let agrees = match name {
                "metrics.json" => serde_json::from_str::<serde_json::Value>(&old)
                    .ok()
                    .and_then(|json| serde_json::from_value(json["epochs"].clone()).ok())
                    .is_some_and(|epochs: Vec<EpochMetrics>| epochs == self.history),
                _ => old == text,
            };
            if !agrees {
                disagreed.push(name);
            }
            write_atomic(&path, text.as_bytes())?;
        }
        self.save_weights(&dir.join(MODEL_FILE))?;
        Ok(disagreed)
    }

    /// The names and contents of `metrics.csv` and `metrics.json` for this run's history.
    fn metrics_files(&self) -> [(&'static str, String); 2] {
        #[derive(Serialize)]
        struct Json<'a> {
            config: &'a RunConfig,
            sizes: &'a [usize],
            epochs: &'a [EpochMetrics],
        }
        let json = Json {
            config: &self.config,
            sizes: self.model.sizes(),
            epochs: &self.history,
        };
        let json = serde_json::to_string_pretty(&json)
            .expect("plain data and maps with string keys serialize");
        let csv = metrics_csv(&self.history).to_text();
        [("metrics.csv", csv), ("metrics.json", json + "\n")]
    }
}
