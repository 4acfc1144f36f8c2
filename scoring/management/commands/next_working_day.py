"""python manage.py next_working_day YYYY-MM-DD — that day if it is worked, else the next one.

Weekends, Vietnam's public holidays and the province's own days off and make-up working days
(scoring.calendar); prints the date in ISO form (YYYY-MM-DD).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scoring import calendar


class Command(BaseCommand):
    help = _(
        "In ra ngày đã cho nếu là ngày làm việc, nếu không thì ngày làm việc kế tiếp "
        "(YYYY-MM-DD), theo lịch nghỉ lễ và ngày nghỉ, ngày làm bù của tỉnh."
    )

    def add_arguments(self, parser):
        parser.add_argument("day", help=_("ngày, dạng YYYY-MM-DD"))

    def handle(self, *args, day: str, **options):
        try:
            parsed = date.fromisoformat(day.strip())
        except ValueError:
            raise CommandError(
                _("Ngày không hợp lệ: “%(day)s” (cần dạng YYYY-MM-DD, ví dụ 2019-12-15).")
                % {"day": day}
            ) from None
        config = calendar.province_days(years=[parsed.year, parsed.year + 1])
        self.stdout.write(calendar.next_working_day(parsed, config).isoformat())
