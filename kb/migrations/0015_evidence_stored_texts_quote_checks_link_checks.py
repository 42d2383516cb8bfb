"""Evidence: a source's stored text (private), each citation's quote check, and link checks.

The editorial roles of migration 0008 get the new tables' permissions: contributors and
reviewers see stored texts and link checks; both may attach and replace a stored text (which
changes nothing readers see); only reviewers may remove one."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


ROLES = {
    "Contributors": ["view_sourcetext", "add_sourcetext", "change_sourcetext", "view_linkcheck"],
    "Reviewers": [
        "view_sourcetext", "add_sourcetext", "change_sourcetext", "delete_sourcetext",
        "view_linkcheck",
    ],
}


def grant_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the last migration; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is None:  # removed by the site's administrators: nothing to grant
            continue
        permissions = Permission.objects.filter(content_type__app_label="kb", codename__in=codenames)
        assert permissions.count() == len(codenames), f"Unknown permissions for {name}"
        group.permissions.add(*permissions)


def revoke_roles(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="kb", codename__in=ROLES[group.name])
        )


class Migration(migrations.Migration):

    dependencies = [
        ('kb', '0014_revisions_withdrawal_and_comments'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='citation',
            name='quote_checked_at',
            field=models.DateTimeField(editable=False, null=True, verbose_name='quote checked at'),
        ),
        migrations.AddField(
            model_name='citation',
            name='quote_status',
            field=models.CharField(choices=[('unchecked', 'Not checked yet'), ('no_text', 'No stored text for this source'), ('verified', 'Found in the stored text'), ('not_found', 'Quote not found in the stored text')], default='unchecked', editable=False, max_length=10, verbose_name='quote check'),
        ),
        migrations.AddField(
            model_name='historicalcitation',
            name='quote_checked_at',
            field=models.DateTimeField(editable=False, null=True, verbose_name='quote checked at'),
        ),
        migrations.AddField(
            model_name='historicalcitation',
            name='quote_status',
            field=models.CharField(choices=[('unchecked', 'Not checked yet'), ('no_text', 'No stored text for this source'), ('verified', 'Found in the stored text'), ('not_found', 'Quote not found in the stored text')], default='unchecked', editable=False, max_length=10, verbose_name='quote check'),
        ),
        migrations.CreateModel(
            name='HistoricalSourceText',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('text', models.TextField(verbose_name='text')),
                ('original_format', models.CharField(choices=[('pasted', 'Pasted'), ('text', 'Text file'), ('html', 'HTML file'), ('pdf', 'PDF file')], max_length=10, verbose_name='original format')),
                ('original_name', models.CharField(blank=True, help_text="The uploaded file's name.", max_length=255, verbose_name='file name')),
                ('attached_at', models.DateTimeField(verbose_name='attached at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('attached_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='attached by')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('source', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='kb.source', verbose_name='source')),
            ],
            options={
                'verbose_name': 'historical stored text',
                'verbose_name_plural': 'historical stored texts',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
                'indexes': [models.Index(fields=['id', 'history_date'], name='hist_sourcetext_as_of')],
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='LinkCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('link', models.CharField(choices=[('url', 'URL'), ('archive_url', 'Archived copy URL')], max_length=20, verbose_name='link')),
                ('url', models.URLField(max_length=1000, verbose_name='URL checked')),
                ('checked_at', models.DateTimeField(verbose_name='checked at')),
                ('status_code', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='HTTP status')),
                ('final_url', models.URLField(blank=True, help_text='Where redirects led.', max_length=1000, verbose_name='final URL')),
                ('error', models.CharField(blank=True, max_length=500, verbose_name='error')),
                ('ok', models.BooleanField(default=False, verbose_name='working')),
                ('broken_since', models.DateTimeField(blank=True, help_text='The first of the checks in a row that found the link broken.', null=True, verbose_name='broken since')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='link_checks', to='kb.source', verbose_name='source')),
            ],
            options={
                'verbose_name': 'link check',
                'verbose_name_plural': 'link checks',
                'ordering': ['ok', 'source__title', 'link'],
                'indexes': [models.Index(fields=['ok', 'checked_at'], name='linkcheck_ok_idx')],
                'constraints': [models.UniqueConstraint(fields=('source', 'link'), name='kb_linkcheck_one_per_link'), models.CheckConstraint(condition=models.Q(('link__in', ['url', 'archive_url'])), name='kb_linkcheck_valid_link')],
            },
        ),
        migrations.CreateModel(
            name='SourceText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(verbose_name='text')),
                ('original_format', models.CharField(choices=[('pasted', 'Pasted'), ('text', 'Text file'), ('html', 'HTML file'), ('pdf', 'PDF file')], max_length=10, verbose_name='original format')),
                ('original_name', models.CharField(blank=True, help_text="The uploaded file's name.", max_length=255, verbose_name='file name')),
                ('attached_at', models.DateTimeField(verbose_name='attached at')),
                ('attached_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='attached by')),
                ('source', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='stored_text', to='kb.source', verbose_name='source')),
            ],
            options={
                'verbose_name': 'stored text',
                'verbose_name_plural': 'stored texts',
                'constraints': [models.CheckConstraint(condition=models.Q(('original_format__in', ['pasted', 'text', 'html', 'pdf'])), name='kb_sourcetext_valid_format')],
            },
        ),
        migrations.RunPython(grant_roles, revoke_roles),
    ]
