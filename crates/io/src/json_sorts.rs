//! easy-htmlq / EQ Web Sort JSON: the Firebase export of the web sorting tools, one object per
//! participant under its key, with `"sort": "a|b|c"` (grid values in statement order) and other
//! fields (form answers, comments, durations, `uid`, `datetime`...).
//!
//! - The top level is an object of participants (ids = keys, in file order) or an array of
//!   participant objects (ids = their `id`, `uid` or `sid` field, else `P1`, `P2`... by
//!   position). An object with no participant in it but exactly one object inside (a whole
//!   database export such as `{"my-study": {...}}`) is looked into, one level.
//! - `sort`: a string of integers separated by `|` (`+2` and blanks allowed), or an array of
//!   integers; every participant must have as many values as the first.
//! - Every other field becomes a participant attribute: strings as they are, numbers and
//!   booleans as written, `null` left out, objects and arrays as compact JSON.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use qstudy_core::{Participant, SortTable};

use crate::Parsed;
use crate::csv_rows::RowsRead;
use crate::error::{ReadError, content};
use crate::source::SourceMap;
use crate::text::{decode, parse_value};

const EXPECTED: &str = "an easy-htmlq/EQ Web Sort JSON export: an object holding one object per participant, each with a \"sort\" field such as \"2|-1|0|...\"";

/// The top level, keeping the order of the file.
enum Top {
    Object(Vec<(String, Value)>),
    Array(Vec<Value>),
    Other,
}

impl<'de> Deserialize<'de> for Top {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Top;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object or array")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    entries.push((k, v));
                }
                Ok(Top::Object(entries))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element::<Value>()? {
                    items.push(v);
                }
                Ok(Top::Array(items))
            }
            fn visit_str<E>(self, _: &str) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_unit<E>(self) -> Result<Top, E> {
                Ok(Top::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// Byte offsets of the elements of the top-level array (string- and nesting-aware).
fn array_element_offsets(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut expecting) = (0usize, false, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        if expecting && !b.is_ascii_whitespace() && b != b']' {
            out.push(i);
            expecting = false;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth == 1 && b == b'[' {
                    expecting = true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => expecting = true,
            _ => {}
        }
    }
    out
}

/// An attribute value as text; `None` for `null`.
fn attribute(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.trim().to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// A participant's values from its `sort` field (`None` for a missing value: an empty one,
/// or `null` in an array); `None` for a sort that is `no data` (EQ Web Sort's null).
fn sort_values(
    file: &Path,
    place: &str,
    sort: Option<&Value>,
) -> Result<Option<Vec<Option<i32>>>, ReadError> {
    let bad = |message: String| content(file, Some(place.to_string()), message);
    match sort {
        None => Err(bad(format!("no \"sort\" field; expected {EXPECTED}"))),
        Some(Value::String(s)) if s.trim() == "no data" => Ok(None),
        Some(Value::String(s)) => s
            .split('|')
            .enumerate()
            .map(|(i, v)| {
                parse_value(v).ok_or_else(|| {
                    bad(format!(
                        "field \"sort\", value {} (statement {}): {} is not an integer; expected whole numbers separated by '|', e.g. \"2|-1|0\"",
                        i + 1,
                        i + 1,
                        crate::error::show(v)
                    ))
                })
            })
            .collect::<Result<_, _>>()
            .map(Some),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let n = match v {
                    Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()).map(Some),
                    Value::String(s) => parse_value(s),
                    Value::Null => Some(None),
                    _ => None,
                };
                n.ok_or_else(|| {
                    bad(format!(
                        "field \"sort\", value {} (statement {}): {v} is not an integer",
                        i + 1,
                        i + 1
                    ))
                })
            })
            .collect::<Result<_, _>>()
            .map(Some),
        Some(other) => Err(bad(format!(
            "field \"sort\" is {other}; expected a string of values separated by '|', e.g. \"2|-1|0\""
        ))),
    }
}

/// A participant: id, line, object.
type Entry = (String, usize, serde_json::Map<String, Value>);

/// The participants of a top-level object (keyed by id, possibly one level down), with the
/// lines of their keys.
fn object_entries(
    items: Vec<(String, Value)>,
    text: &str,
    file: &Path,
) -> Result<Vec<Entry>, ReadError> {
    let mut entries = Vec::new();
    let has_sort = |v: &Value| v.get("sort").is_some();
    let items = if !items.iter().any(|(_, v)| has_sort(v))
        && items.len() == 1
        && items
            .first()
            .is_some_and(|(_, v)| v.as_object().is_some_and(|o| o.values().any(has_sort)))
    {
        // One level down: {"study": {"key": {...}, ...}} (key order of that object).
        items
            .into_iter()
            .flat_map(|(_, v)| match v {
                Value::Object(o) => o.into_iter().collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .collect()
    } else {
        items
    };
    // Keys come in file order: each is looked for after the previous one, and after
    // one is not found (written with escapes) the rest keep the last line found, so
    // that the look-ups stay linear in the file.
    let mut lines = crate::text::Lines::new(text);
    let (mut from, mut lost, mut last) = (0usize, false, 1usize);
    for (key, value) in items {
        if !lost {
            let quoted = serde_json::to_string(&key).unwrap_or_default();
            match text.get(from..).and_then(|t| t.find(&quoted)) {
                Some(at) => {
                    last = lines.line_of(from + at);
                    from += at + quoted.len();
                }
                None => lost = true,
            }
        }
        let line = last;
        match value {
            Value::Object(o) => entries.push((key, line, o)),
            other => {
                return Err(content(
                    file,
                    Some(format!("line {line}, participant '{key}'")),
                    format!("expected an object with a \"sort\" field, found {other}"),
                ));
            }
        }
    }
    Ok(entries)
}

/// The participants of a top-level array (id from `id`, `uid` or `sid`, else `P1`, `P2`...),
/// with the lines of their elements.
fn array_entries(items: Vec<Value>, text: &str, file: &Path) -> Result<Vec<Entry>, ReadError> {
    let mut entries = Vec::new();
    let offsets = array_element_offsets(text);
    let mut lines = crate::text::Lines::new(text);
    for (i, value) in items.into_iter().enumerate() {
        let line = offsets.get(i).map_or(1, |&o| lines.line_of(o));
        match value {
            Value::Object(o) => {
                let id = ["id", "uid", "sid"]
                    .iter()
                    .find_map(|k| attribute(o.get(*k)?).filter(|s| !s.is_empty()))
                    .unwrap_or_else(|| format!("P{}", i + 1));
                entries.push((id, line, o));
            }
            other => {
                return Err(content(
                    file,
                    Some(format!("line {line}, participant {}", i + 1)),
                    format!("expected an object with a \"sort\" field, found {other}"),
                ));
            }
        }
    }
    Ok(entries)
}

/// The field of the participants named `name` (any case), or an error listing theirs.
fn id_field(file: &Path, entries: &[Entry], name: &str) -> Result<String, ReadError> {
    let wanted = name.trim();
    let field = entries
        .iter()
        .flat_map(|(_, _, o)| o.keys())
        .find(|k| k.eq_ignore_ascii_case(wanted))
        .cloned();
    field.ok_or_else(|| {
        let mut seen = std::collections::BTreeSet::new();
        for k in entries.iter().flat_map(|(_, _, o)| o.keys()) {
            if k != "sort" {
                seen.insert(k.as_str());
            }
        }
        content(
            file,
            None,
            format!(
                "no field '{wanted}' for the participant ids; expected one of the participants' fields ({})",
                seen.into_iter().collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

/// Reads an easy-htmlq / EQ Web Sort JSON export; the participant ids from the field
/// `id_column` when given (instead of the keys or `id`/`uid`/`sid`).
pub(crate) fn parse(
    bytes: &[u8],
    file: &Path,
    id_column: Option<&str>,
) -> Result<RowsRead, ReadError> {
    let text = decode(bytes);
    if text.trim().is_empty() {
        return Err(ReadError::Empty {
            file: file.to_path_buf(),
            expected: EXPECTED,
        });
    }
    let top: Top = serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(at) => message.get(..at).unwrap_or(&message).to_string(),
            None => message,
        };
        content(
            file,
            Some(format!("line {}, column {}", e.line(), e.column())),
            format!("not valid JSON: {message}"),
        )
    })?;
    let entries = match top {
        Top::Object(items) => object_entries(items, &text, file)?,
        Top::Array(items) => array_entries(items, &text, file)?,
        Top::Other => {
            return Err(content(
                file,
                Some("line 1".into()),
                format!("the top level is not an object or array; expected {EXPECTED}"),
            ));
        }
    };
    if entries.is_empty() {
        return Err(content(
            file,
            None,
            format!("no participant found; expected {EXPECTED}"),
        ));
    }
    let id_field = match id_column {
        Some(name) => Some(id_field(file, &entries, name)?),
        None => None,
    };
    let sorts: Vec<Option<Vec<Option<i32>>>> = entries
        .iter()
        .map(|(id, line, object)| {
            let place = format!("line {line}, participant '{id}'");
            sort_values(file, &place, object.get("sort"))
        })
        .collect::<Result<_, _>>()?;
    let Some((first, m)) = sorts
        .iter()
        .enumerate()
        .find_map(|(i, s)| s.as_ref().map(|v| (i, v.len())))
    else {
        return Err(content(
            file,
            None,
            format!("every participant's \"sort\" is \"no data\"; expected {EXPECTED}"),
        ));
    };
    let first_id = entries[first].0.clone();
    let mut table = SortTable::default();
    let mut participants = Vec::with_capacity(entries.len());
    let mut sort_lines = Vec::with_capacity(entries.len());
    for ((key, line, object), sort) in entries.into_iter().zip(sorts) {
        let id = match &id_field {
            Some(field) => object.get(field).and_then(attribute).unwrap_or_default(),
            None => key.clone(),
        };
        let values = match sort {
            Some(values) if values.len() != m => {
                return Err(content(
                    file,
                    Some(format!("line {line}, participant '{id}'")),
                    format!(
                        "field \"sort\" has {} value(s), expected {m} (as participant '{first_id}' has: one per statement)",
                        values.len(),
                    ),
                ));
            }
            Some(values) => values,
            None => vec![None; m],
        };
        let index = table.sort_ids.len();
        let row = values
            .iter()
            .enumerate()
            .map(|(statement, v)| {
                v.unwrap_or_else(|| {
                    table.missing.push((index, statement));
                    0
                })
            })
            .collect();
        let mut attributes: BTreeMap<String, String> = object
            .iter()
            .filter(|(k, _)| k.as_str() != "sort" && Some(*k) != id_field.as_ref())
            .filter_map(|(k, v)| attribute(v).map(|a| (k.clone(), a)))
            .collect();
        if id_field.is_some() && key != id {
            // the key the export filed it under is kept with the other fields
            attributes.entry("key".to_string()).or_insert(key);
        }
        participants.push(Participant {
            id: id.clone(),
            attributes,
        });
        table.sort_ids.push(id);
        table.values.push(row);
        sort_lines.push(line);
    }
    Ok((
        Parsed {
            table,
            grid: None,
            title: None,
            source: SourceMap::Records { sort_lines },
        },
        Some(participants),
    ))
}

#[cfg(test)]
mod tests {
    use crate::{InputFormat, read_sorts_from_str};

    fn json(text: &str) -> Result<crate::LoadedSorts, crate::ReadError> {
        read_sorts_from_str(text, "eq.json", InputFormat::EasyHtmlqJson)
    }

    const FIREBASE: &str = r#"{
  "-Lb2": {"sort": "1|0|-1", "uid": "", "comment0": "agree strongly", "npos": 1, "datetime": "2019-04-02 10:00:00"},
  "-La1": {"sort": "-1|+1| 0", "uid": "x7", "form": {"age": 31}, "extra": null}
}"#;

    #[test]
    fn firebase_export_in_file_order_with_attributes() {
        let l = json(FIREBASE).unwrap();
        assert_eq!(l.table.sort_ids, ["-Lb2", "-La1"]);
        assert_eq!(l.table.values, [vec![1, 0, -1], vec![-1, 1, 0]]);
        let p = l.participants().unwrap();
        assert_eq!(p[0].attributes["comment0"], "agree strongly");
        assert_eq!(p[0].attributes["npos"], "1");
        assert_eq!(p[1].attributes["form"], r#"{"age":31}"#);
        assert!(!p[1].attributes.contains_key("extra"));
        assert_eq!(l.source.sort(1).unwrap().to_string(), "line 3");
    }

    #[test]
    fn nested_one_level_and_arrays() {
        let l = json(r#"{"study": {"a": {"sort": "1|-1"}, "b": {"sort": [-1, 1]}}}"#).unwrap();
        assert_eq!(l.table.sort_ids, ["a", "b"]);
        assert_eq!(l.table.values[1], [-1, 1]);
        let l =
            json("[\n {\"uid\": \"u1\", \"sort\": \"1|-1\"},\n {\"sort\": \"-1|1\"}\n]").unwrap();
        assert_eq!(l.table.sort_ids, ["u1", "P2"]);
        assert_eq!(l.source.sort(1).unwrap().to_string(), "line 3");
    }

    #[test]
    fn errors_name_the_line_and_participant() {
        let e =
            json("{\n \"a\": {\"sort\": \"1|-1\"},\n \"b\": {\"sort\": \"1|x\"}\n}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "eq.json: line 3, participant 'b': field \"sort\", value 2 (statement 2): 'x' is not an integer; expected whole numbers separated by '|', e.g. \"2|-1|0\""
        );
        let e = json("{\"a\": {\"sort\": \"1|-1\"}, \"b\": {\"sort\": \"1|0|-1\"}}").unwrap_err();
        assert!(
            e.to_string()
                .contains("field \"sort\" has 3 value(s), expected 2 (as participant 'a' has"),
            "{e}"
        );
        let e = json("{\"a\": {\"sorts\": \"1|-1\"}}").unwrap_err();
        assert!(e.to_string().contains("no \"sort\" field"), "{e}");
        let e = json("{\"a\": {\"sort\": \"1|-1\"},\n").unwrap_err();
        assert!(e.to_string().starts_with("eq.json: line 2, column"), "{e}");
        assert!(e.to_string().contains("not valid JSON"), "{e}");
        let e = json("3").unwrap_err();
        assert!(e.to_string().contains("not an object or array"), "{e}");
        let e = json("{}").unwrap_err();
        assert!(e.to_string().contains("no participant found"), "{e}");
        let e = json("  ").unwrap_err();
        assert!(matches!(e, crate::ReadError::Empty { .. }), "{e}");
        let e = json("{\"a\": 3}").unwrap_err();
        assert!(e.to_string().contains("participant 'a'"), "{e}");
    }
}
