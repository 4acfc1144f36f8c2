from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Thẩm định")

    def ready(self):
        from scoring.services import approval_checks

        from .selectors import approved_ever

        if approved_ever not in approval_checks:  # the audit trail marks later changes
            approval_checks.append(approved_ever)
