#!/usr/bin/env python3
"""Which folders of a Swift module use names declared in which others.

    foldergraph.py DIR          prints each two-way pair of folders under DIR
                                with the names that make it, exit 1 if any
    foldergraph.py DIR --edges  prints every edge, "A -> B: name (File.swift) ..."

JailKit's folders are layers (docs/DESIGN.md): a part uses Support/,
Config/ and the parts below it, never one above. Swift does not enforce
this inside one target, so this script does: a folder A uses B when a file
in A names a top-level type, function, constant or variable declared in B
(a declaration that starts at column 0), or a member that B adds to a type
declared outside the module (`extension String { var isBlank ... }`, used
as `.isBlank`). Comments and string literals are left out; nested types
are reached through their outer type, which is what is counted.
"""
import collections
import os
import re
import sys

MODIFIERS = r"(?:(?:public|internal|fileprivate|private|package|final|indirect|nonisolated|static|mutating|@\w+(?:\([^)]*\))?)\s+)*"
DECLARATION = re.compile(r"^" + MODIFIERS + r"(?:struct|enum|class|protocol|actor|typealias|func|let|var)\s+([A-Za-z_]\w*)", re.M)
EXTENSION = re.compile(r"^extension\s+(\w+)[^{]*\{(.*?)^\}", re.M | re.S)
MEMBER = re.compile(r"^    " + MODIFIERS + r"(?:func|var|let)\s+([A-Za-z_]\w*)", re.M)


def code_only(text):
    """The text without comments and string literals (their contents could
    name anything)."""
    text = re.sub(r'"""(?:.|\n)*?"""', '""', text)
    text = re.sub(r"/\*(?:.|\n)*?\*/", "", text)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)


def edges(root):
    files = {}
    for directory, _, names in os.walk(root):
        for name in names:
            if name.endswith(".swift"):
                path = os.path.join(directory, name)
                folder = os.path.relpath(path, root).split(os.sep)[0]
                with open(path, encoding="utf-8") as f:
                    files[path] = (folder, code_only(f.read()))
    declared = collections.defaultdict(set)
    for folder, text in files.values():
        for name in DECLARATION.findall(text):
            declared[name].add(folder)
    added = collections.defaultdict(set)
    for folder, text in files.values():
        for extension in EXTENSION.finditer(text):
            if extension.group(1) in declared:
                continue  # a type of the module: reached through its name
            for name in MEMBER.findall(extension.group(2)):
                added[name].add(folder)
    uses = collections.defaultdict(lambda: collections.defaultdict(set))
    for path, (folder, text) in files.items():
        file = os.path.basename(path)
        for name in set(re.findall(r"(?<![.\w])[A-Za-z_]\w*", text)):
            for owner in declared.get(name, ()):
                if owner != folder:
                    uses[folder][owner].add(f"{name} ({file})")
        for name in set(re.findall(r"\.([A-Za-z_]\w*)", text)):
            for owner in added.get(name, ()):
                if owner != folder:
                    uses[folder][owner].add(f".{name} ({file})")
    return uses


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    uses = edges(argv[1])
    if "--edges" in argv[2:]:
        for a in sorted(uses):
            for b in sorted(uses[a]):
                print(f"{a} -> {b}: {' '.join(sorted(uses[a][b]))}")
        return 0
    pairs = 0
    for a in sorted(uses):
        for b in sorted(uses[a]):
            if a < b and a in uses.get(b, {}):
                pairs += 1
                print(f"{a} <-> {b}: {a} uses {', '.join(sorted(uses[a][b]))}; "
                      f"{b} uses {', '.join(sorted(uses[b][a]))}")
    return 1 if pairs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
