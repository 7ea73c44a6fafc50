#![no_main]
//! Fuzz target `http`: raw bytes from a client to the workbench's request handling; see
//! docs/fuzzing.md and `qstudy_serve::harness::http`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qstudy_serve::harness::http(data));
