//! Which command-line option sets each optimizer hyperparameter, so that an optimizer's error
//! names the option the user typed (`--lr: adam: lr = -1 must be finite and >= 0`) wherever the
//! optimizer is built: from the command line's groups, from a run's configuration, in a path on
//! a surface.

use optim::OptimError;

/// The command-line option that sets the hyperparameter `what` of an [`OptimError`].
fn option_of(what: &str) -> &'static str {
    match what.split_whitespace().next().unwrap_or("") {
        "lr" => "--lr",
        "momentum" => "--momentum",
        "gamma" | "rho" | "alpha" => "--rho",
        "beta1" => "--beta1",
        "beta2" => "--beta2",
        "eps" => "--eps",
        "weight_decay" => "--weight-decay",
        _ => "--optimizer",
    }
}

/// Formats an optimizer error as `--option: message`; an option the optimizer has no use for
/// is named with the options it does take (`--beta1: does not apply to --optimizer sgd (it
/// takes --lr, --weight-decay)`).
pub fn option_error(e: &OptimError) -> String {
    match e {
        OptimError::InvalidHyperparameter { what, .. } => format!("{}: {e}", option_of(what)),
        OptimError::NotUsed {
            optimizer,
            what,
            uses,
        } => {
            let options: Vec<&str> = uses
                .iter()
                .map(|u| option_of(u))
                .filter(|o| *o != "--optimizer")
                .collect();
            format!(
                "{}: does not apply to --optimizer {optimizer} (it takes {})",
                option_of(what),
                options.join(", ")
            )
        }
        _ => format!("--optimizer: {e}"),
    }
}
