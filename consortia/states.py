"""The states of a consortium's life (DESIGN §3). The transitions between them are in
``consortia.workflow.transitions``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    DISTRICT_REVIEW = "district_review", _("区级初审中")
    CITY_REVIEW = "city_review", _("市级审核中")
    RETURNED = "returned", _("退回修改")
    REJECTED = "rejected", _("不予备案")
    WITHDRAWN = "withdrawn", _("已撤回")
    ACTIVE = "active", _("已备案（建设期内）")
    EXPIRED = "expired", _("建设期满")
    COMPLETED = "completed", _("任务完成")
    REVOKED = "revoked", _("已撤销备案")


# A filing the lead unit may still edit.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
# A consortium that was filed (approved) at some point.
FILED = frozenset({Status.ACTIVE, Status.EXPIRED, Status.COMPLETED, Status.REVOKED})
