"""Layout rules the code keeps: no import cycles between the project's modules (counting imports
inside functions), and thin views.

Both are measured from the source with `ast`, so they hold without importing anything.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "config",
    "governance",
    "accounts",
    "audit",
    "moderation",
    "strategy",
    "platforms",
    "simulator",
)
SKIPPED_DIRS = {"migrations", "tests", "__pycache__"}
# A view (a function or method in a views module) longer than this is doing work that belongs in
# actions.py (writes) or a query module (reads).
MAX_VIEW_LINES = 40


def project_modules():
    """Map each dotted module name to its file, for the project's packages."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if SKIPPED_DIRS.intersection(parts):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _is_type_checking_block(node):
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _imports(tree):
    """Every import statement, at module level or inside a function: an import moved into a
    function to dodge a cycle still makes one. Imports for type checkers only are left out."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif not _is_type_checking_block(node):
            pending.extend(ast.iter_child_nodes(node))


def import_graph():
    modules = project_modules()
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in _imports(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = name.split(".")
                    base = base[: len(base) - node.level + (1 if is_package else 0)]
                    base = ".".join(base + ([node.module] if node.module else []))
                else:
                    base = node.module
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
                # "from pkg import module" imports that module; "from pkg import name" only pkg.
                targets = [t for t in targets[:-1] if t in modules] or [base]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def find_cycles(graph):
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index, lowlink, on_stack, stack, cycles = {}, {}, set(), [], []

    def visit(node):
        index[node] = lowlink[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                lowlink[node] = min(lowlink[node], lowlink[succ])
            elif succ in on_stack:
                lowlink[node] = min(lowlink[node], index[succ])
        if lowlink[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycles_between_project_modules():
    assert find_cycles(import_graph()) == []


def _views_modules():
    """An app's request handlers: `<app>.views*`, `<app>.*_views`, `<app>.api` and the modules
    of `views`/`api` packages."""
    for name, path in project_modules().items():
        parts = name.split(".")
        if len(parts) < 2:
            continue
        module = parts[1]
        if module.startswith("views") or module.endswith("_views") or module == "api":
            yield name, path


def test_no_view_is_longer_than_the_limit():
    too_long = []
    for name, path in _views_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno
                if length > MAX_VIEW_LINES:
                    too_long.append(f"{name}.{node.name}:{node.lineno} ({length} lines)")
    assert too_long == []
