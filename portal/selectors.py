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
    panels.extend(_work_panels(user))
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


def _work_panels(user: User) -> list[Panel]:
    # The shell's home page gathers work from the apps built on the portal core, so they are imported here.
    from consortia.models import Consortium
    from consortia.states import EDITABLE, Status

    visible = Consortium.objects.visible_to(user)
    if user.role == Role.LEAD_UNIT:
        return [
            Panel(
                title=_("本单位的创新联合体备案"),
                count=visible.count(),
                empty_text=_("本单位尚无创新联合体备案。"),
                link=reverse("consortia:list"),
                link_text=_("查看或新建备案"),
            ),
            Panel(
                title=_("待填写或修改的备案"),
                count=visible.filter(status__in=EDITABLE).count(),
                empty_text=_("没有待填写或修改的备案。"),
                link=reverse("consortia:list"),
                link_text=_("继续填写"),
            ),
            Panel(
                title=_("审核中的备案"),
                count=visible.filter(status__in=[Status.DISTRICT_REVIEW, Status.CITY_REVIEW]).count(),
                empty_text=_("没有审核中的备案。"),
                link=reverse("consortia:list"),
                link_text=_("查看备案"),
            ),
        ]
    if user.role == Role.DISTRICT_OFFICER:
        return [
            Panel(
                title=_("待初审的备案申请"),
                count=visible.filter(status=Status.DISTRICT_REVIEW).count(),
                empty_text=_("辖区内暂无待初审的备案申请。"),
                link=reverse("reviews:queue"),
                link_text=_("进入初审队列"),
            )
        ]
    if user.role == Role.CITY_STAFF:
        return [
            Panel(
                title=_("待审核备案的申请"),
                count=visible.filter(status=Status.CITY_REVIEW).count(),
                empty_text=_("暂无待市科技局审核的备案申请。"),
                link=reverse("reviews:queue"),
                link_text=_("进入审核队列"),
            )
        ]
    return []
