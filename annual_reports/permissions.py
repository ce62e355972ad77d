"""Who may do what to an annual report, and when: each rule returns why the user may not (a translated sentence) or
None. Services raise the reason; pages show a button only where the same function returns None."""

from django.utils.translation import gettext as _

from consortia.permissions import leads
from portal.models import User

from .models import AnnualReport


def campaign_refusal(user: User | None) -> str | None:
    """City staff open a year's campaign; ``None`` is the system (``manage.py open_report_campaign``)."""
    if user is not None and not user.is_city_staff:
        return _("只有市科技局可以开启年度报告。")
    return None


def report_edit_refusal(user: User, report: AnnualReport) -> str | None:
    """A report is filled in and submitted by its consortium's lead unit, while it is to fill or returned."""
    if not leads(user, report.consortium):
        return _("只有该联合体牵头单位的用户可以填报年度报告。")
    if not report.is_editable:
        return _("年度报告处于“%(status)s”状态，不能修改或提交。") % {"status": report.status_label}
    return None
