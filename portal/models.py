from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .uscc import normalise_uscc, validate_uscc


class Role(models.TextChoices):
    LEAD_UNIT = "lead_unit", _("牵头单位用户")
    DISTRICT_OFFICER = "district_officer", _("区（园区）科技局")
    CITY_STAFF = "city_staff", _("市科技局")
    ADMIN = "admin", _("系统管理员")


class ScopedQuerySet(models.QuerySet):
    """``visible_to(user)``: the one place per model that decides what a user may see (DESIGN §7). Nobody signed out
    sees anything, administrators see everything, and ``scoped_to`` decides for each role (by default: nothing)."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_portal_admin:
            return self
        return self.scoped_to(user)

    def scoped_to(self, user):
        return self.none()


class AppendOnly:
    """Rows written once and never changed: history (audit, workflow) and what was submitted."""

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)


class LocalisedName:
    """Reference entries carry a Chinese and an English name; users see the one of their language."""

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name_zh


class Authority(LocalisedName, models.Model):
    """A district, new area or park science bureau that pre-screens filings (reference/authorities.csv)."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("区")
        NEW_AREA = "new-area", _("新区")
        PARK = "park", _("园区")

    code = models.CharField(_("代码"), max_length=16, unique=True)
    name_zh = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    authority_zh = models.CharField(_("主管部门"), max_length=64)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("属地主管部门")
        verbose_name_plural = _("属地主管部门")
        ordering = ["code"]

    def __str__(self):
        return self.name


class IndustryField(LocalisedName, models.Model):
    """A key industry field of the city (guideline §2.a; reference/industry-fields.csv)."""

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name_zh = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    group = models.CharField(_("产业类别"), max_length=32)
    is_active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("重点产业领域")
        verbose_name_plural = _("重点产业领域")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class PlatformCategory(LocalisedName, models.Model):
    """A category of major S&T platform that may lead a consortium (guideline §3.4.b)."""

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name_zh = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("重大科技平台类别")
        verbose_name_plural = _("重大科技平台类别")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """An independent legal entity (guideline §3.5), identified by its USCC."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        UNIVERSITY = "university", _("高校")
        INSTITUTE = "institute", _("科研院所")
        PLATFORM = "platform", _("重大科技平台")
        OTHER = "other", _("其他")

    name = models.CharField(_("单位名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    kind = models.CharField(_("单位类型"), max_length=16, choices=Kind.choices)
    # Required of lead units (their district pre-screens the filing); members may be outside Nanjing.
    jurisdiction = models.ForeignKey(
        Authority,
        verbose_name=_("属地主管部门"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    # False for an organisation a lead unit typed in as a member: nobody of it has registered, and the first one who
    # registers its USCC takes it over (``register_lead_unit``), so typing a USCC first locks nobody out.
    registered = models.BooleanField(
        _("已注册"),
        default=False,
        help_text=_("该单位已有用户自行注册；未注册的单位由首个注册其统一社会信用代码的用户认领。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.uscc = normalise_uscc(self.uscc)
        super().save(*args, **kwargs)


class PortalUserManager(UserManager):
    """``createsuperuser`` makes a portal administrator, not a lead-unit user without an organisation."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A portal account. Lead-unit users belong to an organisation, district officers to an authority."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.LEAD_UNIT)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("所属主管部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )
    phone = models.CharField(_("手机号码"), max_length=32, blank=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="lead_unit_user_has_organisation",
                condition=~Q(role=Role.LEAD_UNIT) | Q(organisation__isnull=False) | Q(is_superuser=True),
            ),
            models.CheckConstraint(
                name="district_officer_has_authority",
                condition=~Q(role=Role.DISTRICT_OFFICER) | Q(authority__isnull=False),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_lead_unit(self) -> bool:
        return self.role == Role.LEAD_UNIT

    @property
    def is_district_officer(self) -> bool:
        return self.role == Role.DISTRICT_OFFICER

    @property
    def is_city_staff(self) -> bool:
        return self.role == Role.CITY_STAFF

    @property
    def is_portal_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class AuditEvent(AppendOnly, models.Model):
    """Append-only trail of logins and of every change of state (网络安全等级保护 2.0: kept at least six months)."""

    class Type(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("账户锁定")
        SESSION_EXPIRED = "session_expired", _("会话超时")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        STATE_CHANGED = "state_changed", _("状态变更")
        RECORD_CHANGED = "record_changed", _("数据变更")

    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    event_type = models.CharField(_("事件类型"), max_length=32, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The username as typed, kept for failed logins where there may be no such account.
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    changes = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The limits per client address (portal/throttle.py) count an address's recent events on every login.
            models.Index(fields=["ip_address", "occurred_at"], name="audit_address_time"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.get_event_type_display()} {self.username}"

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")


class Notification(models.Model):
    """An in-app message and its e-mail; the outbox row is written in the caller's transaction."""

    SUBJECT_MAX_LENGTH = 200

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("标题"), max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=255, blank=True)
    # Set when the same message must never be queued twice (jobs re-run after a crash, reminders per threshold).
    dedup_key = models.CharField(_("去重键"), max_length=200, null=True, blank=True, unique=True)
    # Set on a message that asks for work (a filing to pre-screen): the sending app names the work, and when it is
    # done, whoever did it, ``finish_work`` sets ``done_at`` on every message about it. Null: for information only
    # (and nullable because the jobs' INSERT … SELECT leaves out the columns it does not fill).
    work_key = models.CharField(_("待办键"), max_length=100, null=True, blank=True, db_index=True)  # noqa: DJ001
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("邮件投递时间"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("发送尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["delivered_at", "created_at"]),
        ]

    def __str__(self):
        return self.subject


class WorkerHeartbeat(models.Model):
    """When the Celery worker last ran the beat's heartbeat task: one row, read by ``/readyz``.

    A row rather than the cache: without Redis the cache is per process, and the worker's would not be the web's.
    """

    beat_at = models.DateTimeField(_("心跳时间"))

    class Meta:
        verbose_name = _("后台任务心跳")
        verbose_name_plural = _("后台任务心跳")

    def __str__(self):
        return f"{self.beat_at:%Y-%m-%d %H:%M:%S}"
