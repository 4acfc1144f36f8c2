"""The signed-in person's notifications: the list (mark all read), and opening one (marks
it read and goes where it points). Another person's notification is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import notifications

PER_PAGE = 30


@login_required
def notification_list(request):
    if request.method == "POST":
        count = notifications.notification_mark_all_read(actor=request.user)
        messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
        return redirect("notifications")
    page = Paginator(notifications.notification_list(actor=request.user), PER_PAGE).get_page(
        request.GET.get("trang")
    )
    return render(
        request,
        "appraisal/notifications.html",
        {"page": page, "unread": notifications.unread_count(actor=request.user)},
    )


@login_required
def notification_open(request, notification_id: int):
    """GET: mark read and follow the link; POST: mark read and come back to the list."""
    row = notifications.notification_get(actor=request.user, notification_id=notification_id)
    notifications.notification_mark_read(actor=request.user, notification=row)
    if request.method == "POST" or not row.link:
        return redirect("notifications")
    if not url_has_allowed_host_and_scheme(row.link, allowed_hosts={request.get_host()}):
        return redirect("notifications")
    return redirect(row.link)
