//! The error of parsing a named choice (an activation, an initializer) from a string.

use std::fmt;

/// A string that names none of the valid choices; its message lists them.
///
/// ```
/// use nn::Activation;
/// let err = "relu6".parse::<Activation>().unwrap_err();
/// assert!(err.to_string().starts_with("unknown activation `relu6`; expected one of: relu,"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseChoiceError {
    /// What was being parsed (`"activation"`, `"initializer"`).
    pub what: &'static str,
    /// The string that did not parse.
    pub value: String,
    /// The accepted spellings.
    pub valid: &'static [&'static str],
}

impl fmt::Display for ParseChoiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} `{}`; expected one of: {}",
            self.what,
            self.value,
            self.valid.join(", ")
        )
    }
}

impl std::error::Error for ParseChoiceError {}
