"""Who may do what to an annual report, and when: each rule returns why the user may not (a translated sentence) or
None. Services raise the reason; pages show a button only where the same function returns None."""

from django.utils.translation import gettext as _

from consortia.permissions import leads
from portal.models import Role, User

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


def report_comment_refusal(user: User, report: AnnualReport) -> str | None:
    """District officers comment on their jurisdiction's reports, city staff on any; the lead unit reads the city's
    decision, not the reviewers' remarks."""
    if user.role not in (Role.DISTRICT_OFFICER, Role.CITY_STAFF):
        return _("只有属地主管部门和市科技局可以对该年度报告提出意见。")
    if user.role == Role.DISTRICT_OFFICER and report.consortium.lead_organisation.jurisdiction_id != user.authority_id:
        return _("只有该联合体属地主管部门可以对该年度报告提出意见。")
    return None
