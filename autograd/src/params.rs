//! The parameter registry: every trainable tensor of a model, with a stable name and an id.
//!
//! Models (`nn`) fill it; optimizers (`optim`) walk it and key their per-parameter state by
//! [`ParamId`]. It lives here, below both, so neither crate depends on the other. Names follow
//! PyTorch's `state_dict` keys (`0.weight`, `0.bias`, `2.weight`, …) so checkpoints line up.

use crate::tensor::Tensor;

/// Position of a parameter in its registry: stable for a given model architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamId(pub usize);

/// One trainable tensor and its name.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Position in the registry.
    pub id: ParamId,
    /// PyTorch-style dotted name, e.g. `"0.weight"`.
    pub name: String,
    /// The tensor (a leaf that requires a gradient); cloning it shares the value.
    pub tensor: Tensor,
}

/// An ordered list of named parameters.
///
/// ```
/// use autograd::{Parameters, Tensor};
/// let mut params = Parameters::new();
/// params.push("0.weight", Tensor::zeros(&[3, 2]).requires_grad());
/// assert_eq!(params.get("0.weight").unwrap().shape(), vec![3, 2]);
/// assert_eq!(params.count_elements(), 6);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Parameters {
    items: Vec<Parameter>,
}

impl Parameters {
    /// An empty registry.
    pub fn new() -> Parameters {
        Parameters::default()
    }

    /// Adds a parameter; its id is its position.
    ///
    /// # Panics
    /// If the name is already taken.
    #[track_caller]
    pub fn push(&mut self, name: impl Into<String>, tensor: Tensor) -> ParamId {
        let name = name.into();
        assert!(
            self.get(&name).is_none(),
            "Parameters::push: duplicate parameter name `{name}`"
        );
        let id = ParamId(self.items.len());
        self.items.push(Parameter { id, name, tensor });
        id
    }

    /// The parameters in registration order.
    pub fn iter(&self) -> std::slice::Iter<'_, Parameter> {
        self.items.iter()
    }

    /// Number of parameters (tensors, not elements).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when no parameter was registered.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Total number of scalar elements over all parameters.
    pub fn count_elements(&self) -> usize {
        self.items.iter().map(|p| p.tensor.len()).sum()
    }

    /// The tensor registered under `name`.
    pub fn get(&self, name: &str) -> Option<&Tensor> {
        self.items
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.tensor)
    }

    /// Clears every parameter's gradient.
    pub fn zero_grad(&self) {
        for p in &self.items {
            p.tensor.zero_grad();
        }
    }
}

impl<'a> IntoIterator for &'a Parameters {
    type Item = &'a Parameter;
    type IntoIter = std::slice::Iter<'a, Parameter>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}
