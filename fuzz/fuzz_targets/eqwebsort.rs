#![no_main]
//! Fuzz target `eqwebsort`: see docs/fuzzing.md and `qstudy_io::harness::eqwebsort`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qstudy_io::harness::eqwebsort(data));
