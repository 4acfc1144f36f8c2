"""Forms of the appraisal pages: parsing only (dd/mm/yyyy dates); the rules are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.enums import DayKind, DeadlineKind, UnsubmittedPolicy

from .schedule import DATES

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
DATE_INVALID = _("Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy (ví dụ 16/12/2019).")


def _date_field(label, required=False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": DATE_INVALID, "required": _("Hãy nhập ngày (dd/mm/yyyy).")},
        widget=forms.TextInput(
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 11}
        ),
    )


class PeriodDatesForm(forms.Form):
    """Every date of the year, in the order of the cycle (appraisal.schedule.DATES)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in DATES:
            self.fields[spec.name] = _date_field(spec.label)


class CalendarDayForm(forms.Form):
    date = _date_field(_("Ngày"), required=True)
    kind = forms.ChoiceField(label=_("Loại ngày"), choices=DayKind.choices)
    reason = forms.CharField(
        label=_("Lý do, văn bản"),
        max_length=200,
        error_messages={"required": _("Hãy ghi lý do (ví dụ: số văn bản của UBND tỉnh).")},
    )


class SupplementDatesForm(forms.Form):
    """The supplement window, on the cycle page (the same dates as the calendar page)."""

    supplement_start = _date_field(_("Bắt đầu giải trình bổ sung"), required=True)
    supplement_end = _date_field(_("Hạn giải trình bổ sung"), required=True)


class ExtensionForm(forms.Form):
    """More time for one unit (appraisal.extensions)."""

    unit = forms.ChoiceField(label=_("Đơn vị"))
    deadline = forms.ChoiceField(label=_("Gia hạn"), choices=DeadlineKind.choices)
    until = _date_field(_("Đến hết ngày"), required=True)
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=2000,
        error_messages={"required": _("Hãy ghi lý do gia hạn.")},
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—")] + [
            (u.code, f"{u.code} — {u.name}") for u in units
        ]


class UnsubmittedPolicyForm(forms.Form):
    policy = forms.ChoiceField(
        label=_("Đơn vị không nộp hồ sơ"),
        choices=UnsubmittedPolicy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn cách xử lý đơn vị không nộp hồ sơ.")},
    )
