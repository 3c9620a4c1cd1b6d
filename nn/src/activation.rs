//! Activation layers (`ReLU`, `LeakyReLU`, `ELU`, `Sigmoid`, `Tanh`, `GELU`, `Softplus`) and
//! [`Activation`], the choice of one by name with its initialization gain.
//!
//! Each layer is a thin [`Module`] over the autograd op of the same name, so its formula and
//! derivative are documented once, in `autograd/src/ops/<name>.rs`. Names print as PyTorch's
//! `repr` does, so a model summary reads the same in both.

use std::fmt;
use std::str::FromStr;

use autograd::Tensor;

use crate::module::Module;
use crate::parse::ParseChoiceError;

/// `max(x, 0)`, PyTorch's `nn.ReLU`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReLU;

/// `x` for `x > 0`, else `negative_slope · x`, PyTorch's `nn.LeakyReLU` (default slope 0.01).
#[derive(Debug, Clone, Copy)]
pub struct LeakyReLU {
    /// Slope for negative inputs.
    pub negative_slope: f32,
}

/// `x` for `x > 0`, else `alpha · (eˣ − 1)`, PyTorch's `nn.ELU` (default `alpha` 1).
#[derive(Debug, Clone, Copy)]
pub struct ELU {
    /// Value approached as `x → −∞` is `−alpha`.
    pub alpha: f32,
}

/// `1 / (1 + e⁻ˣ)`, PyTorch's `nn.Sigmoid`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sigmoid;

/// `tanh x`, PyTorch's `nn.Tanh`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tanh;

/// `x · Φ(x)` with the exact normal CDF, PyTorch's `nn.GELU()` (`approximate='none'`).
#[derive(Debug, Clone, Copy, Default)]
pub struct GELU;

/// `ln(1 + eˣ)` (`x` above 20), PyTorch's `nn.Softplus()` with `beta=1, threshold=20`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Softplus;

impl Default for LeakyReLU {
    fn default() -> Self {
        LeakyReLU {
            negative_slope: 0.01,
        }
    }
}

impl Default for ELU {
    fn default() -> Self {
        ELU { alpha: 1.0 }
    }
}

/// Implements [`Module`] for a parameterless activation: its forward and its printed name.
macro_rules! activation_module {
    ($Type:ty, |$s:ident, $x:ident| $forward:expr, |$n:ident| $name:expr) => {
        impl Module for $Type {
            fn forward(&self, $x: &Tensor) -> Tensor {
                let $s = self;
                $forward
            }
            fn name(&self) -> String {
                let $n = self;
                $name
            }
        }
    };
}

activation_module!(ReLU, |_s, x| x.relu(), |_n| "ReLU()".into());
activation_module!(
    LeakyReLU,
    |s, x| x.leaky_relu(s.negative_slope),
    |n| format!(
        "LeakyReLU(negative_slope={})",
        python_float(n.negative_slope)
    )
);
activation_module!(ELU, |s, x| x.elu(s.alpha), |n| format!(
    "ELU(alpha={})",
    python_float(n.alpha)
));
activation_module!(Sigmoid, |_s, x| x.sigmoid(), |_n| "Sigmoid()".into());
activation_module!(Tanh, |_s, x| x.tanh(), |_n| "Tanh()".into());
activation_module!(GELU, |_s, x| x.gelu(), |_n| "GELU(approximate='none')"
    .into());
activation_module!(Softplus, |_s, x| x.softplus(), |_n| {
    "Softplus(beta=1.0, threshold=20.0)".into()
});

/// Formats a float as Python's `repr` does for simple values (`1.0`, not `1`).
fn python_float(v: f32) -> String {
    if v.fract() == 0.0 && v.is_finite() {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}

/// An activation function chosen by name, e.g. from a command line.
///
/// Parses from `relu`, `leaky_relu`, `elu`, `sigmoid`, `tanh`, `gelu`, `softplus`; `leaky_relu`
/// and `elu` take their parameter after a colon (`leaky_relu:0.2`, `elu:0.5`), else PyTorch's
/// default (0.01, 1.0).
///
/// ```
/// use nn::Activation;
/// let act: Activation = "leaky_relu".parse().unwrap();
/// assert_eq!(act, Activation::LeakyRelu(0.01));
/// assert_eq!(act.module().name(), "LeakyReLU(negative_slope=0.01)");
/// assert!((Activation::Relu.gain() - 2f32.sqrt()).abs() < 1e-7);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Activation {
    /// [`ReLU`].
    #[default]
    Relu,
    /// [`LeakyReLU`] with this negative slope.
    LeakyRelu(f32),
    /// [`ELU`] with this alpha.
    Elu(f32),
    /// [`Sigmoid`].
    Sigmoid,
    /// [`Tanh`].
    Tanh,
    /// [`GELU`].
    Gelu,
    /// [`Softplus`].
    Softplus,
}

/// The spellings [`Activation::from_str`] accepts.
const ACTIVATION_NAMES: &[&str] = &[
    "relu",
    "leaky_relu",
    "elu",
    "sigmoid",
    "tanh",
    "gelu",
    "softplus",
];

impl Activation {
    /// The layer computing this function.
    pub fn module(&self) -> Box<dyn Module> {
        match *self {
            Activation::Relu => Box::new(ReLU),
            Activation::LeakyRelu(negative_slope) => Box::new(LeakyReLU { negative_slope }),
            Activation::Elu(alpha) => Box::new(ELU { alpha }),
            Activation::Sigmoid => Box::new(Sigmoid),
            Activation::Tanh => Box::new(Tanh),
            Activation::Gelu => Box::new(GELU),
            Activation::Softplus => Box::new(Softplus),
        }
    }

    /// The recommended initialization gain, as `torch.nn.init.calculate_gain`:
    /// ReLU `√2`; leaky ReLU `√(2 / (1 + slope²))`; tanh `5/3`; sigmoid `1`.
    /// PyTorch has no gain for ELU, GELU and softplus; this returns `1` for them.
    pub fn gain(&self) -> f32 {
        match *self {
            Activation::Relu => 2f32.sqrt(),
            Activation::LeakyRelu(slope) => (2.0 / (1.0 + slope * slope)).sqrt(),
            Activation::Tanh => 5.0 / 3.0,
            Activation::Sigmoid | Activation::Elu(_) | Activation::Gelu | Activation::Softplus => {
                1.0
            }
        }
    }
}

impl FromStr for Activation {
    type Err = ParseChoiceError;

    /// # Errors
    /// A [`ParseChoiceError`] naming the string and listing the valid names, also for a
    /// parameter that is not a finite number.
    fn from_str(s: &str) -> Result<Activation, ParseChoiceError> {
        let err = || ParseChoiceError {
            what: "activation",
            value: s.to_string(),
            valid: ACTIVATION_NAMES,
        };
        let (name, arg) = match s.split_once(':') {
            Some((name, arg)) => (
                name,
                Some(
                    arg.parse::<f32>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .ok_or_else(err)?,
                ),
            ),
            None => (s, None),
        };
        let act = match (name.to_ascii_lowercase().as_str(), arg) {
            ("relu", None) => Activation::Relu,
            ("leaky_relu", slope) => Activation::LeakyRelu(slope.unwrap_or(0.01)),
            ("elu", alpha) => Activation::Elu(alpha.unwrap_or(1.0)),
            ("sigmoid", None) => Activation::Sigmoid,
            ("tanh", None) => Activation::Tanh,
            ("gelu", None) => Activation::Gelu,
            ("softplus", None) => Activation::Softplus,
            _ => return Err(err()),
        };
        Ok(act)
    }
}

/// Prints the name [`Activation::from_str`] reads back (`leaky_relu:0.2` for a non-default slope).
impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Activation::Relu => write!(f, "relu"),
            Activation::LeakyRelu(0.01) => write!(f, "leaky_relu"),
            Activation::LeakyRelu(s) => write!(f, "leaky_relu:{s:?}"),
            Activation::Elu(1.0) => write!(f, "elu"),
            Activation::Elu(a) => write!(f, "elu:{a:?}"),
            Activation::Sigmoid => write!(f, "sigmoid"),
            Activation::Tanh => write!(f, "tanh"),
            Activation::Gelu => write!(f, "gelu"),
            Activation::Softplus => write!(f, "softplus"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_name_and_round_trips_display() {
        for &name in ACTIVATION_NAMES {
            let act: Activation = name.parse().unwrap();
            assert_eq!(act.to_string(), name);
        }
        assert_eq!(
            "leaky_relu:0.2".parse::<Activation>().unwrap(),
            Activation::LeakyRelu(0.2)
        );
        assert_eq!(
            "ELU:0.5".parse::<Activation>().unwrap(),
            Activation::Elu(0.5)
        );
        assert_eq!(Activation::LeakyRelu(0.2).to_string(), "leaky_relu:0.2");
    }

    #[test]
    fn bad_names_list_the_valid_ones() {
        let err = "swish".parse::<Activation>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown activation `swish`; expected one of: relu, leaky_relu, elu, sigmoid, tanh, gelu, softplus"
        );
        assert!("relu:2".parse::<Activation>().is_err());
        assert!("leaky_relu:abc".parse::<Activation>().is_err());
        assert!("elu:inf".parse::<Activation>().is_err());
    }

    #[test]
    fn gains_match_calculate_gain() {
        // torch.nn.init.calculate_gain: relu √2 = 1.414214; tanh 5/3 = 1.666667;
        // leaky_relu(0.01) √(2/1.0001) = 1.414143; leaky_relu(0.2) √(2/1.04) = 1.386750.
        assert!((Activation::Relu.gain() - std::f32::consts::SQRT_2).abs() < 1e-6);
        assert!((Activation::Tanh.gain() - 1.666_667).abs() < 1e-6);
        assert!((Activation::LeakyRelu(0.01).gain() - 1.414_143).abs() < 1e-6);
        assert!((Activation::LeakyRelu(0.2).gain() - 1.386_75).abs() < 1e-6);
        assert_eq!(Activation::Sigmoid.gain(), 1.0);
    }

    #[test]
    fn modules_compute_their_function() {
        let x = Tensor::from_vec(vec![-2.0, 0.5], &[1, 2]).unwrap();
        let run = |a: &str| {
            Activation::from_str(a)
                .unwrap()
                .module()
                .forward(&x)
                .to_vec()
        };
        // relu: [0, 0.5]; leaky(0.01): [-0.02, 0.5]; elu(1): [e⁻² − 1, 0.5] = [-0.864665, 0.5];
        // sigmoid(0.5) = 1/(1+e^-0.5) = 0.622459; tanh(-2) = -0.964028.
        assert_eq!(run("relu"), vec![0.0, 0.5]);
        assert_eq!(run("leaky_relu"), vec![-0.02, 0.5]);
        assert!((run("elu")[0] + 0.864_665).abs() < 1e-6);
        assert!((run("sigmoid")[1] - 0.622_459).abs() < 1e-6);
        assert!((run("tanh")[0] + 0.964_028).abs() < 1e-6);
        // gelu(0.5) = 0.5·Φ(0.5) = 0.5·0.691462 = 0.345731; softplus(0.5) = ln(1 + e^0.5) = 0.974077.
        assert!((run("gelu")[1] - 0.345_731).abs() < 1e-5);
        assert!((run("softplus")[1] - 0.974_077).abs() < 1e-6);
    }

    #[test]
    fn names_print_as_pytorch() {
        assert_eq!(ReLU.name(), "ReLU()");
        assert_eq!(
            LeakyReLU::default().name(),
            "LeakyReLU(negative_slope=0.01)"
        );
        assert_eq!(ELU::default().name(), "ELU(alpha=1.0)");
        assert_eq!(Activation::Gelu.module().name(), "GELU(approximate='none')");
    }
}
