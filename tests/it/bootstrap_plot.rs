//! The bootstrap figure: `qstudy bootstrap ... --out DIR` draws DIR/plots/bootstrap-zscores.svg
//! and .png (unless --no-plots), and `qstudy plot DIR/bootstrap.json --kind bootstrap` redraws
//! it, byte for byte.

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{fixture, qstudy};

/// Runs a bootstrap of 50 replicates of `input` into a new directory.
fn bootstrap(input: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("boot");
    let mut args = vec![
        "bootstrap".to_string(),
        input.to_string(),
        "--replicates".into(),
        "50".into(),
        "--seed".into(),
        "7".into(),
        "--out".into(),
        out.to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let run = qstudy(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("plots/bootstrap-zscores.svg")
            && run.stdout.contains("plots/bootstrap-zscores.png"),
        "{}",
        run.stdout
    );
    (dir, out)
}

fn json(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("bootstrap.json")).unwrap()).unwrap()
}

/// Width, height, channels and pixels of a PNG.
fn decode_png(bytes: &[u8]) -> (u32, u32, usize, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, info.color_type.samples(), buf)
}

/// `width` and `height` of the SVG's root element.
fn svg_size(svg: &str) -> (u32, u32) {
    let root = &svg[svg.find("<svg").unwrap()..];
    let root = &root[..root.find('>').unwrap()];
    let attr = |name: &str| -> u32 {
        let key = format!(" {name}=\"");
        let start = root.find(&key).unwrap() + key.len();
        root[start..start + root[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    (attr("width"), attr("height"))
}

/// The content of every `<text>` element.
fn svg_texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text") {
        rest = &rest[i..];
        let open_end = rest.find('>').unwrap();
        let close = rest.find("</text>").unwrap();
        out.push(rest[open_end + 1..close].trim().to_string());
        rest = &rest[close..];
    }
    out
}

/// Checks the figure of the bootstrap in `out`: PNG and SVG of the same size, 1600 px wide,
/// inked, every statement's number a row label, every factor a panel.
fn check_figure(out: &Path) {
    let b = json(out);
    let plots = out.join("plots");
    let svg = std::fs::read_to_string(plots.join("bootstrap-zscores.svg")).unwrap();
    let png = std::fs::read(plots.join("bootstrap-zscores.png")).unwrap();
    let (w, h, channels, pixels) = decode_png(&png);
    assert_eq!((w, h), svg_size(&svg), "PNG and SVG sizes differ");
    assert_eq!(w, 1600);
    let statements = b["input"]["statement_ids"].as_array().unwrap();
    // a header, then one row of 25 px per statement
    assert!(h as usize >= 25 * statements.len() + 200, "height {h}");
    let inked = pixels
        .chunks(channels)
        .filter(|p| p[..3].iter().any(|&c| c < 200))
        .count();
    let share = inked as f64 / f64::from(w * h);
    assert!(share > 0.02, "only {share:.4} of the pixels are inked");
    let texts = svg_texts(&svg);
    let rows: Vec<u64> = texts
        .iter()
        .filter_map(|t| t.trim_start_matches("≈ ").parse().ok())
        .collect();
    let mut sorted = rows.clone();
    sorted.sort_unstable();
    let ids: Vec<u64> = statements.iter().map(|s| s.as_u64().unwrap()).collect();
    assert_eq!(sorted, ids, "each statement number once, as a row label");
    for f in b["factors"].as_array().unwrap() {
        let name = f["name"].as_str().unwrap();
        assert!(
            texts.iter().any(|t| t.starts_with(name)),
            "{name}: no panel"
        );
    }
    for c in b["consensus"].as_array().unwrap() {
        let label = format!("≈ {}", c["statement"]);
        assert!(texts.contains(&label), "{label}");
    }
}

#[test]
fn a_bootstrap_of_lipset_draws_its_zscores_with_intervals() {
    let (_d, out) = bootstrap(&fixture("lipset/LIPSET.DAT"), &["--factors", "3"]);
    check_figure(&out);
    let svg = std::fs::read_to_string(out.join("plots/bootstrap-zscores.svg")).unwrap();
    assert!(svg.contains("over 50 of 50 replicates (seed 7, procrustes alignment)"));
}

#[test]
fn a_bootstrap_of_apse_draws_its_named_factors() {
    let (_d, out) = bootstrap(&fixture("apse-2023"), &[]);
    check_figure(&out);
    let svg = std::fs::read_to_string(out.join("plots/bootstrap-zscores.svg")).unwrap();
    assert!(svg.contains("F2 settled accommodation"));
}

#[test]
fn the_figure_is_the_same_bytes_on_any_number_of_threads_and_when_redrawn() {
    let input = fixture("lipset/LIPSET.DAT");
    let (_a, one) = bootstrap(&input, &["--factors", "3", "--threads", "1"]);
    let (_b, two) = bootstrap(&input, &["--factors", "3", "--threads", "2"]);
    for name in ["bootstrap-zscores.svg", "bootstrap-zscores.png"] {
        let a = std::fs::read(one.join("plots").join(name)).unwrap();
        assert_eq!(
            a,
            std::fs::read(two.join("plots").join(name)).unwrap(),
            "{name}"
        );
    }
    // `qstudy plot` redraws it from bootstrap.json
    let redrawn = one.join("redrawn");
    let run = qstudy(&[
        "plot",
        &one.join("bootstrap.json").to_string_lossy(),
        "--kind",
        "bootstrap",
        "--out",
        &redrawn.to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for name in ["bootstrap-zscores.svg", "bootstrap-zscores.png"] {
        assert_eq!(
            std::fs::read(redrawn.join(name)).unwrap(),
            std::fs::read(one.join("plots").join(name)).unwrap(),
            "{name}"
        );
    }
    // one factor, one format, another width
    let file = one.join("f2.png");
    let run = qstudy(&[
        "plot",
        &one.join("bootstrap.json").to_string_lossy(),
        "--kind",
        "bootstrap",
        "--factors",
        "F2",
        "--width",
        "800",
        "--out",
        &file.to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (w, _, _, _) = decode_png(&std::fs::read(&file).unwrap());
    assert_eq!(w, 800);
}

#[test]
fn no_plots_skips_the_figure_and_mismatched_kinds_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("boot");
    let run = qstudy(&[
        "bootstrap",
        &fixture("lipset/LIPSET.DAT"),
        "--factors",
        "2",
        "--replicates",
        "20",
        "--no-plots",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("bootstrap.json").exists());
    assert!(!out.join("plots").exists());
    let json = out.join("bootstrap.json").to_string_lossy().into_owned();

    let run = qstudy(&["plot", &json, "--kind", "composite"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("bootstrap.json") && run.stderr.contains("--kind bootstrap"),
        "{}",
        run.stderr
    );
    let run = qstudy(&["plot", &json, "--kind", "bootstrap", "--factors", "F5"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains("no factor 'F5'") && run.stderr.contains("F1, F2"));

    // a results.json has no bootstrap
    let analysis = dir.path().join("analysis");
    let run = qstudy(&[
        "analyze",
        &fixture("lipset/LIPSET.DAT"),
        "--factors",
        "2",
        "--no-plots",
        "--out",
        &analysis.to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = qstudy(&[
        "plot",
        &analysis.join("results.json").to_string_lossy(),
        "--kind",
        "bootstrap",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("qstudy bootstrap"), "{}", run.stderr);
}
