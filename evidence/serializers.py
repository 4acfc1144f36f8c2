"""Serializers of evidence for API v1: a file's metadata with the leaves it backs, the upload."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .enums import ReadingField, ReadingState, TextSource
from .models import EvidenceFile
from .reading.warnings import warning_text


class DocumentSerializer(serializers.Serializer):
    """The header fields of a document (the `inspect_evidence` keys); null where absent."""

    number = serializers.CharField(allow_null=True)
    symbol = serializers.CharField(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    place = serializers.CharField(allow_null=True)
    issuer = serializers.CharField(allow_null=True)
    parent_issuer = serializers.CharField(allow_null=True)
    doc_type = serializers.CharField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    signer = serializers.CharField(allow_null=True)
    signer_title = serializers.CharField(allow_null=True)


class SignatureSerializer(serializers.Serializer):
    signer = serializers.CharField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    intact = serializers.BooleanField()
    trusted = serializers.BooleanField()
    expired = serializers.BooleanField()
    modified_after_signing = serializers.BooleanField()


class CorrectionSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=ReadingField.choices)
    value = serializers.CharField(allow_null=True)
    old_value = serializers.CharField(allow_null=True)
    corrected_by = serializers.CharField(allow_null=True)
    corrected_at = serializers.DateTimeField()


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    criterion = serializers.CharField(
        allow_null=True, help_text="Mã tiêu chí khi cảnh báo là của tiêu chí đó"
    )
    text = serializers.CharField()


class ReadingSerializer(serializers.Serializer):
    """What was read from the file: `document` is in force (people's corrections laid over
    the reading), `document_as_read` as read; null `document`: not an administrative
    document (or not read yet)."""

    state = serializers.ChoiceField(choices=ReadingState.choices)
    text_source = serializers.ChoiceField(choices=TextSource.choices, allow_blank=True)
    is_draft = serializers.BooleanField()
    document = DocumentSerializer(allow_null=True)
    document_as_read = DocumentSerializer(allow_null=True)
    corrections = CorrectionSerializer(many=True)
    signatures = SignatureSerializer(many=True)
    warnings = WarningSerializer(many=True)


def reading_data(cards, evidence_file: EvidenceFile) -> dict | None:
    """The `reading` of a file from evidence.selectors.evidence_cards (no query)."""
    card = cards.get(evidence_file.pk) if cards is not None else None
    if card is None or not card.state:
        return None
    row = card.reading
    warnings, seen = [], set()
    for item in card.warnings:
        seen.add(repr(sorted(item.items())))
        warnings.append({"code": item["code"], "criterion": None, "text": warning_text(item)})
    for link_card in cards.for_file(evidence_file.pk):
        for item in link_card.warnings:
            key = repr(sorted(item.items()))
            if key in seen:
                continue
            warnings.append(
                {
                    "code": item["code"],
                    "criterion": link_card.criterion.code,
                    "text": warning_text(item),
                }
            )
    return {
        "state": card.state,
        "text_source": row.text_source,
        "is_draft": card.is_draft,
        "document": card.fields,
        "document_as_read": (row.fields or None) if row.is_document else None,
        "corrections": [
            {
                "field": c.field,
                "value": c.value or None,
                "old_value": c.old_value or None,
                "corrected_by": c.corrected_by.username if c.corrected_by else None,
                "corrected_at": c.corrected_at,
            }
            for items in card.corrections.values()
            for c in items
        ],
        "signatures": row.signatures,
        "warnings": warnings,
    }


class EvidenceFileSerializer(serializers.ModelSerializer):
    """A file of a dossier; `criterion_codes` come from the context's `codes` (file id →
    codes), read in one query by evidence.selectors.evidence_criterion_codes; `reading`
    from the context's `cards` (evidence.selectors.evidence_cards)."""

    name = serializers.CharField(source="original_name", read_only=True)
    criterion_codes = serializers.SerializerMethodField()
    reading = serializers.SerializerMethodField()

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
            "reading",
        ]

    def get_criterion_codes(self, obj: EvidenceFile) -> list[str]:
        return self.context.get("codes", {}).get(obj.pk, [])

    @extend_schema_field(ReadingSerializer(allow_null=True))
    def get_reading(self, obj: EvidenceFile) -> dict | None:
        data = reading_data(self.context.get("cards"), obj)
        return ReadingSerializer(data).data if data is not None else None


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
