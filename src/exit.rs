//! The process's exit codes, in one place (README "Exit codes").

use std::process::ExitCode;

/// Some posts or URLs failed; the others were done.
const FAILED: u8 = 1;
/// The run could not start, or its output cannot be used (flags, config, -P, standard output).
const SETUP: u8 = 2;
/// Stopped by Ctrl-C (128 + SIGINT, as the shell reports it).
pub const INTERRUPTED: u8 = 130;
/// Standard output was closed by the reader (128 + SIGPIPE, as the shell reports a tool killed
/// by it).
pub const BROKEN_PIPE: u8 = 141;

/// 0 when nothing failed, else 1.
pub fn failures(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

/// The run could not start or could not deliver its output.
pub fn setup() -> ExitCode {
    ExitCode::from(SETUP)
}
