"""The layout keeps its design: layers import only downward, imports sit at the top of modules, the
interface modules (pages, API, forms, tasks) leave every database write to services, and pages, API
modules and forms leave every database read to selectors.

docs/architecture.md explains the layers; pyproject.toml's `[tool.importlinter]` declares them.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "audit", "accounts", "integrations", "subjects", "notifications", "deadlines", "consents",
        "authorisations", "dsr", "regulator", "transparency", "portal", "config")

# Imports inside a function (`import`, `from ... import`, `importlib.import_module`, `__import__`) are
# allowed only where Django or Celery decide when code may load, each in the one function that needs it:
# AppConfig.ready() in <app>/apps.py and the post_migrate receivers ready() connects there (they run
# before or outside the app registry); task bodies, only to break a circle (TASK_BODY_IMPORTS_ALLOWED);
# and the functions named here.
FUNCTION_IMPORTS_ALLOWED = {
    ("core/db.py", "prepared_cursor"): "psycopg, the PostgreSQL driver, is installed only with PostgreSQL",
    ("portal/management/commands/seed_demo.py", "Command.handle"): (
        "each installed app's demo module is found by its name, as Django's autodiscovery finds admin "
        "modules: the command names no app, so a new app's demo data needs no change here"),
}
DYNAMIC_IMPORTS = {"import_module", "__import__"}
# A task body (whose imports the scan above lets pass) imports at the top of its module too, except where
# that closes a circle: a service the task calls dispatches this module's own tasks, so each module
# imports the other. Each such import is named here with its circle; any other belongs at the top.
TASK_BODY_IMPORTS_ALLOWED = {
    ("consents/tasks.py", "consents.services"): "consents.services.imports dispatches run_import",
    ("integrations/tasks.py", "integrations.outbox"): "the outbox dispatches deliver_outbox_message",
    ("regulator/tasks.py", "regulator.services.breach_mailing"): "it dispatches notify_breach_customers",
}
# A module a reader can take in whole; past this it holds more than one thing and splits along a seam.
MODULE_LINES_LIMIT = 400
LONG_MODULES_ALLOWED = {
    "config/settings.py": "one flat list of settings, each with its reason: an operator searches one file",
}
def _project_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _static_sources():
    """The pages' own stylesheets and scripts: held to the same size (app.css had crept to 398 lines)."""
    for pattern in ("*.css", "*.js"):
        yield from sorted((ROOT / "static").rglob(pattern))


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_layers_contract_holds():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([Path(sys.executable).parent / "lint-imports"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def _is_task(function: ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "shared_task":
            return True
    return False


def _imported_modules(node: ast.AST) -> list[str]:
    """The modules `node` imports: an import statement's, or a dynamic import's (its name when written
    out, else "<dynamic>"); none for any other node."""
    if isinstance(node, ast.ImportFrom):
        return [node.module or "."]
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.Call):
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        if name in DYNAMIC_IMPORTS:
            first = node.args[0] if node.args else None
            return [first.value if isinstance(first, ast.Constant) else "<dynamic>"]
    return []


def _imports_in_functions(tree: ast.AST, *, tasks: bool):
    """(line, module, function) of each import written inside a function: inside Celery task bodies
    with `tasks`, else inside every other function. `function` is the outermost one's qualified name."""
    def visit(node: ast.AST, function: str | None, scope: str):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and function is None:
                if _is_task(child) == tasks:
                    yield from visit(child, f"{scope}{child.name}", "")
            elif isinstance(child, ast.ClassDef) and function is None:
                yield from visit(child, None, f"{scope}{child.name}.")
            else:
                if function is not None:
                    yield from ((child.lineno, module, function) for module in _imported_modules(child))
                yield from visit(child, function, scope)

    yield from visit(tree, None, "")


def _function_imports(tree: ast.AST):
    return ((line, function) for line, _module, function in _imports_in_functions(tree, tasks=False))


def _app_registry_hooks(relative: str, tree: ast.AST) -> set[str]:
    """In <app>/apps.py, the functions Django runs around its app registry: each AppConfig's ready()
    and the post_migrate receivers connected there."""
    if relative not in {f"{app}/apps.py" for app in APPS}:
        return set()
    hooks = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(ast.unparse(b).endswith("AppConfig") for b in node.bases):
            hooks.add(f"{node.name}.ready")
        elif (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("post_migrate.connect")
              and node.args and isinstance(node.args[0], ast.Name)):
            hooks.add(node.args[0].id)
    return hooks


def test_no_import_is_written_inside_a_function():
    found = []
    for path in _project_modules():
        relative = _relative(path)
        tree = ast.parse(path.read_text())
        allowed = _app_registry_hooks(relative, tree) | {
            function for (module, function) in FUNCTION_IMPORTS_ALLOWED if module == relative}
        found += [f"{relative}:{line} ({function})" for line, function in _function_imports(tree)
                  if function not in allowed]
    assert found == [], "imports inside functions hide a layer problem; move them up: " + ", ".join(found)


def _task_body_imports(tree: ast.AST):
    """(line, module) of each import written inside a Celery task's body."""
    return ((line, module) for line, module, _function in _imports_in_functions(tree, tasks=True))


def test_a_task_imports_at_the_top_of_its_module_unless_that_closes_a_circle():
    found, allowed_seen = [], set()
    for path in _project_modules():
        relative = _relative(path)
        for line, module in _task_body_imports(ast.parse(path.read_text())):
            if (relative, module) in TASK_BODY_IMPORTS_ALLOWED:
                allowed_seen.add((relative, module))
            else:
                found.append(f"{relative}:{line} ({module})")
    assert found == [], "move these imports to the top of their modules: " + ", ".join(found)
    stale = set(TASK_BODY_IMPORTS_ALLOWED) - allowed_seen
    assert not stale, f"these circles are gone, take them off TASK_BODY_IMPORTS_ALLOWED: {sorted(stale)}"


def test_every_module_stays_under_the_size_a_reader_takes_in():
    long = [
        f"{_relative(path)} ({lines} lines)"
        for path in [*_project_modules(), *_static_sources()]
        if (lines := len(path.read_text().splitlines())) >= MODULE_LINES_LIMIT
        and _relative(path) not in LONG_MODULES_ALLOWED
    ]
    assert long == [], f"split these along their seams (under {MODULE_LINES_LIMIT} lines): " + ", ".join(long)


def _private_imports():
    for path in _project_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in APPS:
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        yield _relative(path), f"{node.module}.{alias.name}"


def test_no_module_reaches_for_another_modules_private_names():
    # A leading underscore says "only this module relies on it": a function another module needs is given
    # a public name where it is defined, so whoever changes it knows who depends on it.
    assert sorted(set(_private_imports())) == [], "give these a public name where defined"


@pytest.mark.parametrize("source, expected", [
    ("def f():\n    import os\n", [(2, "f")]),
    ("@shared_task(name='x')\ndef f():\n    import os\n", []),
    ("import os\n", []),
    ("import importlib\ndef f():\n    importlib.import_module('a.b')\n", [(3, "f")]),
    ("def f():\n    return __import__(name)\n", [(2, "f")]),
    ("class C:\n    def m(self):\n        def inner():\n            import os\n", [(4, "C.m")]),
])
def test_the_function_import_scan_sees_what_it_should(source, expected):
    assert list(_function_imports(ast.parse(source))) == expected


APPS_MODULE = """\
from django.apps import AppConfig
from django.db.models.signals import post_migrate

class ShopConfig(AppConfig):
    def ready(self):
        post_migrate.connect(_seed_after_migrate, sender=self)

def _seed_after_migrate(**kwargs):
    pass

def helper():
    pass
"""


@pytest.mark.parametrize("relative, expected", [
    ("dsr/apps.py", {"ShopConfig.ready", "_seed_after_migrate"}),
    ("dsr/views/apps.py", set()),  # a module named apps.py elsewhere is no app registry hook
])
def test_the_app_registry_hooks_are_ready_and_its_post_migrate_receivers(relative, expected):
    assert _app_registry_hooks(relative, ast.parse(APPS_MODULE)) == expected


@pytest.mark.parametrize("source, expected", [
    ("@shared_task(name='x')\ndef f():\n    from a.b import c\n    import os, sys\n",
     [(3, "a.b"), (4, "os"), (4, "sys")]),
    ("@shared_task(name='x')\ndef f():\n    importlib.import_module('a.b')\n", [(3, "a.b")]),
    ("def f():\n    import os\n", []),
    ("import os\n", []),
])
def test_the_task_body_import_scan_sees_what_it_should(source, expected):
    assert list(_task_body_imports(ast.parse(source))) == expected
