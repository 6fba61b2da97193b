from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0003_reports_to_core_moderation"),
    ]

    operations = [
        migrations.DeleteModel(
            name="ContributionReport",
        ),
    ]
