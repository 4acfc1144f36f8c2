from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from scoring.enums import Stage

from .models import DocumentSettings, ImprovementItem, ImprovementPlan

ImprovementItemFormSet = inlineformset_factory(
    ImprovementPlan,
    ImprovementItem,
    fields=[
        "order",
        "code",
        "content",
        "cause",
        "remedy",
        "lead_unit",
        "partners",
        "deadline",
        "note",
    ],
    widgets={
        "content": forms.Textarea(attrs={"rows": 3}),
        "cause": forms.Textarea(attrs={"rows": 3}),
        "remedy": forms.Textarea(attrs={"rows": 3}),
        "order": forms.NumberInput(attrs={"style": "width:4em"}),
    },
    extra=1,
    can_delete=True,
)


class InputsUploadForm(forms.Form):
    SIPAS, DOSSIER = "sipas", "dossier"
    kind = forms.ChoiceField(
        label=_("Loại dữ liệu"),
        choices=[
            (SIPAS, _("Chỉ số hài lòng (unit_code,sipas)")),
            (DOSSIER, _("Thống kê hồ sơ TTHC (unit_code,received,early,on_time,late,pending)")),
        ],
    )
    file = forms.FileField(label=_("Tệp CSV hoặc XLSX"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 5 MB)."))
        return upload


class ApplyInputsForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Vòng"),
        choices=[(Stage.ROUND1, Stage.ROUND1.label), (Stage.FINAL, Stage.FINAL.label)],
    )


class IndexRunForm(forms.Form):
    stage = forms.ChoiceField(label=_("Vòng"), choices=Stage.choices, initial=Stage.FINAL)


class DocumentSettingsForm(forms.ModelForm):
    """The province's details printed on its official documents (reports.DocumentSettings)."""

    class Meta:
        model = DocumentSettings
        fields = [
            "province_name",
            "parent_body",
            "issuer_name",
            "issuer_body_name",
            "issuer_abbr",
            "office_abbr",
            "place_name",
            "signer_authority",
            "signer_title",
            "signer_name",
            "decision_parent",
            "decision_issuer",
            "decision_abbr",
            "decision_authority",
            "decision_signer_authority",
            "decision_signer_title",
            "decision_signer_name",
            "decision_grounds",
            "recipients_report",
            "recipients_decision",
            "recipients_letter",
            "recipients_notice",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in (
                "decision_grounds",
                "recipients_report",
                "recipients_decision",
                "recipients_letter",
                "recipients_notice",
            )
        }


ALL_UNITS = "__all__"


class DocumentIssueForm(forms.Form):
    """Number and date of a document; for per-unit documents one unit, or every unit listed
    numbered in order from the number given."""

    unit = forms.ChoiceField(label=_("Đơn vị"), required=False)
    number = forms.IntegerField(label=_("Số"), min_value=1, max_value=99999)
    issued_on = forms.DateField(
        label=_("Ngày ban hành"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            ("", "—"),
            (ALL_UNITS, _("Tất cả đơn vị trong danh sách (số tăng dần)")),
            *[(u.code, u.name) for u in units],
        ]
