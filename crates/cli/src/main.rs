//! The `qstudy` binary: a thin wrapper around [`qstudy_cli::run_program`] (with no arguments
//! and no terminal, as when double-clicked, it starts the workbench).

fn main() {
    // Unlocked handles: each write takes the lock briefly, so threads of the run (a progress
    // bar, parallel work) can write to stderr too without waiting for the whole run.
    use std::io::IsTerminal;
    let code = qstudy_cli::run_program(
        std::env::args_os(),
        std::io::stdin().is_terminal(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    std::process::exit(code);
}
