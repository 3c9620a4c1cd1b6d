//! Which formulation of an algorithm to follow where the course and PyTorch write it differently.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The course's formula ([`Form::Course`], the default) or `torch.optim`'s ([`Form::PyTorch`]).
///
/// The two give identical results in some settings and different ones in others; each
/// algorithm's file says exactly how they differ. Command lines (`--form pytorch`, as a
/// [`clap::ValueEnum`]) and saved configurations (serde) spell it `course` or `pytorch`.
///
/// ```
/// use optim::Form;
/// assert_eq!("pytorch".parse::<Form>(), Ok(Form::PyTorch));
/// assert_eq!(Form::PyTorch.to_string(), "pytorch");
/// assert_eq!(serde_json::to_string(&Form::Course).unwrap(), "\"course\"");
/// assert!("keras".parse::<Form>().unwrap_err().contains("keras"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    /// The formula of the course (`OPTIMIZERS.md`), the default.
    #[default]
    #[value(name = "course")]
    Course,
    /// The formula of `torch.optim`, to reproduce a PyTorch run.
    #[value(name = "pytorch")]
    PyTorch,
}

impl Form {
    /// Both forms, the course's first.
    pub const ALL: [Form; 2] = [Form::Course, Form::PyTorch];

    /// The spelling on command lines and in saved configurations: `course` or `pytorch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Form::Course => "course",
            Form::PyTorch => "pytorch",
        }
    }

    /// The name in running text: `course` or `PyTorch` (as in "PyTorch form").
    pub fn label(self) -> &'static str {
        match self {
            Form::Course => "course",
            Form::PyTorch => "PyTorch",
        }
    }
}

/// Writes [`Form::as_str`], which [`FromStr`] reads back.
impl fmt::Display for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads `course` or `pytorch`, in any case.
impl FromStr for Form {
    type Err = String;

    fn from_str(s: &str) -> Result<Form, String> {
        Form::ALL
            .into_iter()
            .find(|form| form.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("`{s}` is not a form (expected course or pytorch)"))
    }
}
