"""Thin interfaces: the modules a request, a task or an operator's command enters by (pages, API, forms,
menus and dashboard cards, template tags, tasks, management commands) leave every database write to
services, and pages, API modules, forms and dashboard cards leave every database read to selectors.

docs/architecture.md states the rule; tests/test_architecture.py holds the layers and the imports.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.test_architecture import APPS

ROOT = Path(__file__).resolve().parent.parent

# The kinds of interface module. Signal receivers (`signals`, and those `apps` connect in `ready()` or a
# module such as `core/security_headers.py` declares), middleware and the OAuth server's validator
# (`authorisations/oauth.py`) are entered by a request or an event as a page is, and write through
# services too. A kind is a folder (`views/`, `forms/`, `management/`) or a module
# (`views.py`, `oauth_views.py`, `identity_forms.py`) alike: splitting a module into a folder along a
# seam keeps it under the same rule.
WRITE_INTERFACE_KINDS = ("views", "api", "forms", "navigation", "tasks", "urls", "context_processors",
                         "templatetags", "management", "signals", "apps", "middleware", "security_headers",
                         "oauth")
READ_INTERFACE_KINDS = ("views", "api", "forms", "navigation", "context_processors", "templatetags")

# Calls that write to the database on whatever receiver: a query or a manager (update, delete, create
# ...), a loaded row (save, delete), a related manager (add, remove, set, clear, create), a cursor
# (execute). What the receiver is cannot be known without running the code, so every receiver counts
# but those below.
WRITE_CALLS = {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create",
               "update", "add", "remove", "set", "clear", "execute", "executemany", "callproc"}
# Receivers known not to be the database, each for its reason. Two shapes are never the ORM and need no
# entry: an item (`answer["count"].update(...)`: a dict's or list's element) and an `.update(x)` given a
# positional argument (QuerySet.update takes field keywords only: that is dict.update or a digest's).
NOT_DATABASE_RECEIVERS = {
    "context": "the template context a view fills: a dict",
    "cache": "Django's cache (the API throttle's counters): Redis or memory, not the database",
    "self._held": "the API throttle's in-process table of calls a worker holds",
    "current_request": "the request's context variable (a ContextVar: set), which the middleware fills",
}
# Modules that write outside services for a reason no service could take.
WRITING_MODULES_ALLOWED = {
    "audit/management/commands/flush.py": "Django's flush (test runs, operators emptying a database): it "
                                          "empties every table, lifting the audit trail's guard to do so",
    "authorisations/oauth.py": "django-oauth-toolkit's validator: the library saves and revokes its tokens "
                               "from these hooks, and the code is spent (its grant deleted) in the pair's "
                               "own transaction, at the one point the library lets it be; what the "
                               "platform records of it is `authorisation_code_spent`, a service",
}

# Pages, API modules (views and serializers), forms and dashboard cards read through selectors: no
# manager, no query built, narrowed or run there. `Model.objects.none()` runs no query: it is the
# placeholder a form field is declared with until a selector fills it, and the model a DRF view names
# for drf-spectacular's path parameters.
MANAGERS = {"objects", "_default_manager", "_base_manager"}
# Receivers known not to be a query, each for its reason.
NOT_QUERY_RECEIVERS = {
    "register": "a template tag library: register.filter(name, function) adds a template filter",
}
# Methods that build, narrow or run a query; those a list or a str has too count only without arguments.
# Following a relation of an object a selector loaded (`breach.systems.all()`, like a foreign key) is
# reading that object, as templates do; narrowing, ordering or counting it is a query.
QUERY_METHODS = {"filter", "exclude", "order_by", "select_related", "prefetch_related", "annotate",
                 "aggregate", "values_list", "only", "defer", "distinct", "in_bulk", "latest", "earliest",
                 "select_for_update", "raw", "refresh_from_db", "union", "intersection", "difference",
                 "using", "extra", "dates", "datetimes"}
QUERY_METHODS_WITHOUT_ARGUMENTS = {"first", "last", "exists", "count", "iterator"}
# dict.get(key, default) takes positional arguments only; a query's get() takes lookups (`pk=pk`) or
# nothing. dict.values() takes nothing; a query's values() names fields.
QUERY_METHODS_WITH_LOOKUPS = {"get"}
QUERY_METHODS_WITH_FIELD_NAMES = {"values"}
LOOKUP_SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def _interface_modules(kinds: tuple[str, ...]):
    """(relative path, source) of the modules outside services that are, or sit in a folder of, a kind."""
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            folders, stem = parts[:-1], path.stem
            if "migrations" in folders or "services" in folders or stem == "services":
                continue
            if any(kind in folders or stem == kind or stem.endswith(f"_{kind}") for kind in kinds):
                yield "/".join(parts), path.read_text()


def _is_database_receiver(receiver: ast.AST) -> bool:
    return not isinstance(receiver, ast.Subscript) and ast.unparse(receiver) not in NOT_DATABASE_RECEIVERS


def _orm_writes(tree: ast.AST):
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        if method == "update" and node.args:
            continue
        if method in WRITE_CALLS and _is_database_receiver(node.func.value):
            yield node.lineno


def test_interface_modules_leave_writes_to_services():
    found = []
    for relative, source in _interface_modules(WRITE_INTERFACE_KINDS):
        if relative not in WRITING_MODULES_ALLOWED:
            found += [f"{relative}:{line}" for line in _orm_writes(ast.parse(source))]
    assert found == [], ("pages, API modules, forms, dashboard cards, tasks and commands write through "
                         "services: " + ", ".join(found))


def _orm_reads(source: str) -> list[int]:
    """The lines of `source` that use a manager, build or run a query, or call a 404 shortcut."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node
    return sorted(set(_orm_read_nodes(tree)))


def _runs_a_query(call: ast.Call) -> bool:
    method = call.func.attr
    lookups = [keyword for keyword in call.keywords if keyword.arg is not None]  # not `**kwargs` passed on
    return (
        method in QUERY_METHODS
        or (method in QUERY_METHODS_WITHOUT_ARGUMENTS and not call.args and not call.keywords)
        or (method in QUERY_METHODS_WITH_LOOKUPS and (lookups or not (call.args or call.keywords)))
        or (method in QUERY_METHODS_WITH_FIELD_NAMES and (lookups or any(_is_a_str(a) for a in call.args)))
    )


def _is_a_str(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _orm_read_nodes(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            parent = getattr(node, "parent", None)
            if not (isinstance(parent, ast.Attribute) and parent.attr == "none"):
                yield node.lineno
        elif isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Name) and function.id in LOOKUP_SHORTCUTS:
                yield node.lineno
            elif (isinstance(function, ast.Attribute) and _runs_a_query(node)
                  and ast.unparse(function.value) not in NOT_QUERY_RECEIVERS):
                yield node.lineno


def test_pages_api_forms_and_cards_leave_reads_to_selectors():
    found = []
    for relative, source in _interface_modules(READ_INTERFACE_KINDS):
        found += [f"{relative}:{line}" for line in _orm_reads(source)]
    assert found == [], "pages, API, forms and dashboard cards read through selectors: " + ", ".join(found)


# Lines 1-15 write to the database; lines 16-22 do not (a dict, a digest, a dict's item, the template
# context, the cache, a read, a selector).
WRITE_SCAN_SAMPLE = """\
Model.objects.create(a=1)
Model.objects.filter(a=1).update(b=2)
Model.objects.filter(a=1).delete()
record.save(update_fields=['a'])
selectors.requests_open().update(status='cancelled')
selectors.request_list().delete()
request_obj.delete()
subject.consents.create(purpose=p)
breach.systems.set([])
breach.systems.add(system)
breach.systems.remove(system)
breach.systems.clear()
Consent._default_manager.filter(pk=1).update(status='withdrawn')
connection.cursor().execute('UPDATE consents_consent SET status = %s', ['withdrawn'])
Purpose.objects.get_or_create(code=code)
initial.update({'a': 1})
digest.update(chunk)
answer['properties']['count'].update(nullable=True)
context.update(third_party=third_party)
cache.set(key, calls, timeout=60)
Model.objects.filter(a=1).first()
purpose = selectors.purpose_by_code(code)
"""


def test_the_write_scan_sees_what_it_should():
    assert list(_orm_writes(ast.parse(WRITE_SCAN_SAMPLE))) == list(range(1, 16))


# Lines 1-11 read through the ORM; lines 12-23 do not (placeholders, a loaded object's relation, a
# selector, a str's count, a dict's values, dicts' get, a view passing on its arguments, an object's own
# values method, a template filter registered).
READ_SCAN_SAMPLE = """\
purpose = Purpose.objects.filter(code=code).first()
users = get_user_model().objects.all()
token = get_object_or_404(token_list(), pk=pk)
consent = selectors.consent_list().filter(pk=pk)
latest = authorisation.events.order_by("-at")
financial = breach.categories.exists()
row = selectors.request_list().get(pk=pk)
rows = selectors.request_list().values('id', 'status')
rows = Consent._default_manager.all()
purpose.refresh_from_db()
one = selectors.request_list().get()
raw = Consent._base_manager.none()
queryset = Purpose.objects.none()
systems = list(breach.systems.all())
purpose = selectors.purpose_by_code(code)
commas = ", ".join(names).count(",")
errors = form.errors.values()
page = request.GET.get("page", 1)
reason = form.cleaned_data.get("reason")
response = super().get(request, *args, **kwargs)
personal = shown.values(subject)
labels = dict(pairs).get(key)
register.filter("numbered", numbered_page)
"""


def test_the_read_scan_sees_what_it_should():
    assert _orm_reads(READ_SCAN_SAMPLE) == list(range(1, 12))


@pytest.mark.parametrize("relative, scanned", [
    ("dsr/forms/intake.py", True),                             # forms.py split into a folder
    ("consents/tasks/expiry.py", True),                        # tasks.py split into a folder
    ("consents/management/commands/probe_fix.py", True),       # an operator's command
    ("core/templatetags/paging.py", True),
    ("consents/navigation.py", True),
    ("dsr/identity_forms.py", True),
    ("authorisations/oauth_views.py", True),
    ("audit/signals.py", True),                                # signal receivers
    ("consents/apps.py", True),                                # receivers connected in ready()
    ("core/middleware.py", True),
    ("core/security_headers.py", True),                        # a receiver of setting_changed
    ("authorisations/oauth.py", True),                         # the OAuth server's validator
    ("dsr/services/exports.py", False),
    ("dsr/selectors/requests.py", False),
])
def test_the_write_scan_reads_every_interface_module(tmp_path, monkeypatch, relative, scanned):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    (tmp_path / relative).parent.mkdir(parents=True)
    (tmp_path / relative).write_text("x = 1\n")
    assert bool(list(_interface_modules(WRITE_INTERFACE_KINDS))) is scanned
