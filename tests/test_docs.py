"""The README and the pages under docs/ point only at what a person who clones the repository has: no path leaves the
repository, every relative link resolves, and every module docs/architecture.md names exists (so renaming a module
without updating the page fails here)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"
APPS = ("portal", "consortia", "reviews", "annual_reports", "monitoring")

FENCE = re.compile(r"^```.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
INLINE_CODE = re.compile(r"`([^`\n]+)`")
SHARED = re.compile(r"\.\./shared|(?<![\w.-])shared/")
PARENT_PATH = re.compile(r"(?<![\w.-])((?:\.\./)+[\w./-]*)")
# ``portal/services.py``, ``consortia/workflow/`` — a path of the repository, as the page writes it.
MODULE_FILE = re.compile(r"[\w.-]+(?:/[\w.-]+)+\.py")
FOLDER = re.compile(r"[\w.-]+(?:/[\w.-]+)*/")
DOTTED = re.compile(rf"(?:{'|'.join(APPS)})(?:\.\w+)+")


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def without_code_blocks(text: str) -> str:
    return FENCE.sub("", text)


def inside_repository(path: Path) -> bool:
    return path.resolve().is_relative_to(ROOT)


def relative_links(text: str) -> list[str]:
    """The targets of ``[text](target)`` that name a file of the repository: no web or mail address, no bare
    ``#anchor``; a ``#fragment`` is cut off."""
    targets = []
    for target in LINK.findall(without_code_blocks(text)):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("#"):
            continue
        targets.append(target.split("#", 1)[0])
    return targets


def named_paths(text: str) -> list[str]:
    """Repository paths the page names: backticked ``a/b.py`` or ``a/b/`` in the prose, and ``a/b.py`` anywhere in
    its diagrams."""
    prose_spans = INLINE_CODE.findall(without_code_blocks(text))
    paths = [span for span in prose_spans if MODULE_FILE.fullmatch(span) or FOLDER.fullmatch(span)]
    for block in FENCE.findall(text):
        paths.extend(MODULE_FILE.findall(block))
    return paths


def dotted_names(text: str) -> list[str]:
    """Python names of the project's apps with at least a module, e.g. ``portal.services.notify`` or
    ``notify(…)`` after one: backticked in the prose, and anywhere in the diagrams."""
    spans = (re.sub(r"\(.*\)$", "", span) for span in INLINE_CODE.findall(without_code_blocks(text)))
    names = [span for span in spans if DOTTED.fullmatch(span)]
    for block in FENCE.findall(text):
        names.extend(re.findall(rf"(?<![\w.]){DOTTED.pattern}", block))
    return names


def dotted_name_problem(name: str) -> str | None:
    """Why ``name`` does not exist: its longest module prefix must be a module of the repository, and the name after
    it (if any) must be defined there."""
    parts = name.split(".")
    for length in range(len(parts), 1, -1):
        base = ROOT.joinpath(*parts[:length])
        module = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
        if module.is_file():
            break
    else:
        return f"{name}: no module {'.'.join(parts[:2])}"
    rest = parts[length:]
    if not rest:
        return None
    # Defined (``def``, ``class``, an assignment at the top) or imported into the module (a package's re-export).
    word = re.escape(rest[0])
    defined = re.compile(
        rf"^\s*(?:async\s+)?(?:def|class)\s+{word}\b|^{word}\s*[:=]|^(?:from|import)\s.*\b{word}\b|^\s+{word},",
        re.MULTILINE,
    )
    if not defined.search(read(module)):
        return f"{name}: {module.relative_to(ROOT)} defines no {rest[0]}"
    return None


# --- Nothing points outside the repository ---------------------------------------------------------------------------


def test_no_page_refers_to_the_shared_folder_outside_the_repository():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in markdown_files()
        for number, line in enumerate(read(path).splitlines(), start=1)
        if SHARED.search(line)
    ]
    assert found == []


def test_no_path_on_a_page_leaves_the_repository():
    leaving = [
        f"{path.relative_to(ROOT)}: {target}"
        for path in markdown_files()
        for target in PARENT_PATH.findall(read(path)) + relative_links(read(path))
        if not inside_repository(path.parent / target.split("#", 1)[0])
    ]
    assert leaving == []


def test_the_path_finders_see_a_path_that_leaves():
    assert SHARED.search("see [design](../shared/DESIGN.md)")
    assert SHARED.search("the guideline in `shared/guideline/`")
    assert not SHARED.search("shared_task and the shared helpers")
    assert not inside_repository(ROOT / PARENT_PATH.findall("style in `../shared/STYLE.md`")[0])


# --- Links resolve ---------------------------------------------------------------------------------------------------


def test_every_relative_link_resolves_to_a_file_or_folder_of_the_repository():
    broken = [
        f"{path.relative_to(ROOT)}: ({target})"
        for path in markdown_files()
        for target in relative_links(read(path))
        if not (target and (path.parent / target).exists() and inside_repository(path.parent / target))
    ]
    assert broken == []


def test_the_link_finder_keeps_relative_links_only():
    text = (
        "[`docs/a.md`](docs/a.md#rules) [web](https://example.org/x) [top](#top) [mail](mailto:a@b.c) "
        '[folder](docs/examples/ "examples")\n```sh\n[not](a/link)\n```\n'
    )
    assert relative_links(text) == ["docs/a.md", "docs/examples/"]
    assert "docs/architecture.md" in relative_links(read(ROOT / "README.md"))


# --- The architecture page names modules that exist ------------------------------------------------------------------


def test_every_module_path_on_the_architecture_page_exists():
    missing = sorted({path for path in named_paths(read(ARCHITECTURE)) if not (ROOT / path).exists()})
    assert missing == []


def test_every_dotted_module_name_on_the_architecture_page_exists():
    problems = [problem for name in dotted_names(read(ARCHITECTURE)) if (problem := dotted_name_problem(name))]
    assert problems == []


def test_the_architecture_page_names_its_modules_in_a_form_the_tests_read():
    paths = set(named_paths(read(ARCHITECTURE)))
    assert len(paths) >= 30
    assert {"consortia/workflow/door.py", "portal/services.py", "reviews/services.py"} <= paths
    assert named_paths("`a/b.py` and `a/b/`, not `a.b` or `/filings/`\n```\nx/y.py --> z\n```\n") == [
        "a/b.py",
        "a/b/",
        "x/y.py",
    ]
    page = "`portal.services.notify(…)`, `Consortium.objects`\n```\na --> reviews.views.review\n```\n"
    assert dotted_names(page) == [
        "portal.services.notify",
        "reviews.views.review",
    ]
    assert dotted_name_problem("portal.services.notify") is None
    assert dotted_name_problem("portal.services.no_such_function")
    assert dotted_name_problem("consortia.no_such_module.function")
