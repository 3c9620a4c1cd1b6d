//! The loop: [`Trainer`] holds a model, its optimizer and schedule, and where training stands;
//! [`Trainer::train_epoch`] is one pass over the shuffled batches and an evaluation, and
//! [`Trainer::fit`] repeats it, writing a checkpoint and then metrics after every epoch.

use std::path::Path;
use std::time::{Duration, Instant};

use autograd::{Parameters, Tensor};
use data::Order;
use optim::scheduler::Scheduler;
use optim::{groups, Algorithm, Group, Optimizer, UpdateRule};

use super::config::RunConfig;
use super::datasets::Datasets;
use super::error::TrainError;
use super::metrics::{EpochMetrics, Observer, StepInfo};
use super::model::{evaluate, Model, EVAL_BATCH};
use crate::cli::optimizer::option_error;

/// A model, its optimizer and schedule, and where training stands.
pub struct Trainer {
    /// The run's settings; set `epochs` with [`Trainer::set_epochs`], which checks it.
    pub config: RunConfig,
    /// The network.
    pub model: Model,
    pub(super) params: Parameters,
    pub(super) optimizer: Optimizer<Algorithm>,
    /// Built at the first epoch, when the steps per epoch are known.
    pub(super) scheduler: Option<Scheduler>,
    /// A resumed scheduler's position, restored when it is built.
    pub(super) saved_schedule: Option<std::collections::BTreeMap<String, String>>,
    pub(super) epoch: usize,
    pub(super) step: u64,
    pub(super) history: Vec<EpochMetrics>,
    /// The epochs a schedule that spans the run was laid out over: `config.epochs` at the
    /// first step.
    pub(super) schedule_epochs: usize,
}

impl Trainer {
    /// A fresh run: the network through `input`, the hidden sizes and `classes`, initialized
    /// from `config.seed`, with its optimizer (biases in a group without weight decay with
    /// `no_bias_decay`).
    ///
    /// # Errors
    /// [`TrainError::Config`] naming the option of a bad hyperparameter or schedule.
    pub fn new(config: RunConfig, input: usize, classes: usize) -> Result<Trainer, TrainError> {
        let sizes = config.model.sizes(input, classes);
        Trainer::with_sizes(config, &sizes)
    }

    /// [`Trainer::new`] through given layer sizes (input first), as a checkpoint records them.
    pub(super) fn with_sizes(config: RunConfig, sizes: &[usize]) -> Result<Trainer, TrainError> {
        let config_error = |message: String| TrainError::Config(message);
        if config.batch_size == 0 {
            return Err(config_error("--batch-size: must be at least 1".into()));
        }
        (config.schedule)
            .check(config.warmup.as_ref(), config.epochs)
            .map_err(config_error)?;
        if config.optimizer.lr().is_none() && config.warmup.is_some() {
            let rule = &config.optimizer;
            return Err(config_error(format!(
                "--warmup: {rule} has no learning rate to warm up"
            )));
        }
        let model = Model::new(&config.model, sizes, config.seed);
        let params = model.parameters();
        let rule = config.optimizer.clone();
        let optimizer = if config.no_bias_decay {
            let (biases, weights) = groups::split_by_name(&params, |name| name.ends_with("bias"));
            let mut no_decay = rule.clone();
            set_weight_decay(&mut no_decay, 0.0);
            Optimizer::with_groups(vec![
                Group {
                    params: weights,
                    rule,
                },
                Group {
                    params: biases,
                    rule: no_decay,
                },
            ])
        } else {
            Optimizer::new(params.clone(), rule)
        }
        .map_err(|e| config_error(option_error(&e)))?;
        Ok(Trainer {
            schedule_epochs: config.epochs,
            config,
            model,
            params,
            optimizer,
            scheduler: None,
            saved_schedule: None,
            epoch: 0,
            step: 0,
            history: Vec::new(),
        })
    }

    /// Epochs completed.
    pub fn epochs_done(&self) -> usize {
        self.epoch
    }

    /// Optimizer steps taken.
    pub fn steps_done(&self) -> u64 {
        self.step
    }

    /// The optimizer, with its current learning rate (`Display` lists its hyperparameters).
    pub fn optimizer(&self) -> &Optimizer<Algorithm> {
        &self.optimizer
    }

    /// The parameters (shared handles).
    pub fn parameters(&self) -> &Parameters {
        &self.params
    }

    /// The metrics of every completed epoch (carried over by a resumed run).
    pub fn history(&self) -> &[EpochMetrics] {
        &self.history
    }

    /// Sets the total number of epochs, counting those done (as `train --epochs`).
    ///
    /// # Errors
    /// [`TrainError::Config`] naming `--epochs` when a schedule laid out over the run
    /// (`cosine`, `linear`) has begun and would end anywhere but at its planned epochs.
    pub fn set_epochs(&mut self, epochs: usize) -> Result<(), TrainError> {
        if self.step > 0 {
            let (schedule, planned) = (&self.config.schedule, self.schedule_epochs);
            if let Some(e) = schedule.extension_error(planned, self.epoch, epochs) {
                return Err(TrainError::Config(e));
            }
        } else {
            self.schedule_epochs = epochs;
        }
        self.config.epochs = epochs;
        Ok(())
    }

    /// Trains one epoch, then evaluates on the test set (and validation set, if any).
    ///
    /// # Errors
    /// [`TrainError::NonFinite`] as soon as a batch's loss is NaN or infinite (the weights are
    /// then those before that step), [`TrainError::NonFiniteWeight`] when a step leaves a
    /// weight that is not finite, [`TrainError::Optim`] if the optimizer refuses to step.
    pub fn train_epoch(
        &mut self,
        data: &Datasets,
        observer: &mut dyn Observer,
    ) -> Result<EpochMetrics, TrainError> {
        let (seed, epoch) = (self.config.seed, self.epoch + 1);
        let order = Order::Shuffled {
            seed,
            epoch: self.epoch as u64,
        };
        let batches = (data.train).batches(self.config.batch_size, order, self.config.drop_last);
        let count = batches.len();
        self.start_schedule(count)?;
        observer.epoch_start(epoch, count);
        let first_lr = self.lr();
        self.model.set_training(true);
        let (start, mut hooks) = (Instant::now(), Duration::ZERO);
        let (mut loss_sum, mut seen) = (0.0f64, 0usize);
        for (b, batch) in batches.enumerate() {
            let n = batch.labels.len();
            let x = Tensor::from_array(batch.images.into_dyn()); // moves the batch, no copy
            let labels = batch.labels;
            let lr = self.lr();
            (self.model).set_dropout_step(seed, self.epoch as u64, self.step);
            let (model, params, clip) = (&self.model, &self.params, self.config.clip_grad_norm);
            let mut grad_norm = None;
            let loss = (self.optimizer)
                .step_with_closure(&mut || {
                    params.zero_grad();
                    let loss = model.forward(&x).cross_entropy(&labels);
                    let value = loss.item();
                    // No gradient from a non-finite loss: the step then moves nothing.
                    if value.is_finite() {
                        loss.backward();
                        if let Some(max) = clip {
                            grad_norm = Some(optim::clip_grad_norm(params, max, 2.0));
                        }
                    }
                    value
                })
                .map_err(TrainError::Optim)?;
            self.step += 1;
            if !loss.is_finite() {
                // A loss that was finite at the previous step: did that step break a weight?
                if self.step > 1 {
                    self.check_weights(epoch, self.step - 1, lr)?;
                }
                return Err(TrainError::NonFinite {
                    epoch,
                    step: self.step,
                    batch: b + 1,
                    loss,
                    lr,
                    init: self.config.model.init.to_string(),
                });
            }
            if !self.config.schedule.per_epoch() {
                self.tick(None)?;
            }
            loss_sum += f64::from(loss) * n as f64;
            seen += n;
            let hook_start = Instant::now();
            let info = StepInfo {
                epoch,
                step: self.step,
                batch: b + 1,
                batches: count,
                loss,
                running_loss: loss_sum / seen as f64,
                lr,
                grad_norm,
            };
            observer.step(&info, &mut self.model);
            hooks += hook_start.elapsed();
            if observer.stop_requested() {
                return Err(TrainError::Stopped {
                    epoch,
                    step: self.step,
                });
            }
        }
        let seconds = start.elapsed().saturating_sub(hooks).as_secs_f64();
        // The last step's update is seen by no loss: check it before it is evaluated or saved.
        self.check_weights(epoch, self.step, self.lr())?;
        let train_loss = if seen > 0 {
            loss_sum / seen as f64
        } else {
            f64::NAN
        };
        let test = evaluate(&mut self.model, &data.test, EVAL_BATCH);
        let val = (data.val.as_ref()).map(|v| evaluate(&mut self.model, v, EVAL_BATCH));
        self.epoch = epoch;
        if self.config.schedule.per_epoch() {
            // ReduceLROnPlateau watches the validation loss, else the training loss: never the test set.
            self.tick(Some(val.map_or(train_loss, |v| v.loss) as f32))?;
        }
        let metrics = EpochMetrics {
            epoch,
            step: self.step,
            train_loss,
            test_loss: test.loss,
            test_accuracy: test.accuracy,
            val_accuracy: val.map(|v| v.accuracy),
            val_loss: val.map(|v| v.loss),
            seconds,
            lr: first_lr,
        };
        self.history.push(metrics.clone());
        observer.epoch_end(&metrics);
        Ok(metrics)
    }

    /// The learning rate the next step uses (the first group's; course AdaDelta has none: 1).
    pub fn lr(&self) -> f32 {
        self.optimizer.lr().unwrap_or(1.0)
    }

    /// Builds the scheduler at the first epoch of this process, when the steps per epoch are
    /// known, restoring a resumed run's position.
    fn start_schedule(&mut self, batches: usize) -> Result<(), TrainError> {
        // A rule without λ (AdaDelta's course form) has nothing to schedule.
        if self.scheduler.is_some() || self.optimizer.lr().is_none() {
            return Ok(());
        }
        let (spec, warmup) = (&self.config.schedule, self.config.warmup.as_ref());
        let mut scheduler = spec
            .scheduler(warmup, &mut self.optimizer, batches, self.schedule_epochs)
            .map_err(|e| TrainError::Config(format!("--schedule {spec}: {e}")))?;
        if let Some(saved) = self.saved_schedule.take() {
            scheduler
                .load_metadata(&mut self.optimizer, super::checkpoint::SCHEDULER, &saved)
                .map_err(|e| TrainError::Config(format!("--resume: the schedule: {e}")))?;
        }
        self.scheduler = Some(scheduler);
        Ok(())
    }

    /// One tick of the schedule.
    fn tick(&mut self, metric: Option<f32>) -> Result<(), TrainError> {
        match self.scheduler.as_mut() {
            Some(scheduler) => {
                (scheduler.step(&mut self.optimizer, metric)).map_err(TrainError::Optim)
            }
            None => Ok(()), // a rule without λ
        }
    }

    /// The first parameter element that is NaN or infinite after `step`, as an error.
    fn check_weights(&self, epoch: usize, step: u64, lr: f32) -> Result<(), TrainError> {
        for p in self.params.iter() {
            let value = p.tensor.value();
            if let Some((index, &bad)) = value.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(TrainError::NonFiniteWeight {
                    epoch,
                    step,
                    param: p.name.clone(),
                    index,
                    value: bad,
                    lr,
                });
            }
        }
        Ok(())
    }

    /// Trains from the current epoch up to `config.epochs`. With an output directory, writes
    /// the checkpoint, the weights and the metrics there after every epoch
    /// ([`Trainer::write_outputs`]).
    ///
    /// # Errors
    /// As [`Trainer::train_epoch`] and [`Trainer::set_epochs`] (for `config.epochs` set
    /// directly); [`TrainError::Report`] / [`TrainError::CheckpointFile`] if a file cannot be
    /// written.
    pub fn fit(
        &mut self,
        data: &Datasets,
        observer: &mut dyn Observer,
        out_dir: Option<&Path>,
    ) -> Result<(), TrainError> {
        if self.epoch < self.config.epochs {
            self.set_epochs(self.config.epochs)?;
        }
        while self.epoch < self.config.epochs {
            self.train_epoch(data, observer)?;
            if let Some(dir) = out_dir {
                self.write_outputs(dir)?;
            }
        }
        Ok(())
    }
}

/// Sets the weight decay of whichever optimizer `rule` is.
fn set_weight_decay(rule: &mut Algorithm, wd: f32) {
    match rule {
        Algorithm::Sgd(r) => r.weight_decay = wd,
        Algorithm::Momentum(r) => r.weight_decay = wd,
        Algorithm::Nesterov(r) => r.weight_decay = wd,
        Algorithm::Adagrad(r) => r.weight_decay = wd,
        Algorithm::Adadelta(r) => r.weight_decay = wd,
        Algorithm::Rmsprop(r) => r.weight_decay = wd,
        Algorithm::Adam(r) => r.weight_decay = wd,
    }
}
