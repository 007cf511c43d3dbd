"""Checks shared by the tests of data migrations."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from types import ModuleType


def imports_outside_django(migration: ModuleType) -> list[str]:
    """The modules a migration imports beyond Django and the standard library, sorted: a migration runs
    for ever against the schema of its time, so project code it imported (which changes later) would
    break or change it; it uses the historical models `apps.get_model` gives instead."""
    tree = ast.parse(Path(migration.__file__).read_text(encoding="utf-8"))
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    allowed = set(sys.stdlib_module_names) | {"django"}
    return sorted(module for module in modules if module.split(".")[0] not in allowed)
