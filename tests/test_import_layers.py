"""The layering as a check: no import in ``geo/`` (or ``app.py``) runs back up, and none goes
round in a circle.

:data:`LAYERS` is the one declaration of the layers, top first; ``docs/architecture.md`` draws
the same list (a test compares them). A module may import a module of a *lower* layer, and,
inside one package (``geo.io``, ``geo.tracks``, ...), its own package's modules. Modules of one
layer are independent of each other. Every import counts, wherever it is written: at the top,
inside a function (a lazy import is still an import) and under ``if TYPE_CHECKING:``.

A new module goes into a layer here first; an upward import fails with the line that makes it.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS: tuple[tuple[str, ...], ...] = (
    ("app",),  # app.py, the Streamlit script
    ("geo", "geo.__main__"),  # the package's public names (geo/__init__.py); python -m geo
    ("geo.cli", "geo.appstate"),  # the shells' logic: options or widgets in, geo calls
    ("geo.uploads", "geo.panels", "geo.apptext"),  # the app's jobs: files in | what the page
    # shows beside the map | text and the map's policy
    ("geo.match.cli", "geo.match.panel"),  # the matcher's command and app panel
    ("geo.export", "geo.dataset"),  # every format by name | every file assembled
    ("geo.formats",),  # the table of export formats (its writers load when they run)
    ("geo.frames", "geo.static_map"),  # writers over the page's data
    ("geo.geojson", "geo.kml", "geo.render", "geo.csvwriters"),
    ("geo.layers", "geo.vertices"),  # the page's data | vertices formatted in bulk
    ("geo.geometry", "geo.table"),  # the lines every reader draws | the normalized record
    ("geo.match",),  # claims against the archive (issue: the matcher)
    ("geo.archive",),  # the ADS-B archive (issue: the archive)
    ("geo.tracks",),  # recorded tracks: one reader per format, legs, comparison, linking
    ("geo.io",),  # leaf readers: events, reference files, views; the one input boundary
    ("geo.geodesy", "geo.query"),
    (
        "geo.timeline", "geo.places", "geo.style", "geo.batches", "geo.regions", "geo.labels",
        "geo.output",
    ),
    (
        "geo.model", "geo.cells", "geo.ids", "geo.options", "geo.pack", "geo.payload",
        "geo.perf", "geo.shipped", "geo.bytecache",
    ),
)
"""The layers, top first: each a tuple of units (a module, or a package and all inside it)."""


@dataclass(frozen=True, slots=True)
class Import:
    """One import statement of a ``geo`` module: who, what, where."""

    module: str  # the importing module (``geo.io.events``; ``app`` for app.py)
    target: str  # the imported module (``geo.io.frames``)
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.module} imports {self.target}"


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Every module of ``geo/`` (and ``app.py`` as ``app``) by dotted name."""
    out = {"app": root / "app.py"}
    for path in sorted((root / "geo").rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports(root: Path = ROOT) -> list[Import]:
    """Every import of a ``geo`` module by a module of ``geo/`` or ``app.py``, wherever it is
    written (the AST, so function bodies and ``TYPE_CHECKING`` blocks too). ``from geo.x
    import y`` names ``geo.x.y`` when that is a module, else ``geo.x``."""
    files = module_files(root)
    out: list[Import] = []
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        rel = str(path.relative_to(root))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: resolve against the package
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*up, *([base] if base else [])])
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in files else base)
            for target in targets:
                if target == "geo" or target.startswith("geo."):
                    out.append(Import(module, target, rel, node.lineno))
    return out


def unit_of(module: str) -> tuple[int, str] | None:
    """The layer (0 = top) and unit a module belongs to, or None if undeclared."""
    best: tuple[int, str] | None = None
    for depth, layer in enumerate(LAYERS):
        for unit in layer:
            if module == unit or (unit != "geo" and module.startswith(unit + ".")):
                if best is None or len(unit) > len(best[1]):
                    best = (depth, unit)
    return best


def upward(found: list[Import]) -> list[str]:
    """The imports that break the layering: to a higher layer, or across units of one
    layer; an undeclared module is named too."""
    bad: list[str] = []
    for imp in found:
        me, it = unit_of(imp.module), unit_of(imp.target)
        if me is None or it is None:
            missing = imp.module if me is None else imp.target
            bad.append(f"{imp}: {missing} is in no layer (declare it in LAYERS)")
            continue
        if me[1] == it[1]:
            continue  # inside one package: the cycle check covers it
        if it[0] < me[0]:
            bad.append(f"{imp}: upward (layer '{it[1]}' is above '{me[1]}')")
        elif it[0] == me[0]:
            bad.append(f"{imp}: '{me[1]}' and '{it[1]}' are one layer, independent")
    return bad


def cycles(found: list[Import]) -> list[list[str]]:
    """The import cycles between modules. Importing ``geo.a.b`` runs ``geo.a``'s
    ``__init__`` first, so an import also reaches each package above its target (but for the
    root ``geo`` and the importer's own packages, which are already running)."""
    graph: dict[str, set[str]] = {}
    for imp in found:
        own = {imp.module.rsplit(".", k)[0] for k in range(imp.module.count(".") + 1)}
        parts = imp.target.split(".")
        for k in range(2, len(parts) + 1):
            target = ".".join(parts[:k])
            if target != imp.module and (target == imp.target or target not in own):
                graph.setdefault(imp.module, set()).add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_every_module_is_in_a_layer() -> None:
    missing = [m for m in module_files() if unit_of(m) is None]
    assert not missing, f"declare these in LAYERS (tests/test_import_layers.py): {missing}"


def test_no_import_runs_back_up() -> None:
    found = imports()
    assert len(found) > 100  # the walk sees the imports (function-level ones included)
    assert any(i.module == "geo.io.events" and i.target == "geo.io.frames" for i in found)
    bad = upward(found)
    assert not bad, "imports against the layers:\n" + "\n".join(bad)


def test_no_import_cycle_even_with_every_lazy_import_at_the_top() -> None:
    found = cycles(imports())
    assert not found, f"import cycles: {found}"


def test_the_checks_catch_an_upward_import_and_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "geo" / "io").mkdir(parents=True)
    (tmp_path / "app.py").write_text("import geo\n", encoding="utf-8")
    (tmp_path / "geo" / "__init__.py").write_text("from geo.io import x\n", encoding="utf-8")
    (tmp_path / "geo" / "model.py").write_text(
        "def f():\n    from geo.io.x import y\n", encoding="utf-8"
    )
    (tmp_path / "geo" / "io" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "geo" / "io" / "x.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from geo import model\n",
        encoding="utf-8",
    )
    found = imports(tmp_path)
    assert upward(found) == [
        "geo/model.py:2: geo.model imports geo.io.x: upward (layer 'geo.io' is above "
        "'geo.model')"
    ]
    assert cycles(found) == [["geo.io.x", "geo.model"]]


def test_each_module_imports_first_in_a_fresh_interpreter() -> None:
    """Every module imported first (so entering any cycle at any point), in one fresh
    interpreter that forgets ``geo`` before each (numpy, pandas and the rest stay loaded),
    in the order of the files."""
    names = [m for m in module_files() if m not in ("app", "geo.__main__")]
    script = (
        "import importlib, sys\n"
        f"names = {names!r}\n"
        "for name in names:\n"
        "    for key in [k for k in sys.modules if k == 'geo' or k.startswith('geo.')]:\n"
        "        del sys.modules[key]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as exc:\n"
        "        print(f'{name}: {exc}')\n"
        "        sys.exit(1)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _doc_layers() -> list[list[str]]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- layers -->\n```\n(.*?)```", text, re.S)
    assert block, "docs/architecture.md: the layers block (<!-- layers -->) is missing"
    rows = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    return [row.split() for row in rows if row]


def test_the_architecture_document_draws_the_same_layers() -> None:
    assert _doc_layers() == [list(layer) for layer in LAYERS]


_LOADERS = frozenset({"import_module", "__import__", "run_module", "run_path"})


def benchmark_imports(root: Path = ROOT) -> list[str]:
    """Every import of ``benchmarks/`` by a file under ``tests/``, as ``FILE:LINE: what``: an
    import statement wherever it is written (top, function, ``TYPE_CHECKING``), or a module or
    path starting with ``benchmarks`` given to importlib, ``__import__`` or runpy. The tests
    depend on nothing there: what a benchmark and a test share lives in ``tests/``."""
    out: list[str] = []
    for path in sorted((root / "tests").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            elif isinstance(node, ast.Call) and node.args:
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                first = node.args[0]
                if called in _LOADERS and isinstance(first, ast.Constant):
                    names = [str(first.value)]
            for name in names:
                if re.match(r"benchmarks(?:$|[./\\])", name):
                    out.append(f"{rel}:{node.lineno}: imports {name}")
    return out


def test_no_test_imports_the_benchmarks() -> None:
    found = benchmark_imports()
    assert not found, "tests import benchmarks/ (move what they share into tests/):\n" + "\n".join(
        found
    )


def test_the_benchmark_check_sees_every_kind_of_import(tmp_path: Path) -> None:
    (tmp_path / "tests" / "sub").mkdir(parents=True)
    (tmp_path / "tests" / "test_a.py").write_text(
        "import benchmarks.load_app\n"
        "from benchmarks import generate\n"
        "import benchmarking_notes, tests.appserver\n"  # other names: not the benchmarks
        "def f():\n"
        "    from benchmarks.load_app import serve_app\n"
        "    importlib.import_module('benchmarks.load_app')\n"
        "    runpy.run_path('benchmarks/load_app.py')\n",
        encoding="utf-8",
    )
    (tmp_path / "tests" / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import benchmarks\n",
        encoding="utf-8",
    )
    assert benchmark_imports(tmp_path) == [
        "tests/sub/b.py:3: imports benchmarks",
        "tests/test_a.py:1: imports benchmarks.load_app",
        "tests/test_a.py:2: imports benchmarks",
        "tests/test_a.py:5: imports benchmarks.load_app",
        "tests/test_a.py:6: imports benchmarks.load_app",
        "tests/test_a.py:7: imports benchmarks/load_app.py",
    ]
