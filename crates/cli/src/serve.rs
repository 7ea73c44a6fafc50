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
        .map_err(|e| CliError::input(e.to_string()))?;
    let url = wb.url();
    let _ = writeln!(out, "qstudy workbench: {url}");
    let _ = writeln!(out, "(listening on 127.0.0.1 only; Ctrl-C stops it)");
    let _ = out.flush();
    if !a.no_open && !qstudy_serve::open_browser(&url) {
        let _ = writeln!(
            err,
            "warning: could not open a browser: open the address above"
        );
    }
    wb.run();
    Ok(())
}
