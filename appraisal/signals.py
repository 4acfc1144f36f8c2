"""The supplement guard on evidence links.

The evidence app decides uploads per dossier; in the supplement window the appraisal
allows evidence on flagged leaves only. A link is the one place where a file meets a leaf,
so a new link in a phase that takes evidence for flagged leaves only is refused here,
whichever view or service created it.
"""

from django.core.exceptions import ValidationError
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from scoring import workflow
from scoring.enums import Stage
from scoring.models import LeafScore


def _guard(sender, instance, **kwargs):
    if instance.pk is not None:
        return
    assessment = instance.file.assessment
    if workflow.rules_of(assessment.period.phase).agency_evidence != workflow.EVIDENCE_FLAGGED:
        return
    flagged = LeafScore.objects.filter(
        assessment_id=assessment.pk,
        criterion_id=instance.criterion_id,
        stage=Stage.ROUND1,
        supplement_requested=True,
    ).exists()
    if not flagged:
        raise ValidationError(
            _("Tiêu chí này không thuộc danh sách phải giải trình bổ sung; chỉ được xem."),
            code="not_flagged",
        )


try:
    from evidence.models import EvidenceLink
except ImportError:  # the evidence app is optional for the workflow itself
    EvidenceLink = None
if EvidenceLink is not None:
    receiver(pre_save, sender=EvidenceLink, dispatch_uid="appraisal_supplement_guard")(_guard)
