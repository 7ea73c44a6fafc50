//! The `qstudy` binary: a thin wrapper around [`qstudy_cli::run`].

fn main() {
    // Unlocked handles: each write takes the lock briefly, so threads of the run (a progress
    // bar, parallel work) can write to stderr too without waiting for the whole run.
    let code = qstudy_cli::run(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    std::process::exit(code);
}
