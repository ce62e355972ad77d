"""Read-side queries of the portal core."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Notification, Role, User


@dataclass(frozen=True)
class Panel:
    """One card on the home page: what the user has to do, or an empty state saying there is nothing."""

    title: str
    count: int
    empty_text: str
    link: str = ""
    link_text: str = ""


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def home_panels(user: User) -> list[Panel]:
    """The to-do panels of the user's role; later capabilities add theirs here."""
    panels = [
        Panel(
            title=_("未读通知"),
            count=unread_count(user),
            empty_text=_("没有未读通知。"),
            link=reverse("inbox"),
            link_text=_("查看通知"),
        )
    ]
    if user.role == Role.LEAD_UNIT:
        panels.append(Panel(title=_("本单位的创新联合体备案"), count=0, empty_text=_("本单位尚无创新联合体备案。")))
    elif user.role == Role.DISTRICT_OFFICER:
        panels.append(Panel(title=_("待初审的备案申请"), count=0, empty_text=_("辖区内暂无待初审的备案申请。")))
    elif user.role == Role.CITY_STAFF:
        panels.append(Panel(title=_("待审核备案的申请"), count=0, empty_text=_("暂无待市科技局审核的备案申请。")))
    if user.role == Role.ADMIN or user.is_superuser:
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
