#!/usr/bin/env python3
"""The table `make mutation` prints: per mutated module, its mutants and what became of them, read from the
``.meta`` files mutmut 3 writes next to each mutated file under mutants/. A Markdown table, so that docs/testing.md
can take it as it is.

    bin/mutation-table.py [APP] [--survivors]

APP (e.g. ``reviews``) keeps that app's modules only; ``--survivors`` lists after the table the surviving mutants and
those no test of their app calls (``mutmut show NAME`` shows one)."""

import json
import sys
from collections import Counter
from pathlib import Path

# mutmut's own reading of a mutant's exit code, so that the table says what ``mutmut results`` says.
from mutmut.stats import status_by_exit_code

MUTANTS = Path("mutants")
COLUMNS = ("killed", "survived", "timeout", "no tests", "not checked")
HEADINGS = (
    "module",
    "mutants",
    "killed",
    "survived",
    "timed out",
    "no tests",
    "not checked",
    "other",
    "killed of checked",
)


def module_of(meta: Path) -> str:
    return meta.relative_to(MUTANTS).as_posix().removesuffix(".py.meta").replace("/", ".")


def results(app: str | None) -> dict[str, dict[str, str]]:
    """Status of each mutant by module, for the modules that have mutants."""
    by_module = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        module = module_of(meta)
        if app and module.split(".")[0] != app:
            continue
        exit_codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if exit_codes:
            by_module[module] = {name: status_by_exit_code[code] for name, code in exit_codes.items()}
    return by_module


def table(by_module: dict[str, dict[str, str]]) -> list[str]:
    rows = []
    total = Counter()
    for module, statuses in by_module.items():
        counts = Counter(statuses.values())
        counts["mutants"] = len(statuses)
        total.update(counts)
        rows.append((module, counts))
    rows.append(("**total**", total))
    lines = ["| " + " | ".join(HEADINGS) + " |", "|" + "---|" * len(HEADINGS)]
    for module, counts in rows:
        other = counts["mutants"] - sum(counts[column] for column in COLUMNS)
        checked = counts["mutants"] - counts["not checked"]
        # A timed-out mutant is a caught one: the tests noticed that something no longer ends.
        score = f"{100 * (counts['killed'] + counts['timeout']) / checked:.1f} %" if checked else "—"
        cells = [module, counts["mutants"], *(counts[column] for column in COLUMNS), other, score]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return lines


def main(argv: list[str]) -> int:
    survivors_too = "--survivors" in argv
    apps = [arg for arg in argv if not arg.startswith("--")]
    by_module = results(apps[0] if apps else None)
    if not by_module:
        print("No mutation results under mutants/: run `make mutation` first.", file=sys.stderr)
        return 1
    print("\n".join(table(by_module)))
    if survivors_too:
        for heading, wanted in (("Survivors:", "survived"), ("No tests of their app call them:", "no tests")):
            names = [name for statuses in by_module.values() for name, status in statuses.items() if status == wanted]
            if names:
                print("\n" + heading)
                print("\n".join(f"    {name}" for name in names))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
