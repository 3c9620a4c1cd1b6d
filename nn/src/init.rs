//! Weight initializers, as `torch.nn.init`, and [`Init`], the choice of a scheme by name.
//!
//! Every function overwrites a tensor's value in place, drawing from the caller's generator
//! (so a seed fixes the result). Fans are computed as PyTorch does: for a weight of shape
//! `[out, in, k₁, k₂, …]` the receptive field is `r = k₁·k₂·…` (1 for a `Linear`), and
//!
//! ```text
//!   fan_in = in · r          fan_out = out · r
//! ```
//!
//! | function          | distribution   | parameter                                |
//! |-------------------|----------------|------------------------------------------|
//! | `xavier_uniform`  | `U(−a, a)`     | `a = gain · √(6 / (fan_in + fan_out))`   |
//! | `xavier_normal`   | `N(0, σ²)`     | `σ = gain · √(2 / (fan_in + fan_out))`   |
//! | `kaiming_uniform` | `U(−a, a)`     | `a = gain · √(3 / fan)`                  |
//! | `kaiming_normal`  | `N(0, σ²)`     | `σ = gain / √fan`                        |
//!
//! where `fan` is `fan_in` or `fan_out` ([`FanMode`]) and `gain` comes from
//! [`crate::Activation::gain`] (PyTorch's `calculate_gain`). Both uniform bounds are chosen so
//! the variance `a²/3` equals the normal one's `σ²`.

use std::fmt;
use std::str::FromStr;

use autograd::Tensor;
use rand::Rng;
use rand_distr::{Distribution, Normal, Uniform};

use crate::linear::Linear;
use crate::module::Module;
use crate::parse::ParseChoiceError;

/// Which fan Kaiming initialization preserves: `FanIn` keeps the forward activations'
/// variance, `FanOut` the backward gradients' (PyTorch's `mode='fan_in'` / `'fan_out'`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FanMode {
    /// `fan = fan_in` (PyTorch's default).
    #[default]
    FanIn,
    /// `fan = fan_out`.
    FanOut,
}

/// `(fan_in, fan_out)` of a weight shape `[out, in, k…]`, as PyTorch's
/// `_calculate_fan_in_and_fan_out`.
///
/// # Panics
/// If the shape has fewer than 2 dimensions (a bias has no fan-out); the message names it.
///
/// ```
/// assert_eq!(nn::init::fans(&[512, 784]), (784, 512));
/// assert_eq!(nn::init::fans(&[8, 3, 5, 5]), (75, 200)); // a convolution kernel
/// ```
#[track_caller]
pub fn fans(shape: &[usize]) -> (usize, usize) {
    assert!(
        shape.len() >= 2,
        "init: fan in and fan out need a tensor of at least 2 dimensions, got shape {shape:?}"
    );
    let receptive: usize = shape[2..].iter().product();
    (shape[1] * receptive, shape[0] * receptive)
}

/// Fills with `0`.
pub fn zeros(t: &Tensor) {
    constant(t, 0.0);
}

/// Fills with `value`.
pub fn constant(t: &Tensor, value: f32) {
    t.value_mut().fill(value);
}

/// Fills with draws from `U(a, b)` (`[a, b)`; all `a` when `a == b`).
///
/// # Panics
/// If `a > b` or a bound is not finite.
#[track_caller]
pub fn uniform<R: Rng + ?Sized>(t: &Tensor, a: f32, b: f32, rng: &mut R) {
    assert!(
        a.is_finite() && b.is_finite() && a <= b,
        "init::uniform: invalid range [{a}, {b})"
    );
    if a == b {
        return constant(t, a);
    }
    let dist = Uniform::new(a, b).expect("a < b, both finite");
    t.value_mut().iter_mut().for_each(|v| *v = dist.sample(rng));
}

/// Fills with draws from `N(mean, std²)`.
///
/// # Panics
/// If `std` is negative or a parameter is not finite.
#[track_caller]
pub fn normal<R: Rng + ?Sized>(t: &Tensor, mean: f32, std: f32, rng: &mut R) {
    assert!(
        mean.is_finite() && std.is_finite() && std >= 0.0,
        "init::normal: invalid mean {mean} or standard deviation {std}"
    );
    let dist = Normal::new(mean, std).expect("std ≥ 0, both finite");
    t.value_mut().iter_mut().for_each(|v| *v = dist.sample(rng));
}

/// Glorot/Xavier uniform: `U(−a, a)`, `a = gain · √(6 / (fan_in + fan_out))`.
///
/// # Panics
/// If the tensor has fewer than 2 dimensions.
#[track_caller]
pub fn xavier_uniform<R: Rng + ?Sized>(t: &Tensor, gain: f32, rng: &mut R) {
    let (fan_in, fan_out) = fans(&t.shape());
    let bound = gain * (6.0 / (fan_in + fan_out) as f32).sqrt();
    uniform(t, -bound, bound, rng);
}

/// Glorot/Xavier normal: `N(0, σ²)`, `σ = gain · √(2 / (fan_in + fan_out))`.
///
/// # Panics
/// If the tensor has fewer than 2 dimensions.
#[track_caller]
pub fn xavier_normal<R: Rng + ?Sized>(t: &Tensor, gain: f32, rng: &mut R) {
    let (fan_in, fan_out) = fans(&t.shape());
    let std = gain * (2.0 / (fan_in + fan_out) as f32).sqrt();
    normal(t, 0.0, std, rng);
}

/// The fan a [`FanMode`] selects.
#[track_caller]
fn fan(t: &Tensor, mode: FanMode) -> f32 {
    let (fan_in, fan_out) = fans(&t.shape());
    match mode {
        FanMode::FanIn => fan_in as f32,
        FanMode::FanOut => fan_out as f32,
    }
}

/// He/Kaiming uniform: `U(−a, a)`, `a = gain · √(3 / fan)`.
///
/// # Panics
/// If the tensor has fewer than 2 dimensions.
#[track_caller]
pub fn kaiming_uniform<R: Rng + ?Sized>(t: &Tensor, mode: FanMode, gain: f32, rng: &mut R) {
    let bound = gain * (3.0 / fan(t, mode)).sqrt();
    uniform(t, -bound, bound, rng);
}

/// He/Kaiming normal: `N(0, σ²)`, `σ = gain / √fan`.
///
/// # Panics
/// If the tensor has fewer than 2 dimensions.
#[track_caller]
pub fn kaiming_normal<R: Rng + ?Sized>(t: &Tensor, mode: FanMode, gain: f32, rng: &mut R) {
    let std = gain / fan(t, mode).sqrt();
    normal(t, 0.0, std, rng);
}

/// An initialization scheme for every [`Linear`] layer of a model, chosen by name.
///
/// | name              | weight                                   | bias                  |
/// |-------------------|------------------------------------------|-----------------------|
/// | `pytorch`         | `U(±1/√in)` (`nn.Linear` default)        | `U(±1/√in)`           |
/// | `xavier-uniform`  | [`xavier_uniform`] with the gain         | 0                     |
/// | `xavier-normal`   | [`xavier_normal`] with the gain          | 0                     |
/// | `kaiming-uniform` | [`kaiming_uniform`], fan_in, the gain    | 0                     |
/// | `kaiming-normal`  | [`kaiming_normal`], fan_in, the gain     | 0                     |
/// | `normal[:σ]`      | `N(0, σ²)`, σ = 0.01 by default          | 0                     |
/// | `zeros`           | 0 (every unit stays identical: symmetry) | 0                     |
///
/// The gain is the activation's ([`crate::Activation::gain`]), as `torch.nn.init`'s docs
/// recommend; `_` works in place of `-`.
///
/// ```
/// use nn::Init;
/// assert_eq!("kaiming_normal".parse::<Init>().unwrap(), Init::KaimingNormal);
/// assert_eq!(Init::default().to_string(), "pytorch");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Init {
    /// PyTorch's `nn.Linear` default.
    #[default]
    Pytorch,
    /// Glorot uniform weights, zero bias.
    XavierUniform,
    /// Glorot normal weights, zero bias.
    XavierNormal,
    /// He uniform weights (fan_in), zero bias.
    KaimingUniform,
    /// He normal weights (fan_in), zero bias.
    KaimingNormal,
    /// `N(0, σ²)` weights with this σ, zero bias.
    Normal(f32),
    /// All zeros.
    Zeros,
}

/// The spellings [`Init::from_str`] accepts.
const INIT_NAMES: &[&str] = &[
    "pytorch",
    "xavier-uniform",
    "xavier-normal",
    "kaiming-uniform",
    "kaiming-normal",
    "normal[:std]",
    "zeros",
];

impl Init {
    /// Re-initializes one layer's weight and bias in place.
    pub fn init_linear<R: Rng + ?Sized>(&self, layer: &Linear, gain: f32, rng: &mut R) {
        let w = &layer.weight;
        match *self {
            Init::Pytorch => return layer.reset_parameters(rng),
            Init::XavierUniform => xavier_uniform(w, gain, rng),
            Init::XavierNormal => xavier_normal(w, gain, rng),
            Init::KaimingUniform => kaiming_uniform(w, FanMode::FanIn, gain, rng),
            Init::KaimingNormal => kaiming_normal(w, FanMode::FanIn, gain, rng),
            Init::Normal(std) => normal(w, 0.0, std, rng),
            Init::Zeros => zeros(w),
        }
        if let Some(b) = &layer.bias {
            zeros(b);
        }
    }

    /// Re-initializes every [`Linear`] layer of `model`, in order.
    pub fn apply<R: Rng + ?Sized>(&self, model: &dyn Module, gain: f32, rng: &mut R) {
        model.visit_linear(&mut |layer| self.init_linear(layer, gain, rng));
    }
}

/// Why a string is not an [`Init`]: a name that is none of the schemes, or `normal:σ` with a σ
/// that is not a standard deviation.
///
/// ```
/// let err = "normal:-1".parse::<nn::Init>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "`normal:-1`: the standard deviation -1 must be a finite number >= 0"
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ParseInitError {
    /// No scheme has this name; the message lists the names.
    Unknown(ParseChoiceError),
    /// `normal:σ` whose σ is negative, infinite, NaN or not a number.
    BadStd {
        /// The whole string (`"normal:-1"`).
        text: String,
        /// The text after `normal:` (`"-1"`).
        std: String,
    },
}

impl fmt::Display for ParseInitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseInitError::Unknown(e) => e.fmt(f),
            ParseInitError::BadStd { text, std } => write!(
                f,
                "`{text}`: the standard deviation {std} must be a finite number >= 0"
            ),
        }
    }
}

impl std::error::Error for ParseInitError {}

impl FromStr for Init {
    type Err = ParseInitError;

    /// # Errors
    /// [`ParseInitError::Unknown`] naming the string and listing the valid names;
    /// [`ParseInitError::BadStd`] for a `normal:σ` whose σ is not a finite number ≥ 0.
    fn from_str(s: &str) -> Result<Init, ParseInitError> {
        let name = s.to_ascii_lowercase().replace('_', "-");
        let init = match name.as_str() {
            "pytorch" | "default" => Init::Pytorch,
            "xavier-uniform" | "glorot-uniform" => Init::XavierUniform,
            "xavier-normal" | "glorot-normal" => Init::XavierNormal,
            "kaiming-uniform" | "he-uniform" => Init::KaimingUniform,
            "kaiming-normal" | "he-normal" => Init::KaimingNormal,
            "normal" => Init::Normal(0.01),
            "zeros" => Init::Zeros,
            other => match other.strip_prefix("normal:") {
                Some(std) => match std.trim().parse::<f32>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => Init::Normal(v),
                    _ => {
                        return Err(ParseInitError::BadStd {
                            text: s.to_string(),
                            std: s[s.len() - std.len()..].to_string(),
                        })
                    }
                },
                None => {
                    return Err(ParseInitError::Unknown(ParseChoiceError {
                        what: "initializer",
                        value: s.to_string(),
                        valid: INIT_NAMES,
                    }))
                }
            },
        };
        Ok(init)
    }
}

/// Prints the name [`Init::from_str`] reads back.
impl fmt::Display for Init {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Init::Pytorch => write!(f, "pytorch"),
            Init::XavierUniform => write!(f, "xavier-uniform"),
            Init::XavierNormal => write!(f, "xavier-normal"),
            Init::KaimingUniform => write!(f, "kaiming-uniform"),
            Init::KaimingNormal => write!(f, "kaiming-normal"),
            // Debug is the shortest text that reads back, in exponent form when long (1e30).
            Init::Normal(std) => write!(f, "normal:{std:?}"),
            Init::Zeros => write!(f, "zeros"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// (min, max, mean, std) of the values, in f64.
    fn stats(t: &Tensor) -> (f64, f64, f64, f64) {
        let v: Vec<f64> = t.to_vec().into_iter().map(f64::from).collect();
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let std = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (min, max, mean, std)
    }

    fn close(actual: f64, expected: f64, rel: f64) -> bool {
        (actual - expected).abs() <= rel * expected.abs()
    }

    fn rng() -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(11)
    }

    // A [300, 200] weight: fan_in = 200, fan_out = 300 — 60 000 draws, so an empirical std is
    // within ~0.3 % (normal) of the true one; 2 % tolerances cannot fail by chance.
    const SHAPE: [usize; 2] = [300, 200];

    #[test]
    fn constant_and_zeros() {
        let t = Tensor::ones(&[3, 2]);
        constant(&t, 0.25);
        assert_eq!(t.to_vec(), vec![0.25; 6]);
        zeros(&t);
        assert_eq!(t.to_vec(), vec![0.0; 6]);
    }

    #[test]
    fn uniform_and_normal_moments() {
        let t = Tensor::zeros(&SHAPE);
        uniform(&t, -1.0, 3.0, &mut rng());
        let (min, max, mean, std) = stats(&t);
        // U(−1, 3): mean 1, std 4/√12 = 1.154701.
        assert!(min >= -1.0 && max < 3.0);
        assert!(
            (mean - 1.0).abs() < 0.02 && close(std, 1.154_701, 0.02),
            "{mean} {std}"
        );
        normal(&t, 2.0, 0.5, &mut rng());
        let (_, _, mean, std) = stats(&t);
        assert!(
            (mean - 2.0).abs() < 0.01 && close(std, 0.5, 0.02),
            "{mean} {std}"
        );
    }

    #[test]
    fn xavier_bounds_and_std() {
        let t = Tensor::zeros(&SHAPE);
        // gain 2: a = 2·√(6/500) = 0.219089, std a/√3 = 0.126491.
        xavier_uniform(&t, 2.0, &mut rng());
        let (min, max, mean, std) = stats(&t);
        assert!(min >= -0.219_089 && max <= 0.219_089 && max > 0.21);
        assert!(mean.abs() < 0.002 && close(std, 0.126_491, 0.02), "{std}");
        // σ = 2·√(2/500) = 0.126491 as well (same variance by design).
        xavier_normal(&t, 2.0, &mut rng());
        let (_, _, mean, std) = stats(&t);
        assert!(mean.abs() < 0.002 && close(std, 0.126_491, 0.02), "{std}");
    }

    #[test]
    fn kaiming_fan_in_and_fan_out_differ_as_expected() {
        let t = Tensor::zeros(&SHAPE);
        let relu = 2f32.sqrt();
        // fan_in 200: a = √2·√(3/200) = 0.173205, std a/√3 = √2/√200 = 0.1.
        kaiming_uniform(&t, FanMode::FanIn, relu, &mut rng());
        let (min, max, _, std) = stats(&t);
        assert!(min >= -0.173_206 && max <= 0.173_206 && max > 0.17);
        assert!(close(std, 0.1, 0.02), "{std}");
        // fan_out 300: a = √2·√(3/300) = 0.141421, std √2/√300 = 0.081650.
        kaiming_uniform(&t, FanMode::FanOut, relu, &mut rng());
        let (min, max, _, std) = stats(&t);
        assert!(min >= -0.141_422 && max <= 0.141_422 && max > 0.14);
        assert!(close(std, 0.081_650, 0.02), "{std}");
        // Normal versions: σ = gain/√fan, the same two values.
        kaiming_normal(&t, FanMode::FanIn, relu, &mut rng());
        assert!(close(stats(&t).3, 0.1, 0.02));
        kaiming_normal(&t, FanMode::FanOut, relu, &mut rng());
        assert!(close(stats(&t).3, 0.081_650, 0.02));
    }

    #[test]
    fn fans_follow_pytorch() {
        assert_eq!(fans(&[512, 784]), (784, 512));
        // Conv2d(3 → 8, 5×5): receptive field 25, fan_in 3·25, fan_out 8·25.
        assert_eq!(fans(&[8, 3, 5, 5]), (75, 200));
    }

    #[test]
    #[should_panic(expected = "at least 2 dimensions, got shape [5]")]
    fn fans_reject_a_vector() {
        xavier_uniform(&Tensor::zeros(&[5]), 1.0, &mut rng());
    }

    #[test]
    fn same_seed_same_values() {
        let (a, b) = (Tensor::zeros(&[10, 10]), Tensor::zeros(&[10, 10]));
        kaiming_normal(&a, FanMode::FanIn, 1.0, &mut rng());
        kaiming_normal(&b, FanMode::FanIn, 1.0, &mut rng());
        assert_eq!(a.to_vec(), b.to_vec());
    }

    #[test]
    fn init_parses_and_applies_to_linear_layers() {
        for name in [
            "pytorch",
            "xavier-uniform",
            "xavier-normal",
            "kaiming-uniform",
            "kaiming-normal",
            "zeros",
        ] {
            assert_eq!(name.parse::<Init>().unwrap().to_string(), name);
        }
        assert_eq!("normal:0.05".parse::<Init>().unwrap(), Init::Normal(0.05));
        assert_eq!(
            "Xavier_Uniform".parse::<Init>().unwrap(),
            Init::XavierUniform
        );
        let err = "lecun".parse::<Init>().unwrap_err().to_string();
        assert!(
            err.starts_with(
                "unknown initializer `lecun`; expected one of: pytorch, xavier-uniform"
            ),
            "{err}"
        );
        for (bad, std) in [
            ("normal:-1", "-1"),
            ("Normal:NaN", "NaN"),
            ("normal:x", "x"),
        ] {
            assert_eq!(
                bad.parse::<Init>(),
                Err(ParseInitError::BadStd {
                    text: bad.to_string(),
                    std: std.to_string()
                })
            );
        }

        let layer = Linear::new(200, 300, &mut rng());
        Init::KaimingUniform.apply(&layer, 2f32.sqrt(), &mut rng());
        assert!(close(stats(&layer.weight).3, 0.1, 0.02)); // √2/√200, as above
        assert_eq!(layer.bias.as_ref().unwrap().to_vec(), vec![0.0; 300]);
    }
}
