#!/usr/bin/env python3
"""What the docs claim about the code, and what the code says, as plain
lists that Tests/Integration/05-docs.sh compares. Each command reads the
files it is given (so the suite's controls can hand it a broken copy) and
prints one item per line; a file that does not have the expected shape is
an error (exit 2, one line on stderr), never an empty list that compares
equal to another empty list.

  steps-code main.swift         the launch steps main.swift marks `// N. Name`
  steps-security SECURITY.md    "The launch, step by step": `N. **Name**`
  steps-design DESIGN.md        the step table's first column: `N. Name`
  steps-ref ref-launcher.c      the header's `//   N  Name: ...` lines
  step-counts N FILE...         any "<number word> steps" that is not N
  step-refs main.swift FILE...  any "(step N, `Type.swift`)" whose step in
                                main.swift does not call Type
  json-keys-code DIR STRUCT     STRUCT's Codable keys, and its members'
  json-keys-man netns-jail.8    the keys the --json paragraph lists
  man-versions PAGE...          each page's .TH version field
  escape-rows NOTES DIR         each row's named checks, missing ones marked
  suites-covered SECURITY DIR   each Tests/ folder, and whether "What the
                                tests prove" names it
  stated-size BENCHMARKS.md     the launcher's size in bytes as stated
  missing-paths ROOT FILE...    repository paths a doc names that are not
                                there (a file that moved, a suite renamed)
"""
import os
import re
import sys


def die(message):
    print(f"doccheck: {message}", file=sys.stderr)
    sys.exit(2)


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        die(f"{path}: {e.strerror}")


def section(text, heading, path):
    """The body of a Markdown section, up to the next heading of any level."""
    m = re.search(r"^#+ " + re.escape(heading) + r"\s*$(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    if not m:
        die(f'{path}: no section "{heading}"')
    return m.group(1)


def name(text):
    return " ".join(text.strip().rstrip(".").lower().split())


def emit_steps(steps, path):
    if not steps:
        die(f"{path}: no numbered steps found")
    for number, title in steps:
        print(f"{number} {title}")


def steps_code(path):
    # `// N. Name` or `// N. Name: detail`; a number may be marked twice
    # (argument parsing and the launch both belong to step 1), but only
    # with the same name, and the numbers must run 1, 2, 3... in order.
    seen = {}
    order = []
    for m in re.finditer(r"//\s*(\d+)\.\s+([A-Za-z][A-Za-z -]*?)\s*(?::.*)?$", read(path), re.M):
        number, title = int(m.group(1)), name(m.group(2))
        if number in seen:
            if seen[number] != title:
                die(f'{path}: step {number} marked both "{seen[number]}" and "{title}"')
            continue
        if number != len(order) + 1:
            die(f"{path}: step {number} marked after step {len(order)}")
        seen[number] = title
        order.append((number, title))
    emit_steps(order, path)


def steps_security(path):
    body = section(read(path), "The launch, step by step", path)
    emit_steps([(int(n), name(t)) for n, t in re.findall(r"^(\d+)\. \*\*([^*]+)\*\*", body, re.M)], path)


def steps_design(path):
    body = section(read(path), "main.swift is the launch", path)
    emit_steps([(int(n), name(t)) for n, t in re.findall(r"^\| (\d+)\. ([^|]+?) \|", body, re.M)], path)


def steps_ref(path):
    text = read(path)
    m = re.search(r"^// Steps .*?\n((?://.*\n)+)", text, re.M)
    if not m:
        die(f"{path}: no '// Steps' header")
    emit_steps([(int(n), name(t)) for n, t in re.findall(r"^//\s+(\d+)\s+([^:\n]+):", m.group(1), re.M)], path)


WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen", "twenty"]


def step_counts(count, paths):
    # "the eleven steps" went stale once; any spelled-out count of steps
    # must be the real one (or the sentence should not count them).
    pattern = re.compile(r"\b(" + "|".join(WORDS) + r")[ -]+(?:numbered +|launch +)?steps\b", re.I)
    for path in paths:
        for line_number, line in enumerate(read(path).splitlines(), 1):
            for m in pattern.finditer(line):
                if WORDS.index(m.group(1).lower()) != int(count):
                    print(f"{path}:{line_number}: {m.group(0)}")


def swift_structs(directory):
    """Every struct under directory: name -> [(property, type)] for its
    stored instance properties (brace depth 1, not static, not computed),
    and whether it declares coding of its own."""
    structs = {}
    for root, _, files in os.walk(directory):
        for f in files:
            if not f.endswith(".swift"):
                continue
            current, depth = None, 0
            for line in read(os.path.join(root, f)).splitlines():
                code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line.split("//")[0])
                m = re.match(r"\s*(?:public |internal |private |fileprivate )*struct (\w+)\b[^{]*\{", code)
                if current is None and m:
                    current, depth = m.group(1), 0
                    structs[current] = {"codable": "Codable" in code, "custom": False, "properties": []}
                if current is None:
                    continue
                entry = structs[current]
                if depth == 1:
                    p = re.match(r"\s*(?:public |internal |private\(set\) |public private\(set\) )*(?:let|var) (\w+)\s*:\s*([^={]+?)\s*(=.*)?$", code)
                    if p and "static" not in code and "{" not in code:
                        entry["properties"].append((p.group(1), p.group(2)))
                    if re.search(r"\benum CodingKeys\b|\bfunc encode\(to", code):
                        entry["custom"] = True
                depth += code.count("{") - code.count("}")
                if depth <= 0:
                    current = None
    return structs


def step_refs(main, paths):
    # "(step 9, `HandOff.swift`)": the code of step 9 in main.swift (from
    # its mark to the next one) must name the type the file is named for.
    lines = read(main).splitlines()
    marks = [(i, int(m.group(1))) for i, line in enumerate(lines)
             for m in [re.search(r"//\s*(\d+)\.\s+[A-Za-z]", line)] if m]
    code = {}
    for k, (i, number) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else len(lines)
        # A mark closes the line it is on; the step's code runs from that
        # line to the line before the next mark.
        code[number] = code.get(number, "") + "\n".join(lines[i:end])
    for path in paths:
        text = read(path)
        for m in re.finditer(r"\bstep (\d+),\s+`(\w+)\.swift`", text):
            number, type_ = int(m.group(1)), m.group(2)
            if not re.search(r"\b" + type_ + r"\b", code.get(number, "")):
                line_number = text.count("\n", 0, m.start()) + 1
                print(f"{path}:{line_number}: step {number} is not {type_}")


def json_keys_code(args):
    # The synthesized Codable conformance encodes every stored property
    # under its own name, and a property whose type is another struct of
    # the directory is encoded with that struct's keys. A CodingKeys enum
    # or an encode(to:) of its own would break that rule, so this refuses
    # rather than guesses.
    directory, root = args[0], args[1]
    structs = swift_structs(directory)
    keys, todo, done = set(), [root], set()
    while todo:
        name_ = todo.pop()
        if name_ in done:
            continue
        done.add(name_)
        entry = structs.get(name_)
        if entry is None:
            die(f"{directory}: no struct {name_}")
        if not entry["codable"] or entry["custom"]:
            die(f"{directory}: {name_} is not plainly Codable; read its keys by hand and update doccheck.py")
        for prop, type_ in entry["properties"]:
            keys.add(prop)
            for t in re.findall(r"\w+", type_):
                if t in structs:
                    todo.append(t)
    for key in sorted(keys):
        print(key)


def json_keys_man(path):
    text = read(path)
    m = re.search(r"prints the same as a JSON array of objects with the keys\n(.*?)(?=^\.TP)", text, re.M | re.S)
    if not m:
        die(f"{path}: no --json key list")
    keys = set()
    for line in m.group(1).splitlines():
        # The keys are set in bold (.B or .BR); words with roff escapes
        # (port\-forward) are option names, not keys.
        w = re.match(r"^\.BR? ([A-Za-z]+)\b", line)
        if w and "\\" not in line.split()[1]:
            keys.add(w.group(1))
    if not keys:
        die(f"{path}: empty --json key list")
    for key in sorted(keys):
        print(key)


def man_versions(paths):
    for path in paths:
        m = re.match(r'\.TH \S+ \d+ "[^"]*" "\S+ ([^"]+)"', read(path))
        if not m:
            die(f"{path}: no .TH line with a version")
        print(f"{os.path.basename(path)} {m.group(1)}")


def table_rows(text):
    rows = []
    for line in text.splitlines():
        if not line.startswith("|") or re.match(r"^\|[-| ]+\|$", line):
            continue
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        rows.append(cells)
    return rows


def escape_rows(notes, directory):
    rows = table_rows(section(read(notes), "What the escape matrix proves (for SECURITY.md)", notes))
    if len(rows) < 2:
        die(f"{notes}: no table")
    header, rows = rows[0], rows[1:]
    if not header[-1].lower().startswith("asserted by"):
        die(f'{notes}: the table\'s last column is not "Asserted by"')
    for cells in rows:
        row = cells[0][:50]
        refs = re.findall(r"`(\d\d-[\w-]+\.sh)`((?:\s*\"[^\"]+\")+)", cells[-1])
        if not refs:
            print(f"MISSING {row}: names no check")
        for suite, quoted in refs:
            path = os.path.join(directory, suite)
            lines = read(path).splitlines() if os.path.exists(path) else None
            for want in re.findall(r"\"([^\"]+)\"", quoted):
                # The check's description: on a check/pass line of that suite.
                found = lines is not None and any(
                    want in line and re.search(r"\b(check\w*|pass|fail)\b", line) for line in lines)
                print(f"{'ok' if found else 'MISSING'} {suite}: {want}")


def suites_covered(security, tests):
    body = section(read(security), "What the tests prove", security)
    for entry in sorted(os.listdir(tests)):
        folder = os.path.join(tests, entry)
        if not os.path.isdir(folder) or entry == "lib":
            continue
        if not any(f.endswith((".sh", ".swift")) for f in os.listdir(folder)):
            continue
        print(f"{'ok' if f'`Tests/{entry}`' in body else 'MISSING'} Tests/{entry}")


def stated_size(path):
    body = section(read(path), "The launcher's size", path)
    m = re.search(r"\b(\d{1,3}(?:,\d{3})+|\d+) bytes\b", body)
    if not m:
        die(f'{path}: "The launcher\'s size" states no size in bytes')
    print(m.group(1).replace(",", ""))


def missing_paths(root, paths):
    # Sources/..., Tests/..., scripts/... as a doc writes them; a suite may
    # be named by its number alone (Tests/Desktop/20), and NN-name and Dir
    # are the placeholders Tests/README.md uses.
    pattern = re.compile(r"(?<![\w/.-])((?:Sources|Tests|scripts|bench|packaging|man|hooks|docs|fuzz|demo)"
                         r"/[\w./+-]*[\w/])")
    for path in paths:
        text = read(path).replace("\\-", "-")
        for m in pattern.finditer(text):
            named = m.group(1).rstrip(".")
            if os.path.exists(os.path.join(root, named)) or "NN-name" in named or "/Dir/" in named:
                continue
            number = re.fullmatch(r"(.*)/(\d\d)", named)
            if number and any(f.startswith(number.group(2) + "-")
                              for f in os.listdir(os.path.join(root, number.group(1)))
                              if os.path.isdir(os.path.join(root, number.group(1)))):
                continue
            line_number = text.count("\n", 0, m.start()) + 1
            print(f"{path}:{line_number}: {named}")


COMMANDS = {
    "steps-code": lambda a: steps_code(a[0]),
    "steps-security": lambda a: steps_security(a[0]),
    "steps-design": lambda a: steps_design(a[0]),
    "steps-ref": lambda a: steps_ref(a[0]),
    "step-counts": lambda a: step_counts(a[0], a[1:]),
    "step-refs": lambda a: step_refs(a[0], a[1:]),
    "json-keys-code": json_keys_code,
    "json-keys-man": lambda a: json_keys_man(a[0]),
    "man-versions": man_versions,
    "escape-rows": lambda a: escape_rows(a[0], a[1]),
    "suites-covered": lambda a: suites_covered(a[0], a[1]),
    "stated-size": lambda a: stated_size(a[0]),
    "missing-paths": lambda a: missing_paths(a[0], a[1:]),
}

if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in COMMANDS:
        die("usage: doccheck.py " + "|".join(COMMANDS) + " FILE...")
    COMMANDS[sys.argv[1]](sys.argv[2:])
