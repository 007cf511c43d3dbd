"""`manage.py seed_demo`: idempotent demo data. Each app contributes through its own `demo.seed(context)`,
called in INSTALLED_APPS order with a shared context (users, subjects, actor).

Only on a demo installation (`DEMO=true`, which the `.env` scripts/run writes sets): the demo's staff
logins have the passwords README.md publishes, and a staff member enrols the second factor at the
first sign-in, so a DPO login seeded on a bank's installation would be anyone's."""
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.roles import roles_sync


class Command(BaseCommand):
    help = "Create demo users, customers, consents and requests (safe to run again; demo installations only)."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError(_(
                "seed_demo runs only on a demo installation (DEMO=true): its staff logins have the "
                "passwords README.md publishes. Nothing was created."
            ))
        roles_sync()
        context: dict = {}
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if find_spec(module_name) is None:
                continue
            import_module(module_name).seed(context)
            self.stdout.write(f"seeded {app_config.label}")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
