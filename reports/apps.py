from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo")

    def ready(self):
        # Imported here: apps.py loads before the models (Django); the appraisal asks for
        # the index job by its signal.
        from appraisal.signals import round_closed

        from .services import index_run_on_round_closed

        round_closed.connect(index_run_on_round_closed, dispatch_uid="reports.index_run")
