#!/usr/bin/env python3
"""Library functions longer than a limit (default 80 lines), longest first.

Counts every `fn` with a body in crates/*/src, outside tests (`#[cfg(test)]` modules,
`tests.rs` and `tests/` files), from its `fn` line to its closing brace. Braces inside string
and char literals and comments are skipped.

    python3 scripts/long-functions.py [LIMIT]
"""
import pathlib
import re
import sys

LIMIT = int(sys.argv[1]) if len(sys.argv) > 1 else 80
FN = re.compile(r"\bfn\s+(\w+)")


def code_only(text):
    """`text` with literals and comments blanked out (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif re.match(r'b?r(#*)"', text[i:i + 20]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'b?r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            m = re.match(r"'(\\.|\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|[^\\'])'", text[i:])
            if m:
                out.append(" " * m.end())
                i += m.end()
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    lines = code_only(path.read_text(encoding="utf-8")).split("\n")
    raw = path.read_text(encoding="utf-8").split("\n")
    depth = 0
    test_depth = None
    cfg_test = False
    open_fns = []  # (name, start line, depth before its body)
    for no, line in enumerate(lines):
        if re.match(r"\s*#\[cfg\(test\)\]", raw[no]):
            cfg_test = True
        m = FN.search(line)
        if m and test_depth is None:
            open_fns.append([m.group(1), no, None])
        for c in line:
            if c == "{":
                if cfg_test and test_depth is None:
                    test_depth = depth
                    cfg_test = False
                for f in open_fns:
                    if f[2] is None:
                        f[2] = depth
                depth += 1
            elif c == "}":
                depth -= 1
                if test_depth is not None and depth == test_depth:
                    test_depth = None
                for f in list(open_fns):
                    if f[2] == depth:
                        open_fns.remove(f)
                        yield f[0], f[1] + 1, no - f[1] + 1
            elif c == ";":
                # a declaration without a body (trait method, extern fn)
                open_fns = [f for f in open_fns if f[2] is not None]
        if cfg_test and line.strip() and not line.strip().startswith("#") and "{" not in line:
            if re.match(r"\s*(pub(\([^)]*\))?\s+)?(mod|fn|use|impl)\b", line):
                cfg_test = cfg_test and "mod" in line


def main():
    found = []
    for path in sorted(pathlib.Path("crates").glob("*/src/**/*.rs")):
        if "tests" in path.parts or path.name == "tests.rs":
            continue
        for name, line, length in functions(path):
            if length > LIMIT:
                found.append((length, f"{path}:{line}", name))
    for length, place, name in sorted(found, reverse=True):
        print(f"{length:5} {place} {name}")
    print(f"{len(found)} library functions over {LIMIT} lines")


if __name__ == "__main__":
    main()
