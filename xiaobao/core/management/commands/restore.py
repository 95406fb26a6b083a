"""`manage.py restore FILE [--force]`: put a backup archive back, database and files, and check it.

What is checked before anything is touched, and what is guaranteed on failure: xiaobao.core.backup.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from xiaobao.core.backup import BackupError, RestoreCheckFailed, restore_read, size_text


class Command(BaseCommand):
    help = "Restore a backup archive: the database and the uploaded files, checked against its manifest."
    # A restore may run against an empty database, where system checks that query it would fail.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive written by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds data (and the uploaded files) with the archive's",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            restored = restore_read(path, using=options["database"], force=options["force"])
        except RestoreCheckFailed as exc:
            raise CommandError(f"the restore went in, but its check failed: {exc}") from exc
        except BackupError as exc:
            raise CommandError(f"nothing restored: {exc}") from exc
        self.stdout.write(f"restored {path}, made {restored.made_at}")
        self.stdout.write(
            f"  database {restored.database} ({restored.engine}): {restored.tables} tables, {restored.rows} rows"
        )
        for tree, (count, size) in restored.files.items():
            self.stdout.write(f"  {tree}: {count} files, {size_text(size)}")
        self.stdout.write("  checked: every table's row count and every file's SHA-256 match the manifest")
        if restored.pending_migrations:
            self.stdout.write(
                f"  this code has {len(restored.pending_migrations)} migrations the backup lacks "
                f"(first {restored.pending_migrations[0]}): run manage.py migrate"
            )
