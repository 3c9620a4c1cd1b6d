//! The training loop of `train` and `compare`: a fully connected classifier, trained with
//! mini-batches on an in-memory dataset, evaluated after every epoch, checkpointed and resumable.
//!
//! ```text
//! for epoch:
//!     for batch in train.batches(B, Shuffled { seed, epoch }):      # order = f(seed, epoch)
//!         dropout masks ← f(seed, epoch, step)
//!         loss = cross_entropy(model(x), labels); loss.backward()     # inside step_with_closure
//!         optimizer.step(); step += 1                                # stop if loss is NaN/inf
//!     test (and validation) loss and accuracy under no_grad, in batches of 1000
//!     scheduler.step(validation loss, else train loss) → optimizer.set_lr
//!     write checkpoint.safetensors, then metrics.csv, metrics.json   # resume syncs metrics to it
//! ```
//!
//! Everything random is a function of the seed and the position in training, never of how
//! many random numbers were drawn before: the initial weights of `seed`, the batch order of
//! `(seed, epoch)`, the dropout masks of `(seed, epoch, step)`. So the same seed gives the same
//! run bit for bit, and a run resumed from a checkpoint continues exactly as an uninterrupted
//! one would (the checkpoint holds the weights, the optimizer's buffers and step counts, the
//! scheduler's position and the learning rate).
//!
//! The dataset is any [`data::Split`] (`[N, D]` images, `N` labels), so tests train on small
//! synthetic data and the programs on MNIST.
//!
//! Files, one concern each: `config.rs` (what decides a run: plain data, which the command
//! line's options convert into), `datasets.rs`, `model.rs` (the network, its evaluation),
//! `run.rs` (the loop), `metrics.rs` (what it reports), `checkpoint.rs` (save and resume),
//! `out_dir.rs` (where a run writes, checked before it starts).

mod checkpoint;
mod config;
mod datasets;
mod lr_decay;
mod metrics;
mod model;
mod out_dir;
mod run;

pub use checkpoint::CHECKPOINT_FILE;
pub use config::{ModelConfig, OptimConfig, RunConfig};
pub use datasets::{DataLoadError, Datasets, VALIDATION_SEED};
pub use lr_decay::LrDecay;
pub use metrics::{metrics_csv, EpochMetrics, Observer, StepInfo, METRICS_COLUMNS};
pub use model::{evaluate, Evaluation, Model, EVAL_BATCH, INIT_STREAM};
pub use out_dir::{
    checkpoint_dir, holds_checkpoint, lock_out_dir, prepare_out_dir, writable_out_dir, OutDirError,
    OutDirLock, RUN_FILES,
};
pub use run::{TrainError, Trainer};
