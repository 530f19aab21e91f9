"""The apps' import structure: layered reviews → cfp → speakers, and no cycle inside an app.

Every import counts, a function's too (a lazy import hides a cycle, it does not remove it).
Migrations are left out: they are history, and import what their time needed.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# An app may import the apps below it, never one above it.
LAYERS = ("speakers", "cfp", "reviews")


def modules() -> dict[str, Path]:
    found = {}
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported_names(module: str, path: Path, node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    base = node.module or ""
    if node.level:
        parts = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*parts, base] if base else parts)
    # `from package import module` imports the module; `from module import name` the module.
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph = {name: set() for name in known}
    for module, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            targets = imported_names(module, path, node)
            if isinstance(node, ast.ImportFrom):
                # the submodules named, or else the module itself
                named = [t for t in targets[:-1] if t in known]
                targets = named or targets[-1:]
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != module:
                    graph[module].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_app_imports_an_app_above_it():
    rank = {app: i for i, app in enumerate(LAYERS)}
    wrong = [
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if rank[target.split(".")[0]] > rank[module.split(".")[0]]
    ]
    assert wrong == []


def test_no_import_cycle_inside_an_app():
    graph = import_graph()
    within = {m: {t for t in ts if t.split(".")[0] == m.split(".")[0]} for m, ts in graph.items()}
    assert cycles(within) == []


def test_the_check_sees_a_lazy_import_cycle_and_an_upward_import():
    graph = {"cfp.a": {"cfp.b"}, "cfp.b": {"cfp.a"}, "cfp.c": set()}
    assert cycles(graph) == [["cfp.a", "cfp.b"]]
    # and the real graph has its edges: a page module imports its app's models
    assert "cfp.models" in import_graph()["cfp.views"]
