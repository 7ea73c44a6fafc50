//! `qstudy serve`: the study workbench, a local web page over the engine (crates/serve).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::error::CliError;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Input to open first (any input `analyze` reads); the page can open others.
    input: Option<PathBuf>,
    /// Port on 127.0.0.1 (0: a free one).
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
    /// Do not open the browser.
    #[arg(long)]
    no_open: bool,
}

pub(crate) fn serve_command(
    a: &ServeArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let wb = qstudy_serve::Workbench::bind(a.port, a.input.as_deref())
        .map_err(|e| CliError::input(e.to_string()))?
        .stop_on_signals();
    for dir in wb.removed_stale() {
        let _ = writeln!(
            err,
            "note: removed {}, the private files of a workbench that did not stop cleanly",
            dir.display()
        );
    }
    let url = wb.url();
    let _ = writeln!(out, "qstudy workbench: {url}");
    let _ = writeln!(
        out,
        "(listening on 127.0.0.1 only; Ctrl-C stops it and removes the uploaded files)"
    );
    let _ = out.flush();
    // The browser gets a private file that leads to the address: its command line, which
    // other users can read, does not hold the token.
    let opener = if a.no_open {
        None
    } else {
        match wb.opener() {
            Ok(opener) if qstudy_serve::open_browser(opener.path()) => Some(opener),
            _ => {
                let _ = writeln!(
                    err,
                    "warning: could not open a browser: open the address above"
                );
                None
            }
        }
    };
    let stopped = wb.run().map_err(|e| CliError::output(e.to_string()))?;
    drop(opener);
    if let qstudy_serve::Stopped::Signal(name) = stopped {
        let _ = writeln!(
            err,
            "qstudy serve: stopped ({name}); uploaded files removed"
        );
    }
    Ok(())
}
