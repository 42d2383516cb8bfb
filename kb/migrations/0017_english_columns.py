"""Content is translated: each translated field's English column is renamed ``<field>_en``
(the values are kept); the following migration adds the other languages' columns."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("kb", "0016_suggestions_from_the_field")]

    operations = [
        # The indexes on (status, name) go first and come back on name_en (0018), so that
        # each direction finds the column its index names.
        migrations.RemoveIndex(model_name="tactic", name="tactic_status_name_idx"),
        migrations.RemoveIndex(model_name="countermeasure", name="countermeasure_status_name_idx"),
        migrations.RenameField("tactic", "name", "name_en"),
        migrations.RenameField("tactic", "summary", "summary_en"),
        migrations.RenameField("tactic", "description", "description_en"),
        migrations.RenameField("historicaltactic", "name", "name_en"),
        migrations.RenameField("historicaltactic", "summary", "summary_en"),
        migrations.RenameField("historicaltactic", "description", "description_en"),
        migrations.RenameField("countermeasure", "name", "name_en"),
        migrations.RenameField("countermeasure", "summary", "summary_en"),
        migrations.RenameField("countermeasure", "description", "description_en"),
        migrations.RenameField("historicalcountermeasure", "name", "name_en"),
        migrations.RenameField("historicalcountermeasure", "summary", "summary_en"),
        migrations.RenameField("historicalcountermeasure", "description", "description_en"),
        migrations.RenameField("source", "summary", "summary_en"),
        migrations.RenameField("historicalsource", "summary", "summary_en"),
        migrations.RenameField("indicator", "text", "text_en"),
        migrations.RenameField("historicalindicator", "text", "text_en"),
        migrations.RenameField("mitigation", "note", "note_en"),
        migrations.RenameField("historicalmitigation", "note", "note_en"),
        migrations.RenameField("synonymgroup", "terms", "terms_en"),
        migrations.RenameField("category", "name", "name_en"),
        migrations.RenameField("category", "description", "description_en"),
        migrations.RenameField("technology", "name", "name_en"),
        migrations.RenameField("technology", "description", "description_en"),
        migrations.RenameField("platform", "name", "name_en"),
        migrations.RenameField("platform", "description", "description_en"),
        migrations.RenameField("stage", "name", "name_en"),
        migrations.RenameField("stage", "description", "description_en"),
        migrations.RenameField("targetgroup", "name", "name_en"),
        migrations.RenameField("targetgroup", "description", "description_en"),
        migrations.RenameField("actor", "name", "name_en"),
        migrations.RenameField("actor", "description", "description_en"),
    ]
