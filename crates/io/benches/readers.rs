//! Benchmarks of the readers on hostile shapes (docs/performance.md, "Readers on hostile
//! input"): `cargo bench -p qstudy-io --bench readers`.
//!
//! - `wide_rows_header`: a participant-rows CSV whose header has 100,000 or 200,000 statement
//!   columns, with 2 rows (the header checks were quadratic: 2.2 s and ~9 s);
//! - `wide_htmlq_header`: the same as an HTMLQ export (`sid;uid;s1;...`).

use qstudy_io::{InputFormat, read_sorts_from_bytes};

fn main() {
    divan::main();
}

fn wide(n: usize, htmlq: bool) -> Vec<u8> {
    let sep = if htmlq { ';' } else { ',' };
    let mut text = if htmlq {
        String::from("sid;uid")
    } else {
        String::from("id")
    };
    for s in 1..=n {
        text.push(sep);
        if htmlq {
            text.push('s');
        }
        text.push_str(&s.to_string());
    }
    text.push('\n');
    for (id, sign) in [("P1", 1), ("P2", -1)] {
        text.push_str(id);
        if htmlq {
            text.push(sep);
        }
        for s in 0..n {
            text.push(sep);
            text.push_str(if (s % 2 == 0) == (sign == 1) {
                "1"
            } else {
                "-1"
            });
        }
        text.push('\n');
    }
    text.into_bytes()
}

#[divan::bench(args = [100_000, 200_000], sample_count = 10, sample_size = 1)]
fn wide_rows_header(bencher: divan::Bencher, n: usize) {
    let bytes = wide(n, false);
    bencher.bench(|| {
        read_sorts_from_bytes(&bytes, "wide.csv", Some(InputFormat::CsvRows)).expect("reads")
    });
}

#[divan::bench(args = [100_000, 200_000], sample_count = 10, sample_size = 1)]
fn wide_htmlq_header(bencher: divan::Bencher, n: usize) {
    let bytes = wide(n, true);
    bencher.bench(|| {
        read_sorts_from_bytes(&bytes, "wide.csv", Some(InputFormat::Htmlq)).expect("reads")
    });
}
