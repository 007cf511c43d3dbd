"""Checks on the project itself: migrations match the models, every Vietnamese string is translated
and compiled, the contract's management commands exist, the code passes ruff."""
import ast
import importlib.util
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands

from tests.reliability.servers import require
from tests.runs import once_in_ci

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _catalogues():
    return sorted(p for p in ROOT.glob("**/locale/vi/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def _entries(po_path: Path):
    """Minimal .po reader: (msgid, msgstrs, flags) per entry, enough to find untranslated ones. A
    string with a context is keyed as gettext keys it: the context, EOT, then the msgid."""
    entries, context, msgid, msgstrs, flags, current = [], "", None, [], set(), None
    for raw in po_path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if msgid is not None:
                entries.append((f"{context}\x04{msgid}" if context else msgid, msgstrs, flags))
            context, msgid, msgstrs, flags, current = "", None, [], set(), None
        elif line.startswith("msgctxt "):
            context, current = line[8:].strip('"'), "context"
        elif line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid "):
            msgid, current = line[6:].strip('"'), "id"
        elif line.startswith("msgid_plural"):
            current = "plural"
        elif line.startswith("msgstr"):
            msgstrs.append(line.split(" ", 1)[1].strip('"'))
            current = "str"
        elif line.startswith('"'):
            if current == "id":
                msgid += line.strip('"')
            elif current == "str":
                msgstrs[-1] += line.strip('"')
    return entries


def test_there_are_vietnamese_catalogues():
    assert _catalogues(), "no locale/vi/LC_MESSAGES/django.po found"


@pytest.mark.parametrize("po_path", _catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated_to_vietnamese(po_path):
    problems = [msgid for msgid, msgstrs, flags in _entries(po_path)
                if msgid and ("fuzzy" in flags or not all(msgstrs))]
    assert problems == [], f"untranslated or fuzzy in {po_path}: {problems[:10]}"


def test_each_string_has_one_vietnamese_text():
    """Django merges every catalogue into one table per language, the first found winning: a string
    translated two ways in two catalogues shows one of them everywhere, and the other translator's
    wording (the letter's "Kính gửi", a duty's "Đang chờ") silently never appears. A string whose
    meaning changes with where it stands carries a context (`pgettext`) instead."""
    texts: dict[str, set[str]] = {}
    for po_path in _catalogues():
        for msgid, msgstrs, _flags in _entries(po_path):
            if msgid:
                texts.setdefault(msgid, set()).add(" | ".join(msgstrs))
    assert sorted(msgid for msgid, found in texts.items() if len(found) > 1) == []


def _shown_error_classes() -> set[str]:
    """The names of the errors whose message reaches a person: the domain errors and DRF's."""
    from rest_framework.exceptions import APIException

    from core.errors import DomainError

    names, queue = set(), [DomainError, APIException]
    while queue:
        error = queue.pop()
        names.add(error.__name__)
        queue.extend(error.__subclasses__())
    return names


def _untranslated_raises(source: str, shown: set[str]) -> list[int]:
    """Lines raising a shown error with a plain or f-string message instead of a translated one."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
            continue
        name = getattr(node.exc.func, "id", None) or getattr(node.exc.func, "attr", None)
        message = node.exc.args[0]
        if name in shown and isinstance(message, (ast.JoinedStr, ast.Constant)) and isinstance(
            getattr(message, "value", ""), str
        ):
            found.append(node.lineno)
    return found


def test_every_message_an_error_shows_a_person_is_marked_for_translation():
    """An API answer or a page reads a domain error's message in the reader's language only if the
    message went through `gettext`: a bare string stays English on a Vietnamese answer."""
    shown = _shown_error_classes()
    assert {"NotFound", "InvalidInput", "Conflict", "ValidationError"} <= shown
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _project_sources()
        for line in _untranslated_raises(path.read_text(encoding="utf-8"), shown)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('raise NotFound("No such phase.")', [1]),
        ('raise InvalidInput(f"The {h} header is too long.")', [1]),
        ('raise NotFound(_("No such phase."))', []),
        ('raise ValueError("internal")', []),
        ("raise NotFound()", []),
    ],
)
def test_the_untranslated_raise_scan_sees_what_it_should(source, expected):
    assert _untranslated_raises(source, _shown_error_classes()) == expected


def _project_sources():
    folders = [top for top in ROOT.iterdir() if top.is_dir() and top.name not in _NOT_PRODUCT]
    return sorted(p for top in folders for p in top.rglob("*.py") if "migrations" not in p.parts)


_NOT_PRODUCT = {"tests", "bench", "docs", "var", ".venv", "node_modules", "scripts", ".ci", ".git"}


# What makemessages reads; the rest of the tree (tests, benchmarks, docs, the virtualenv) it would skip
# or has no strings for the pages.
_NOT_SOURCE = shutil.ignore_patterns(
    ".*", "var", "tests", "bench", "docs", "node_modules", "*.mo", "__pycache__"
)


@once_in_ci("sqlite", "the catalogues do not depend on the database")
def test_every_string_the_code_marks_for_translation_has_a_vietnamese_one(tmp_path, settings, monkeypatch):
    """A string marked in code or a template but never put in a catalogue shows in English on a
    Vietnamese page or API answer; the per-catalogue test above cannot see it. Extract afresh from a
    copy of the sources and look each string up in today's catalogues, wherever it is kept."""
    require("xgettext")
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=_NOT_SOURCE)
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["vi"], no_obsolete=True, verbosity=0)
    translated = {msgid for po_path in _catalogues()
                  for msgid, msgstrs, flags in _entries(po_path) if "fuzzy" not in flags and all(msgstrs)}
    marked = {msgid for po_path in copy.glob("**/locale/vi/LC_MESSAGES/django.po")
              for msgid, _s, _f in _entries(po_path) if msgid}
    assert sorted(marked - translated) == []


@pytest.mark.parametrize("po_path", _catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_is_not_older_than_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run compilemessages"
    source_entries = {msgid for msgid, _s, _f in _entries(po_path) if msgid}
    compiled = mo_path.read_bytes()
    missing = [
        m for m in source_entries if m.encode().replace(b"\\n", b"\n").replace(b'\\"', b'"') not in compiled
    ]
    assert not missing, f"{mo_path} is stale (e.g. {missing[:3]}): run compilemessages"


def test_contract_management_commands_exist():
    assert {"seed_demo", "verify_audit", "issue_token"} <= set(get_commands())


def _pyproject_tool(name: str) -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][name]


def _layers() -> list[str]:
    return _pyproject_tool("importlinter")["root_packages"]


def test_every_layer_is_packaged():
    """A wheel built from pyproject.toml ships every app the layer contract names (not only an editable
    install does)."""
    include = _pyproject_tool("setuptools")["packages"]["find"]["include"]
    packaged = {pattern.rstrip("*") for pattern in include}
    assert not set(_layers()) - packaged


def test_readme_names_every_layer():
    """The README's code layout is where a newcomer first meets the layers: none may be missing from it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [layer for layer in _layers() if f"`{layer}/`" not in readme] == []


def test_code_passes_ruff():
    """The whole repository passes `ruff check` with the configuration in pyproject.toml."""
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed: install the test extras (pip install -e '.[test]')")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, f"ruff check failed:\n{result.stdout}{result.stderr}"
