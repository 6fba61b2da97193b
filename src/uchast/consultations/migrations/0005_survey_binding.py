from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0004_delete_contributionreport"),
    ]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="binding",
            field=models.BooleanField(default=False, verbose_name="binding: one answer per person"),
        ),
    ]
