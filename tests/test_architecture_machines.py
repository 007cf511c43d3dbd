"""One state-machine pattern (docs/architecture.md, "State machines"): every machine has its table in
`<app>/states.py`, one mover named `<entity>_transition` in the app's services and one selector named
`<entity>_allowed_actions` in its selectors; and nothing outside services sets a status by hand.

tests/test_architecture.py holds the layers and the imports; test_architecture_interfaces.py the
writes and reads of pages and API modules.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from core.states import StateMachine
from tests.test_architecture import APPS

ROOT = Path(__file__).resolve().parent.parent

# (app, entity, table): the entity names the mover and the selector.
MACHINES = (
    ("consents", "consent", "CONSENT_MACHINE"),
    ("consents", "announcement", "ANNOUNCEMENT_MACHINE"),
    ("consents", "duty", "DUTY_MACHINE"),
    ("dsr", "request", "REQUEST_MACHINE"),
    ("dsr", "task", "TASK_MACHINE"),
    ("regulator", "breach", "BREACH_MACHINE"),
    ("regulator", "dossier", "DOSSIER_MACHINE"),
    ("authorisations", "authorisation", "AUTHORISATION_MACHINE"),
)
MACHINE_IDS = [entity for _app, entity, _table in MACHINES]

# Modules outside services that may set a `status` attribute, each for its reason.
STATUS_WRITERS_ALLOWED = {
    "core/states.py": "`status_move`, the body every `audit.transitions.Transition` mover runs after "
    "checking its table",
    "integrations/jobs.py": "the background job's own mover (`job_transition`), not one of these machines",
    "integrations/delivery.py": "an outbox message's delivery state, not one of these machines",
    "integrations/outbox.py": "an outbox message's delivery state, not one of these machines",
}


def _modules(app: str, kind: str) -> list[Path]:
    """`<app>/<kind>.py`, or every module of the `<app>/<kind>/` package."""
    module, package = ROOT / app / f"{kind}.py", ROOT / app / kind
    if package.is_dir():
        return sorted(package.rglob("*.py"))
    return [module] if module.exists() else []


def _top_level_names(paths: list[Path]) -> set[str]:
    """Names a module defines at its top: functions, classes and assignments (a mover declared as an
    `audit.transitions.Transition` is an assignment)."""
    names: set[str] = set()
    for path in paths:
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                names.update(target.id for target in node.targets if isinstance(target, ast.Name))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
    return names


@pytest.mark.parametrize(("app", "entity", "table"), MACHINES, ids=MACHINE_IDS)
def test_each_machine_has_its_table_in_its_states_module(app, entity, table):
    states = importlib.import_module(f"{app}.states")
    assert isinstance(getattr(states, table, None), StateMachine), f"{app}/states.py has no {table}"


@pytest.mark.parametrize(("app", "entity", "table"), MACHINES, ids=MACHINE_IDS)
def test_each_machine_has_one_mover_named_for_its_entity(app, entity, table):
    mover = f"{entity}_transition"
    assert mover in _top_level_names(_modules(app, "services")), f"{app}'s services define no {mover}"


@pytest.mark.parametrize(("app", "entity", "table"), MACHINES, ids=MACHINE_IDS)
def test_each_machine_has_one_allowed_actions_selector(app, entity, table):
    selector = f"{entity}_allowed_actions"
    assert selector in _top_level_names(_modules(app, "selectors")), f"{app}'s selectors define no {selector}"


def _status_writes(tree: ast.AST) -> list[int]:
    """Lines that set a `status` attribute: `x.status = ...` (alone, in a tuple, annotated or augmented)
    or `setattr(x, "status", ...)`."""
    lines = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for part in ast.walk(target):
                if (
                    isinstance(part, ast.Attribute)
                    and part.attr == "status"
                    and isinstance(part.ctx, ast.Store)
                ):
                    lines.append(part.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "status"
        ):
            lines.append(node.lineno)
    return sorted(lines)


def _outside_services(path: Path) -> bool:
    """Neither a service (`<app>/services.py`, `<app>/services/`) nor a migration (whose frozen models
    are not these classes)."""
    parts = path.relative_to(ROOT).parts
    in_services = len(parts) > 1 and parts[1] in ("services", "services.py")
    return not in_services and "migrations" not in parts


def test_no_module_outside_the_services_sets_a_status():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = "/".join(path.relative_to(ROOT).parts)
            if not _outside_services(path) or relative in STATUS_WRITERS_ALLOWED:
                continue
            found += [f"{relative}:{line}" for line in _status_writes(ast.parse(path.read_text()))]
    assert found == [], "a status changes only through its machine's <entity>_transition: " + ", ".join(found)


def test_the_status_scan_sees_each_shape_of_write():
    source = (
        "a.status = 1\nb.status, c.x = 2, 3\nd.status: str = 'x'\nsetattr(e, 'status', 4)\nf = g.status\n"
    )
    assert _status_writes(ast.parse(source)) == [1, 2, 3, 4]


# Pages and API modules never decide what may be done to an entity by its status: they ask its
# `<entity>_allowed_actions` selector (or the selector the rule lives in), which the service refuses by
# too. A comparison of a `status` there is either such a decision, which belongs in a selector, or a
# display fact allowed here with its reason (keyed by module and expression, not line). `error.status`
# is a `DomainError`'s HTTP status, no entity's. Templates are not scanned: their status comparisons
# choose the wording for each status (a receipt's text, a badge's colour), which an allow-list could
# not tell from a decision without listing them all; the pages offer actions from the views' context.
STATUS_TESTS_ALLOWED = {
    ("integrations/api/serializers.py", "message.status == OutboxMessage.Status.PENDING"):
        "display: a delivery's next attempt is shown while it is pending",
    ("dsr/api/serializers.py", "obj.status == TaskStatus.OPEN"): "display: the `overdue` flag of a task",
    ("dsr/api/serializers.py", "obj.status in OPEN"): "display: the `overdue` flag of a request",
    ("dsr/views/common.py", "request_obj.status not in OPEN"): "display: the deadline's colour",
    ("regulator/views/breaches.py", "breach.status == BreachStatus.NOTIFIED"):
        "display: a notified breach whose customers are not all told yet",
}
NOT_ENTITY_STATUS = {"error"}
INTERFACE_KINDS = ("views", "api")


def _status_tests(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, expression) of each comparison of an entity's `status` attribute."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        if any(
            isinstance(side, ast.Attribute)
            and side.attr == "status"
            and ast.unparse(side.value) not in NOT_ENTITY_STATUS
            for side in sides
        ):
            found.append((node.lineno, ast.unparse(node)))
    return found


def _interface_module(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    folders, stem = parts[:-1], path.stem
    return any(kind in folders or stem == kind or stem.endswith(f"_{kind}") for kind in INTERFACE_KINDS)


def test_pages_and_the_api_decide_no_action_by_a_status():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if not _interface_module(path):
                continue
            relative = "/".join(path.relative_to(ROOT).parts)
            found += [
                f"{relative}:{line} {expression}"
                for line, expression in _status_tests(ast.parse(path.read_text()))
                if (relative, expression) not in STATUS_TESTS_ALLOWED
            ]
    assert found == [], "ask the entity's allowed-actions selector, not its status: " + ", ".join(found)


def test_the_status_test_scan_sees_what_the_pages_used_to_decide_by():
    # The staff withdraw page's and the customer's identity step's own tests, before their selectors.
    source = (
        "if consent.status != ConsentStatus.GRANTED:\n    pass\n"
        "steps = S if found.identity_verified_at is None and found.status in IDENTITY_VERIFIABLE else ()\n"
        "if error.status != 409:\n    pass\n"
    )
    assert [line for line, _expression in _status_tests(ast.parse(source))] == [1, 3]
