//! A saved optimizer state as named tensors and string metadata — the two things a safetensors
//! file holds — so that one checkpoint keeps the model's weights, the optimizer's buffers, its
//! groups' rules and a scheduler's position
//! ([`Scheduler::to_metadata`](crate::scheduler::Scheduler::to_metadata)) side by side, and a
//! hand-written loop resumes exactly:
//!
//! ```
//! use autograd::Tensor;
//! use nn::{mlp, Activation, Init, Module, Sequential};
//! use optim::scheduler::{Scheduler, StepLr};
//! use optim::{Adam, OptimError, Optimizer, OptimizerState};
//! use rand::SeedableRng;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let path = std::env::temp_dir().join(format!("optim-doc-{}.safetensors", std::process::id()));
//! let x = Tensor::from_vec((0..24).map(|i| (i as f32).sin()).collect(), &[6, 4])?;
//! let labels = [0, 1, 2, 0, 1, 2];
//! // The network, optimizer and schedule a run starts from.
//! let fresh = || -> Result<(Sequential, Optimizer<Adam>, Scheduler), OptimError> {
//!     let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
//!     let model = mlp(&[4, 8, 3], Activation::Relu, 0.0, Init::Pytorch, &mut rng);
//!     let mut opt = Optimizer::new(model.parameters(), Adam { lr: 0.01, ..Adam::default() })?;
//!     let sched = Scheduler::new(&mut opt, StepLr::new(2, 0.5)?)?;
//!     Ok((model, opt, sched))
//! };
//! // An epoch of one batch: a step, then the schedule.
//! let epoch = |model: &Sequential, opt: &mut Optimizer<Adam>, sched: &mut Scheduler| {
//!     opt.zero_grad();
//!     model.forward(&x).cross_entropy(&labels).backward();
//!     opt.step()?;
//!     sched.step(opt, None)
//! };
//! let (model, mut opt, mut sched) = fresh()?;
//! for _ in 0..3 {
//!     epoch(&model, &mut opt, &mut sched)?;
//! }
//!
//! // Save weights, optimizer state and schedule position in one file.
//! let mut tensors = nn::parameter_tensors(&model.parameters());
//! let (buffers, mut metadata) = opt.state_dict().to_tensors("optim.");
//! tensors.extend(buffers);
//! metadata.extend(sched.to_metadata("scheduler."));
//! nn::save_tensors(&path, &tensors, metadata)?;
//!
//! // Resume into a fresh network, optimizer and schedule.
//! let (resumed, mut opt2, mut sched2) = fresh()?;
//! let (mut tensors, metadata) = nn::load_tensors(&path)?;
//! let state = OptimizerState::from_tensors("optim.", &mut tensors, &metadata)?;
//! nn::load_parameters(&path, &resumed.parameters(), tensors)?; // the rest: the weights
//! opt2.load_state_dict(&state)?; // buffers, step counts, each group's rule (λ = 0.005)
//! sched2.load_metadata(&mut opt2, "scheduler.", &metadata)?;
//!
//! // Three more epochs each: the resumed run is the uninterrupted one, bit for bit.
//! for _ in 0..3 {
//!     epoch(&model, &mut opt, &mut sched)?;
//!     epoch(&resumed, &mut opt2, &mut sched2)?;
//! }
//! let bits = |m: &Sequential| -> Vec<u32> {
//!     m.parameters().iter().flat_map(|p| p.tensor.to_vec()).map(f32::to_bits).collect()
//! };
//! assert_eq!(bits(&resumed), bits(&model));
//! assert_eq!((opt2.lr(), opt.lr()), (Some(0.00125), Some(0.00125))); // 0.01 · 0.5³ at tick 6
//! # std::fs::remove_file(&path)?;
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;

use ndarray::ArrayD;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::OptimError;
use crate::state::{OptimizerState, SavedGroup};

impl<R: Serialize + DeserializeOwned> OptimizerState<R> {
    /// The state as tensors and string metadata, every name starting with `prefix`:
    ///
    /// | entry | name | value |
    /// |---|---|---|
    /// | each buffer | `<prefix><param>.<slot>` (`optim.0.weight.m`) | the tensor |
    /// | steps taken | `<prefix>step` | `120` |
    /// | the groups | `<prefix>groups` | JSON: `[{"rule":{"lr":0.001,…},"params":["0.weight",…]}]` |
    /// | each counter | `<prefix>scalar.<param>.step` | `120.0` |
    ///
    /// Numbers are written as their shortest exact text (`{:?}`, and serde_json's for the
    /// rules' `f32` fields), so they read back bit for bit.
    #[allow(clippy::type_complexity)] // tensors and metadata, spelled out as `nn` takes them
    pub fn to_tensors(
        &self,
        prefix: &str,
    ) -> (Vec<(String, ArrayD<f32>)>, BTreeMap<String, String>) {
        let tensors = self
            .buffers
            .iter()
            .map(|(name, buffer)| (format!("{prefix}{name}"), buffer.clone()))
            .collect();
        let groups = serde_json::to_string(&self.groups).expect("rules are plain numbers");
        let mut metadata = BTreeMap::from([
            (format!("{prefix}step"), self.step.to_string()),
            (format!("{prefix}groups"), groups),
        ]);
        for (key, value) in &self.scalars {
            metadata.insert(format!("{prefix}scalar.{key}"), format!("{value:?}"));
        }
        (tensors, metadata)
    }

    /// Reads back what [`to_tensors`](OptimizerState::to_tensors) wrote under `prefix`, taking
    /// the optimizer's tensors out of `tensors` so that what is left (a model's weights, say)
    /// can be loaded strictly. Whether the state fits an optimizer is checked by
    /// [`load_state_dict`](crate::Optimizer::load_state_dict). `R` must be the rule type that
    /// saved it (`Adam` for an `Optimizer<Adam>`, `Algorithm` for an `Optimizer<Algorithm>`).
    ///
    /// # Errors
    /// [`OptimError::MissingState`] naming a missing `<prefix>step` or `<prefix>groups`;
    /// [`OptimError::BadMetadata`] for a value that is not a number of its kind;
    /// [`OptimError::BadGroups`] for groups that do not read as rules of type `R`. `tensors` is
    /// left as it was on error.
    pub fn from_tensors(
        prefix: &str,
        tensors: &mut Vec<(String, ArrayD<f32>)>,
        metadata: &BTreeMap<String, String>,
    ) -> Result<OptimizerState<R>, OptimError> {
        let text = |key: &str| {
            let key = format!("{prefix}{key}");
            match metadata.get(&key) {
                Some(value) => Ok((key, value)),
                None => Err(OptimError::MissingState(key)),
            }
        };
        fn parse<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, OptimError> {
            value.parse().map_err(|_| OptimError::BadMetadata {
                key: key.to_string(),
                value: value.to_string(),
            })
        }
        let (step_key, step) = text("step")?;
        let step = parse(&step_key, step)?;
        let (groups_key, groups) = text("groups")?;
        let groups: Vec<SavedGroup<R>> =
            serde_json::from_str(groups).map_err(|e| OptimError::BadGroups {
                key: groups_key,
                reason: e.to_string(),
            })?;
        let scalar_prefix = format!("{prefix}scalar.");
        let mut scalars = BTreeMap::new();
        for (key, value) in metadata.range(scalar_prefix.clone()..) {
            let Some(name) = key.strip_prefix(&scalar_prefix) else {
                break; // sorted: the keys with the prefix come first, together
            };
            scalars.insert(name.to_string(), parse(key, value)?);
        }
        let (ours, rest): (Vec<_>, Vec<_>) = std::mem::take(tensors)
            .into_iter()
            .partition(|(name, _)| name.starts_with(prefix));
        *tensors = rest;
        let buffers = ours
            .into_iter()
            .map(|(name, buffer)| (name[prefix.len()..].to_string(), buffer))
            .collect();
        Ok(OptimizerState {
            step,
            groups,
            buffers,
            scalars,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adam::Adam;
    use ndarray::IxDyn;

    fn state() -> OptimizerState<Adam> {
        let m = ArrayD::from_shape_vec(IxDyn(&[2]), vec![0.1f32, -0.0]).unwrap();
        // λ = 0.1 + 0.2 is not a short decimal in f32: it must still come back exactly.
        let rule = Adam {
            lr: 0.1 + 0.2,
            ..Adam::default()
        };
        OptimizerState {
            step: 7,
            groups: vec![SavedGroup {
                rule,
                params: vec!["0.weight".into()],
            }],
            buffers: vec![("0.weight.m".into(), m.clone()), ("0.weight.v".into(), m)],
            scalars: BTreeMap::from([("0.weight.step".into(), 7.0)]),
        }
    }

    #[test]
    fn round_trips_and_leaves_the_other_tensors() {
        let (buffers, metadata) = state().to_tensors("optim.");
        assert_eq!(metadata["optim.scalar.0.weight.step"], "7.0");
        assert!(metadata["optim.groups"].starts_with(r#"[{"rule":{"lr":0.3,"beta1":0.9,"#));
        let weight = ArrayD::zeros(IxDyn(&[2]));
        let mut tensors = vec![("0.weight".to_string(), weight.clone())];
        tensors.extend(buffers);
        let back = OptimizerState::<Adam>::from_tensors("optim.", &mut tensors, &metadata);
        let back = back.unwrap();
        assert_eq!(back, state());
        assert_eq!(back.groups[0].rule.lr.to_bits(), (0.1f32 + 0.2).to_bits());
        assert_eq!(tensors, vec![("0.weight".to_string(), weight)]);
    }

    #[test]
    fn missing_or_garbled_metadata_is_named() {
        let read = |buffers: &mut Vec<_>, metadata: &BTreeMap<String, String>| {
            OptimizerState::<Adam>::from_tensors("o.", buffers, metadata).unwrap_err()
        };
        let (mut buffers, mut metadata) = state().to_tensors("o.");
        metadata.remove("o.step");
        assert_eq!(
            read(&mut buffers, &metadata),
            OptimError::MissingState("o.step".into())
        );
        assert_eq!(buffers.len(), 2, "nothing taken on error");
        metadata.insert("o.step".into(), "fast".into());
        let err = read(&mut buffers, &metadata).to_string();
        assert!(err.contains("`o.step` = `fast`"), "{err}");
        metadata.insert("o.step".into(), "7".into());
        metadata.insert(
            "o.groups".into(),
            r#"[{"rule":{"lr":0.1},"params":[]}]"#.into(),
        );
        let err = read(&mut buffers, &metadata).to_string();
        assert!(err.starts_with("metadata `o.groups` does not hold") && err.contains("beta1"));
    }
}
