//! The optimizer on the command line: `--optimizer NAME` chooses one of `optim`'s structs, and
//! the options after it are that struct's own fields (`--lr`, `--beta1`, …, with its documented
//! defaults): clap parses straight into `optim::Adam`, nothing mirrors its fields, and an option
//! of another optimizer (`--beta1` with `--optimizer sgd`) is refused, naming the options this
//! one takes, because its struct has no such field.
//!
//! ```
//! use clap::Command;
//! use lab::cli::optimizer;
//! let args = ["train", "--optimizer", "sgd", "--lr", "0.05"].map(Into::into);
//! let command = optimizer::with_optimizer(Command::new("train"), &args, "adam");
//! let matches = command.try_get_matches_from(&args).unwrap();
//! let sgd = optimizer::optimizer_from(&matches, |_| None).unwrap();
//! assert_eq!(sgd.to_string(), "sgd (lr 0.05, weight decay 0)");
//!
//! let args = ["train", "--optimizer", "sgd", "--beta1", "0.8"].map(Into::into);
//! let command = optimizer::with_optimizer(Command::new("train"), &args, "adam");
//! let error = command.try_get_matches_from(&args).unwrap_err();
//! assert_eq!(
//!     optimizer::explain(&error, &args, "adam").unwrap(),
//!     "--beta1: does not apply to --optimizer sgd (it takes --lr, --weight-decay)"
//! );
//! ```

use std::ffi::OsString;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{Arg, ArgMatches, Args, Command, FromArgMatches};
use optim::{
    AdaDelta, AdaGrad, Adam, Algorithm, Form, Momentum, Nesterov, OptimError, RmsProp, Sgd,
    UpdateRule,
};

/// The `--optimizer` option: every name and alias, each listed in `--help` with what it is.
fn optimizer_arg(default: &'static str) -> Arg {
    let values = Algorithm::NAMES.iter().map(|&name| {
        let algorithm = Algorithm::defaults(name, Form::Course).expect("a name of the list");
        let aliases = (Algorithm::ALIASES.iter())
            .filter(|(_, of)| *of == name)
            .map(|(alias, _)| *alias);
        PossibleValue::new(name)
            .aliases(aliases)
            .help(algorithm.summary())
    });
    Arg::new("optimizer")
        .long("optimizer")
        .value_name("NAME")
        .default_value(default)
        .ignore_case(true)
        .value_parser(PossibleValuesParser::new(values))
        .help("The optimizer; the options below it are that optimizer's own (see --optimizer NAME --help)")
        .help_heading("Optimizer")
}

/// The canonical name of `name` (an alias or any case), or `name` itself if it is unknown.
fn canonical(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    (Algorithm::ALIASES.iter())
        .find(|(alias, _)| *alias == lower)
        .map_or(lower.clone(), |(_, of)| of.to_string())
}

/// The optimizer that `args` (a whole command line, program name first) choose with
/// `--optimizer` (the last one, as clap keeps), else `default`; canonical.
fn chosen(args: &[OsString], default: &str) -> String {
    let mut name = default.to_string();
    let mut words = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        } else if word == "--optimizer" {
            if let Some(value) = words.next() {
                name = value;
            }
        } else if let Some(value) = word.strip_prefix("--optimizer=") {
            name = value.to_string();
        }
    }
    canonical(&name)
}

/// `command` with `--optimizer` and the options of the optimizer that `args` choose (default
/// `default`): the fields of its `optim` struct, under the heading "Optimizer".
pub fn with_optimizer(command: Command, args: &[OsString], default: &'static str) -> Command {
    let name = chosen(args, default);
    // The optimizer struct's doc comment would become the program's description.
    let (about, long_about) = (
        command.get_about().cloned(),
        command.get_long_about().cloned(),
    );
    let command = command
        .arg(optimizer_arg(default))
        .next_help_heading("Optimizer");
    // `--lr -0.5` reaches the optimizer, which refuses it naming the value.
    let command = augment(&name, command).mut_args(|arg| {
        if arg.get_action().takes_values() {
            arg.allow_negative_numbers(true)
        } else {
            arg
        }
    });
    match (about, long_about) {
        (Some(about), Some(long)) => command.about(about).long_about(long),
        (Some(about), None) => command.about(about).long_about(None::<&str>),
        (None, _) => command.about(None::<&str>).long_about(None::<&str>),
    }
}

/// `command` with the options of the optimizer `name` (canonical); unchanged for an unknown
/// name, which `--optimizer`'s own parser then refuses.
fn augment(name: &str, command: Command) -> Command {
    match name {
        "sgd" => Sgd::augment_args(command),
        "momentum" => Momentum::augment_args(command),
        "nesterov" => Nesterov::augment_args(command),
        "adagrad" => AdaGrad::augment_args(command),
        "adadelta" => AdaDelta::augment_args(command),
        "rmsprop" => RmsProp::augment_args(command),
        "adam" | "adamw" => Adam::augment_args(command),
        _ => command,
    }
}

/// The options the optimizer `name` (canonical) takes: `--lr`, `--weight-decay`, ….
pub fn options_of(name: &str) -> Vec<String> {
    let options = augment(name, Command::new("options"));
    (options.get_arguments())
        .filter_map(|arg| arg.get_long().map(|long| format!("--{long}")))
        .collect()
}

/// The optimizer that the parsed `matches` describe: its struct with the options given and
/// its defaults for the rest; when `--lr` was not given, the rate `start_lr` chooses for it
/// (the one the experiments start from), if any.
///
/// # Errors
/// A one-line message naming the option of a value the optimizer refuses
/// (`--beta1: adam: beta1 = 1.2 is outside [0, 1)`), or `--lr` for AdaDelta's course form.
pub fn optimizer_from(
    matches: &ArgMatches,
    start_lr: impl Fn(&Algorithm) -> Option<f32>,
) -> Result<Algorithm, String> {
    let name = matches
        .get_one::<String>("optimizer")
        .map_or("adam".to_string(), |n| canonical(n));
    let read = |e: clap::Error| e.to_string();
    let mut algorithm = match name.as_str() {
        "sgd" => Sgd::from_arg_matches(matches).map(Algorithm::from),
        "momentum" => Momentum::from_arg_matches(matches).map(Algorithm::from),
        "nesterov" => Nesterov::from_arg_matches(matches).map(Algorithm::from),
        "adagrad" => AdaGrad::from_arg_matches(matches).map(Algorithm::from),
        "adadelta" => AdaDelta::from_arg_matches(matches).map(Algorithm::from),
        "rmsprop" => RmsProp::from_arg_matches(matches).map(Algorithm::from),
        "adam" => Adam::from_arg_matches(matches).map(Algorithm::from),
        "adamw" => Adam::from_arg_matches(matches).map(|adam| {
            let given = |id| matches.value_source(id) == Some(ValueSource::CommandLine);
            let decay = if given("weight_decay") {
                adam.weight_decay
            } else {
                Adam::adamw().weight_decay
            };
            Algorithm::from(Adam {
                decoupled_weight_decay: true,
                weight_decay: decay,
                ..adam
            })
        }),
        other => unreachable!("`--optimizer` accepts only the names above, not `{other}`"),
    }
    .map_err(read)?;
    if matches.value_source("lr") != Some(ValueSource::CommandLine) {
        if let Some(lr) = start_lr(&algorithm) {
            algorithm.set_lr(lr);
        }
    }
    algorithm.validate().map_err(|e| option_error(&e))?;
    Ok(algorithm)
}

/// A clearer message for a parse error of a command line that chose an optimizer: an option
/// that belongs to another optimizer is named with the options this one takes. `None` when
/// clap's own message says it best.
pub fn explain(error: &clap::Error, args: &[OsString], default: &str) -> Option<String> {
    if error.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(given)) = error.get(ContextKind::InvalidArg) else {
        return None;
    };
    let option = given.split('=').next().unwrap_or(given);
    let elsewhere = Algorithm::NAMES
        .iter()
        .any(|name| options_of(name).iter().any(|o| o == option));
    if !elsewhere {
        return None;
    }
    let name = chosen(args, default);
    let takes = options_of(&name);
    Some(if option == "--form" {
        format!(
            "--form: does not apply to --optimizer {name}, whose course and PyTorch forms are \
             the same (it takes {})",
            takes.join(", ")
        )
    } else {
        format!(
            "{option}: does not apply to --optimizer {name} (it takes {})",
            takes.join(", ")
        )
    })
}

/// Formats an optimizer error as `--option: message`, naming the option of the field it is
/// about (`--beta1: adam: beta1 = 1.2 is outside [0, 1)`), `--lr` for a learning rate a form
/// does not have, and `--optimizer` otherwise.
pub fn option_error(e: &OptimError) -> String {
    match e {
        OptimError::InvalidHyperparameter { what, .. } => {
            format!("--{}: {e}", what.replace('_', "-"))
        }
        OptimError::NotInForm { .. } => format!("--lr: {e}"),
        _ => format!("--optimizer: {e}"),
    }
}
