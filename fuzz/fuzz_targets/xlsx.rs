#![no_main]
//! Fuzz target `xlsx`: see docs/fuzzing.md and `qstudy_io::harness::xlsx` (a workbook as
//! given when the input starts with `PK`, else one built from it with a part inflated to
//! megabytes).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qstudy_io::harness::xlsx(data));
