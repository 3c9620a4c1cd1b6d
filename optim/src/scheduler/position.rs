//! Saving and restoring a scheduler's position, so that a resumed run continues bit for bit.
//!
//! | schedule | keys of [`Scheduler::state`] |
//! |---|---|
//! | closed form | `ticks`, `base.0`, `base.1`, … (each group's base value) |
//! | plateau | `ticks`, `lr.0`, `lr.1`, …, `num_bad_epochs`, `cooldown_counter`, `best` (once a metric was seen) |

use std::collections::BTreeMap;

use super::driver::{set_all, Kind, Scheduler};
use super::plateau::Plateau;
use crate::error::OptimError;
use crate::optimizer::Optimizer;
use crate::rule::UpdateRule;

impl Scheduler {
    /// The position: tick count, base values, and the plateau's counters, to save in a
    /// checkpoint.
    pub fn state(&self) -> BTreeMap<String, f64> {
        let mut state = BTreeMap::from([("ticks".to_string(), self.ticks as f64)]);
        match &self.kind {
            Kind::Closed(_) => {
                for (i, base) in self.bases.iter().enumerate() {
                    state.insert(format!("base.{i}"), *base);
                }
            }
            Kind::Plateau(p) => {
                for (i, lr) in p.lrs.iter().enumerate() {
                    state.insert(format!("lr.{i}"), *lr);
                }
                state.insert("num_bad_epochs".into(), p.num_bad_epochs as f64);
                state.insert("cooldown_counter".into(), p.cooldown_counter as f64);
                if p.best.is_finite() {
                    state.insert("best".into(), p.best); // ±∞, not yet seen, is left out
                }
            }
        }
        state
    }

    /// Restores a position saved by [`Scheduler::state`] of the same kind of schedule, and sets
    /// the value there in every group of `opt` (the one a restored optimizer state holds
    /// already, when both come from the same checkpoint).
    ///
    /// # Errors
    /// [`OptimError::SchedulerState`] for a missing or unknown key, a counter that is not a
    /// non-negative integer, or a rate that is negative or not finite; as
    /// [`Scheduler::step`] if `opt` does not take the values. Nothing changes on error.
    pub fn load_state<R: UpdateRule>(
        &mut self,
        opt: &mut Optimizer<R>,
        state: &BTreeMap<String, f64>,
    ) -> Result<(), OptimError> {
        let who = self.name();
        let n = self.bases.len();
        let numbered = |key: &'static str| (0..n).map(move |i| format!("{key}.{i}"));
        let rates = |key: &'static str| -> Result<Vec<f64>, OptimError> {
            numbered(key).map(|k| rate(state, &k, who)).collect()
        };
        let ticks = counter(state, "ticks", who)?;
        let (bases, plateau) = match &self.kind {
            Kind::Closed(_) => {
                check_keys(state, numbered("base").chain(["ticks".into()]), who)?;
                (rates("base")?, None)
            }
            Kind::Plateau(p) => {
                let fixed = ["ticks", "num_bad_epochs", "cooldown_counter", "best"];
                check_keys(state, numbered("lr").chain(fixed.map(String::from)), who)?;
                let best = state.get("best").copied();
                let best = best.unwrap_or(Plateau::worst(p.config.mode));
                if best.is_nan() {
                    return Err(state_error(who, "`best` is NaN".into()));
                }
                let plateau = Plateau {
                    lrs: rates("lr")?,
                    best,
                    num_bad_epochs: counter(state, "num_bad_epochs", who)?,
                    cooldown_counter: counter(state, "cooldown_counter", who)?,
                    ..p.clone()
                };
                (self.bases.clone(), Some(plateau))
            }
        };
        // The values there: the closed form's from the restored bases, or the plateau's rates.
        let values = match (&self.kind, &plateau) {
            (Kind::Closed(s), _) => bases.iter().map(|&base| s.value(base, ticks)).collect(),
            (Kind::Plateau(_), Some(p)) => p.lrs.clone(),
            (Kind::Plateau(_), None) => unreachable!("a plateau restores its rates"),
        };
        set_all(opt, self.target, &values, who)?;
        (self.bases, self.ticks) = (bases, ticks);
        if let (Kind::Plateau(p), Some(restored)) = (&mut self.kind, plateau) {
            *p = restored;
        }
        Ok(())
    }

    /// [`Scheduler::state`] as string metadata for a checkpoint file: `<prefix><key>` = the
    /// value's shortest exact text (`{:?}`), e.g. `scheduler.ticks` = `3.0`, and
    /// `<prefix>schedule` = the schedule's name, `<prefix>target` = `lr` or `momentum`.
    pub fn to_metadata(&self, prefix: &str) -> BTreeMap<String, String> {
        let mut metadata: BTreeMap<String, String> = self
            .state()
            .into_iter()
            .map(|(key, value)| (format!("{prefix}{key}"), format!("{value:?}")))
            .collect();
        metadata.insert(format!("{prefix}schedule"), self.name().to_string());
        metadata.insert(format!("{prefix}target"), self.target.as_str().to_string());
        metadata
    }

    /// Restores the position [`Scheduler::to_metadata`] saved under `prefix` (other keys of
    /// `metadata` are ignored), as [`Scheduler::load_state`] does. The numbers come back bit
    /// for bit, so the schedule continues exactly.
    ///
    /// # Errors
    /// [`OptimError::SchedulerState`] if another schedule or target saved it;
    /// [`OptimError::BadMetadata`] for a value that is not a number; otherwise as
    /// [`Scheduler::load_state`].
    pub fn load_metadata<R: UpdateRule>(
        &mut self,
        opt: &mut Optimizer<R>,
        prefix: &str,
        metadata: &BTreeMap<String, String>,
    ) -> Result<(), OptimError> {
        let who = self.name();
        let text = |key: &str| metadata.get(&format!("{prefix}{key}")).map(String::as_str);
        let saved = (text("schedule"), text("target"));
        if saved != (Some(who), Some(self.target.as_str())) {
            let found = format!("{:?} on {:?}", saved.0, saved.1);
            let reason = format!("saved for {found}, but this is {who} on {:?}", self.target);
            return Err(state_error(who, reason));
        }
        let mut state = BTreeMap::new();
        for (key, text) in metadata.range(prefix.to_string()..) {
            let Some(name) = key.strip_prefix(prefix) else {
                break; // sorted: the keys with the prefix come first, together
            };
            if name == "schedule" || name == "target" {
                continue;
            }
            let value = text.parse().map_err(|_| OptimError::BadMetadata {
                key: key.clone(),
                value: text.clone(),
            })?;
            state.insert(name.to_string(), value);
        }
        self.load_state(opt, &state)
    }
}

/// An [`OptimError::SchedulerState`]: `who` cannot restore a saved position, for `reason`.
fn state_error(who: &'static str, reason: String) -> OptimError {
    OptimError::SchedulerState {
        scheduler: who,
        reason,
    }
}

/// Checks that `state` has exactly the keys `keys` (unknown ones are refused, so that one kind
/// of schedule cannot silently restore another; missing ones are found when read).
fn check_keys(
    state: &BTreeMap<String, f64>,
    keys: impl Iterator<Item = String>,
    who: &'static str,
) -> Result<(), OptimError> {
    let keys: Vec<String> = keys.collect();
    match state.keys().find(|k| !keys.contains(k)) {
        Some(k) => Err(state_error(
            who,
            format!("unknown key `{k}` (expected {keys:?})"),
        )),
        None => Ok(()),
    }
}

/// A required key's value.
fn get(state: &BTreeMap<String, f64>, key: &str, who: &'static str) -> Result<f64, OptimError> {
    let missing = || state_error(who, format!("missing key `{key}`"));
    state.get(key).copied().ok_or_else(missing)
}

/// A required non-negative integer counter.
fn counter(
    state: &BTreeMap<String, f64>,
    key: &str,
    who: &'static str,
) -> Result<usize, OptimError> {
    let v = get(state, key, who)?;
    if !(v >= 0.0 && v.fract() == 0.0 && v <= u32::MAX as f64) {
        let reason = format!("`{key}` = {v} is not a non-negative integer");
        return Err(state_error(who, reason));
    }
    Ok(v as usize)
}

/// A required rate: finite and ≥ 0.
fn rate(state: &BTreeMap<String, f64>, key: &str, who: &'static str) -> Result<f64, OptimError> {
    let v = get(state, key, who)?;
    if !(v.is_finite() && v >= 0.0) {
        return Err(state_error(
            who,
            format!("`{key}` = {v} is not a finite rate >= 0"),
        ));
    }
    Ok(v)
}
