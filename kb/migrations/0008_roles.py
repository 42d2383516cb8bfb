"""Editorial roles as groups: contributors write drafts and send them to review; reviewers
also publish, return to draft, retire, delete and keep the vocabularies. Neither may manage
users: only superusers can."""

from django.db import migrations

ENTRIES = ["tactic", "countermeasure", "source"]
PARTS = ["citation", "indicator", "mitigation"]
VOCABULARIES = ["category", "technology", "platform", "stage", "targetgroup", "actor", "synonymgroup"]

ROLES = {
    "Contributors": [
        *(f"{action}_{model}" for model in ENTRIES + PARTS for action in ("view", "add", "change")),
        *(f"delete_{model}" for model in PARTS),  # remove a citation or indicator from a draft
        *(f"view_{model}" for model in VOCABULARIES),
    ],
    "Reviewers": [
        *(f"{action}_{model}" for model in ENTRIES + PARTS for action in ("view", "add", "change", "delete")),
        *(f"review_{model}" for model in ENTRIES),
        *(f"{action}_{model}" for model in VOCABULARIES for action in ("view", "add", "change", "delete")),
    ],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the last migration; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="kb", codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        assert not missing, f"Unknown permissions for {name}: {sorted(missing)}"
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0007_status_id_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="countermeasure",
            options={"ordering": ["name"], "permissions": [("review_countermeasure", "Can publish, return to draft and retire countermeasures")]},
        ),
        migrations.AlterModelOptions(
            name="source",
            options={"ordering": ["title"], "permissions": [("review_source", "Can publish, return to draft and retire sources")]},
        ),
        migrations.AlterModelOptions(
            name="tactic",
            options={"ordering": ["name"], "permissions": [("review_tactic", "Can publish, return to draft and retire tactics")]},
        ),
        migrations.RunPython(create_roles, remove_roles),
    ]
