"""Every list that may be left empty shows its empty choice as "—", the same on every page; Django's
own "---------" reads as a rendering fault on a bank's page (a reviewer saw it in the request queue)."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings

from core.forms import NO_CHOICE


def _project_form_classes():
    for app in apps.get_app_configs():
        if not Path(app.path).is_relative_to(settings.BASE_DIR) or ".venv" in Path(app.path).parts:
            continue
        for module_info in pkgutil.walk_packages([app.path], f"{app.name}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def test_every_model_choice_offers_the_same_empty_choice():
    classes = list(_project_form_classes())
    dashes = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.ModelChoiceField) and field.empty_label not in (None, NO_CHOICE)
    ]
    assert len(classes) > 20  # the walk found the project's forms
    assert dashes == []
