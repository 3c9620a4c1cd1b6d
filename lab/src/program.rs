//! What every program does around its work: the ending that turns a result into an exit status
//! and one `error: …` line ([`main_wrapper`], [`fail`]), parsing the command line
//! ([`parse_args`]), a closed stdout ([`stdout_is_closed`]) or pipe
//! ([`exit_quietly_on_closed_pipe`]), and checking where a picture goes before it is drawn
//! ([`check_picture_path`]).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// The ending every program shares: runs `body` and turns what it returns into the exit status,
/// with a one-line `error: …` on stderr for a failure, never a panic message.
///
/// Before `body` it restores the closed-pipe behavior ([`exit_quietly_on_closed_pipe`]) and
/// checks `AUTOGRAD_THREADS` (status 2 naming the value) and that stdout is open (status 1).
/// A write to stdout that fails (a full disk, `> /dev/full`) ends the program with status 1 and
/// `error: cannot write to standard output: …`, wherever the `println!` was; so does a failed
/// flush at the end. The status is the same when the error line itself cannot be printed.
///
/// `body` returns the status to end with, or `Err((status, message))`.
pub fn main_wrapper(body: impl FnOnce() -> Result<ExitCode, (u8, String)>) -> ExitCode {
    exit_quietly_on_closed_pipe();
    if let Err(message) = autograd::backend::threads_from_env() {
        return fail(2, &message);
    }
    if stdout_is_closed() {
        return fail(1, "cannot write to standard output: it is closed");
    }
    // `println!` panics when stdout fails; that panic is caught below and reported as one
    // line, so the hook must stay quiet about it.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if stdout_failure(info.payload()).is_none() {
            default_hook(info);
        }
    }));
    let outcome = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(outcome) => outcome,
        Err(payload) => match stdout_failure(payload.as_ref()) {
            Some(why) => Err((1, format!("cannot write to standard output: {why}"))),
            None => std::panic::resume_unwind(payload),
        },
    };
    let outcome = outcome.and_then(|code| {
        std::io::stdout()
            .flush()
            .map(|()| code)
            .map_err(|e| (1, format!("cannot write to standard output: {e}")))
    });
    match outcome {
        Ok(code) => code,
        Err((code, message)) => fail(code, &message),
    }
}

/// Prints `error: {message}` on stderr and returns `status`: the status is the documented one
/// even when stderr cannot be written (`2>/dev/full`), where `eprintln!` would panic.
pub fn fail(status: u8, message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr().lock(), "error: {message}");
    ExitCode::from(status)
}

/// Whether standard output was closed when the program started (`program >&-`), so that
/// everything printed would vanish and the program succeed having said nothing.
///
/// The standard library puts `/dev/null` on a closed descriptor at start-up, opened for reading
/// and writing; a shell's `> /dev/null` opens it for writing only, which stays allowed.
pub fn stdout_is_closed() -> bool {
    #[cfg(unix)]
    {
        // SAFETY: `fcntl(F_GETFL)` only reads the descriptor's flags, `fstat`/`stat` fill the
        // zeroed structs they are given.
        unsafe {
            let flags = libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFL);
            if flags == -1 {
                return true;
            }
            if flags & libc::O_ACCMODE != libc::O_RDWR {
                return false;
            }
            let (mut out, mut null): (libc::stat, libc::stat) =
                (std::mem::zeroed(), std::mem::zeroed());
            libc::fstat(libc::STDOUT_FILENO, &mut out) == 0
                && libc::stat(c"/dev/null".as_ptr(), &mut null) == 0
                && (out.st_mode & libc::S_IFMT) == libc::S_IFCHR
                && out.st_rdev == null.st_rdev
        }
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// The reason in the standard library's "failed printing to stdout: REASON" panic, if that is
/// what `payload` is.
fn stdout_failure(payload: &(dyn std::any::Any + Send)) -> Option<String> {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())?;
    message
        .strip_prefix("failed printing to stdout: ")
        .map(str::to_string)
}

/// Parses the command line with `command`, as clap's `get_matches` does, except that `--help`
/// or `--version` into a stdout that cannot be written ends with an error line and status 1
/// (clap's own exit ignores the failure).
pub fn parse_args(command: clap::Command) -> clap::ArgMatches {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    parse_args_from(command, &argv, |_| None)
}

/// [`parse_args`] of the command line `argv` (program name first), where `explain` may give a
/// clearer one-line message for a parse error (status 2, as clap's own).
pub fn parse_args_from(
    command: clap::Command,
    argv: &[std::ffi::OsString],
    explain: impl Fn(&clap::Error) -> Option<String>,
) -> clap::ArgMatches {
    command
        .try_get_matches_from(argv)
        .unwrap_or_else(|e| exit_on_parse_error(e, explain))
}

/// Ends the process for a parse error as clap does (`--help` and `--version` print and exit
/// 0, an error prints and exits 2), except that a help text that cannot be written is an error
/// line and status 1, and `explain` may replace clap's message with a clearer line.
pub fn exit_on_parse_error(e: clap::Error, explain: impl Fn(&clap::Error) -> Option<String>) -> ! {
    if e.use_stderr() {
        if let Some(message) = explain(&e) {
            let _ = writeln!(std::io::stderr().lock(), "error: {message}");
            std::process::exit(2)
        }
        e.exit()
    }
    let mut out = std::io::stdout().lock();
    match write!(out, "{}", e.render()).and_then(|()| out.flush()) {
        Ok(()) => std::process::exit(0),
        Err(why) => {
            let _ = writeln!(
                std::io::stderr().lock(),
                "error: cannot write to standard output: {why}"
            );
            std::process::exit(1)
        }
    }
}

/// Checks that a picture can be written at `path` before it is drawn, so that a bad name or
/// place is reported in plain words (the drawing library's own errors are debug dumps).
///
/// # Errors
/// A one-line message naming `option` and the path: an extension not among `extensions`, a
/// directory in the way, or a folder where no file can be created.
pub fn check_picture_path(option: &str, path: &Path, extensions: &[&str]) -> Result<(), String> {
    let shown = path.display();
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !extensions.iter().any(|e| e.eq_ignore_ascii_case(extension)) {
        let names: Vec<String> = extensions.iter().map(|e| format!(".{e}")).collect();
        return Err(format!(
            "{option} {shown}: the picture's name must end in {}",
            names.join(" or ")
        ));
    }
    if path.is_dir() {
        return Err(format!("{option} {shown}: is a directory"));
    }
    // A trial file beside the target shows whether the folder takes new files, without
    // touching a file already there.
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let trial = dir.join(format!(".write-check-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&trial)
    {
        Ok(_) => {
            // The trial file is empty and ours; failing to remove it leaves a stray empty file.
            let _ = std::fs::remove_file(&trial);
            Ok(())
        }
        Err(e) => Err(format!(
            "{option} {shown}: cannot create a file in {}: {e}",
            dir.display()
        )),
    }
}

/// Lets a closed pipe end the program quietly (`train | head`), as command-line tools do.
///
/// Rust starts programs with `SIGPIPE` ignored, so printing into a closed pipe returns an error
/// and `println!` panics on it. With the default disposition restored, the program ends at that
/// point like `yes | head`. Sockets are not affected: the standard library sends with
/// `MSG_NOSIGNAL`, so a dropped download still returns an error.
pub fn exit_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: `signal` with `SIG_DFL` installs no handler; it only resets the disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
