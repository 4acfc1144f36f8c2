"""Celery application.

Without CELERY_BROKER_URL the tasks run in-process (eager), so the embedded default needs
nothing installed; with a broker (Redis) a real worker picks them up.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")

app = Celery("parindex")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
