"""Who can act, and where to get help.

Actors get the group tactic pages list their countermeasures under (``Actor.group``): the
actors the seed content has are placed in theirs (NGOs: what NGO staff, families and
individuals can do; technology and finance companies: platforms and financial institutions;
law enforcement), any other stays under "others" until an admin chooses.

Help organisations (the "Get help" page) and their history. The editorial roles of
migration 0008 get their permissions as for entries: contributors view, add and change
(drafts only: kb.models.help), reviewers also delete and review (publish, retire)."""

import django.db.models.deletion
import django_countries.fields
import kb.models.help
import simple_history.models
from django.conf import settings
from django.db import migrations, models

GROUPS = {
    "ngos": "people",
    "technology-companies": "companies",
    "finance-companies": "companies",
    "law-enforcement": "law_enforcement",
}

ROLES = {
    "Contributors": ["view_helporganisation", "add_helporganisation", "change_helporganisation"],
    "Reviewers": [
        "view_helporganisation", "add_helporganisation", "change_helporganisation",
        "delete_helporganisation", "review_helporganisation",
    ],
}


def place_actors(apps, schema_editor):
    Actor = apps.get_model("kb", "Actor")
    for slug, group in GROUPS.items():
        Actor.objects.filter(slug=slug).update(group=group)


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
        ('kb', '0021_links_in_a_fixed_order'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HelpOrganisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name_en', models.CharField(max_length=200, verbose_name='organisation')),
                ('name_es', models.CharField(blank=True, max_length=200, verbose_name='organisation (es)')),
                ('name_fr', models.CharField(blank=True, max_length=200, verbose_name='organisation (fr)')),
                ('name_ar', models.CharField(blank=True, max_length=200, verbose_name='organisation (ar)')),
                ('what_they_do_en', models.TextField(help_text="Plain text, in the source's words where possible.", verbose_name='what they do')),
                ('what_they_do_es', models.TextField(blank=True, help_text="Plain text, in the source's words where possible.", verbose_name='what they do (es)')),
                ('what_they_do_fr', models.TextField(blank=True, help_text="Plain text, in the source's words where possible.", verbose_name='what they do (fr)')),
                ('what_they_do_ar', models.TextField(blank=True, help_text="Plain text, in the source's words where possible.", verbose_name='what they do (ar)')),
                ('how_to_reach_en', models.TextField(blank=True, help_text='Any other way to reach them (opening hours, a form, an office), as the source gives it. Leave empty, with the fields below, when the source gives no contact details: the page then says that none are recorded.', verbose_name='how to reach them')),
                ('how_to_reach_es', models.TextField(blank=True, help_text='Any other way to reach them (opening hours, a form, an office), as the source gives it. Leave empty, with the fields below, when the source gives no contact details: the page then says that none are recorded.', verbose_name='how to reach them (es)')),
                ('how_to_reach_fr', models.TextField(blank=True, help_text='Any other way to reach them (opening hours, a form, an office), as the source gives it. Leave empty, with the fields below, when the source gives no contact details: the page then says that none are recorded.', verbose_name='how to reach them (fr)')),
                ('how_to_reach_ar', models.TextField(blank=True, help_text='Any other way to reach them (opening hours, a form, an office), as the source gives it. Leave empty, with the fields below, when the source gives no contact details: the page then says that none are recorded.', verbose_name='how to reach them (ar)')),
                ('website', models.URLField(blank=True, max_length=500, verbose_name='website')),
                ('phone', models.CharField(blank=True, max_length=50, verbose_name='phone')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                ('country', django_countries.fields.CountryField(blank=True, help_text='Leave empty for an organisation that serves every country.', max_length=2, verbose_name='country served')),
                ('region_en', models.CharField(blank=True, help_text='Part of the country, if not all of it.', max_length=200, verbose_name='region served')),
                ('region_es', models.CharField(blank=True, help_text='Part of the country, if not all of it.', max_length=200, verbose_name='region served (es)')),
                ('region_fr', models.CharField(blank=True, help_text='Part of the country, if not all of it.', max_length=200, verbose_name='region served (fr)')),
                ('region_ar', models.CharField(blank=True, help_text='Part of the country, if not all of it.', max_length=200, verbose_name='region served (ar)')),
                ('languages', models.CharField(blank=True, help_text='Language codes separated by spaces: en es fr ar.', max_length=200, validators=[kb.models.help.validate_language_codes], verbose_name='languages they answer in')),
                ('quote', models.TextField(blank=True, help_text='Verbatim from the source: what it says of the organisation.', verbose_name='quote')),
                ('source_url', models.URLField(blank=True, max_length=1000, verbose_name='or: web address of the information')),
                ('checked_on', models.DateField(blank=True, help_text='When a curator last checked the details at that address.', null=True, verbose_name='date checked')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('published', 'Published'), ('retired', 'Retired'), ('withdrawn', 'Withdrawn')], default='draft', max_length=16, verbose_name='status')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True)),
            ],
            options={
                'verbose_name': 'help organisation',
                'verbose_name_plural': 'help organisations',
                'ordering': ['country', 'name_en'],
                'permissions': [('review_helporganisation', 'Can publish, return to draft and retire help entries')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalHelpOrganisation',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name_en', models.CharField(max_length=200, verbose_name='organisation')),
                ('name_es', models.CharField(blank=True, max_length=200, verbose_name='organisation (es)')),
                ('name_fr', models.CharField(blank=True, max_length=200, verbose_name='organisation (fr)')),
                ('name_ar', models.CharField(blank=True, max_length=200, verbose_name='organisation (ar)')),
                ('what_they_do_en', models.TextField(help_text="Plain text, in the source's words where possible.", verbose_name='what they do')),
                ('what_they_do_es', models.TextField(blank=True, help_text="Plain text, in the source's words where possible.", verbose_name='what they do (es)')),
                ('what_they_do_fr', models.TextField(blank=True, help_text="Plain text, in the source's words where possible.", verbose_name='what they do (fr)')),
                ('what_they_do_ar', models.TextField(blank=True, help_text="Plain text, in the source's words where possible.", verbose_name='what they do (ar)')),
                ('how_to_reach_en', models.TextField(blank=True, help_text='Any other way to reach them (opening hours, a form, an office), as the source gives it. Leave empty, with the fields below, when the source gives no contact details: the page then says that none are recorded.', verbose_name='how to reach them')),
                ('how_to_reach_es', models.TextField(blank=True, help_text='Any other way to reach them (opening hours, a form, an office), as the source gives it. Leave empty, with the fields below, when the source gives no contact details: the page then says that none are recorded.', verbose_name='how to reach them (es)')),
                ('how_to_reach_fr', models.TextField(blank=True, help_text='Any other way to reach them (opening hours, a form, an office), as the source gives it. Leave empty, with the fields below, when the source gives no contact details: the page then says that none are recorded.', verbose_name='how to reach them (fr)')),
                ('how_to_reach_ar', models.TextField(blank=True, help_text='Any other way to reach them (opening hours, a form, an office), as the source gives it. Leave empty, with the fields below, when the source gives no contact details: the page then says that none are recorded.', verbose_name='how to reach them (ar)')),
                ('website', models.URLField(blank=True, max_length=500, verbose_name='website')),
                ('phone', models.CharField(blank=True, max_length=50, verbose_name='phone')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                ('country', django_countries.fields.CountryField(blank=True, help_text='Leave empty for an organisation that serves every country.', max_length=2, verbose_name='country served')),
                ('region_en', models.CharField(blank=True, help_text='Part of the country, if not all of it.', max_length=200, verbose_name='region served')),
                ('region_es', models.CharField(blank=True, help_text='Part of the country, if not all of it.', max_length=200, verbose_name='region served (es)')),
                ('region_fr', models.CharField(blank=True, help_text='Part of the country, if not all of it.', max_length=200, verbose_name='region served (fr)')),
                ('region_ar', models.CharField(blank=True, help_text='Part of the country, if not all of it.', max_length=200, verbose_name='region served (ar)')),
                ('languages', models.CharField(blank=True, help_text='Language codes separated by spaces: en es fr ar.', max_length=200, validators=[kb.models.help.validate_language_codes], verbose_name='languages they answer in')),
                ('quote', models.TextField(blank=True, help_text='Verbatim from the source: what it says of the organisation.', verbose_name='quote')),
                ('source_url', models.URLField(blank=True, max_length=1000, verbose_name='or: web address of the information')),
                ('checked_on', models.DateField(blank=True, help_text='When a curator last checked the details at that address.', null=True, verbose_name='date checked')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('published', 'Published'), ('retired', 'Retired'), ('withdrawn', 'Withdrawn')], default='draft', max_length=16, verbose_name='status')),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical help organisation',
                'verbose_name_plural': 'historical help organisations',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='actor',
            name='group',
            field=models.CharField(choices=[('people', 'NGO staff, families and individuals'), ('companies', 'Platforms and financial institutions'), ('law_enforcement', 'Law enforcement'), ('others', 'Others')], default='others', help_text="Where tactic pages list this actor's countermeasures: what NGO staff, families and individuals can do comes first, then platforms and financial institutions, then law enforcement, then others.", max_length=20, verbose_name='who can act'),
        ),
        migrations.AddConstraint(
            model_name='actor',
            constraint=models.CheckConstraint(condition=models.Q(('group__in', ['people', 'companies', 'law_enforcement', 'others'])), name='kb_actor_valid_group'),
        ),
        migrations.AddField(
            model_name='helporganisation',
            name='source',
            field=models.ForeignKey(blank=True, help_text='The source in kb that names the organisation, if any.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='help_organisations', to='kb.source', verbose_name='source'),
        ),
        migrations.AddField(
            model_name='historicalhelporganisation',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalhelporganisation',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The source in kb that names the organisation, if any.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='kb.source', verbose_name='source'),
        ),
        migrations.AddIndex(
            model_name='helporganisation',
            index=models.Index(fields=['status', 'country'], name='help_status_country_idx'),
        ),
        migrations.AddConstraint(
            model_name='helporganisation',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'in_review', 'published', 'retired', 'withdrawn'])), name='kb_helporganisation_valid_status'),
        ),
        migrations.AddIndex(
            model_name='historicalhelporganisation',
            index=models.Index(fields=['id', 'history_date'], name='hist_helporganisation_as_of'),
        ),
        migrations.RunPython(place_actors, migrations.RunPython.noop),
        migrations.RunPython(grant_roles, revoke_roles),
    ]
