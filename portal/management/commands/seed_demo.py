"""`manage.py seed_demo`: idempotent demo data. Each app contributes through its own `demo.seed(context)`,
called in INSTALLED_APPS order with a shared context (users, subjects, actor).

Never on a bank's installation (`subjects.demo.demo_seeding_refused`): the demo's staff logins have the
passwords README.md publishes."""
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.roles import roles_sync
from subjects.demo import demo_seeding_refused


class Command(BaseCommand):
    help = ("Create demo users, customers, consents and requests (safe to run again; never on a bank's "
            "installation).")

    def handle(self, *args, **options):
        if demo_seeding_refused():
            raise CommandError(_(
                "seed_demo refuses this installation: it says it is not a demo (DEMO=false), or its "
                "database has staff logins other than the demo's. The demo's staff logins have the "
                "passwords README.md publishes. Nothing was created; set DEMO=true only on a demo."
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
