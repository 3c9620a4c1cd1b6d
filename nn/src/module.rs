//! The [`Module`] trait: anything with a forward pass and, maybe, named parameters.
//!
//! A layer says how it maps an input batch to an output batch ([`Module::forward`]) and lists
//! its trainable tensors ([`Module::visit_parameters`]). Everything else — the parameter
//! registry an optimizer walks, the names a checkpoint uses — is built from those two.
//!
//! Parameter names follow PyTorch's `state_dict` keys: a module names its own tensors
//! (`weight`, `bias`) after the `prefix` it is given, and a container hands each child the
//! prefix `"{its prefix}{index}."`. So the first `Linear` of a `Sequential` owns `0.weight` and
//! `0.bias`, exactly as in `torch.nn.Sequential(...).state_dict()`.

use autograd::{Parameters, Tensor};

use crate::linear::Linear;

/// A layer or a model: a forward pass plus named trainable tensors.
///
/// Only [`Module::forward`] and [`Module::name`] must be written; a layer without parameters
/// (an activation) keeps the empty default of [`Module::visit_parameters`].
///
/// ```
/// use autograd::Tensor;
/// use nn::Module;
///
/// /// `y = 2x`, a module with no parameters.
/// struct Double;
/// impl Module for Double {
///     fn forward(&self, x: &Tensor) -> Tensor {
///         x * 2.0
///     }
///     fn name(&self) -> String {
///         "Double()".into()
///     }
/// }
///
/// let y = Double.forward(&Tensor::from_vec(vec![1.0, -3.0], &[1, 2]).unwrap());
/// assert_eq!(y.to_vec(), vec![2.0, -6.0]);
/// assert!(Double.parameters().is_empty());
/// ```
pub trait Module {
    /// Maps an input batch to an output batch, recording the graph for `backward()`.
    ///
    /// # Panics
    /// If `x` does not have the shape the module takes; the panic names the caller's line,
    /// through every container (`#[track_caller]` here, so a `dyn Module` call keeps it too).
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor;

    /// Calls `f(name, tensor)` for each trainable tensor, in a fixed order, with
    /// `name = prefix + local name` (`prefix` is `""` or ends in `.`, e.g. `"2."`).
    fn visit_parameters(&self, _prefix: &str, _f: &mut dyn FnMut(&str, &Tensor)) {}

    /// Switches between training (`true`, dropout active) and evaluation (`false`) behaviour,
    /// PyTorch's `model.train()` / `model.eval()`. Containers pass it on to every child.
    fn set_training(&mut self, _training: bool) {}

    /// Calls `f` on every [`Linear`] layer inside (itself included), so an initializer can be
    /// applied to all of them. Containers pass it on to every child.
    fn visit_linear(&self, _f: &mut dyn FnMut(&Linear)) {}

    /// The parameter registry of this module, in [`Module::visit_parameters`] order.
    ///
    /// The tensors are shared handles: an optimizer updating the registry updates the model.
    fn parameters(&self) -> Parameters {
        let mut params = Parameters::new();
        self.visit_parameters("", &mut |name, tensor| {
            params.push(name, tensor.clone());
        });
        params
    }

    /// A one-line description as PyTorch prints it, e.g. `Linear(in_features=2, out_features=3, bias=True)`.
    fn name(&self) -> String;
}

/// A boxed module is a module, so `Sequential` can hold `Box<dyn Module>` from
/// [`crate::Activation::module`] as easily as a concrete layer.
impl<M: Module + ?Sized> Module for Box<M> {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        (**self).forward(x)
    }
    fn visit_parameters(&self, prefix: &str, f: &mut dyn FnMut(&str, &Tensor)) {
        (**self).visit_parameters(prefix, f)
    }
    fn set_training(&mut self, training: bool) {
        (**self).set_training(training)
    }
    fn visit_linear(&self, f: &mut dyn FnMut(&Linear)) {
        (**self).visit_linear(f)
    }
    fn name(&self) -> String {
        (**self).name()
    }
}
