//! The `qstudy` command line: parses arguments, calls the library, prints.
//!
//! [`run`] is the whole program with its output streams passed in, so tests run it in-process
//! exactly as the binary does.
//!
//! Exit codes: 0 success, 2 usage error, 3 bad input data (reading or validation), 4 the
//! analysis cannot be done with these options, 5 the output could not be written.

use std::io::Write;

use clap::{Parser, Subcommand};

mod analyze;
mod bootstrap;
mod convert;
mod error;
mod factors;
mod input;
mod plot;
mod progress;
mod serve;
mod simulate;
mod terminal;
mod validate;
mod words;

/// Exit code: usage error (clap's).
pub const EXIT_USAGE: i32 = 2;
/// Exit code: the input file could not be read or failed validation.
pub const EXIT_INPUT: i32 = 3;
/// Exit code: the options ask for an analysis the data cannot give.
pub const EXIT_ANALYSIS: i32 = 4;
/// Exit code: the results could not be written.
pub const EXIT_OUTPUT: i32 = 5;

#[derive(Debug, Parser)]
#[command(
    name = "qstudy",
    version,
    about = "Q-methodology analysis: from Q-sorts to viewpoints, with the numbers of PQMethod, KADE and qmethod."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Analyse a set of Q-sorts and write DIR/results.json.
    Analyze(analyze::AnalyzeArgs),
    /// Generate Q-sorts from a design of planted viewpoints (a study directory).
    Simulate(simulate::SimulateArgs),
    /// Redraw figures (composite sorts, loadings maps, scree...) from a results.json.
    Plot(plot::PlotArgs),
    /// Convert Q-sorts to a PQMethod project, a qmethod CSV or a study directory.
    Convert(convert::ConvertArgs),
    /// Check an input and report every problem found (exit 0 when clean, 3 otherwise).
    Validate(validate::ValidateArgs),
    /// How many factors to keep: eigenvalues, scree, Kaiser-Guttman, Humphrey, parallel analysis, recommendation.
    Factors(factors::FactorsArgs),
    /// Bootstrap the analysis: SEs of z-scores and loadings, flagging frequencies (DIR/bootstrap.json).
    Bootstrap(bootstrap::BootstrapArgs),
    /// The study workbench: a local web page to analyse, rotate by hand, flag and save (127.0.0.1 only).
    Serve(serve::ServeArgs),
}

/// The program as the binary runs it: [`run`], except that `qstudy` with no arguments starts
/// the workbench (and opens the browser) when it was not started from a terminal
/// (`from_terminal`: whether stdin is one), as when double-clicked in a file manager; from a
/// terminal it prints the help, which names `qstudy serve`.
pub fn run_program<I, T>(
    args: I,
    from_terminal: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    if args.len() <= 1 {
        if from_terminal {
            let mut help = <Cli as clap::CommandFactory>::command();
            let _ = writeln!(out, "{}", help.render_help());
            let _ = writeln!(
                out,
                "To analyse in the workbench (a page in your browser): qstudy serve [INPUT]"
            );
            return EXIT_USAGE;
        }
        let program = args.first().cloned().unwrap_or_else(|| "qstudy".into());
        return run([program, "serve".into()], out, err);
    }
    run(args, out, err)
}

/// Runs `qstudy` with `args` (including the program name), writing to `out` and `err`.
/// Returns the exit code.
///
/// ```
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// let code = qstudy_cli::run(["qstudy", "--version"], &mut out, &mut err);
/// assert_eq!(code, 0);
/// assert!(String::from_utf8(out).unwrap().starts_with("qstudy "));
/// ```
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            let text = e.render().to_string();
            let _ = if code == 0 {
                write!(out, "{text}")
            } else {
                write!(err, "{text}")
            };
            return code;
        }
    };
    let done = match cli.command {
        Command::Analyze(a) => analyze::analyze_command(&a, out, err),
        Command::Simulate(a) => simulate::simulate_command(&a, out, err),
        Command::Plot(a) => plot::plot_command(&a, out, err),
        Command::Convert(a) => convert::convert_command(&a, out, err),
        Command::Validate(a) => validate::validate_command(&a, out, err),
        Command::Factors(a) => factors::factors_command(&a, out, err),
        Command::Bootstrap(a) => bootstrap::bootstrap_command(&a, out, err),
        Command::Serve(a) => serve::serve_command(&a, out, err),
    };
    match done {
        Ok(()) => 0,
        Err(e) => {
            if let Some(message) = &e.message {
                let _ = writeln!(err, "error: {message}");
            }
            e.code
        }
    }
}
