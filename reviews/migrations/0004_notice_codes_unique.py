"""The codes given in 0003 made unique and required (a migration of its own: PostgreSQL refuses to alter a table
whose rows the same transaction updated while deferred constraints are pending), and the superseded versions."""

import django.db.models.deletion
import reviews.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consortia", "0009_name_order_index"),
        ("reviews", "0003_notice_verification"),
    ]

    operations = [
        migrations.AlterField(
            model_name="filingnotice",
            name="verification_code",
            field=models.CharField(
                default=reviews.models.new_verification_code, max_length=32, unique=True, verbose_name="验证码"
            ),
        ),
        migrations.AlterField(
            model_name="filingnotice",
            name="code_printed",
            field=models.BooleanField(default=True, verbose_name="通知书载有验证码"),
        ),
        migrations.CreateModel(
            name="SupersededNotice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveSmallIntegerField(verbose_name="版本")),
                (
                    "file",
                    models.FileField(max_length=255, upload_to=reviews.models.notice_path, verbose_name="文件"),
                ),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("size", models.PositiveIntegerField(verbose_name="大小（字节）")),
                ("issued_at", models.DateTimeField(verbose_name="生成时间")),
                ("verification_code", models.CharField(max_length=32, unique=True, verbose_name="验证码")),
                ("reason", models.TextField(blank=True, verbose_name="重新出具原因")),
                ("code_printed", models.BooleanField(default=True, verbose_name="通知书载有验证码")),
                ("superseded_at", models.DateTimeField(auto_now_add=True, verbose_name="失效时间")),
                ("superseded_by_code", models.CharField(max_length=32, verbose_name="替代版本验证码")),
                (
                    "consortium",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="superseded_notices",
                        to="consortia.consortium",
                    ),
                ),
            ],
            options={
                "verbose_name": "已替代的备案通知书",
                "verbose_name_plural": "已替代的备案通知书",
                "ordering": ["consortium", "version"],
                "constraints": [
                    models.UniqueConstraint(fields=("consortium", "version"), name="superseded_notice_version_once")
                ],
            },
        ),
    ]
