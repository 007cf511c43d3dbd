"""One transaction convention (docs/architecture.md, "Transactions"): a service another service's
transaction joins is `<name>_in_transaction`, keyword-only, and its entry point is
`<name> = core.db.durable_entry_point(<name>_in_transaction)` in the same module; a step on a row its
caller already locked is `<name>_locked` and has no entry point of its own. No service chooses whether
it is durable through a `durable=` flag.
"""

from __future__ import annotations

import ast

from tests.test_architecture import APPS, ROOT

JOINABLE = "_in_transaction"


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text())


def _entry_points(tree: ast.Module) -> dict[str, str]:
    """`name = durable_entry_point(joinable, ...)` at the top of a module: {joinable: name}."""
    found = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        call = node.value
        if getattr(call.func, "id", None) == "durable_entry_point" and call.args:
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(call.args[0], ast.Name):
                    found[call.args[0].id] = target.id
    return found


def test_no_service_takes_a_durable_flag():
    flags = [
        f"{path}:{fn.lineno} {fn.name}"
        for path, tree in _modules()
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
        and "durable" in [a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]
    ]
    assert not flags, (
        f"write `<name>_in_transaction` and its durable_entry_point instead of durable=: {flags}"
    )


def test_every_joinable_service_has_its_durable_entry_point_beside_it():
    missing = []
    for path, tree in _modules():
        entry_points = _entry_points(tree)
        for fn in tree.body:
            if isinstance(fn, ast.FunctionDef) and fn.name.endswith(JOINABLE):
                if entry_points.get(fn.name) != fn.name.removesuffix(JOINABLE):
                    missing.append(f"{path}:{fn.lineno} {fn.name}")
    assert not missing, (
        "each `<name>_in_transaction` needs `<name> = durable_entry_point(<name>_in_transaction)` in its "
        f"module (a step on a row the caller locked is `<name>_locked` instead): {missing}"
    )


def test_joinable_services_are_keyword_only_as_their_entry_points():
    positional = [
        f"{path}:{fn.lineno} {fn.name}"
        for path, tree in _modules()
        for fn in tree.body
        if isinstance(fn, ast.FunctionDef)
        and fn.name.endswith(JOINABLE)
        and (fn.args.args or fn.args.posonlyargs)
    ]
    assert not positional, f"joinable services take keyword arguments only: {positional}"
