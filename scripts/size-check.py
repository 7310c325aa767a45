#!/usr/bin/env python3
"""Fails when a source file is over 600 lines or a function over 80 (the project's limits)."""
import glob
import re
import sys

problems = []
for path in sorted(glob.glob("src/**/*.rs", recursive=True)):
    lines = open(path, encoding="utf-8").read().split("\n")
    if len(lines) > 601:
        problems.append(f"{path}: {len(lines) - 1} lines (limit 600)")
    i = 0
    while i < len(lines):
        match = re.match(r"^(\s*)(pub(\([a-z]+\))? )?(const )?(async )?fn ", lines[i])
        if match and not lines[i].rstrip().endswith(";"):
            indent = match.group(1)
            j = i + 1
            while j < len(lines) and not (
                lines[j].startswith(indent + "}") and not lines[j][len(indent)].isspace()
            ):
                j += 1
            if j - i + 1 > 80:
                problems.append(f"{path}:{i + 1}: function of {j - i + 1} lines (limit 80)")
            i = j
        i += 1
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
