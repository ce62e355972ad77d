"""What the filings ask of an organisation's reference data: checks registered with the portal core's hooks."""

from django.utils.translation import gettext as _

from portal.hooks import register_jurisdiction_change_check
from portal.models import Organisation

from .models import Consortium
from .states import Status


@register_jurisdiction_change_check
def jurisdiction_change_refusal(organisation: Organisation) -> str | None:
    """A filing in district pre-screening is in the queue of the lead unit's district: moving the lead unit to another
    district would take it out of that queue without putting it in the other's, so the change waits."""
    if Consortium.objects.filter(lead_organisation=organisation, status=Status.DISTRICT_REVIEW).exists():
        return _("该单位有正在区级初审中的备案，不能变更属地主管部门。请先由区级退回，或由市科技局明确改派。")
    return None
