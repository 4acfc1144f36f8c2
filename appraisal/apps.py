from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Thẩm định")

    def ready(self):
        # Imported here: apps.py loads before the models (Django), and scoring, first in the
        # order of the apps, asks scoring.hooks, which this app fills.
        from scoring import hooks

        from .selectors import approved_ever

        hooks.register(hooks.approval_checks, approved_ever)  # later changes are marked
