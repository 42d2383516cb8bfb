from django.db import migrations


def create_the_row(apps, schema_editor):
    # The page cache locks this row to order its copies of the version (kb.caching.pages);
    # it must exist before the first change.
    apps.get_model("kb", "ContentVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0010_entry_slugs_leave_room_for_other_pages"),
    ]

    operations = [migrations.RunPython(create_the_row, migrations.RunPython.noop)]
