"""`manage.py backup FILE`: the database, the uploaded files and the key fingerprints in one archive.

What the archive holds and what a restore guarantees: xiaobao.core.backup.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from xiaobao.core.backup import BackupError, backup_write, size_text, tree_totals


class Command(BaseCommand):
    help = "Write the database, the uploaded files and the fingerprints of the keys in use to one archive."
    # No URL configuration to load: a backup run by cron should start quickly and touch nothing else.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive to write (a ZIP file; replaced if it exists)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            manifest = backup_write(path, using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["tables"]
        self.stdout.write(f"wrote {path} ({size_text(path.stat().st_size)})")
        self.stdout.write(
            f"  database ({manifest['database']['engine']}): {len(tables)} tables, {sum(tables.values())} rows"
        )
        for tree, (count, size) in tree_totals(manifest["files"]).items():
            self.stdout.write(f"  {tree}: {count} files, {size_text(size)}")
        keys = manifest["keys"]
        self.stdout.write(f"  field-encryption key fingerprints: {', '.join(keys['field_encryption'])}")
        if "receipt_salt" in keys:
            self.stdout.write(f"  receipt salt fingerprint: {keys['receipt_salt']}")
        self.stdout.write("  (the keys themselves are not in the archive: keep them apart from it)")
