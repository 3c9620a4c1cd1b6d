//! `+ - * /` and unary `-` on tensors and numbers, so that `x * x + 5.0 * x` reads as math.
//!
//! Every operator forwards to a named method (`add`, `sub`, `mul`, `div`, `neg`, `add_scalar`,
//! `mul_scalar`, `powf`) for `&Tensor` and `Tensor` operands alike; no operator has a backward of
//! its own.

use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::tensor::Tensor;

/// Implements `lhs OP rhs` for all four owned/borrowed combinations of two tensors.
macro_rules! tensor_tensor {
    ($Trait:ident, $method:ident) => {
        impl $Trait<&Tensor> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                Tensor::$method(self, rhs)
            }
        }
        impl $Trait<Tensor> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: Tensor) -> Tensor {
                Tensor::$method(&self, &rhs)
            }
        }
        impl $Trait<&Tensor> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                Tensor::$method(&self, rhs)
            }
        }
        impl $Trait<Tensor> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: Tensor) -> Tensor {
                Tensor::$method(self, &rhs)
            }
        }
    };
}

tensor_tensor!(Add, add);
tensor_tensor!(Sub, sub);
tensor_tensor!(Mul, mul);
tensor_tensor!(Div, div);

/// Implements `tensor OP number` and `number OP tensor` through a closure on `(&Tensor, f32)`.
macro_rules! tensor_number {
    ($Trait:ident, $method:ident, |$t:ident, $s:ident| $tensor_first:expr, $number_first:expr) => {
        impl $Trait<f32> for &Tensor {
            type Output = Tensor;
            fn $method(self, $s: f32) -> Tensor {
                let $t = self;
                $tensor_first
            }
        }
        impl $Trait<f32> for Tensor {
            type Output = Tensor;
            fn $method(self, $s: f32) -> Tensor {
                let $t = &self;
                $tensor_first
            }
        }
        impl $Trait<&Tensor> for f32 {
            type Output = Tensor;
            fn $method(self, $t: &Tensor) -> Tensor {
                let $s = self;
                $number_first
            }
        }
        impl $Trait<Tensor> for f32 {
            type Output = Tensor;
            fn $method(self, $t: Tensor) -> Tensor {
                let $s = self;
                let $t = &$t;
                $number_first
            }
        }
    };
}

tensor_number!(Add, add, |t, s| t.add_scalar(s), t.add_scalar(s));
tensor_number!(Sub, sub, |t, s| t.add_scalar(-s), t.neg().add_scalar(s));
tensor_number!(Mul, mul, |t, s| t.mul_scalar(s), t.mul_scalar(s));
tensor_number!(
    Div,
    div,
    |t, s| t.mul_scalar(1.0 / s),
    t.powf(-1.0).mul_scalar(s)
);

impl Neg for &Tensor {
    type Output = Tensor;
    fn neg(self) -> Tensor {
        Tensor::neg(self)
    }
}

impl Neg for Tensor {
    type Output = Tensor;
    fn neg(self) -> Tensor {
        Tensor::neg(&self)
    }
}
