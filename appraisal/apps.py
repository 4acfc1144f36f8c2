from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Thẩm định")

    def ready(self):
        from . import signals  # noqa: F401  (registers the supplement guard on evidence links)
