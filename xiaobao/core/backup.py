"""Backups: the database, the files the database points at, and the fingerprints of the keys, in one archive.

The archive is a ZIP file (ZIP64, so any size):

    manifest.json                format and version, time, database engine, applied migrations per app,
                                 rows per table, every file with its size and SHA-256, key fingerprints
    database/xiaobao.sqlite3     SQLite: a copy made with the online backup API, or
    database/xiaobao.pgdump      PostgreSQL: pg_dump --format=custom
    media/<path>                 MEDIA_ROOT: attachments, evidence, import reports, exactly as stored
    models/<path>                VAR_DIR/models: the trained classifier versions the database lists

Keys never enter an archive: the manifest names each by a fingerprint (the first 12 hex characters of the
SHA-256 of the key), and a restore refuses to start on a server that lacks one of them, since the encrypted
columns would read as "（无法解密）" and tip-off receipts would open nothing. The public full-data file and
the caches are rebuilt by the platform and left out.

What a restore guarantees: nothing is touched until the archive has been read whole and every member has
matched its SHA-256 (and ZIP's CRC), the keys are present and the code knows every migration the backup
applied. The database is then replaced in one transaction (SQLite: the online backup API writing the
checked copy over the database under its write lock; PostgreSQL: pg_restore's SQL run by psql in one
transaction), so a failure leaves the previous database as it was. The file trees are extracted and checked beside their
folders first and put in place by renaming once the database is in; the row counts and file hashes are
checked again afterwards.
"""

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from xiaobao.core import time

FORMAT = "xiaobao-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
# The tip-offs' site-wide receipt salt (xiaobao.tipoffs.services.receipts): a receipt's hash depends on it.
RECEIPT_SALT_FILE = "receipt_salt"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why and what to do."""


class RestoreCheckFailed(BackupError):
    """The restore went in, but the database or the files differ from the manifest afterwards."""


@dataclass
class Restored:
    database: str
    engine: str
    made_at: str
    tables: int
    rows: int
    files: dict[str, tuple[int, int]]  # tree -> (files, bytes)
    pending_migrations: list[str] = field(default_factory=list)


def fingerprint(secret: str | bytes) -> str:
    """How a key is named in a manifest: enough to tell keys apart, nothing to recover one from."""
    data = secret.encode() if isinstance(secret, str) else secret
    return hashlib.sha256(data).hexdigest()[:12]


def file_trees() -> dict[str, Path]:
    """The folders whose files the database refers to, by their name in the archive."""
    return {"media": Path(settings.MEDIA_ROOT), "models": Path(settings.VAR_DIR) / "models"}


def keys_in_use() -> dict[str, Any]:
    keys: dict[str, Any] = {"field_encryption": [fingerprint(k) for k in settings.FIELD_ENCRYPTION_KEYS]}
    salt = _receipt_salt()
    if salt is not None:
        keys["receipt_salt"] = fingerprint(salt)
    return keys


def _receipt_salt() -> str | None:
    path = Path(settings.VAR_DIR) / RECEIPT_SALT_FILE
    return path.read_text().strip() if path.exists() else None


# --- Tables -----------------------------------------------------------------------------------------------


def _tables(cursor: Any, vendor: str) -> list[str]:
    if vendor == "sqlite":
        # FTS5 virtual tables and their shadow tables are tables too; sqlite_sequence and friends are not data.
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_counts(cursor: Any, vendor: str) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - a name the database listed
        counts[table] = cursor.fetchone()[0]
    return counts


def _occupied(cursor: Any, vendor: str) -> list[str]:
    """The tables that hold at least one row."""
    occupied = []
    for table in _tables(cursor, vendor):
        cursor.execute(f"SELECT 1 FROM {_quote(table)} LIMIT 1")  # noqa: S608 - a name the database listed
        if cursor.fetchone() is not None:
            occupied.append(table)
    return occupied


def _migrations(cursor: Any, vendor: str) -> dict[str, list[str]]:
    if "django_migrations" not in _tables(cursor, vendor):
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


# --- Writing an archive -----------------------------------------------------------------------------------


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return connection.vendor


def _sqlite_path(connection: BaseDatabaseWrapper) -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file::memory:"):
        raise BackupError("an in-memory SQLite database has nothing on disk to back up or restore into")
    return name


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """Connection settings for pg_dump and pg_restore, the password through PGPASSWORD, never the command line."""
    _args, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = dict(os.environ, **(extra or {}))
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("NAME", "PGDATABASE")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    tool = args[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (PostgreSQL's client programs: apt-get install postgresql-client)")
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}")


def _dump_sqlite(connection: BaseDatabaseWrapper, into: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    name = _sqlite_path(connection)
    if not Path(name).is_file():
        raise BackupError(f"{name}: no such database file")
    source = sqlite3.connect(name, timeout=20)
    copy = sqlite3.connect(into)
    try:
        # One step: the copy is the database as of one moment, while the server goes on writing (WAL).
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        cursor = copy.cursor()
        return _row_counts(cursor, "sqlite"), _migrations(cursor, "sqlite")
    finally:
        copy.close()
        source.close()


def _dump_postgresql(connection: BaseDatabaseWrapper, into: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    import psycopg

    # pg_dump reads the snapshot this transaction exports, so the counts are those of the dump itself.
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        raw.read_only = True
        with raw.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts, applied = _row_counts(cursor, "postgresql"), _migrations(cursor, "postgresql")
            _run(
                ["pg_dump", "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={into}"],
                _pg_env(connection.settings_dict),
            )
        raw.rollback()
    finally:
        raw.close()
    return counts, applied


def _tree_files(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for directory, _dirs, names in os.walk(root):
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def _add(archive: zipfile.ZipFile, arcname: str, source: IO[bytes], compress: int) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    info = zipfile.ZipInfo(arcname, date_time=timezone.localtime(time.now()).timetuple()[:6])
    info.compress_type = compress
    with archive.open(info, "w", force_zip64=True) as member:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            member.write(chunk)
    return size, digest.hexdigest()


def backup_write(path: Path, *, using: str = "default") -> dict[str, Any]:
    """Write the archive to path (replacing it in one rename, never leaving half an archive). Returns its manifest."""
    connection = connections[using]
    vendor = _vendor(connection)
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.localtime(time.now()).isoformat(timespec="seconds"),
        "database": {"engine": vendor},
        "keys": keys_in_use(),
    }
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as work:
        dump = Path(work) / ("xiaobao.sqlite3" if vendor == "sqlite" else "xiaobao.pgdump")
        if vendor == "sqlite":
            counts, applied = _dump_sqlite(connection, dump)
        else:
            counts, applied = _dump_postgresql(connection, dump)
        manifest["migrations"] = applied
        manifest["tables"] = counts
        partial = Path(work) / "archive.zip"
        files = []
        with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
            arcname = f"database/{dump.name}"
            # A custom-format dump is compressed already; an SQLite file shrinks a lot.
            compress = zipfile.ZIP_DEFLATED if vendor == "sqlite" else zipfile.ZIP_STORED
            with dump.open("rb") as source:
                size, sha256 = _add(archive, arcname, source, compress)
            manifest["database"].update(file=arcname, size=size, sha256=sha256)
            dump.unlink()
            for tree, root in file_trees().items():
                for relative, file_path in _tree_files(root):
                    try:
                        source = file_path.open("rb")
                    except FileNotFoundError:
                        continue  # removed since the walk: the database copy is older than the removal
                    with source:
                        # Uploads are photos, PDFs and encrypted bytes: compressing them again gains nothing.
                        size, sha256 = _add(archive, f"{tree}/{relative}", source, zipfile.ZIP_STORED)
                    files.append({"path": f"{tree}/{relative}", "size": size, "sha256": sha256})
            manifest["files"] = files
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(partial, path)
    return manifest


# --- Restoring --------------------------------------------------------------------------------------------


def _open(path: Path) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{path} is not a xiaobao backup (not a readable ZIP archive: {exc})") from exc
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        archive.close()
        raise BackupError(f"{path} is not a xiaobao backup: it has no {MANIFEST}") from exc
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        archive.close()
        raise BackupError(f"{path} is damaged: its {MANIFEST} cannot be read ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        archive.close()
        raise BackupError(f"{path} is not a xiaobao backup (its manifest names no {FORMAT} format)")
    if manifest.get("format_version") != FORMAT_VERSION:
        archive.close()
        raise BackupError(
            f"{path} is a backup in format version {manifest.get('format_version')}; "
            f"this version of xiaobao reads version {FORMAT_VERSION}"
        )
    if not _complete(manifest):
        archive.close()
        raise BackupError(f"{path} is damaged: its {MANIFEST} lacks the database, the tables or the files")
    return archive, manifest


def _complete(manifest: dict[str, Any]) -> bool:
    def described(entry: Any, name: str) -> bool:
        return (
            isinstance(entry, dict)
            and isinstance(entry.get(name), str)
            and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str)
        )

    return (
        described(manifest.get("database"), "file")
        and isinstance(manifest.get("tables"), dict)
        and isinstance(manifest.get("migrations"), dict)
        and isinstance(manifest.get("keys"), dict)
        and isinstance(manifest.get("files"), list)
        and all(described(entry, "path") for entry in manifest["files"])
    )


def _check_keys(manifest: dict[str, Any]) -> None:
    keys = manifest.get("keys", {})
    have = {fingerprint(k) for k in settings.FIELD_ENCRYPTION_KEYS}
    missing = [fp for fp in keys.get("field_encryption", []) if fp not in have]
    if missing:
        raise BackupError(
            "the backup's encrypted personal data needs the field-encryption key with fingerprint "
            f"{', '.join(missing)}, which this server does not have (its keys: {', '.join(sorted(have))}). "
            "Add that key to XIAOBAO_FIELD_KEYS (or var/field_key) and run the restore again."
        )
    salt_needed = keys.get("receipt_salt")
    if salt_needed:
        salt = _receipt_salt()
        if salt is None or fingerprint(salt) != salt_needed:
            found = "none" if salt is None else fingerprint(salt)
            raise BackupError(
                f"the backup's tip-off receipts need the receipt salt with fingerprint {salt_needed}; this server "
                f"has {found}. Copy {RECEIPT_SALT_FILE} from the server the backup came from into "
                f"{settings.VAR_DIR} and run the restore again."
            )


def _check_migrations(manifest: dict[str, Any]) -> list[str]:
    """Refuses a backup from newer code; returns the migrations this code has that the backup lacks."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    on_disk = set(loader.disk_migrations)
    applied = {(app, name) for app, names in manifest.get("migrations", {}).items() for name in names}
    installed = {app for app, _name in on_disk}
    unknown = sorted(key for key in applied if key[0] in installed and key not in on_disk)
    if unknown:
        app, name = unknown[0]
        raise BackupError(
            f"the backup was made by a newer version of xiaobao: its migration {app}.{name} is not in this code. "
            "Restore it with the version that made it."
        )
    return sorted(f"{app}.{name}" for app, name in on_disk - applied)


def _member_path(arcname: str) -> tuple[str, PurePosixPath]:
    parts = PurePosixPath(arcname)
    if parts.is_absolute() or ".." in parts.parts or len(parts.parts) < 2:
        raise BackupError(f"the archive names a file outside its folders: {arcname}")
    return parts.parts[0], PurePosixPath(*parts.parts[1:])


def _extract(archive: zipfile.ZipFile, arcname: str, size: int, sha256: str, into: Path) -> None:
    """Write one member to into, refusing it unless its size and SHA-256 are those of the manifest."""
    digest, written = hashlib.sha256(), 0
    try:
        with archive.open(arcname) as member, into.open("wb") as out:
            while chunk := member.read(CHUNK):
                digest.update(chunk)
                written += len(chunk)
                out.write(chunk)
    except KeyError as exc:
        raise BackupError(f"the archive is damaged: {arcname} is missing") from exc
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BackupError(f"the archive is damaged: {arcname} cannot be read ({exc})") from exc
    if written != size or digest.hexdigest() != sha256:
        raise BackupError(f"the archive is damaged: {arcname} does not match its SHA-256 in the manifest")


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _staged_trees(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> Iterator[dict[str, Path]]:
    """Every file tree extracted and checked beside the folder it will replace; removed again on failure."""
    token = secrets.token_hex(4)
    staged: dict[str, Path] = {}
    try:
        for tree, root in file_trees().items():
            root.parent.mkdir(parents=True, exist_ok=True)
            staged[tree] = root.with_name(f".{root.name}.restoring-{token}")
            staged[tree].mkdir()
        for entry in manifest.get("files", []):
            tree, relative = _member_path(entry["path"])
            if tree not in staged:
                raise BackupError(f"the archive holds files of an unknown folder: {entry['path']}")
            target = staged[tree] / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            _extract(archive, entry["path"], entry["size"], entry["sha256"], target)
        yield staged
    finally:
        for path in staged.values():
            shutil.rmtree(path, ignore_errors=True)


def _swap_trees(staged: dict[str, Path]) -> None:
    roots = file_trees()
    for tree, path in staged.items():
        root = roots[tree]
        old = root.with_name(f".{root.name}.replaced-{secrets.token_hex(4)}")
        if root.exists():
            root.rename(old)
        path.rename(root)
        shutil.rmtree(old, ignore_errors=True)


def _restore_sqlite(connection: BaseDatabaseWrapper, staged: Path, manifest: dict[str, Any]) -> None:
    with closing(sqlite3.connect(staged)) as copy:
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the archive's database fails SQLite's integrity check")
        _compare_counts(manifest, _row_counts(copy.cursor(), "sqlite"), where="the archive's database")
        connection.close()
        with closing(sqlite3.connect(_sqlite_path(connection), timeout=20)) as target:
            target.execute("PRAGMA busy_timeout=20000")
            # One step: the whole database is replaced in one write transaction, or not at all.
            copy.backup(target)


def _restore_postgresql(connection: BaseDatabaseWrapper, staged: Path, manifest: dict[str, Any]) -> None:
    # Tables the backup lacks (a newer migration's, on a --force restore) would outlive it and trip the next
    # migrate: they are dropped in the same transaction as the restore.
    with connection.cursor() as cursor:
        stray = [t for t in _tables(cursor, "postgresql") if t not in manifest.get("tables", {})]
    connection.close()
    env = _pg_env(connection.settings_dict)
    prelude = f"DROP TABLE IF EXISTS {', '.join(_quote(t) for t in stray)} CASCADE" if stray else "SELECT 1"
    # pg_restore turns the whole dump into SQL first (a dump it cannot read stops here, before any change);
    # psql then runs the prelude and the script between one BEGIN and COMMIT and stops at the first error,
    # so a failure leaves the database as it was.
    script = staged.with_suffix(".sql")
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", f"--file={script}", str(staged)], env
    )
    run_sql = ["psql", "-X", "-q", "--no-password", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-c", prelude]
    _run([*run_sql, "-f", str(script), f"--dbname={connection.settings_dict['NAME']}"], env)
    script.unlink()


def _compare_counts(manifest: dict[str, Any], counts: dict[str, int], *, where: str) -> None:
    for table, expected in manifest.get("tables", {}).items():
        found = counts.get(table)
        if found != expected:
            raise BackupError(
                f"{where}: table {table} has {'no such table' if found is None else found} rows, "
                f"the manifest says {expected}"
            )


def _check_files(manifest: dict[str, Any]) -> dict[str, tuple[int, int]]:
    roots = file_trees()
    totals = {tree: (0, 0) for tree in roots}
    for entry in manifest.get("files", []):
        tree, relative = _member_path(entry["path"])
        path = roots[tree] / relative
        if not path.is_file() or _hash_file(path) != entry["sha256"]:
            raise BackupError(f"after the restore, {path} does not match its SHA-256 in the manifest")
        count, size = totals[tree]
        totals[tree] = (count + 1, size + entry["size"])
    return totals


def restore_read(path: Path, *, using: str = "default", force: bool = False) -> Restored:
    """Replace the database and the file trees with the archive's, after checking everything that can be."""
    connection = connections[using]
    vendor = _vendor(connection)
    archive, manifest = _open(path)
    with archive:
        engine = manifest.get("database", {}).get("engine")
        if engine != vendor:
            raise BackupError(f"{path} holds a {engine} database; this server runs on {vendor}")
        _check_keys(manifest)
        pending = _check_migrations(manifest)
        if vendor == "sqlite":
            _sqlite_path(connection)
        if not force:
            with connection.cursor() as cursor:
                occupied = _occupied(cursor, vendor)
            if occupied:
                raise BackupError(
                    f"the database {connection.settings_dict['NAME']} already holds data ({len(occupied)} tables "
                    f"with rows, among them {', '.join(occupied[:3])}). A restore replaces all of it and the "
                    "uploaded files: run again with --force to do that."
                )
        database = manifest["database"]
        _member_path(database["file"])
        with (
            tempfile.TemporaryDirectory(prefix=".restore-", dir=Path(settings.VAR_DIR)) as work,
            _staged_trees(archive, manifest) as staged,
        ):
            dump = Path(work) / PurePosixPath(database["file"]).name
            _extract(archive, database["file"], database["size"], database["sha256"], dump)
            if vendor == "sqlite":
                _restore_sqlite(connection, dump, manifest)
            else:
                _restore_postgresql(connection, dump, manifest)
            try:
                _swap_trees(staged)
            except OSError as exc:
                raise RestoreCheckFailed(f"the uploaded files could not be put in place: {exc}") from exc
            staged.clear()
    with connection.cursor() as cursor:
        counts = _row_counts(cursor, vendor)
    try:
        _compare_counts(manifest, counts, where="after the restore")
        files = _check_files(manifest)
    except BackupError as exc:
        raise RestoreCheckFailed(str(exc)) from exc
    tables = manifest.get("tables", {})
    return Restored(
        database=str(connection.settings_dict["NAME"]),
        engine=vendor,
        made_at=str(manifest.get("created_at", "")),
        tables=len(tables),
        rows=sum(tables.values()),
        files=files,
        pending_migrations=pending,
    )


def size_text(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    return f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / (1024 * 1024):.1f} MiB"


def tree_totals(files: Iterable[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    totals = {tree: (0, 0) for tree in file_trees()}
    for entry in files:
        tree = entry["path"].split("/", 1)[0]
        count, size = totals.get(tree, (0, 0))
        totals[tree] = (count + 1, size + entry["size"])
    return totals
