"""``manage.py seed_scale [--consortia N] [--seed S] [--force]``: DESIGN §10's portfolio in the configured database
(``monitoring.scale``), for trying the pages and the exports at scale by hand."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from consortia.models import Consortium

from ...scale import CONSORTIA, SEED, Volume, build

SMALLEST = 100  # enough for every authority and field and each status of the plan


class Command(BaseCommand):
    help = (
        "Build a portfolio at DESIGN §10's scale (by default 10,000 consortia, 60,000 memberships, 30,000 annual "
        "reports, 200,000 workflow events; --consortia scales every count) with the demo accounts. Development "
        "only: refused with DEBUG=0, and refused on a database that already has consortia unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--consortia", type=int, default=CONSORTIA, help=f"default {CONSORTIA:,}")
        parser.add_argument("--seed", type=int, default=SEED, help="the random seed: the same seed, the same data")
        parser.add_argument(
            "--force", action="store_true", help="add the portfolio to a database that already has consortia"
        )

    def handle(self, *args, consortia, seed, force, **options):
        # No override for DEBUG: the demo accounts have a published password, and fictitious consortia have no
        # place in a production database.
        if not settings.DEBUG:
            raise CommandError(_("seed_scale 会生成虚构的联合体和演示账号，DEBUG=0 时拒绝运行。"))
        if consortia < SMALLEST:
            raise CommandError(_("--consortia 不能小于 %(smallest)d。") % {"smallest": SMALLEST})
        existing = Consortium.objects.count()
        if existing and not force:
            raise CommandError(
                _("数据库中已有 %(count)d 个联合体；如确需在其基础上追加，请加 --force。") % {"count": existing}
            )
        started = time.perf_counter()
        built = build(Volume.of(consortia), seed=seed)
        for name, count in built.counts.items():
            self.stdout.write(f"  {name:<24} {count:>9,}")
        self.stdout.write(
            _("生成完毕，用时 %(seconds).1f 秒（%(stages)s）。")
            % {"seconds": time.perf_counter() - started, "stages": built.stages}
        )
