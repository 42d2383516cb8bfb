"""Suggestions from the field (kb.models.suggestions). Who may read and handle them follows
the roles' permissions on tactics (kb.curation.admin.suggestions), so no group changes."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('kb', '0015_evidence_stored_texts_quote_checks_link_checks'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Suggestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('correction', 'A correction to an entry'), ('source', 'A source (a report, an article, a study)'), ('new_tactic', 'A new tactic')], max_length=16, verbose_name='what it is')),
                ('about', models.CharField(blank=True, help_text='The permanent ID of the public entry it concerns, if any.', max_length=16, verbose_name='about the entry')),
                ('message', models.TextField(verbose_name='message')),
                ('link', models.URLField(blank=True, max_length=1000, verbose_name='link to a source')),
                ('contact_name', models.CharField(blank=True, max_length=200, verbose_name='contact name')),
                ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='contact email')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='received')),
                ('status', models.CharField(choices=[('new', 'New'), ('accepted', 'Accepted'), ('dismissed', 'Dismissed')], default='new', max_length=16, verbose_name='status')),
                ('handled_at', models.DateTimeField(blank=True, null=True, verbose_name='handled at')),
                ('reviewer_note', models.TextField(blank=True, verbose_name="reviewer's note")),
                ('draft', models.ForeignKey(blank=True, help_text='The draft tactic an accepted “new tactic” suggestion became.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='kb.tactic', verbose_name='draft created')),
                ('handled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='handled by')),
            ],
            options={
                'verbose_name': 'suggestion',
                'verbose_name_plural': 'suggestions',
                'ordering': ['created_at', 'pk'],
                'indexes': [models.Index(fields=['status', 'created_at'], name='suggestion_queue_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['new', 'accepted', 'dismissed'])), name='kb_suggestion_valid_status'), models.CheckConstraint(condition=models.Q(('kind__in', ['correction', 'source', 'new_tactic'])), name='kb_suggestion_valid_kind')],
            },
        ),
    ]
