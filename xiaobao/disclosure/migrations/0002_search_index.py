"""The full-text index over the projection's jieba tokens, on whichever database runs the platform.

SQLite: an FTS5 table over the two token columns, kept in step by triggers (external content, so the
text is stored once). PostgreSQL: a stored generated tsvector with the 'simple' configuration (the
tokens are already segmented; 'simple' only lower-cases them), narrative weighted A and the rest B,
under a GIN index. Other databases fall back to a substring scan in search.py.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE VIRTUAL TABLE disclosure_publiccomplaint_fts USING fts5(
        narrative_tokens, context_tokens,
        content='disclosure_publiccomplaint', content_rowid='id', tokenize='unicode61', detail='column')""",
    """CREATE TRIGGER disclosure_publiccomplaint_ai AFTER INSERT ON disclosure_publiccomplaint BEGIN
        INSERT INTO disclosure_publiccomplaint_fts(rowid, narrative_tokens, context_tokens)
        VALUES (new.id, new.narrative_tokens, new.context_tokens);
    END""",
    """CREATE TRIGGER disclosure_publiccomplaint_ad AFTER DELETE ON disclosure_publiccomplaint BEGIN
        INSERT INTO disclosure_publiccomplaint_fts(disclosure_publiccomplaint_fts, rowid, narrative_tokens, context_tokens)
        VALUES ('delete', old.id, old.narrative_tokens, old.context_tokens);
    END""",
    """CREATE TRIGGER disclosure_publiccomplaint_au AFTER UPDATE ON disclosure_publiccomplaint BEGIN
        INSERT INTO disclosure_publiccomplaint_fts(disclosure_publiccomplaint_fts, rowid, narrative_tokens, context_tokens)
        VALUES ('delete', old.id, old.narrative_tokens, old.context_tokens);
        INSERT INTO disclosure_publiccomplaint_fts(rowid, narrative_tokens, context_tokens)
        VALUES (new.id, new.narrative_tokens, new.context_tokens);
    END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS disclosure_publiccomplaint_au",
    "DROP TRIGGER IF EXISTS disclosure_publiccomplaint_ad",
    "DROP TRIGGER IF EXISTS disclosure_publiccomplaint_ai",
    "DROP TABLE IF EXISTS disclosure_publiccomplaint_fts",
]
POSTGRES_UP = [
    """ALTER TABLE disclosure_publiccomplaint ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', narrative_tokens), 'A') || setweight(to_tsvector('simple', context_tokens), 'B')
    ) STORED""",
    "CREATE INDEX disclosure_publiccomplaint_search ON disclosure_publiccomplaint USING GIN (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS disclosure_publiccomplaint_search",
    "ALTER TABLE disclosure_publiccomplaint DROP COLUMN IF EXISTS search_vector",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
