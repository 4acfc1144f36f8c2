"""Load the deterministic demo province (parindex.demo) into an empty database."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parindex import demo


class Command(BaseCommand):
    help = _("Nạp dữ liệu mẫu: tỉnh Hòa Bình Xanh, 44 đơn vị, các năm 2023–2026 và tài khoản demo.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Bỏ qua (không báo lỗi) nếu cơ sở dữ liệu đã có đơn vị."),
        )

    def handle(self, *args, if_empty=False, **options):
        if demo.demo_is_loaded():
            if not if_empty:
                raise CommandError(
                    _(
                        "Cơ sở dữ liệu đã có dữ liệu đơn vị; chỉ nạp dữ liệu mẫu vào cơ sở dữ "
                        "liệu trống. Dùng --if-empty để bỏ qua khi đã có dữ liệu."
                    )
                )
            self.stdout.write(_("Đã có dữ liệu: bỏ qua việc nạp dữ liệu mẫu."))
        else:
            started = time.monotonic()
            summary = demo.demo_load()
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Đã nạp dữ liệu mẫu %(province)s: %(units)s đơn vị, %(leaves)s tiêu chí "
                        "chấm điểm, %(scores)s điểm tiêu chí (%(seconds).1f giây)."
                    )
                    % {
                        "province": demo.PROVINCE,
                        "units": summary.units,
                        "leaves": summary.leaves,
                        "scores": summary.scores,
                        "seconds": time.monotonic() - started,
                    }
                )
            )
        self._print_logins()

    def _print_logins(self):
        self.stdout.write("")
        self.stdout.write(
            _("Tài khoản demo (mật khẩu chung: %(password)s):") % {"password": demo.DEMO_PASSWORD}
        )
        for login in demo.demo_logins():
            self.stdout.write(
                f"  {login.username:<12} {login.password:<10} {login.role} — {login.detail}"
            )
