//! The `unscrape` binary: parse arguments, run, map the result to an exit status.

use clap::Parser;
use std::process::ExitCode;
use unscrape::cli::Cli;

/// Exit status for errors (clap uses the same for usage errors).
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match cli.into_config() {
        Ok(config) => config,
        Err(err) => {
            unscrape::warn(&format!("{err:#}"));
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match unscrape::run(&config) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            unscrape::warn(&format!("{err:#}"));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// A reader that stopped reading (`unscrape … | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
