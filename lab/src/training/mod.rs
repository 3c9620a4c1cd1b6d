//! The training loop of `train` and `compare`: a fully connected classifier, trained with
//! mini-batches on an in-memory dataset, evaluated after every epoch, checkpointed and resumable.
//!
//! ```text
//! scheduler ← the schedule of λ over the run, set to its first value     # before the first step
//! for epoch:
//!     for batch in train.batches(B, Shuffled { seed, epoch }):      # order = f(seed, epoch)
//!         dropout masks ← f(seed, epoch, step)
//!         loss = cross_entropy(model(x), labels); loss.backward()     # inside step_with_closure
//!         clip the gradients' norm (--clip-grad-norm)
//!         optimizer.step(); step += 1                                # stop if loss is NaN/inf
//!         scheduler.step()                                           # λ of the next step
//!     test (and validation) loss and accuracy under no_grad, in batches of 1000
//!     (plateau: scheduler.step(validation loss, else train loss))
//!     write checkpoint.safetensors, model.safetensors, metrics.csv, metrics.json
//! ```
//!
//! Everything random is a function of the seed and the position in training, never of how
//! many random numbers were drawn before: the initial weights of `seed`, the batch order of
//! `(seed, epoch)`, the dropout masks of `(seed, epoch, step)`. So the same seed gives the same
//! run bit for bit, and a run resumed from a checkpoint continues exactly as an uninterrupted
//! one would (the checkpoint holds the weights, the optimizer's buffers, step counts and
//! groups' rules, and the scheduler's position).
//!
//! The dataset is any [`data::Split`] (`[N, D]` images, `N` labels), so tests train on small
//! synthetic data and the programs on MNIST.
//!
//! Files, one concern each: `config.rs` (what decides a run, which the command line parses
//! into), `schedule.rs` (the schedule's syntax and its `optim` scheduler), `rates.rs` (the
//! learning rate each optimizer starts from on this network), `datasets.rs`, `model.rs` (the
//! network, its evaluation), `memory.rs` (whether it fits), `run.rs` (the loop), `error.rs`,
//! `metrics.rs` (what it reports), `checkpoint.rs` (save and resume), `outputs.rs` (the files
//! of every epoch), `out_dir.rs` (where a run writes, checked and held before it starts).

mod checkpoint;
mod config;
mod datasets;
mod error;
mod memory;
mod metrics;
mod model;
mod out_dir;
mod outputs;
mod progress;
mod rates;
mod run;
mod schedule;

pub use checkpoint::CHECKPOINT_FILE;
pub use config::{positive, ModelConfig, RunConfig};
pub use datasets::{DataLoadError, Datasets, VALIDATION_SEED};
pub use error::TrainError;
pub use metrics::{metrics_csv, EpochMetrics, Observer, StepInfo, METRICS_COLUMNS};
pub use model::{evaluate, Evaluation, Model, EVAL_BATCH, INIT_STREAM};
pub use out_dir::{
    checkpoint_dir, holds_checkpoint, lock_out_dir, prepare_out_dir, writable_out_dir, OutDirError,
    OutDirLock, RUN_FILES,
};
pub use outputs::MODEL_FILE;
pub use progress::{header, plural, Progress};
pub use rates::recommended_lr;
pub use run::Trainer;
pub use schedule::{ScheduleKind, ScheduleSpec, Warmup};
