#![no_main]
//! Fuzz target `upload`: the workbench's upload path, `qstudy_serve::load::open_upload` on the
//! files `qstudy_io::harness::upload_files` makes of the input (a workbook among them may be
//! inflated to megabytes); it must not panic, and an error is one line. See docs/fuzzing.md.
//! `tests/it/fuzz_regressions.rs` replays the kept inputs through the same two calls.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = qstudy_io::harness::upload_files(data);
    if let Err(e) = qstudy_serve::load::open_upload(&files) {
        qstudy_io::harness::upload_error(&e.to_string());
    }
});
