from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import Notification
from ..selectors import for_information, open_work
from ..services import mark_notifications_read

INBOX_TABS = {"work": open_work, "info": for_information}


@login_required
def inbox(request):
    """Two tabs, each paged: 待办 (open work) and 通知. Without a choice, the work when there is any."""
    work_count = open_work(request.user).count()
    tab = request.GET.get("tab")
    if tab not in INBOX_TABS:
        tab = "work" if work_count else "info"
    page = Paginator(INBOX_TABS[tab](request.user), 20).get_page(request.GET.get("page"))
    return render(request, "portal/inbox.html", {"page": page, "tab": tab, "work_count": work_count})


@login_required
def open_notification(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    mark_notifications_read(user=request.user, notification_ids=[notification.pk])
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()}):
        return redirect(notification.link)
    return render(request, "portal/notification.html", {"notification": notification})


@require_POST
@login_required
def mark_all_read(request):
    count = mark_notifications_read(user=request.user)
    messages.success(request, _("已将 %(count)d 条通知标为已读。") % {"count": count})
    return redirect("inbox")
