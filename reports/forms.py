from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from scoring.enums import Stage

from .models import ImprovementItem, ImprovementPlan

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
