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

# Imports inside a function are allowed where Django or Celery decide when code may load (app
# registries; task bodies, but only to break a circle: TASK_BODY_IMPORTS_ALLOWED) and for drivers that
# an installation may lack.
FUNCTION_IMPORTS_ALLOWED = {
    "apps.py": "AppConfig.ready() and post_migrate receivers run before or outside the app registry",
    "core/db.py": "psycopg is imported only on PostgreSQL installations",
    "config/settings.py": "settings must not import application code",
    "subjects/checks.py": "Django's check framework is loaded when the canary runs, not at import",
}
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
# Calls that write through the ORM; a `.update(` or `.delete(` counts when made on a query.
WRITE_CALLS = {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create",
               "update"}
QUERY_CALLS = {"filter", "exclude", "all", "select_for_update", "objects"}
INTERFACE_PARTS = ("views", "views.py", "api", "forms.py", "navigation.py", "tasks.py", "urls.py",
                   "context_processors.py", "templatetags")
# Pages, API modules (views and serializers) and forms read through selectors: no manager, no query built
# or narrowed there. `Model.objects.none()` runs no query: it is the placeholder a form field is declared
# with until a selector fills it, and the model a DRF view names for drf-spectacular's path parameters.
READ_INTERFACE_PARTS = ("views", "views.py", "api", "forms.py")
# Methods that build, narrow or run a query; those a list or a str has too count only without arguments.
# Following a relation of an object a selector loaded (`breach.systems.all()`, like a foreign key) is
# reading that object, as templates do; narrowing, ordering or counting it is a query.
QUERY_METHODS = {"filter", "exclude", "order_by", "select_related", "prefetch_related", "annotate",
                 "aggregate", "values_list", "only", "defer", "distinct", "in_bulk", "latest", "earliest",
                 "select_for_update"}
QUERY_METHODS_WITHOUT_ARGUMENTS = {"first", "last", "exists", "count", "iterator"}
LOOKUP_SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def _project_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


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


def _function_imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not _is_task(node):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    yield inner.lineno


def test_no_import_is_written_inside_a_function():
    found = []
    for path in _project_modules():
        relative = _relative(path)
        if path.name in FUNCTION_IMPORTS_ALLOWED or relative in FUNCTION_IMPORTS_ALLOWED:
            continue
        found += [f"{relative}:{line}" for line in _function_imports(ast.parse(path.read_text()))]
    assert found == [], "imports inside functions hide a layer problem; move them up: " + ", ".join(found)


def _task_body_imports(tree: ast.AST):
    """(line, module) of each import written inside a Celery task's body."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_task(node):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom):
                    yield inner.lineno, inner.module
                elif isinstance(inner, ast.Import):
                    yield from ((inner.lineno, alias.name) for alias in inner.names)


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
        for path in _project_modules()
        if (lines := len(path.read_text().splitlines())) >= MODULE_LINES_LIMIT
        and _relative(path) not in LONG_MODULES_ALLOWED
    ]
    assert long == [], f"split these along their seams (under {MODULE_LINES_LIMIT} lines): " + ", ".join(long)


def _receiver_is_a_query(node: ast.AST) -> bool:
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Attribute) and node.attr in QUERY_CALLS:
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def _orm_writes(tree: ast.AST):
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        # save() and the bulk calls are the ORM's wherever they appear; create, update, delete on a query.
        if method in {"save", "bulk_create", "bulk_update"} or (
            method in WRITE_CALLS and _receiver_is_a_query(node.func.value)
        ):
            yield node.lineno


def _interface_modules(kinds: tuple[str, ...]):
    """(relative path, source) of the modules outside services whose path names one of `kinds`."""
    for path in _project_modules():
        relative = _relative(path)
        parts = relative.split("/")
        if "services" not in parts and any(kind in parts or relative.endswith(kind) for kind in kinds):
            yield relative, path.read_text()


def test_interface_modules_leave_writes_to_services():
    found = []
    for relative, source in _interface_modules(INTERFACE_PARTS):
        found += [f"{relative}:{line}" for line in _orm_writes(ast.parse(source))]
    assert found == [], "views, API modules, forms and tasks write through services: " + ", ".join(found)


def _orm_reads(source: str) -> list[int]:
    """The lines of `source` that use a manager, build or run a query, or call a 404 shortcut."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node
    return sorted(set(_orm_read_nodes(tree)))


def _orm_read_nodes(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            parent = getattr(node, "parent", None)
            if not (isinstance(parent, ast.Attribute) and parent.attr == "none"):
                yield node.lineno
        elif isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Name) and function.id in LOOKUP_SHORTCUTS:
                yield node.lineno
            elif isinstance(function, ast.Attribute) and (
                function.attr in QUERY_METHODS
                or (function.attr in QUERY_METHODS_WITHOUT_ARGUMENTS and not node.args and not node.keywords)
            ):
                yield node.lineno


def test_pages_api_and_forms_leave_reads_to_selectors():
    found = []
    for relative, source in _interface_modules(READ_INTERFACE_PARTS):
        found += [f"{relative}:{line}" for line in _orm_reads(source)]
    assert found == [], "pages, API modules and forms read through selectors: " + ", ".join(found)


@pytest.mark.parametrize("source, expected", [
    ("def f():\n    import os\n", [2]),
    ("@shared_task(name='x')\ndef f():\n    import os\n", []),
    ("import os\n", []),
])
def test_the_function_import_scan_sees_what_it_should(source, expected):
    assert list(_function_imports(ast.parse(source))) == expected


@pytest.mark.parametrize("source, expected", [
    ("@shared_task(name='x')\ndef f():\n    from a.b import c\n    import os, sys\n",
     [(3, "a.b"), (4, "os"), (4, "sys")]),
    ("def f():\n    import os\n", []),
    ("import os\n", []),
])
def test_the_task_body_import_scan_sees_what_it_should(source, expected):
    assert list(_task_body_imports(ast.parse(source))) == expected


@pytest.mark.parametrize("source, expected", [
    ("Model.objects.create(a=1)", [1]),
    ("Model.objects.filter(a=1).update(b=2)", [1]),
    ("Model.objects.filter(a=1).delete()", [1]),
    ("record.save(update_fields=['a'])", [1]),
    ("context.update({'a': 1})", []),
    ("Model.objects.filter(a=1).first()", []),
])
def test_the_write_scan_sees_what_it_should(source, expected):
    assert list(_orm_writes(ast.parse(source))) == expected


# Lines 1-6 read through the ORM; lines 7-11 do not (a placeholder, a loaded object's relation, a
# selector, a str's count, a dict's values).
READ_SCAN_SAMPLE = """\
purpose = Purpose.objects.filter(code=code).first()
users = get_user_model().objects.all()
token = get_object_or_404(token_list(), pk=pk)
consent = selectors.consent_list().filter(pk=pk)
latest = authorisation.events.order_by("-at")
financial = breach.categories.exists()
queryset = Purpose.objects.none()
systems = list(breach.systems.all())
purpose = selectors.purpose_by_code(code)
commas = ", ".join(names).count(",")
errors = form.errors.values()
"""


def test_the_read_scan_sees_what_it_should():
    assert _orm_reads(READ_SCAN_SAMPLE) == [1, 2, 3, 4, 5, 6]
