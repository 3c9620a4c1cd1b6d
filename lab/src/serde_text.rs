//! Serde through the text form: a value saved as the string it is written as on the command
//! line (`"relu"`, `"leaky_relu:0.1"`, `"step:2:0.5"`), so checkpoints and metrics files read
//! like the options that made them. Used as `#[serde(with = "text")]` by the command-line groups
//! and the run configuration alike.

use std::fmt::Display;
use std::str::FromStr;

use serde::Deserialize;

/// Serde through `Display` / `FromStr`, for types whose text form is their command-line form.
pub mod text {
    use super::*;

    /// Writes `value` as its text.
    pub fn serialize<T: Display, S: serde::Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    /// Reads the text back, with the type's own parse error.
    pub fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: serde::Deserializer<'de>,
    {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// [`text`] for an `Option`.
pub mod opt_text {
    use super::*;

    /// Writes the value as its text, `None` as null.
    pub fn serialize<T: Display, S: serde::Serializer>(
        value: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    /// Reads the text back (null as `None`), with the type's own parse error.
    pub fn deserialize<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: serde::Deserializer<'de>,
    {
        match Option::<String>::deserialize(d)? {
            Some(s) => s.parse().map(Some).map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}
