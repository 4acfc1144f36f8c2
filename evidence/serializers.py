"""Serializers of evidence for API v1: a file's metadata with the leaves it backs, the upload."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import EvidenceFile


class EvidenceFileSerializer(serializers.ModelSerializer):
    """A file of a dossier; `criterion_codes` come from the context's `codes` (file id →
    codes), read in one query by evidence.selectors.evidence_criterion_codes."""

    name = serializers.CharField(source="original_name", read_only=True)
    criterion_codes = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "name",
            "size",
            "sha256",
            "content_type",
            "stage",
            "uploaded_at",
            "criterion_codes",
        ]

    def get_criterion_codes(self, obj: EvidenceFile) -> list[str]:
        return self.context.get("codes", {}).get(obj.pk, [])


class EvidenceUploadedSerializer(EvidenceFileSerializer):
    """The stored file; `duplicate`: the same content was already in the dossier (linked)."""

    duplicate = serializers.SerializerMethodField()

    class Meta(EvidenceFileSerializer.Meta):
        fields = [*EvidenceFileSerializer.Meta.fields, "duplicate"]

    def get_duplicate(self, obj: EvidenceFile) -> bool:
        return bool(self.context.get("duplicate", False))


class EvidenceUploadInputSerializer(serializers.Serializer):
    """multipart/form-data: one `file` for the leaf `criterion` (its code)."""

    file = serializers.FileField(
        allow_empty_file=True,  # the service refuses empty files with its own message
        use_url=False,
        error_messages={
            "required": _("Hãy chọn tệp để tải lên."),
            "invalid": _("Hãy chọn tệp để tải lên."),
            "no_name": _("Hãy chọn tệp để tải lên."),
        },
    )
    criterion = serializers.CharField(
        max_length=50,
        help_text="Mã tiêu chí (lá) mà tệp làm kiểm chứng",
        error_messages={"required": _("Hãy chọn tiêu chí.")},
    )
