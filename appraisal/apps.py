from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Thẩm định")

    def ready(self):
        # scoring comes first in the order of the apps: it asks scoring.hooks, filled here.
        from scoring import hooks

        from .selectors import approved_ever

        hooks.register(hooks.approval_checks, approved_ever)  # later changes are marked
