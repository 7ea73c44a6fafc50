#![no_main]
//! Fuzz target `study_toml`: see docs/fuzzing.md and `qstudy_io::harness::study_toml`. One scratch
//! directory per process, its files rewritten for every input.

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

static SCRATCH: OnceLock<tempfile::TempDir> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let dir = SCRATCH.get_or_init(|| tempfile::tempdir().expect("a scratch directory"));
    qstudy_io::harness::study_toml_in(dir.path(), data);
});
