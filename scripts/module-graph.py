#!/usr/bin/env python3
"""Prints the dependencies between chapterhouse's top-level modules (src/<module>) and any
cycle among them. Run from the repository root: `python3 scripts/module-graph.py`."""
import glob, re, sys, os

TOP = {}
for path in glob.glob("src/**/*.rs", recursive=True):
    rel = os.path.relpath(path, "src")
    if rel in ("main.rs", "lib.rs") or rel.startswith("cli/"):
        continue
    top = rel.split("/")[0].removesuffix(".rs")
    text = open(path).read().split("#[cfg(test)]")[0]
    deps = TOP.setdefault(top, set())
    for m in re.finditer(r"crate::(\w+)", text):
        dep = m.group(1)
        dep = {"config": "model", "legal": "model"}.get(dep, dep)
        if dep != top:
            deps.add(dep)

for top in sorted(TOP):
    print(f"{top:12} -> {', '.join(sorted(TOP[top])) or '(nothing)'}")

def cycles():
    found, state = [], {}
    def visit(node, stack):
        state[node] = 1
        for dep in sorted(TOP.get(node, ())):
            if state.get(dep) == 1:
                found.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, stack + [dep])
        state[node] = 2
    for node in sorted(TOP):
        if node not in state:
            visit(node, [node])
    return found

found = cycles()
for cycle in found:
    print("cycle:", " -> ".join(cycle))
sys.exit(1 if found else 0)
