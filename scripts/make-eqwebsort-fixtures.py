#!/usr/bin/env python3
"""Builds fixtures/eqwebsort/ and the APSE subsets from bundled studies (see
fixtures/eqwebsort/PROVENANCE.md). Deterministic: run it again and the files are the same.

    python3 scripts/make-eqwebsort-fixtures.py

- apse-netlify.csv: the 32 APSE sorts as EQ Web Sort's Netlify form export (one qSortData
  cell per submission, `key:| value | ... | sort:| a|b|c | `, SubmitButtonNetlify.jsx).
- lipset-sheets.csv: the 9 Lipset sorts as EQ Web Sort's Google Sheets export (a header of
  column numbers, one `key: value` cell per key, SubmitButtonGS.jsx; CRLF line ends).
- lipset-statements.xml: LIPSET.STA as HTMLQ's settings/statements.xml.
- ../apse-2023-officers/ and ../apse-2023-lancaster-officers/: study directories holding the
  APSE officers (and the Lancaster officers) only, rows copied from fixtures/apse-2023.
"""

import csv
import hashlib
import io
import os
import shutil

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def random_id(seed):
    """What `uuid().substring(0, 12)` looks like (8 hex, a dash, 3 hex), from a hash."""
    h = hashlib.sha256(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:11]}"


def eq_results(project, part_id, rid, usercode, minute, extra, sort):
    """The results object of EQ Web Sort's submit page, in its key order (Submit.jsx)."""
    return [
        ("projectName", project),
        ("partId", part_id),
        ("randomId", rid),
        ("urlUsercode", usercode),
        ("dateTime", f"14/03/2024, 10:{minute:02d}:00"),
        ("timeLanding", "00:00:41"),
        ("timePresort", "00:03:12"),
        ("timeSort", "00:09:58"),
        ("npos", 12),
        ("nneu", 11),
        ("nneg", 17),
        *extra,
        ("sort", "|".join(str(v) for v in sort)),
    ]


def apse_netlify():
    apse = os.path.join(ROOT, "apse-2023")
    sorts = read_csv(os.path.join(apse, "sorts.csv"))
    people = {r[0]: r for r in read_csv(os.path.join(apse, "participants.csv"))[1:]}
    header = read_csv(os.path.join(apse, "participants.csv"))[0]
    role, council = header.index("role"), header.index("council")
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["qSortData"])
    for i, row in enumerate(sorts[1:]):
        sid, values = row[0], row[1:]
        p = people[sid]
        # The participant code came in the link (urlUsercode); partId left at its default.
        results = eq_results(
            "APSE 2023 (simulated)",
            "anonymous",
            random_id("apse" + sid),
            sid,
            i,
            [("qNum1-text", p[role]), ("qNum2-text", p[council])],
            values,
        )
        w.writerow(["".join(f"{k}:| {v} | " for k, v in results)])
    return out.getvalue()


def lipset_sorts():
    """The 9 sorts of LIPSET.DAT: (id, values)."""
    with open(os.path.join(ROOT, "lipset", "LIPSET.DAT"), encoding="latin-1") as f:
        lines = f.read().splitlines()
    n, m = int(lines[0][3:6]), int(lines[0][6:9])
    out = []
    for line in lines[2 : 2 + n]:
        values = [int(line[10 + 2 * s : 12 + 2 * s]) for s in range(m)]
        out.append((line[:8].rstrip(), values))
    return out


def lipset_sheets():
    rows = []
    for i, (sid, values) in enumerate(lipset_sorts()):
        results = eq_results(
            "Lipset", sid, random_id("lipset" + sid), "no data", i, [], values
        )
        rows.append([f"{k}: {v}" for k, v in results])
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([str(c + 1) for c in range(len(rows[0]))])
    w.writerows(rows)
    return out.getvalue()


def lipset_statements_xml():
    with open(os.path.join(ROOT, "lipset", "LIPSET.STA"), encoding="latin-1") as f:
        texts = [t.strip() for t in f.read().splitlines() if t.strip()]
    esc = lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = "".join(f'  <statement id="{i + 1}">{esc(t)}</statement>\n' for i, t in enumerate(texts))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- The statements of LIPSET.STA in HTMLQ's settings/statements.xml layout. -->\n"
        f'<statements version="1.0" htmlParse="false">\n{body}</statements>\n'
    )


def apse_subset(name, keep, factors, names, comment):
    apse = os.path.join(ROOT, "apse-2023")
    out = os.path.join(ROOT, name)
    os.makedirs(out, exist_ok=True)
    shutil.copyfile(os.path.join(apse, "statements.csv"), os.path.join(out, "statements.csv"))
    people = read_csv(os.path.join(apse, "participants.csv"))
    header = people[0]
    kept = [r[0] for r in people[1:] if keep(dict(zip(header, r)))]
    for file in ["sorts.csv", "participants.csv"]:
        rows = read_csv(os.path.join(apse, file))
        with open(os.path.join(out, file), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(rows[0])
            w.writerows(r for r in rows[1:] if r[0] in kept)
    with open(os.path.join(apse, "study.toml"), encoding="utf-8") as f:
        toml = f.read()
    head = toml.split("[analysis]")[0].split("\n", 1)[1]
    names_toml = "".join(f'F{i + 1} = "{n}"\n' for i, n in enumerate(names))
    with open(os.path.join(out, "study.toml"), "w", encoding="utf-8") as f:
        f.write(
            f"# {comment}\n{head}[analysis]\nmethod = \"centroid\"\nfactors = {factors}\n"
            f"rotation = \"varimax\"\n\n[factor_names]\n{names_toml}"
        )
    return kept


def main():
    out = os.path.join(ROOT, "eqwebsort")
    os.makedirs(out, exist_ok=True)
    for name, text in [
        ("apse-netlify.csv", apse_netlify()),
        ("lipset-sheets.csv", lipset_sheets()),
        ("lipset-statements.xml", lipset_statements_xml()),
    ]:
        with open(os.path.join(out, name), "w", newline="", encoding="utf-8") as f:
            f.write(text)
    names = [
        "galvanised dialogues",
        "settled accommodation",
        "frustrated expectations",
        "stressed collaboration",
    ]
    apse_subset(
        "apse-2023-officers",
        lambda p: p["role"] == "officer",
        4,
        names,
        "The officers of fixtures/apse-2023 (rows copied by scripts/make-eqwebsort-fixtures.py).",
    )
    apse_subset(
        "apse-2023-lancaster-officers",
        lambda p: p["role"] == "officer" and p["council"] == "Lancaster",
        2,
        names[:2],
        "The Lancaster officers of fixtures/apse-2023 (rows copied by scripts/make-eqwebsort-fixtures.py).",
    )


if __name__ == "__main__":
    main()
