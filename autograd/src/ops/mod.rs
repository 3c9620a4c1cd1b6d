//! The ops, one file each: the `Tensor` method (forward) and its `Op` (backward) side by side,
//! with a value-and-gradient test at the bottom.
//!
//! **Primitive** ops have a backward of their own. **Composite** ops are written with other
//! ops and get their gradient for free; their file says so.

// arithmetic
mod add;
mod div;
mod mul;
mod neg;
mod operators;
mod pow;
mod scalar;
mod sub;

// element-wise functions
mod abs;
mod clamp;
mod exp;
mod log;
mod sqrt;

// activations
mod elu;
mod gelu;
mod leaky_relu;
mod relu;
mod sigmoid;
mod softplus;
mod tanh;

// shapes and reductions
mod linear;
mod matmul;
mod max;
mod mean;
mod reshape;
mod sum;
mod transpose;

// probabilities and losses
mod cross_entropy;
mod gather;
mod log_softmax;
mod mse;
mod softmax;
