from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_comment_reports_to_moderation"),
    ]

    operations = [
        migrations.DeleteModel(
            name="CommentReport",
        ),
    ]
