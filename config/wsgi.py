"""WSGI entry point for gunicorn (`gunicorn -c config/gunicorn.conf.py config.wsgi`).

Loading it runs the start-up checks on keys, as manage.py and Celery do (subjects/checks.py): a web
node whose FIELD_ENCRYPTION_KEY, BLIND_INDEX_KEY or AUDIT_MAC_KEY cannot read or verify the data
already stored raises here, so gunicorn's worker fails to boot and the server stops, naming the
variable, instead of showing ciphertext and writing it back encrypted twice.
"""
import os

from django.core.wsgi import get_wsgi_application
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Only once settings are known: the module reads the keys when imported.
from subjects.checks import refuse_to_start_on_errors  # noqa: E402

try:
    refuse_to_start_on_errors()
finally:
    # The check's connection belongs to the thread loading the app, which serves no request (gthread
    # workers serve from their own threads; with --preload it is the master, before it forks).
    connections.close_all()
