from django.db import migrations


def create_default_thresholds(apps, schema_editor):
    # The model's field defaults are DESIGN §4's; creating the row now lets admins find it in the admin at once.
    EligibilityThresholds = apps.get_model("consortia", "EligibilityThresholds")
    EligibilityThresholds.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("consortia", "0001_eligibility_thresholds"),
    ]

    operations = [
        migrations.RunPython(create_default_thresholds, migrations.RunPython.noop),
    ]
