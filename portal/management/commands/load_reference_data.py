from django.core.management.base import BaseCommand

from portal.services import load_reference_data


class Command(BaseCommand):
    help = "Load authorities, industry fields and platform categories from portal/reference/*.csv (idempotent)."

    def handle(self, *args, **options):
        counts = load_reference_data()
        self.stdout.write(
            "Reference data: {authorities} authorities, {industry_fields} industry fields, "
            "{platform_categories} platform categories.".format(**counts)
        )
