"""`manage.py issue_enrolment_code USERNAME [--hours H]`: a one-time TOTP enrolment code.

For a user who must use TOTP (TOTP_REQUIRED_ROLES, or a superuser in production) and has no
device yet; the code is printed once (only its hash is stored), earlier open codes of the user
are cancelled, and the issue is recorded in the account audit trail.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone

from parindex.services import enrolment_code_issue


class Command(BaseCommand):
    help = "Cấp mã đăng ký xác thực hai bước dùng một lần cho một tài khoản."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--hours", type=int, default=None, help="hạn dùng (giờ)")

    def handle(self, *args, username, hours, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{username}”.")
        if hours is not None and hours < 1:
            raise CommandError("--hours phải từ 1 trở lên.")
        record, code = enrolment_code_issue(actor=None, user=user, hours=hours)
        expires = formats.date_format(timezone.localtime(record.expires_at), "d/m/Y H:i")
        self.stdout.write(f"{code}\n")
        self.stderr.write(f"Mã đăng ký của {username}, hết hạn {expires}, chỉ dùng một lần.")
