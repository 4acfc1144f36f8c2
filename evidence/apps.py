from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = _("Tài liệu kiểm chứng")

    def ready(self):
        # Imported here: apps.py loads before the models (Django), and scoring, first in the
        # order of the apps, asks scoring.hooks, which this app fills.
        from scoring import hooks

        from . import selectors, services
        from .criterion_rules import evidence_rules_errors

        hooks.evidence_register(
            hooks.DossierEvidence(
                files=selectors.evidence_files,
                by_criterion=selectors.evidence_by_criterion,
                counts=selectors.evidence_counts,
                counts_by_assessment=selectors.evidence_counts_by_assessment,
                warnings=selectors.evidence_warnings_by_criterion,
                warnings_confirm=services.dossier_warnings_confirm,
            )
        )
        hooks.register(hooks.criterion_params_checks, evidence_rules_errors)
