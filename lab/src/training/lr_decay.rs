//! The per-step learning-rate decay of `train` (`--lr-decay`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A learning rate that decays at every step from λ0 to 0 over the whole run — per step, not
/// per epoch like a schedule, so it also helps a one-epoch run. A function of the step alone,
/// so a resumed run needs no state for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LrDecay {
    /// λ0 throughout (or the per-epoch schedule's λ).
    #[default]
    None,
    /// Half a cosine: `λ_s = λ0 · (1 + cos(π s / S)) / 2` before step `s` of `S` (0-based).
    Cosine,
    /// A straight line: `λ_s = λ0 · (1 − s / S)`.
    Linear,
}

impl LrDecay {
    /// The three, by their names `none`, `cosine`, `linear`.
    pub const ALL: [LrDecay; 3] = [LrDecay::None, LrDecay::Cosine, LrDecay::Linear];

    /// The rate before step `step` (0-based) of `total`, from `base`.
    ///
    /// ```
    /// use lab::training::LrDecay;
    /// assert_eq!(LrDecay::Cosine.at(0.1, 0, 4), 0.1);
    /// assert!((LrDecay::Cosine.at(0.1, 2, 4) - 0.05).abs() < 1e-9); // cos(π/2) = 0
    /// assert!((LrDecay::Linear.at(0.1, 3, 4) - 0.025).abs() < 1e-9);
    /// ```
    pub fn at(self, base: f64, step: u64, total: u64) -> f64 {
        let done = if total == 0 {
            0.0
        } else {
            (step as f64 / total as f64).min(1.0)
        };
        match self {
            LrDecay::None => base,
            LrDecay::Cosine => base * 0.5 * (1.0 + (std::f64::consts::PI * done).cos()),
            LrDecay::Linear => base * (1.0 - done),
        }
    }

    /// Why a run whose decay spans `planned` epochs, `done` of them trained, cannot be
    /// continued to `epochs` in all; `None` if it can. The curve is fixed by its first step, so
    /// a decayed run only finishes its planned epochs: stretching it would send λ back up
    /// mid-curve, and past its end λ is 0 and training would change nothing.
    ///
    /// ```
    /// use lab::training::LrDecay;
    /// assert_eq!(LrDecay::Cosine.extension_error(4, 1, 4), None);
    /// assert_eq!(LrDecay::None.extension_error(2, 2, 3), None);
    /// assert!(LrDecay::Cosine.extension_error(2, 2, 3).unwrap().contains("brought λ to 0"));
    /// ```
    pub fn extension_error(self, planned: usize, done: usize, epochs: usize) -> Option<String> {
        if self == LrDecay::None || (epochs == planned && done < planned) {
            return None;
        }
        let over = if planned == 1 {
            "its 1 planned epoch".to_string()
        } else {
            format!("its {planned} planned epochs")
        };
        Some(if done >= planned {
            let longer = if epochs > planned {
                format!("--epochs {epochs}")
            } else {
                "more --epochs".to_string()
            };
            format!(
                "--epochs {epochs}: the run's --lr-decay {self} brought λ to 0 over {over}, all \
                 done, and a resumed run keeps its decay; to train longer, start a new run \
                 with {longer}"
            )
        } else {
            format!(
                "--epochs {epochs}: the run's --lr-decay {self} brings λ to 0 over {over} ({done} \
                 done), and a resumed run keeps its decay; pass --epochs {planned} to finish it, \
                 or start a new run"
            )
        })
    }

    /// `none`, `cosine` or `linear`.
    pub fn as_str(self) -> &'static str {
        match self {
            LrDecay::None => "none",
            LrDecay::Cosine => "cosine",
            LrDecay::Linear => "linear",
        }
    }
}

/// Writes [`LrDecay::as_str`], which [`FromStr`] reads back.
impl fmt::Display for LrDecay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads `none`, `cosine` or `linear`, in any case.
///
/// ```
/// use lab::training::LrDecay;
/// assert_eq!("Cosine".parse::<LrDecay>(), Ok(LrDecay::Cosine));
/// assert!("step".parse::<LrDecay>().unwrap_err().contains("step"));
/// ```
impl FromStr for LrDecay {
    type Err = String;

    fn from_str(s: &str) -> Result<LrDecay, String> {
        LrDecay::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("`{s}` is not a decay (expected none, cosine or linear)"))
    }
}
