"""System accounts and their API tokens (issue 16): who calls the API, and the bearer secrets they call it with."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SystemAccount(models.Model):
    """Marks a portal ``User`` as a system account: another system, not a person. It has a role (and, for a district,
    an authority) like any user, so the API shows it what ``visible_to`` shows that role, but an unusable password:
    it never signs in to the pages and calls the API only with a token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账户"), on_delete=models.PROTECT, related_name="system_account"
    )
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("系统账户")
        verbose_name_plural = _("系统账户")
        ordering = ["user__username"]

    def __str__(self):
        return str(self.user)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, *, today):
        return self.filter(revoked_at__isnull=True, expires_on__gte=today)


class ApiToken(models.Model):
    """A bearer token of a system account. The secret is shown once when issued and kept only as its SHA-256; the
    prefix, stored in clear, finds the row and names the token in lists and in the audit trail."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("系统账户"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
        limit_choices_to={"system_account__isnull": False},
    )
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True)
    secret_hash = models.CharField(_("密钥摘要"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_on = models.DateField(_("有效期至"), help_text=_("当日结束后失效。"))
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Revoked means by someone: the two are set together, once.
            models.CheckConstraint(
                name="api_token_revoked_by_someone",
                condition=models.Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | models.Q(revoked_at__isnull=False, revoked_by__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.expires_on
