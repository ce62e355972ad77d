"""Read-side queries of the portal core."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Notification, User


@dataclass(frozen=True)
class Panel:
    """One card on the home page: what the user has to do, or an empty state saying there is nothing."""

    title: str
    count: int
    empty_text: str
    link: str = ""
    link_text: str = ""


# The apps built on the portal core add the work that waits for each role (``register_work_panels``), so that the
# core never imports them.
_WORK_PANELS: list[Callable[[User], list[Panel]]] = []


def register_work_panels(panels: Callable[[User], list[Panel]]) -> Callable[[User], list[Panel]]:
    if panels not in _WORK_PANELS:
        _WORK_PANELS.append(panels)
    return panels


def unread_count(user: User) -> int:
    # Work someone has already done asks nothing more of the user, read or not.
    return Notification.objects.filter(recipient=user, read_at__isnull=True, done_at__isnull=True).count()


def open_work(user: User) -> QuerySet[Notification]:
    """The inbox's 待办: messages asking for work that nobody has done yet."""
    return Notification.objects.filter(recipient=user, work_key__isnull=False, done_at__isnull=True)


def for_information(user: User) -> QuerySet[Notification]:
    """The inbox's 通知: messages for information, and those whose work is done."""
    return Notification.objects.filter(Q(work_key__isnull=True) | Q(done_at__isnull=False), recipient=user)


def home_panels(user: User) -> list[Panel]:
    """The to-do panels of the user's role: counts of what waits for them, or an empty state."""
    panels = [
        Panel(
            title=_("未读通知"),
            count=unread_count(user),
            empty_text=_("没有未读通知。"),
            link=reverse("inbox"),
            link_text=_("查看通知"),
        )
    ]
    for work_panels in _WORK_PANELS:
        panels.extend(work_panels(user))
    if user.is_portal_admin:
        panels.append(
            Panel(
                title=_("系统管理"),
                count=User.objects.filter(is_active=True).count(),
                empty_text="",
                link=reverse("admin:index"),
                link_text=_("进入管理后台"),
            )
        )
    return panels
