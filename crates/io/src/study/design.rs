//! The simulation design file (`design.toml`) read by `qstudy simulate`: a study manifest with
//! planted viewpoints and participants instead of sorts.

use qstudy_core::simulate::{Design, LoadingRange, SimParticipant, Viewpoint};

use super::*;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DesignFile {
    title: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    citation: Option<String>,
    grid: String,
    statements: Spanned<String>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    analysis: Option<AnalysisDefaults>,
    #[serde(default)]
    factor_names: BTreeMap<String, String>,
    viewpoints: Vec<ViewpointEntry>,
    participants: Vec<ParticipantEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ViewpointEntry {
    name: String,
    /// statement id -> grid value
    ideal: BTreeMap<String, i32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParticipantEntry {
    id: String,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    loadings: Vec<LoadingEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LoadingEntry {
    viewpoint: String,
    min: f64,
    max: f64,
}

/// A design read from `design.toml`, with what the generated study directory needs.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignStudy {
    /// The design for the simulator.
    pub design: Design,
    /// The statements (copied into the study).
    pub statements: Vec<Statement>,
    /// Title of the generated study.
    pub title: String,
    /// Description of the generated study.
    pub description: Option<String>,
    /// Citation of the generated study.
    pub citation: Option<String>,
    /// Seed given in the design, if any.
    pub seed: Option<u64>,
    /// Analysis defaults copied into the study.
    pub defaults: Option<AnalysisDefaults>,
    /// Factor names copied into the study.
    pub factor_names: BTreeMap<String, String>,
}

/// Reads a simulation design (`design.toml`; see docs/formats.md). Statement ids in ideal
/// sorts must exist in the statements file and every statement must have an ideal value;
/// loadings must name defined viewpoints. The core checks (grid, ranges) come from
/// [`qstudy_core::simulate::check_design`].
pub fn read_design(path: &Path) -> Result<DesignStudy, ReadError> {
    let (file, text): (DesignFile, String) = parse_manifest(path)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let grid: Grid = file
        .grid
        .parse()
        .map_err(|e| study_error(path, None, format!("grid: {e}")))?;
    let statements = read_statements(&confined(dir, path, &text, "statements", &file.statements)?)?;
    let viewpoints = file
        .viewpoints
        .iter()
        .map(|v| viewpoint(path, v, &statements, file.statements.get_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    let participants = file
        .participants
        .iter()
        .map(|p| participant(path, p, &file.viewpoints))
        .collect::<Result<Vec<_>, _>>()?;
    let design = Design {
        grid,
        statement_ids: statements.iter().map(|s| s.id).collect(),
        viewpoints,
        participants,
    };
    qstudy_core::simulate::check_design(&design)
        .map_err(|e| study_error(path, None, e.to_string()))?;
    Ok(DesignStudy {
        design,
        statements,
        title: file.title,
        description: file.description,
        citation: file.citation,
        seed: file.seed,
        defaults: file.analysis,
        factor_names: file.factor_names,
    })
}

/// A viewpoint of the design: its ideal sort in `statements` order (every statement given a
/// value, by an id of `statements_file`).
fn viewpoint(
    path: &Path,
    v: &ViewpointEntry,
    statements: &[Statement],
    statements_file: &str,
) -> Result<Viewpoint, ReadError> {
    let mut ideal = vec![None; statements.len()];
    for (key, &value) in &v.ideal {
        let sid: u32 = key.trim().parse().map_err(|_| {
            study_error(
                path,
                None,
                format!("viewpoint '{}': '{key}' is not a statement id", v.name),
            )
        })?;
        let s = statements
            .iter()
            .position(|st| st.id == sid)
            .ok_or_else(|| {
                study_error(
                    path,
                    None,
                    format!(
                        "viewpoint '{}': unknown statement {sid} (not in {statements_file})",
                        v.name,
                    ),
                )
            })?;
        ideal[s] = Some(value);
    }
    if let Some(s) = ideal.iter().position(Option::is_none) {
        return Err(study_error(
            path,
            None,
            format!(
                "viewpoint '{}': no ideal value for statement {}",
                v.name, statements[s].id
            ),
        ));
    }
    Ok(Viewpoint {
        name: v.name.clone(),
        ideal: ideal.into_iter().flatten().collect(),
    })
}

/// A simulated participant: its loading ranges, each on a viewpoint of `viewpoints` by name.
fn participant(
    path: &Path,
    p: &ParticipantEntry,
    viewpoints: &[ViewpointEntry],
) -> Result<SimParticipant, ReadError> {
    let mut loadings = Vec::new();
    for l in &p.loadings {
        let viewpoint = viewpoints
            .iter()
            .position(|v| v.name == l.viewpoint)
            .ok_or_else(|| {
                study_error(
                    path,
                    None,
                    format!(
                        "participant '{}': unknown viewpoint '{}'",
                        p.id, l.viewpoint
                    ),
                )
            })?;
        loadings.push(LoadingRange {
            viewpoint,
            min: l.min,
            max: l.max,
        });
    }
    Ok(SimParticipant {
        id: p.id.clone(),
        attributes: p.attributes.clone(),
        loadings,
    })
}
