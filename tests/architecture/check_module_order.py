#!/usr/bin/env python3
"""Fails when a module of host/src includes one that comes after it in the
module map of DESIGN.md ("a module may use those above it in this list,
never below"). The order is written here as it is there; host.hpp/host.cpp,
the composition root, may include every module.

    check_module_order.py HOST_SRC_DIR
"""
import os
import re
import sys

# The module map, top to bottom (shared/DESIGN.md, "Module map").
ORDER = ["core", "http", "expr", "store", "packs", "actions", "executions", "workflows", "events", "chatops", "api", "cli"]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.M)


def main(src):
    rank = {m: i for i, m in enumerate(ORDER)}
    problems = []
    for module in ORDER:
        root = os.path.join(src, module)
        for dirpath, _, files in os.walk(root):
            for name in files:
                if not name.endswith((".hpp", ".cpp", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                for m in INCLUDE.finditer(text):
                    used = m.group(1)
                    if used in rank and rank[used] > rank[module]:
                        line = text.count("\n", 0, m.start()) + 1
                        problems.append("%s:%d: %s includes %s, which comes after it in the module map"
                                        % (os.path.relpath(path, src), line, module, used))
    unknown = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)) and d not in rank)
    for d in unknown:
        problems.append("%s/: a module the map does not know; add it to DESIGN.md and to ORDER here" % d)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
