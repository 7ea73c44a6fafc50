//! The overview sheet: the study, the options and what was left out.

use super::*;
use crate::fmt::{factor_numbers, flag_edits};

pub(super) fn overview(
    o: &mut Book,
    r: &AnalysisResults,
    ctx: &ReportContext,
) -> Result<(), XlsxError> {
    let mut items = study_and_options(r, ctx);
    for fr in &r.factors {
        items.push((
            "Factor",
            match &fr.label {
                Some(l) => format!("{}: {l}", fr.name),
                None => fr.name.clone(),
            },
        ));
    }
    for w in &r.warnings {
        items.push(("Warning", w.to_string()));
    }
    for n in &o.notes {
        items.push(("Not in this workbook", n.clone()));
    }
    let written_by = (
        "Written by",
        format!("qstudy {}", env!("CARGO_PKG_VERSION")),
    );
    // Only an absurd number of warnings could fill the sheet: keep the first ones.
    let room = (o.limits.rows.saturating_sub(rows(0)) as usize).max(2);
    if items.len() + 1 > room {
        let left_out = items.len() + 2 - room;
        items.truncate(room - 2);
        items.push((
            "Not in this workbook",
            format!("{left_out} more warnings: results.json lists every warning"),
        ));
    }
    items.push(written_by);
    o.sheet("Overview", "Project Overview", |s| {
        s.header(&["Item".to_string(), "Value".to_string()], 1)?;
        for (i, (k, v)) in items.iter().enumerate() {
            let row = FIRST_ROW + i as RowNum;
            s.bold(row, 0, k)?;
            s.text(row, 1, v)?;
        }
        s.widths(&[34.0, 90.0])
    })
}

/// The overview's first items: the study and the options of the analysis.
fn study_and_options(r: &AnalysisResults, ctx: &ReportContext) -> Vec<(&'static str, String)> {
    let opts = &r.options;
    let grid: Vec<String> = r
        .input
        .grid
        .iter()
        .map(|g| format!("{:+}:{}", g[0], g[1]))
        .collect();
    let steps: Vec<String> = opts
        .rotation_steps
        .iter()
        .map(|(a, b, d)| format!("{a},{b},{d}"))
        .collect();
    vec![
        (
            "Study",
            ctx.title
                .clone()
                .unwrap_or_else(|| "(untitled)".to_string()),
        ),
        ("Statements", r.input.statements.to_string()),
        ("Q-sorts", r.input.sorts.to_string()),
        ("Grid (value:count)", grid.join(", ")),
        (
            "Distribution",
            if r.input.free_distribution {
                "free".to_string()
            } else {
                "forced".to_string()
            },
        ),
        ("Correlation", opts.correlation.to_string()),
        ("Extraction", opts.extraction.to_string()),
        ("Factors extracted", opts.extracted.to_string()),
        ("Factors kept", opts.factors.to_string()),
        ("Rotation", qstudy_core::view::rotation_name(opts)),
        ("Judgmental rotation (A,B,degrees)", steps.join("; ")),
        ("Flagging p", opts.flag_p.to_string()),
        ("Majority rule", opts.flag_majority.to_string()),
        ("Automatic flagging", opts.flag_automatic.to_string()),
        ("Flagged by hand", flag_edits(&opts.manual_flags)),
        ("Unflagged by hand", flag_edits(&opts.manual_unflags)),
        ("Inverted factors", factor_numbers(&opts.inverted)),
        ("Split factors", factor_numbers(&opts.split)),
    ]
}
