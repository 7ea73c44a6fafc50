//! The parallel-analysis threshold on the scree plot: `qstudy analyze` draws it when it ran the
//! retention report (no number of factors given), `qstudy factors --out DIR` writes the scree
//! plot with it, and `qstudy plot DIR/retention.json --kind scree` redraws that one.

use support::{fixture, qstudy};

fn scree_svg(out: &std::path::Path) -> String {
    std::fs::read_to_string(out.join("plots/scree.svg")).unwrap()
}

/// The text of an SVG's `<text>` elements, joined by spaces (a subtitle wraps over several).
fn text_of(svg: &str) -> String {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text") {
        rest = &rest[i..];
        let open_end = rest.find('>').unwrap();
        let close = rest.find("</text>").unwrap();
        out.push(rest[open_end + 1..close].trim().to_string());
        rest = &rest[close..];
    }
    out.join(" ")
}

#[test]
fn analyze_without_factors_draws_the_threshold_of_its_parallel_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = qstudy(&[
        "analyze",
        &fixture("redu-fut/qsorts.csv"),
        "--method",
        "pca",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let svg = text_of(&scree_svg(&out));
    assert!(svg.contains("random, 95th percentile"), "legend");
    assert!(
        svg.contains("Parallel analysis (1000 random studies, seed 1): 3 above the 95th"),
        "the subtitle counts the eigenvalues above the threshold"
    );
    // the report inlines the same figure
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("random, 95th percentile"));

    // with --factors no parallel analysis is run, and the scree has no threshold
    let given = dir.path().join("given");
    let run = qstudy(&[
        "analyze",
        &fixture("redu-fut/qsorts.csv"),
        "--method",
        "pca",
        "--factors",
        "3",
        "--out",
        &given.to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!scree_svg(&given).contains("Parallel analysis"));
}

#[test]
fn factors_writes_the_scree_with_its_threshold_and_plot_redraws_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("retention");
    let run = qstudy(&[
        "factors",
        &fixture("apse-2023"),
        "--iterations",
        "200",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("scree plot: "), "{}", run.stdout);
    let svg = scree_svg(&out);
    let text = text_of(&svg);
    for part in [
        "random, 95th percentile",
        "Parallel analysis (200 random studies, seed 1)",
        "4 recommended (filled)",
        "eigenvalues of the correlation matrix",
    ] {
        assert!(text.contains(part), "{part}");
    }
    let png = std::fs::read(out.join("plots/scree.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));

    let redrawn = dir.path().join("redrawn");
    let run = qstudy(&[
        "plot",
        &out.join("retention.json").to_string_lossy(),
        "--kind",
        "scree",
        "--out",
        &redrawn.to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(redrawn.join("scree.svg")).unwrap(),
        svg
    );
    assert_eq!(std::fs::read(redrawn.join("scree.png")).unwrap(), png);

    let run = qstudy(&[
        "plot",
        &out.join("retention.json").to_string_lossy(),
        "--kind",
        "zscores",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--kind scree"), "{}", run.stderr);

    // --no-plots writes the report only
    let bare = dir.path().join("bare");
    let run = qstudy(&[
        "factors",
        &fixture("lipset/LIPSET.DAT"),
        "--iterations",
        "50",
        "--no-plots",
        "--out",
        &bare.to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(bare.join("retention.json").exists());
    assert!(!bare.join("plots").exists());
}
