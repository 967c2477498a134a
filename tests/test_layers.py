"""The house's walls, read from the source: Whoosh is imported only inside index/engine/
(issue 9: one package knows the search engine), and the library (index/) never imports
Textual or the faces (tui/)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]
ENGINE = ROOT / "index" / "engine"


def imported_packages(path: Path, root: Path = ROOT) -> set[str]:
    """Top-level package of every module `path` imports (a relative import stays in the
    file's own package), `importlib.import_module("...")` included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    own = path.relative_to(root).parts[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add(own if node.level else (node.module or "").split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value.split(".")[0])
    return found


def modules(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def importers(paths: list[Path], package: str) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths if package in imported_packages(p)]


def test_only_the_engine_package_imports_whoosh():
    outside = [p for p in modules("index", "tui") if ENGINE not in p.parents]
    assert len(outside) > 50  # the walk found the source
    assert importers(outside, "whoosh") == []
    assert importers(modules("index/engine"), "whoosh"), "the engine no longer uses Whoosh?"


def test_the_library_never_imports_textual_or_the_faces():
    library = modules("index")
    assert importers(library, "textual") == []
    assert importers(library, "tui") == []


def test_the_walk_sees_every_way_of_importing(tmp_path):
    """The checker itself: plain, dotted, from- and importlib imports are all seen."""
    fake = tmp_path / "index" / "sub" / "mod.py"
    fake.parent.mkdir(parents=True)
    for source, package in {
        "import whoosh.query": "whoosh",
        "from whoosh import query": "whoosh",
        "def f():\n    from textual.app import App": "textual",
        "import importlib\nimportlib.import_module('whoosh.fields')": "whoosh",
        "from ..engine import Searcher": "index",
    }.items():
        fake.write_text(source + "\n", encoding="utf-8")
        assert package in imported_packages(fake, tmp_path), source
