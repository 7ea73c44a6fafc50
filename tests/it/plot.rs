//! Figures through the CLI: `qstudy analyze` writes DIR/plots/*.svg, *.png and DIR/report.html
//! for Lipset and the APSE study; `qstudy plot RESULTS.json --kind ...` redraws one.

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{fixture, qstudy, results};

fn analyze(input: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut args = vec!["analyze".to_string(), input.to_string()];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(["--out".to_string(), out.to_string_lossy().into_owned()]);
    let run = qstudy(&args);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    (dir, out)
}

fn lipset() -> (tempfile::TempDir, PathBuf) {
    analyze(&fixture("lipset/LIPSET.DAT"), &["--factors", "3"])
}

fn apse() -> (tempfile::TempDir, PathBuf) {
    analyze(&fixture("apse-2023"), &[])
}

/// Width, height and RGB(A) pixels of a PNG.
fn decode_png(path: &Path) -> (u32, u32, Vec<u8>, usize) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let channels = info.color_type.samples();
    (info.width, info.height, buf, channels)
}

/// Share of pixels that are not near-white.
fn ink(pixels: &[u8], channels: usize) -> f64 {
    let n = pixels.len() / channels;
    let inked = pixels
        .chunks(channels)
        .filter(|p| p[..3].iter().any(|&c| c < 200))
        .count();
    inked as f64 / n as f64
}

/// The `width` and `height` of an SVG's root element.
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

/// (content, x) of every `<text>` element.
fn svg_texts(svg: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text") {
        rest = &rest[i..];
        let open_end = rest.find('>').unwrap();
        let tag = &rest[..open_end];
        let x_at = tag.find(" x=\"").unwrap() + 4;
        let x: f64 = tag[x_at..x_at + tag[x_at..].find('"').unwrap()]
            .parse()
            .unwrap();
        let close = rest.find("</text>").unwrap();
        out.push((rest[open_end + 1..close].trim().to_string(), x));
        rest = &rest[close..];
    }
    out
}

/// Checks every figure `name` exists as SVG and PNG of the same size, 1600 px wide, not blank.
fn check_figures(out: &Path, names: &[String]) {
    let plots = out.join("plots");
    let mut found: Vec<String> = std::fs::read_dir(&plots)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut expected: Vec<String> = names
        .iter()
        .flat_map(|n| [format!("{n}.png"), format!("{n}.svg")])
        .collect();
    expected.sort();
    assert_eq!(found, expected);
    for name in names {
        let svg = std::fs::read_to_string(plots.join(format!("{name}.svg"))).unwrap();
        let (sw, sh) = svg_size(&svg);
        let (w, h, pixels, channels) = decode_png(&plots.join(format!("{name}.png")));
        assert_eq!((w, h), (sw, sh), "{name}: PNG and SVG sizes differ");
        assert_eq!(w, 1600, "{name}");
        assert!(h >= 400, "{name}: height {h}");
        let share = ink(&pixels, channels);
        assert!(
            share > 0.01,
            "{name}: only {share:.4} of the pixels are inked"
        );
        assert!(svg.contains("<text"), "{name}: text kept as text");
    }
}

fn factor_names(r: &Value) -> Vec<String> {
    r["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect()
}

fn pairs(names: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            out.push(format!("loadings-{a}-{b}"));
        }
    }
    out
}

#[test]
fn analyze_draws_every_figure_of_lipset() {
    let (_d, out) = lipset();
    let r = results(&out);
    let factors = factor_names(&r);
    let mut names: Vec<String> = factors.iter().map(|f| format!("composite-{f}")).collect();
    names.extend(pairs(&factors));
    names.extend(["scree".to_string(), "zscores".to_string()]);
    check_figures(&out, &names);
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains("no group make-up to show"),
        "Lipset has no attributes: the report says so"
    );
}

#[test]
fn analyze_draws_every_figure_of_apse() {
    let (_d, out) = apse();
    let r = results(&out);
    let factors = factor_names(&r);
    let mut names: Vec<String> = factors.iter().map(|f| format!("composite-{f}")).collect();
    names.extend(pairs(&factors));
    names.extend(["scree".to_string(), "zscores".to_string()]);
    let attributes: Vec<String> = r["groups"]
        .as_array()
        .expect("APSE has participant attributes")
        .iter()
        .map(|g| g["attribute"].as_str().unwrap().to_string())
        .collect();
    assert!(attributes.iter().any(|a| a == "role"), "{attributes:?}");
    names.extend(attributes.iter().map(|a| format!("groups-{a}")));
    check_figures(&out, &names);
    // the loadings maps are coloured by role, the attribute with the fewest levels
    let svg = std::fs::read_to_string(out.join("plots/loadings-F1-F2.svg")).unwrap();
    assert!(svg.contains("councillor (16)") && svg.contains("officer (16)"));
    // titles carry the factors' names
    let svg = std::fs::read_to_string(out.join("plots/composite-F2.svg")).unwrap();
    let label = r["factors"][1]["label"].as_str().unwrap();
    let n = r["factors"][1]["defining_sorts"].as_array().unwrap().len();
    assert!(svg.contains(&format!("F2 {label} — {n} defining sorts")));
}

/// Every statement number appears exactly once in the composite sort, in the column headed by
/// its array value.
fn check_composite(out: &Path, r: &Value) {
    let grid: Vec<i64> = r["input"]["grid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_i64().unwrap())
        .collect();
    let head = |v: i64| match v {
        0 => "0".to_string(),
        v if v > 0 => format!("+{v}"),
        v => format!("−{}", -v),
    };
    let ids: Vec<u64> = r["input"]["statement_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    for f in r["factors"].as_array().unwrap() {
        let name = f["name"].as_str().unwrap();
        let Some(array) = f["array"].as_array() else {
            continue;
        };
        let svg = std::fs::read_to_string(out.join(format!("plots/composite-{name}.svg"))).unwrap();
        let texts = svg_texts(&svg);
        let centres: Vec<(i64, f64)> = grid
            .iter()
            .map(|&v| {
                let t = texts
                    .iter()
                    .find(|t| t.0 == head(v))
                    .unwrap_or_else(|| panic!("{name}: no column head {}", head(v)));
                (v, t.1)
            })
            .collect();
        let spacing = centres[1].1 - centres[0].1;
        for (i, id) in ids.iter().enumerate() {
            let hits: Vec<&(String, f64)> =
                texts.iter().filter(|t| t.0 == id.to_string()).collect();
            assert_eq!(
                hits.len(),
                1,
                "{name}: statement {id} appears {} times",
                hits.len()
            );
            let column = centres
                .iter()
                .find(|(_, x)| (hits[0].1 - x).abs() < spacing / 2.0)
                .unwrap_or_else(|| panic!("{name}: statement {id} is in no column"))
                .0;
            assert_eq!(
                column,
                array[i].as_i64().unwrap(),
                "{name}: statement {id} is in the wrong column"
            );
        }
    }
}

#[test]
fn composite_sorts_put_every_statement_in_the_column_of_its_array_value() {
    let (_d, out) = lipset();
    check_composite(&out, &results(&out));
    let (_d, out) = apse();
    check_composite(&out, &results(&out));
}

#[test]
fn figures_and_report_are_byte_identical_across_runs() {
    let input = fixture("lipset/LIPSET.DAT");
    let (_a, first) = analyze(&input, &["--factors", "3"]);
    let (_b, second) = analyze(&input, &["--factors", "3"]);
    let mut files = vec![PathBuf::from("report.html")];
    for e in std::fs::read_dir(first.join("plots")).unwrap() {
        files.push(PathBuf::from("plots").join(e.unwrap().file_name()));
    }
    for f in files {
        let a = std::fs::read(first.join(&f)).unwrap();
        let b = std::fs::read(second.join(&f)).unwrap();
        assert!(a == b, "{} differs between runs", f.display());
    }
}

#[test]
fn no_plots_writes_only_results() {
    let (_d, out) = analyze(
        &fixture("lipset/LIPSET.DAT"),
        &["--factors", "3", "--no-plots"],
    );
    assert!(out.join("results.json").exists());
    assert!(!out.join("plots").exists());
    assert!(!out.join("report.html").exists());
    assert!(!out.join("report.docx").exists());
}

#[test]
fn composite_figure_settings_from_the_command_line_and_study_toml() {
    let svg = |out: &Path| std::fs::read_to_string(out.join("plots/composite-F1.svg")).unwrap();
    let (_d, default) = lipset();
    let (_d2, set) = analyze(
        &fixture("lipset/LIPSET.DAT"),
        &[
            "--factors",
            "3",
            "--figure-numbers-only",
            "--no-figure-legend",
            "--figure-card-width",
            "90",
        ],
    );
    let (a, b) = (svg(&default), svg(&set));
    assert!(a.contains("ranked higher than in every other factor"));
    assert!(
        !b.contains("ranked higher than in every other factor"),
        "no legend"
    );
    let first = results(&default)["input"]["statement_labels"][0]
        .as_str()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert!(
        a.contains(&first) && !b.contains(&format!(">{first} ")),
        "numbers only"
    );
    // 9 columns of 90 px, 8 gaps of 7, margins of 28
    assert_eq!(svg_size(&b).0, 9 * 90 + 8 * 7 + 2 * 28);
    // every other file is as without the settings: the figure settings change no number
    assert_eq!(
        std::fs::read(default.join("results.json")).unwrap(),
        std::fs::read(set.join("results.json")).unwrap()
    );

    // the same from a study's [analysis]
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("lipset");
    let run = qstudy(&[
        "convert",
        &fixture("lipset/LIPSET.DAT"),
        "--to",
        "study",
        study.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let toml = study.join("study.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str(
        "\n[analysis]\nfactors = 3\nfigure_numbers_only = true\nfigure_legend = false\nfigure_card_width = 90\n",
    );
    std::fs::write(&toml, text).unwrap();
    let (_d3, from_study) = analyze(study.to_str().unwrap(), &[]);
    assert_eq!(svg_size(&svg(&from_study)).0, svg_size(&b).0);
    assert!(!svg(&from_study).contains("ranked higher than in every other factor"));

    // a size out of range is refused with the flag named
    let run = qstudy(&[
        "analyze",
        &fixture("lipset/LIPSET.DAT"),
        "--factors",
        "3",
        "--figure-font-size",
        "100",
        "--out",
        dir.path().join("bad").to_str().unwrap(),
    ]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains("--figure-font-size must be a number of pixels from 6 to 40, not 100"),
        "{}",
        run.stderr
    );
}

#[test]
fn plot_redraws_one_figure() {
    let (_d, out) = apse();
    let json = out.join("results.json").to_string_lossy().into_owned();
    let file = out.join("f2.png");
    let run = qstudy(&[
        "plot",
        &json,
        "--kind",
        "composite",
        "--factors",
        "F2",
        "--width",
        "1000",
        "--out",
        &file.to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), file.to_string_lossy());
    let (w, _, pixels, channels) = decode_png(&file);
    assert_eq!(w, 1000);
    assert!(ink(&pixels, channels) > 0.01);

    // the default output is plots/ beside the results, in both formats
    let run = qstudy(&["plot", &json, "--kind", "scree"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("scree.svg") && run.stdout.contains("scree.png"));

    // a pair of factors, coloured by another attribute, SVG only, into a directory
    let dir = out.join("redrawn");
    let run = qstudy(&[
        "plot",
        &json,
        "--kind",
        "loadings",
        "--factors",
        "2,4",
        "--attribute",
        "council",
        "--format",
        "svg",
        "--out",
        &dir.to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let svg = std::fs::read_to_string(dir.join("loadings-F2-F4.svg")).unwrap();
    assert!(svg.contains("Swansea"));
    assert!(!dir.join("loadings-F2-F4.png").exists());

    // group make-up by one attribute, z-scores of two factors
    for args in [
        vec!["--kind", "groups", "--attribute", "role"],
        vec!["--kind", "zscores", "--factors", "1,3"],
    ] {
        let mut all = vec!["plot", json.as_str()];
        all.extend(args);
        all.extend(["--out", dir.to_str().unwrap()]);
        let run = qstudy(&all);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    assert!(dir.join("groups-role.png").exists());
    assert!(dir.join("zscores-F1-F3.svg").exists());
}

#[test]
fn plot_errors_name_the_file_and_what_was_expected() {
    let (_d, out) = lipset();
    let json = out.join("results.json").to_string_lossy().into_owned();

    let run = qstudy(&["plot", &json, "--kind", "groups"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains(&json), "{}", run.stderr);
    assert!(
        run.stderr.contains("no participant attributes"),
        "{}",
        run.stderr
    );

    let run = qstudy(&["plot", &json, "--kind", "composite", "--factors", "F9"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains("no factor 'F9'") && run.stderr.contains("F1, F2, F3"));

    let run = qstudy(&["plot", &json, "--kind", "loadings", "--factors", "1"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("two factors"), "{}", run.stderr);

    let target = out.join("one.png").to_string_lossy().into_owned();
    let run = qstudy(&["plot", &json, "--kind", "composite", "--out", &target]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("must be a directory"), "{}", run.stderr);

    let run = qstudy(&["plot", &json, "--kind", "pie"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("composite, loadings, scree, zscores, groups")
    );

    let not_results = out.join("x.json");
    std::fs::write(&not_results, "{\"a\": 1}").unwrap();
    let run = qstudy(&["plot", &not_results.to_string_lossy(), "--kind", "scree"]);
    assert_eq!(run.code, 3);
    assert!(run.stderr.contains("x.json") && run.stderr.contains("expected \"qstudy.results/1\""));

    let run = qstudy(&[
        "plot",
        &out.join("missing.json").to_string_lossy(),
        "--kind",
        "scree",
    ]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr.contains("missing.json: cannot read"),
        "{}",
        run.stderr
    );
}
