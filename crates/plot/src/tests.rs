//! Figures drawn from small analyses built here: every figure renders in both formats, the
//! composite sort puts each statement in its column, output is deterministic.

use qstudy_core::analysis::{AnalysisOptions, analyze};
use qstudy_core::validate::{ValidationOptions, validate};
use qstudy_core::view::file_safe;
use qstudy_core::{AnalysisResults, Participant, SortTable};

use super::*;

/// Twelve sorts of 15 statements on the grid -3..3 (1,2,2,5,2,2,1) around three planted
/// viewpoints, with statement texts and a `role` attribute.
fn results() -> AnalysisResults {
    let (study, options) = study();
    let mut r = analyze(&study, &options).unwrap();
    let participants = (1..=12)
        .map(|i| Participant {
            id: format!("P{i:02}"),
            attributes: [(
                "role".to_string(),
                if i % 2 == 0 { "officer" } else { "councillor" }.to_string(),
            )]
            .into_iter()
            .collect(),
        })
        .collect();
    r.attach_participants(participants);
    r
}

/// The study of [`results`] and its options (3 factors, F1 named).
fn study() -> (qstudy_core::Study, AnalysisOptions) {
    let a = [3, 2, 2, 1, 1, 0, 0, 0, 0, 0, -1, -1, -2, -2, -3];
    let b = [0, -1, 1, 3, -3, 2, -2, 0, 1, -1, 0, 2, 0, 0, -2];
    let c = [-1, 0, 0, -2, 2, 1, 3, -3, 0, 2, 0, 1, -2, -1, 0];
    let vary = |base: &[i32; 15], k: usize| {
        let mut v = base.to_vec();
        v.swap(k % 15, (k * 7 + 3) % 15);
        v
    };
    let mut values = Vec::new();
    for k in 0..4 {
        values.push(vary(&a, k));
        values.push(vary(&b, k + 4));
        values.push(vary(&c, k + 8));
    }
    let table = SortTable {
        missing: Vec::new(),
        sort_ids: (1..=12).map(|i| format!("P{i:02}")).collect(),
        statement_labels: Some(
            (1..=15)
                .map(|i| format!("Statement number {i} says something worth reading about <policy> & practice"))
                .collect(),
        ),
        values,
    };
    let study = validate(&table, &ValidationOptions::default()).unwrap();
    let mut options = AnalysisOptions {
        factors: 3,
        ..Default::default()
    };
    options
        .factor_names
        .insert("F1".into(), "settled accommodation".into());
    (study, options)
}

/// A small bootstrap (40 replicates) of the study of [`results`].
fn bootstrap_results() -> qstudy_core::bootstrap::BootstrapResults {
    let (study, options) = study();
    let bopts = qstudy_core::bootstrap::BootstrapOptions {
        replicates: 40,
        seed: 5,
        ..Default::default()
    };
    qstudy_core::bootstrap::bootstrap(&study, &options, &bopts, &|_| {}).unwrap()
}

/// The statement numbers of the rows of a z-score or bootstrap figure, top to bottom (the
/// texts that are a number, or `≈ ` and a number).
fn row_numbers(svg: &str) -> Vec<u32> {
    svg_texts(svg)
        .into_iter()
        .filter_map(|(t, _, _)| t.trim_start_matches("≈ ").parse().ok())
        .collect()
}

/// (content, x, y) of every `<text>` element of an SVG written by plotters.
pub(crate) fn svg_texts(svg: &str) -> Vec<(String, f64, f64)> {
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!(" {name}=\"");
        let start = tag.find(&key).expect("attribute") + key.len();
        let end = start + tag[start..].find('"').unwrap();
        tag[start..end].parse().unwrap()
    };
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text") {
        rest = &rest[i..];
        let open_end = rest.find('>').unwrap();
        let tag = &rest[..open_end];
        let close = rest.find("</text>").unwrap();
        let content = rest[open_end + 1..close].trim().to_string();
        out.push((content, attr(tag, "x"), attr(tag, "y")));
        rest = &rest[close..];
    }
    out
}

fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn check_renders(plot: &Plot) {
    let svg = plot.to_svg().unwrap();
    let (w, h) = plot.size();
    assert!(
        svg.contains(&format!("viewBox=\"0 0 {w} {h}\"")),
        "{}",
        plot.name()
    );
    assert!(svg.contains(style::FONT_FAMILY));
    let (pw, ph, pixels) = decode(&plot.to_png().unwrap());
    assert_eq!((pw, ph), (w, h), "{}", plot.name());
    let ink = pixels
        .chunks(3)
        .filter(|p| p.iter().any(|&c| c < 200))
        .count();
    let share = ink as f64 / f64::from(w * h);
    assert!(share > 0.005, "{} is nearly blank ({share})", plot.name());
}

#[test]
fn every_figure_renders_in_both_formats() {
    let r = results();

    let gallery = standard_plots(&r, &PlotOptions::default()).unwrap();
    let names: Vec<&str> = gallery.plots.iter().map(Plot::name).collect();
    assert_eq!(
        names,
        [
            "composite-F1",
            "composite-F2",
            "composite-F3",
            "loadings-F1-F2",
            "loadings-F1-F3",
            "loadings-F2-F3",
            "scree",
            "zscores",
            "groups-role"
        ]
    );
    assert!(gallery.notes.is_empty(), "{:?}", gallery.notes);
    for p in &gallery.plots {
        check_renders(p);
    }
}

#[test]
fn composite_sort_puts_each_statement_once_in_its_column() {
    let r = results();
    for f in 0..3 {
        let svg = composite_sort(&r, f, &PlotOptions::default())
            .unwrap()
            .to_svg()
            .unwrap();
        let texts = svg_texts(&svg);
        let heads: Vec<(i64, f64)> = r
            .input
            .grid
            .iter()
            .map(|&[v, _]| {
                let label = view::signed(v);
                let t = texts.iter().find(|t| t.0 == label).expect("column head");
                (v, t.1)
            })
            .collect();
        let spacing = heads[1].1 - heads[0].1;
        let array = r.factors[f].array.as_ref().unwrap();
        for (i, &id) in r.input.statement_ids.iter().enumerate() {
            let hits: Vec<_> = texts.iter().filter(|t| t.0 == id.to_string()).collect();
            assert_eq!(hits.len(), 1, "statement {id} in F{}", f + 1);
            let column = heads
                .iter()
                .find(|(_, x)| (hits[0].1 - x).abs() < spacing / 2.0)
                .expect("in a column")
                .0;
            assert_eq!(column, i64::from(array[i]), "statement {id} in F{}", f + 1);
        }
    }
}

#[test]
fn the_scree_plot_draws_a_parallel_analysis_threshold() {
    let r = results();
    let n = r.unrotated.eigenvalues.len();
    let threshold = ScreeThreshold {
        percentile: 95.0,
        eigenvalues: (0..n).map(|i| 2.0 - 0.2 * i as f64).collect(),
        observed: Vec::new(),
        iterations: None,
        seed: None,
    };
    let p = scree_plot_with_threshold(&r, &threshold, &PlotOptions::default()).unwrap();
    check_renders(&p);
    let svg = p.to_svg().unwrap();
    assert!(svg.contains("random, 95th percentile"));
    assert!(svg.contains("Parallel analysis: "));
}

#[test]
fn titles_use_the_factor_label_and_count_defining_sorts() {
    let r = results();
    let p = composite_sort(&r, 0, &PlotOptions::default()).unwrap();
    let n = r.factors[0].defining_sorts.len();
    assert_eq!(
        p.title(),
        format!("F1 settled accommodation — {n} defining sorts")
    );
    assert!(p.to_svg().unwrap().contains("settled accommodation"));
}

#[test]
fn output_is_deterministic_and_scales_with_width() {
    let r = results();
    let a = composite_sort(&r, 1, &PlotOptions::default()).unwrap();
    let b = composite_sort(&r, 1, &PlotOptions::default()).unwrap();
    assert_eq!(a.to_png().unwrap(), b.to_png().unwrap());
    assert_eq!(a.to_svg().unwrap(), b.to_svg().unwrap());
    let small = PlotOptions {
        width: 800,
        ..Default::default()
    };
    let p = loadings_map(&r, 0, 2, &small).unwrap();
    assert_eq!(p.size().0, 800);
    check_renders(&p);
    let bad = PlotOptions {
        width: 10,
        ..Default::default()
    };
    assert!(matches!(
        scree_plot(&r, &bad),
        Err(PlotError::Width { width: 10 })
    ));
}

#[test]
fn bad_requests_are_typed_errors() {
    let mut r = results();
    assert!(matches!(
        loadings_map(&r, 1, 1, &PlotOptions::default()),
        Err(PlotError::SameFactor { .. })
    ));
    assert!(matches!(
        loadings_map(&r, 0, 7, &PlotOptions::default()),
        Err(PlotError::UnknownFactor { .. })
    ));
    let e = group_makeup(&r, "council", &PlotOptions::default()).unwrap_err();
    assert!(e.to_string().contains("role"), "{e}");
    let colour = PlotOptions {
        attribute: Some("age".into()),
        ..Default::default()
    };
    assert!(matches!(
        loadings_map(&r, 0, 1, &colour),
        Err(PlotError::UnknownAttribute { .. })
    ));
    assert_eq!(resolve_factor(&r, "f2").unwrap(), 1);
    assert_eq!(resolve_factor(&r, "3").unwrap(), 2);
    assert!(resolve_factor(&r, "F9").is_err());
    // a factor without an array has no composite sort, and the gallery says so
    r.factors[2].array = None;
    r.factors[2].zscores = None;
    assert!(matches!(
        composite_sort(&r, 2, &PlotOptions::default()),
        Err(PlotError::NoArray { .. })
    ));
    r.participants = None;
    r.groups = None;
    let g = standard_plots(&r, &PlotOptions::default()).unwrap();
    assert!(g.plots.iter().all(|p| p.name() != "composite-F3"));
    assert!(g.notes.iter().any(|n| n.contains("F3")), "{:?}", g.notes);
    assert!(g.notes.iter().any(|n| n.contains("no group make-up")));
    // without attributes the loadings map colours by defining factor
    check_renders(&loadings_map(&r, 0, 1, &PlotOptions::default()).unwrap());
}

#[test]
fn kinds_parse_and_print() {
    for k in Kind::ALL {
        assert_eq!(k.as_str().parse::<Kind>().unwrap(), k);
    }
    assert!("pie".parse::<Kind>().unwrap_err().contains("composite"));
    assert_eq!("PNG".parse::<ImageFormat>().unwrap(), ImageFormat::Png);
}

#[test]
fn file_names_are_safe() {
    assert_eq!(file_safe("role"), "role");
    assert_eq!(file_safe("job title/grade"), "job_title_grade");
}

#[test]
fn the_bootstrap_figure_draws_every_statement_in_the_zscore_order() {
    let r = results();
    let b = bootstrap_results();
    let plot = bootstrap_plot(&b, &[], &PlotOptions::default()).unwrap();
    assert_eq!(plot.name(), "bootstrap-zscores");
    assert_eq!(plot.kind(), Kind::Bootstrap);
    check_renders(&plot);
    let svg = plot.to_svg().unwrap();
    // one row per statement, in the order of the z-score plot of the same analysis
    let zscores = zscore_plot(&r, &[], &PlotOptions::default()).unwrap();
    let order = row_numbers(&zscores.to_svg().unwrap());
    assert_eq!(order.len(), 15);
    assert_eq!(row_numbers(&svg), order);
    for f in &b.factors {
        assert!(svg.contains(&f.name), "{}", f.name);
    }
    assert!(svg.contains("95% percentile interval"));
    assert!(svg.contains("over 40 of 40 replicates (seed 5"));
    // distinguishing statements on the bootstrap estimates carry their stars
    let stars = b
        .factors
        .iter()
        .map(|f| f.distinguishing.len())
        .sum::<usize>();
    let drawn = svg_texts(&svg)
        .iter()
        .filter(|t| t.0 == "*" || t.0 == "**")
        .count();
    assert_eq!(drawn, stars);
    // consensus statements are marked
    for c in &b.consensus {
        assert!(svg.contains(&format!("≈ {}", c.statement)));
    }
    // deterministic
    let again = bootstrap_plot(&b, &[], &PlotOptions::default()).unwrap();
    assert_eq!(again.to_png().unwrap(), plot.to_png().unwrap());
    assert_eq!(again.to_svg().unwrap(), svg);
}

#[test]
fn the_bootstrap_figure_shows_chosen_factors_and_refuses_unknown_ones() {
    let mut b = bootstrap_results();
    let p = bootstrap_plot(&b, &[0, 2], &PlotOptions::default()).unwrap();
    assert_eq!(p.name(), "bootstrap-zscores-F1-F3");
    let svg = p.to_svg().unwrap();
    assert!(svg.contains("F3") && !svg.contains(">F2<"));
    assert_eq!(resolve_bootstrap_factor(&b, "f2").unwrap(), 1);
    assert!(matches!(
        resolve_bootstrap_factor(&b, "F7"),
        Err(PlotError::UnknownFactor { .. })
    ));
    b.factors[1].mean = None;
    let e = bootstrap_plot(&b, &[1], &PlotOptions::default()).unwrap_err();
    assert!(
        e.to_string().contains("F2 has no bootstrap estimates"),
        "{e}"
    );
    for f in &mut b.factors {
        f.mean = None;
    }
    assert!(matches!(
        bootstrap_plot(&b, &[], &PlotOptions::default()),
        Err(PlotError::NoBootstrap { factor: None })
    ));
}

#[test]
fn the_scree_of_a_retention_report_draws_its_threshold() {
    let (study, options) = study();
    let ropts = qstudy_core::retention::RetentionOptions {
        iterations: 50,
        ..Default::default()
    };
    let report = qstudy_core::retention::retention(&study, &options, &ropts, &|_| {}).unwrap();
    let p = retention_scree(&report, &PlotOptions::default()).unwrap();
    assert_eq!(p.name(), "scree");
    check_renders(&p);
    let svg = p.to_svg().unwrap();
    assert!(svg.contains("random, 95th percentile"));
    assert!(svg.contains("Parallel analysis (50 random studies, seed 1)"));
    assert!(svg.contains(&format!("{} recommended (filled)", report.recommended)));
    // centroid: the correlation matrix's eigenvalues, which parallel analysis compares, beside
    // the centroid factors'
    assert!(svg.contains("eigenvalues of the correlation matrix"));
    // the same threshold given to the scree of an analysis
    let r = results();
    let options = PlotOptions {
        scree_threshold: Some(ScreeThreshold::from_parallel(&report.parallel)),
        ..Default::default()
    };
    let with = scree_plot(&r, &options).unwrap().to_svg().unwrap();
    let with: Vec<String> = svg_texts(&with).into_iter().map(|t| t.0).collect();
    assert!(with.join(" ").contains(&format!(
        "Parallel analysis (50 random studies, seed 1): {} eigenvalues of the correlation matrix",
        report.parallel.retained
    )));
    let without = scree_plot(&r, &PlotOptions::default())
        .unwrap()
        .to_svg()
        .unwrap();
    assert!(!without.contains("Parallel analysis"));
}

/// Attributes named by a survey question, or told apart only by characters a file name cannot
/// hold, each get a figure of their own with a short name.
#[test]
fn figure_names_from_attributes_are_bounded_and_distinct() {
    let (study, options) = study();
    let mut r = analyze(&study, &options).unwrap();
    let question =
        "How many years have you worked in local government, counting every post you held? "
            .repeat(4);
    let attributes = ["a b", "a_b", "Role", "role", question.as_str()];
    let participants = (1..=12)
        .map(|i| Participant {
            id: format!("P{i:02}"),
            attributes: attributes
                .iter()
                .map(|a| {
                    (
                        a.to_string(),
                        if i % 3 == 0 { "x" } else { "y" }.to_string(),
                    )
                })
                .collect(),
        })
        .collect();
    r.attach_participants(participants);
    let g = standard_plots(&r, &PlotOptions::default()).unwrap();
    let groups: Vec<&str> = g
        .plots
        .iter()
        .map(Plot::name)
        .filter(|n| n.starts_with("groups-"))
        .collect();
    assert_eq!(groups.len(), attributes.len(), "{groups:?}");
    let lower: std::collections::BTreeSet<String> =
        groups.iter().map(|n| n.to_ascii_lowercase()).collect();
    assert_eq!(
        lower.len(),
        groups.len(),
        "distinct, whatever the case: {groups:?}"
    );
    for name in &groups {
        assert!(
            name.len() <= "groups-".len() + qstudy_core::view::FILE_PART_MAX,
            "{name}"
        );
    }
    assert!(groups.contains(&"groups-a_b"), "{groups:?}");
    // `Role` comes first in results order (sorted): it keeps its name, `role` gets a hash
    assert!(groups.contains(&"groups-Role"), "{groups:?}");
    assert!(
        groups.iter().any(|n| n.starts_with("groups-role-")),
        "{groups:?}"
    );
    // one attribute drawn alone has the name it has in the whole set
    for (plot, attribute) in g
        .plots
        .iter()
        .filter(|p| p.name().starts_with("groups-"))
        .zip(qstudy_core::view::group_attributes(&r))
    {
        let alone = group_makeup(&r, attribute, &PlotOptions::default()).unwrap();
        assert_eq!(alone.name(), plot.name());
    }
}

#[test]
fn names_joined_from_factor_names_are_told_apart() {
    let mut r = results();
    // a results.json edited by hand: factor names that join into one loadings name
    r.factors[0].name = "a-b".into();
    r.factors[1].name = "c".into();
    r.factors[2].name = "a".into();
    let mut plots = vec![
        loadings_map(&r, 0, 1, &PlotOptions::default()).unwrap(),
        loadings_map(&r, 0, 1, &PlotOptions::default()).unwrap(),
    ];
    unique_names(&mut plots);
    assert_eq!(plots[0].name(), "loadings-a-b-c");
    assert_eq!(plots[1].name(), "loadings-a-b-c-2");
}

#[test]
fn composite_settings_change_only_what_they_name() {
    use qstudy_core::options::FigureSettings;
    let r = results();
    let draw = |settings: FigureSettings| {
        let options = PlotOptions {
            composite: settings,
            ..Default::default()
        };
        composite_sort(&r, 0, &options).unwrap()
    };
    let default = draw(FigureSettings::default());
    // the defaults draw the figure as before the settings existed
    let plain = composite_sort(&r, 0, &PlotOptions::default()).unwrap();
    assert_eq!(default.to_svg().unwrap(), plain.to_svg().unwrap());
    assert_eq!(default.to_png().unwrap(), plain.to_png().unwrap());
    let svg = default.to_svg().unwrap();
    assert!(svg.contains("Statement number 1 says"));
    assert!(svg.contains("ranked higher than in every other factor"));

    let numbers = draw(FigureSettings {
        numbers_only: true,
        ..Default::default()
    });
    let s = numbers.to_svg().unwrap();
    assert!(!s.contains("Statement number"), "numbers only");
    assert!(numbers.size().1 < default.size().1);

    let no_legend = draw(FigureSettings {
        legend: false,
        ..Default::default()
    });
    let s = no_legend.to_svg().unwrap();
    assert!(!s.contains("ranked higher than in every other factor"));
    assert!(no_legend.size().1 < default.size().1);
    assert_eq!(no_legend.size().0, default.size().0);

    let big = draw(FigureSettings {
        font_size: Some(20.0),
        ..Default::default()
    });
    assert!(big.to_svg().unwrap() != svg);
    assert!(big.size().1 > default.size().1, "larger text, more lines");

    let cards = draw(FigureSettings {
        card_width: Some(100),
        ..Default::default()
    });
    // 7 columns of 100 px, 6 gaps of 7 px, margins of 28 px
    assert_eq!(cards.size().0, 7 * 100 + 6 * 7 + 2 * 28);
    assert!(cards.to_png().unwrap().starts_with(b"\x89PNG"));
    let too_wide = PlotOptions {
        width: 8000,
        composite: FigureSettings {
            card_width: Some(1000),
            ..Default::default()
        },
        ..Default::default()
    };
    assert!(matches!(
        composite_sort(&r, 0, &too_wide),
        Err(PlotError::CardWidth { .. })
    ));
}
