"""Create the configured PostgreSQL database if it does not exist yet (SQLite creates its
file by itself)."""

import psycopg
from django.conf import settings
from django.core.management import BaseCommand, CommandError
from psycopg import sql


class Command(BaseCommand):
    help = "Create the PostgreSQL database named by DATABASE_URL if it is missing."
    requires_system_checks: list = []

    def handle(self, *args, **options) -> None:
        config = settings.DATABASES["default"]
        if config["ENGINE"] != "django.db.backends.postgresql":
            self.stdout.write("Not PostgreSQL: nothing to create.")
            return
        try:
            with psycopg.connect(
                host=config.get("HOST") or None,
                port=config.get("PORT") or None,
                user=config.get("USER") or None,
                password=config.get("PASSWORD") or None,
                dbname="postgres",
                connect_timeout=5,
                autocommit=True,
            ) as connection:
                exists = connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
                ).fetchone()
                if not exists:
                    connection.execute(
                        sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"]))
                    )
        except psycopg.OperationalError as error:
            raise CommandError(f"PostgreSQL is unreachable: {error}") from error
        self.stdout.write(f"Database {config['NAME']}: {'present' if exists else 'created'}.")
