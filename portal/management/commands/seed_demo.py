"""`manage.py seed_demo`: idempotent demo data. Each app contributes through its own `demo.seed(context)`
with a shared context (users, subjects, actor): the portal's first, since it makes the people every
other app's demo refers to, then the others in INSTALLED_APPS order."""
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand

from core.roles import roles_sync


class Command(BaseCommand):
    help = "Create demo users, customers, consents and requests (safe to run again)."

    def handle(self, *args, **options):
        roles_sync()
        context: dict = {}
        for app_config in sorted(apps.get_app_configs(), key=lambda config: config.label != "portal"):
            module_name = f"{app_config.name}.demo"
            if find_spec(module_name) is None:
                continue
            import_module(module_name).seed(context)
            self.stdout.write(f"seeded {app_config.label}")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
