use super::{AnalysisDefaults, check_name, parse_manifest_text};
use std::path::Path;

#[derive(serde::Deserialize, serde::Serialize)]
struct Table {
    analysis: AnalysisDefaults,
}

#[test]
fn the_analysis_table_is_typed_and_written_back_as_read() {
    let text = "[analysis]\nmethod = \"pca\"\nfactors = 3\nrotate = [\"1,2,10\", \"2,3,-7.5\"]\nflag_p = 0.01\nflag = [\"C03=2\", \"a=b=F1a\"]\ninvert = [2]\n";
    let t: Table = parse_manifest_text(text, Path::new("study.toml")).unwrap();
    assert_eq!(t.analysis.rotate[1].degrees, -7.5);
    assert_eq!(t.analysis.flag[1].sort, "a=b");
    let o = t.analysis.resolve();
    assert_eq!(
        (o.factors, o.flagging.p, o.invert.clone()),
        (3, 0.01, vec![2])
    );
    assert_eq!(toml::to_string(&t).unwrap(), text);
    for (bad, line) in [
        ("[analysis]\nfactors = 2\nrotate = [\"1,2\"]\n", 3),
        ("[analysis]\nflag = [\"C03\"]\n", 2),
    ] {
        let e = parse_manifest_text::<Table>(bad, Path::new("study.toml"))
            .err()
            .unwrap()
            .to_string();
        assert!(e.starts_with(&format!("study.toml: line {line}: ")), "{e}");
    }
}

#[test]
fn manifest_file_names_stay_inside_the_directory() {
    for ok in [
        "sorts.csv",
        "./sorts.csv",
        "data/sorts.csv",
        "a/../sorts.csv",
    ] {
        assert_eq!(check_name("sorts", ok), Ok(()), "{ok}");
    }
    for (bad, why) in [
        ("/etc/passwd", "absolute"),
        ("C:\\Windows\\win.ini", "absolute"),
        ("\\\\server\\share\\x.csv", "absolute"),
        ("../x.csv", "leads out"),
        ("a/../../x.csv", "leads out"),
        (".", "the study directory itself"),
        ("a/..", "the study directory itself"),
        ("", "empty"),
        ("  ", "empty"),
        ("x\0.csv", "NUL"),
    ] {
        let e = check_name("sorts", bad).unwrap_err();
        assert!(e.contains(why), "{bad:?}: {e}");
        assert!(e.starts_with("sorts = \""), "{e}");
        assert!(!e.contains('\n') && !e.contains('\0'), "{e:?}");
    }
}

#[test]
fn many_rows_get_their_lines_in_linear_time() {
    // 200,000 sort rows: line numbers come from one pass (they were one pass per row).
    let dir = tempfile::tempdir().unwrap();
    let mut sorts = String::from("id,1,2\n");
    for i in 0..200_000 {
        sorts.push_str(&format!("P{i},1,-1\n"));
    }
    sorts.push_str("P0,1,-1\n");
    std::fs::write(dir.path().join("sorts.csv"), sorts).unwrap();
    let statements = vec![
        super::Statement {
            id: 1,
            text: "a".into(),
            tag: None,
        },
        super::Statement {
            id: 2,
            text: "b".into(),
            tag: None,
        },
    ];
    let e = super::read_sort_rows(&dir.path().join("sorts.csv"), &statements).unwrap_err();
    assert!(
        e.to_string()
            .contains("line 200002: column 1: duplicate sort id 'P0' (first on line 2)"),
        "{e}"
    );
}

/// The parser says only `duplicate key`: the message names the key, its table and the line.
#[test]
fn a_duplicate_key_is_named_with_its_table_and_line() {
    let cases = [
        (
            "title = \"x\"\n[analysis]\nfactors = 2\nmethod = \"pca\"\nfactors = 3\n",
            "study.toml: line 5: duplicate key `factors` in [analysis]: give each key once in a table",
        ),
        (
            "title = \"x\"\ntitle = \"y\"\n",
            "study.toml: line 2: duplicate key `title`: give each key once",
        ),
        (
            "[analysis]\nfactors = 2\n\n[analysis]  # again\nmethod = \"pca\"\n",
            "study.toml: line 4: duplicate key `analysis`: the table [analysis] is given twice; give each table once",
        ),
        (
            "[factor_names]\nF1 = \"a\"\n\"F1\" = \"b\"\n",
            "study.toml: line 3: duplicate key `\"F1\"` in [factor_names]: give each key once in a table",
        ),
        (
            "analysis.factors = 2\nanalysis.factors = 3\n",
            "study.toml: line 2: duplicate key `analysis.factors`: give each key once",
        ),
        // a header-like line inside a multi-line string is not a table
        (
            "[study]\ndescription = \"\"\"\n[not a table]\n\"\"\"\ndescription = \"y\"\n",
            "study.toml: line 5: duplicate key `description` in [study]: give each key once in a table",
        ),
    ];
    for (text, expected) in cases {
        let e = parse_manifest_text::<toml::Table>(text, Path::new("study.toml"))
            .err()
            .unwrap_or_else(|| panic!("{text} parsed"))
            .to_string();
        assert_eq!(e, expected, "{text}");
    }
}
