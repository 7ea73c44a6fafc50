#!/usr/bin/env python3
"""Library functions longer than a limit (default 80 lines), longest first.

Counts every `fn` in crates/*/src (not tests: `#[cfg(test)]` modules, `tests.rs`/`tests/`
files, benches, examples), from its `fn` line to its closing brace.

    python3 scripts/long-functions.py [LIMIT]
"""
import pathlib
import re
import sys

LIMIT = int(sys.argv[1]) if len(sys.argv) > 1 else 80
FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?(extern\s+\"[^\"]*\"\s+)?fn\s+(\w+)")


def strip(line):
    """The line without string literals, char literals and comments (roughly)."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])'", "''", line)
    return line.split("//")[0]


def functions(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    skip_depth = None
    depth = 0
    i = 0
    pending_cfg_test = False
    while i < len(lines):
        raw = lines[i]
        s = strip(raw)
        if skip_depth is None and re.match(r"\s*#\[cfg\(test\)\]", raw):
            pending_cfg_test = True
        m = FN.match(raw)
        if m and skip_depth is None:
            # find the opening brace, then its match
            d = 0
            start = i
            opened = False
            j = i
            while j < len(lines):
                t = strip(lines[j])
                if not opened and ";" in t and "{" not in t:
                    break  # declaration without body
                for c in t:
                    if c == "{":
                        d += 1
                        opened = True
                    elif c == "}":
                        d -= 1
                if opened and d == 0:
                    break
                j += 1
            if opened:
                yield m.group(7), start + 1, j - start + 1
            # nested fns are counted within; continue after the fn line
        if pending_cfg_test and re.match(r"\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{", raw):
            skip_depth = depth
            pending_cfg_test = False
        elif pending_cfg_test and s.strip() and not s.strip().startswith("#"):
            pending_cfg_test = False
        for c in s:
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if skip_depth is not None and depth == skip_depth:
                    skip_depth = None
        i += 1
        if skip_depth is not None:
            # skip body of test module quickly
            pass


def main():
    found = []
    for path in sorted(pathlib.Path("crates").glob("*/src/**/*.rs")):
        parts = path.parts
        if "tests" in parts or path.name == "tests.rs":
            continue
        for name, line, length in functions(path):
            if length > LIMIT:
                found.append((length, f"{path}:{line}", name))
    for length, place, name in sorted(found, reverse=True):
        print(f"{length:5} {place} {name}")
    print(f"{len(found)} library functions over {LIMIT} lines")


if __name__ == "__main__":
    main()
