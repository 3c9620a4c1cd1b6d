//! # nn — layers, activations, losses, initializers and checkpoints on top of `autograd`
//!
//! A model is a [`Module`]: a forward pass plus named parameters. Names follow PyTorch's
//! `state_dict` keys (`0.weight`, `0.bias`, `2.weight`, …), so [`save_weights`] writes a
//! safetensors file that `torch.nn.Sequential(...).load_state_dict` accepts as is, and back.
//!
//! ```
//! use autograd::Tensor;
//! use nn::{cross_entropy, mlp, Activation, Init, Module};
//! use rand::SeedableRng;
//!
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
//! // Linear(784, 512), ReLU, Linear(512, 512), ReLU, Linear(512, 10), as in PyTorch.
//! let model = mlp(&[784, 512, 512, 10], Activation::Relu, 0.0, Init::Pytorch, &mut rng);
//! let params = model.parameters(); // what an optimizer walks
//!
//! let x = Tensor::randn(&[32, 784], 0.0, 1.0, &mut rng);
//! let labels: Vec<usize> = (0..32).map(|i| i % 10).collect();
//! let loss = cross_entropy(&model.forward(&x), &labels);
//! loss.backward();
//! assert_eq!(params.get("0.weight").unwrap().grad().unwrap().shape(), &[512, 784]);
//! println!("{model}"); // layers, shapes, 669706 parameters
//! ```
//!
//! Where to read: `module.rs` (the trait), `linear.rs`, `activation.rs`, `dropout.rs`,
//! `sequential.rs`, `mlp.rs` (layers and how they are named), `init.rs` (initializers and
//! their formulas), `loss.rs`, `checkpoint.rs` (safetensors I/O, atomic saves).

mod activation;
mod checkpoint;
mod dropout;
pub mod hooks;
pub mod init;
mod linear;
mod loss;
mod mlp;
mod module;
mod parse;
mod sequential;

pub use activation::{Activation, LeakyReLU, ReLU, Sigmoid, Softplus, Tanh, ELU, GELU};
pub use checkpoint::{
    load_parameters, load_tensors, load_weights, parameter_tensors, save_tensors, save_weights,
    save_weights_with_metadata, CheckpointError, ShapeMismatch, FORMAT_KEY, FORMAT_VERSION,
    HEADER_SHA256, TENSORS_SHA256,
};
pub use dropout::{Dropout, DropoutKey};
pub use hooks::{ForwardCall, ForwardHookHandle};
pub use init::{FanMode, Init};
pub use linear::Linear;
pub use loss::{cross_entropy, mse_loss, nll_loss};
pub use mlp::{mlp, mlp_keyed};
pub use module::Module;
pub use parse::ParseChoiceError;
pub use sequential::Sequential;
