//! Replays the inputs kept from coverage-guided fuzzing (`fixtures/fuzz/TARGET/*`) and the fuzz
//! seeds (`fuzz/seeds/TARGET/*`) through the fuzz targets' checks (`qstudy_io::harness`, `qstudy_serve::harness`): each
//! must read or fail with a one-line error naming the file, never panic. Stable Rust: no
//! cargo-fuzz needed. See docs/fuzzing.md.

use std::path::Path;

type Check = fn(&[u8]);

const TARGETS: [(&str, Check); 10] = [
    ("csv", qstudy_io::harness::csv),
    ("json", qstudy_io::harness::json),
    ("eqwebsort", qstudy_io::harness::eqwebsort),
    ("statements", qstudy_io::harness::statements),
    ("xlsx", qstudy_io::harness::xlsx),
    ("pqmethod", qstudy_io::harness::pqmethod),
    ("study_toml", qstudy_io::harness::study_toml),
    ("study_csv", qstudy_io::harness::study_csv),
    ("http", qstudy_serve::harness::http),
    ("upload", qstudy_serve::harness::upload),
];

/// Every file directly in `dir` (none when it does not exist), sorted.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_file());
    v.sort();
    v
}

#[test]
fn kept_fuzz_inputs_and_seeds_read_or_fail_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut replayed = 0;
    for (target, check) in TARGETS {
        for dir in [
            root.join("fixtures/fuzz").join(target),
            root.join("fuzz/seeds").join(target),
        ] {
            for file in files(&dir) {
                let bytes = std::fs::read(&file).unwrap();
                eprintln!("{target}: {}", file.display());
                check(&bytes);
                replayed += 1;
            }
        }
        assert!(
            !files(&root.join("fuzz/seeds").join(target)).is_empty(),
            "fuzz/seeds/{target} has seeds"
        );
    }
    assert!(replayed >= TARGETS.len());
}
