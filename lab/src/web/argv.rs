//! A request as a command line: the page's parameters (`lr=0.05`, `hidden=128,64`) become the
//! options of `trajectories` or `train` (`--lr=0.05`, `--hidden=128,64`), which that program's
//! own parser then checks, so that the page and the terminal get the same messages.
//!
//! ```
//! use lab::web::{request_argv, Params};
//! let params = Params::from([("function".into(), "beale".into()), ("lr".into(), "5e-2".into())]);
//! let argv = request_argv("trajectories", &params, &["function", "lr"], &[]).unwrap();
//! let words = ["trajectories", "--function=beale", "--lr=5e-2"];
//! assert_eq!(argv, words.map(std::ffi::OsString::from));
//! let unknown = Params::from([("out".into(), "/etc/passwd".into())]);
//! assert!(request_argv("trajectories", &unknown, &["lr"], &[]).unwrap_err().contains("`out`"));
//! ```

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::sync::OnceLock;

use clap::error::ErrorKind;
use clap::Command;
use optim::Algorithm;

use crate::cli::{optimizer, ParseError};

/// A request's parameters by name (the option's id: `lr`, `batch_size`), in a fixed order so
/// that the same settings make the same command line.
pub type Params = BTreeMap<String, String>;

/// The command line `program --KEY=VALUE …` of `params`.
///
/// Only the names in `allowed` are taken: the page never reaches the options that write files
/// or read other data. A name in `flags` is a switch: `true` gives `--KEY`, `false` or nothing
/// leaves it out.
///
/// # Errors
/// A one-line message naming a parameter that is not among `allowed`.
pub fn request_argv(
    program: &str,
    params: &Params,
    allowed: &[&str],
    flags: &[&str],
) -> Result<Vec<OsString>, String> {
    let mut argv = vec![OsString::from(program)];
    for (key, value) in params {
        if !allowed.contains(&key.as_str()) {
            return Err(format!(
                "`{key}` is not a setting the lab takes (it takes {})",
                allowed.join(", ")
            ));
        }
        let option = format!("--{}", key.replace('_', "-"));
        if flags.contains(&key.as_str()) {
            match value.as_str() {
                "true" => argv.push(option.into()),
                "false" | "" => {}
                other => argv.push(format!("{option}={other}").into()),
            }
        } else {
            argv.push(format!("{option}={value}").into());
        }
    }
    Ok(argv)
}

/// The message a program prints for a command line it refused (without `error: `): its own
/// line, or the clearer one of [`optimizer::explain`], or clap's message on one line.
pub fn parse_message(error: ParseError, argv: &[OsString]) -> String {
    match error {
        ParseError::Bad(message) => message,
        ParseError::Clap(e) => {
            if let Some(message) = optimizer::explain(&e, argv, "adam") {
                return message;
            }
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                return "help is the terminal's: run the program with --help".to_string();
            }
            // clap's message is its lines up to the first blank one (the usage follows).
            let text = e.render().to_string();
            let lines: Vec<&str> = (text.lines())
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            let message = lines.join(" ");
            message
                .strip_prefix("error: ")
                .unwrap_or(&message)
                .to_string()
        }
    }
}

/// The ids of every optimizer's own options (`lr`, `beta1`, `form`, …), and those of them that
/// are switches (`decoupled_weight_decay`): what a request may set of an optimizer.
pub fn optimizer_options() -> &'static (Vec<String>, Vec<String>) {
    static OPTIONS: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let (mut options, mut flags) = (Vec::new(), Vec::new());
        for name in Algorithm::NAMES {
            let argv = ["options", "--optimizer", name].map(OsString::from);
            let command = optimizer::with_optimizer(Command::new("options"), &argv, "adam");
            for arg in command.get_arguments() {
                let id = arg.get_id().to_string();
                if id == "optimizer" || options.contains(&id) {
                    continue;
                }
                if !arg.get_action().takes_values() {
                    flags.push(id.clone());
                }
                options.push(id);
            }
        }
        (options, flags)
    })
}

/// `base` and every optimizer's options, as the `allowed` of [`request_argv`].
pub fn with_optimizer_options(base: &[&'static str]) -> Vec<&'static str> {
    let (options, _) = optimizer_options();
    let mut all: Vec<&'static str> = base.to_vec();
    all.extend(options.iter().map(String::as_str));
    all
}

/// The switches among every optimizer's options, as the `flags` of [`request_argv`].
pub fn optimizer_flags() -> Vec<&'static str> {
    optimizer_options().1.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_optimizer_option_is_known_and_the_switches_are_switches() {
        let (options, flags) = optimizer_options();
        for id in ["lr", "momentum", "gamma", "beta1", "beta2", "eps", "form"] {
            assert!(options.contains(&id.to_string()), "{id} in {options:?}");
        }
        assert!(flags.contains(&"decoupled_weight_decay".to_string()));
        assert!(!flags.contains(&"lr".to_string()));
    }

    #[test]
    fn a_switch_is_given_or_left_out_and_values_keep_their_sign() {
        let params = Params::from([
            ("decoupled_weight_decay".to_string(), "false".to_string()),
            ("eps_inside_sqrt".to_string(), "true".to_string()),
            ("start".to_string(), "-1,2".to_string()),
        ]);
        let allowed = ["decoupled_weight_decay", "eps_inside_sqrt", "start"];
        let flags = ["decoupled_weight_decay", "eps_inside_sqrt"];
        let argv = request_argv("t", &params, &allowed, &flags).unwrap();
        assert_eq!(
            argv,
            ["t", "--eps-inside-sqrt", "--start=-1,2"].map(OsString::from)
        );
    }
}
