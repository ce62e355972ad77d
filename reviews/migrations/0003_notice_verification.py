"""Verification codes and versions of filing notices (issue 17). Notices issued before this migration get a code
here; their PDF does not show it, and their hash stays the one recorded when they were issued."""

import secrets

from django.db import migrations, models


def give_codes(apps, schema_editor):
    FilingNotice = apps.get_model("reviews", "FilingNotice")
    for notice in FilingNotice.objects.filter(verification_code__isnull=True).only("pk"):
        notice.verification_code = secrets.token_urlsafe(16)
        notice.save(update_fields=["verification_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_opinions_and_notices"),
    ]

    operations = [
        migrations.AddField(
            model_name="filingnotice",
            name="verification_code",
            field=models.CharField(max_length=32, null=True, verbose_name="验证码"),
        ),
        migrations.AddField(
            model_name="filingnotice",
            name="version",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="版本"),
        ),
        migrations.AddField(
            model_name="filingnotice",
            name="reason",
            field=models.TextField(blank=True, verbose_name="重新出具原因"),
        ),
        # The notices already issued do not show their code.
        migrations.AddField(
            model_name="filingnotice",
            name="code_printed",
            field=models.BooleanField(default=False, verbose_name="通知书载有验证码"),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
    ]
