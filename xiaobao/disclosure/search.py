"""Full-text search over the projection, one interface on two engines.

Both engines index the jieba tokens the build stored (xiaobao.lib.scrub is the analyser for the
text and for queries alike): SQLite through the FTS5 table and its triggers, PostgreSQL through the
generated tsvector column under a GIN index (migration 0002). A query is the AND of its terms.
"""

import re
from html import escape

from django.db import connection
from django.db.models import BooleanField, Expression, F, FloatField, OrderBy, Q
from django.db.models.expressions import RawSQL

from xiaobao.lib.scrub import search_tokens

FIELD_ALL = "all"
FIELD_NARRATIVE = "complaint_what_happened"
FIELD_COMPANY = "company"
FIELDS = (FIELD_ALL, FIELD_NARRATIVE, FIELD_COMPANY)
# Tokens are words; anything else would be query syntax to FTS5 or tsquery. The underscore too: both
# engines' tokenizers split on it, so "watch_list" would become a phrase, which the FTS5 index cannot answer.
_SAFE = re.compile(r"[^\w]|_", re.UNICODE)
MAX_TOKENS = 20


def query_tokens(search_term: str) -> list[str]:
    """Every word the query is analysed into (for highlighting)."""
    words: list[str] = []
    for whole, parts in query_terms(search_term):
        words += [whole, *parts]
    return [w for w in dict.fromkeys(words) if w]


def query_terms(search_term: str) -> list[tuple[str, list[str]]]:
    """Each space-separated term, with the words jieba splits it into. A term matches a text that has
    the term as one word or all of its words: jieba may join in a sentence (首年) what it splits alone."""
    terms = []
    for raw in search_term.split()[:MAX_TOKENS]:
        whole = _SAFE.sub("", raw.lower())
        parts = [t for t in (_SAFE.sub("", t) for t in search_tokens(raw)) if t]
        if whole or parts:
            terms.append((whole, parts if parts != [whole] else []))
    return terms


def _fts5_query(terms: list[tuple[str, list[str]]], field: str) -> str:
    groups = []
    for whole, parts in terms:
        every = " AND ".join(f'"{t}"' for t in parts)
        if whole and parts:
            groups.append(f'("{whole}" OR ({every}))')
        else:
            groups.append(f'"{whole}"' if whole else f"({every})")
    expr = " AND ".join(groups)
    return f"narrative_tokens : ({expr})" if field == FIELD_NARRATIVE else expr


def _tsquery(terms: list[tuple[str, list[str]]], field: str) -> str:
    weight = ":A" if field == FIELD_NARRATIVE else ""
    groups = []
    for whole, parts in terms:
        every = " & ".join(f"'{t}'{weight}" for t in parts)
        if whole and parts:
            groups.append(f"('{whole}'{weight} | ({every}))")
        else:
            groups.append(f"'{whole}'{weight}" if whole else f"({every})")
    return " & ".join(groups)


def match(search_term: str, field: str = FIELD_ALL) -> Q | Expression | None:
    """A filter for the projection's rows that match the search term; None when it has no words."""
    if field == FIELD_COMPANY:
        term = search_term.strip()
        return Q(institution_name__icontains=term) | Q(group__name__icontains=term) if term else None
    terms = query_terms(search_term)
    if not terms:
        return None
    if connection.vendor == "sqlite":
        return RawSQL(
            "disclosure_publiccomplaint.id IN (SELECT rowid FROM disclosure_publiccomplaint_fts "
            "WHERE disclosure_publiccomplaint_fts MATCH %s)",
            [_fts5_query(terms, field)],
            output_field=BooleanField(),
        )
    if connection.vendor == "postgresql":
        return RawSQL(
            "disclosure_publiccomplaint.search_vector @@ to_tsquery('simple', %s)",
            [_tsquery(terms, field)],
            output_field=BooleanField(),
        )
    # Any other database: every word somewhere in the stored tokens (slow, but right).
    q = Q()
    for whole, parts in terms:
        for t in parts or [whole]:
            found = Q(narrative_tokens__contains=t)
            q &= found if field == FIELD_NARRATIVE else found | Q(context_tokens__contains=t)
    return q


def relevance(search_term: str, field: str = FIELD_ALL) -> OrderBy | None:
    """Best match first: FTS5's bm25 (lower is better) or PostgreSQL's ts_rank (higher is better)."""
    terms = query_terms(search_term)
    if not terms or field == FIELD_COMPANY:
        return None
    if connection.vendor == "sqlite":
        rank = RawSQL(
            "(SELECT bm25(disclosure_publiccomplaint_fts) FROM disclosure_publiccomplaint_fts "
            "WHERE disclosure_publiccomplaint_fts MATCH %s AND rowid = disclosure_publiccomplaint.id)",
            [_fts5_query(terms, field)],
            output_field=FloatField(),
        )
        return rank.asc()
    if connection.vendor == "postgresql":
        rank = RawSQL(
            "ts_rank(disclosure_publiccomplaint.search_vector, to_tsquery('simple', %s))",
            [_tsquery(terms, field)],
            output_field=FloatField(),
        )
        return rank.desc()
    return F("date_received").desc()


def highlight(text: str, tokens: list[str], *, limit: int | None = None) -> str:
    """The text, HTML-escaped, with every token wrapped in <mark>; longest tokens win overlaps."""
    if not text:
        return ""
    if limit and len(text) > limit:
        text = text[:limit] + "…"
    words = sorted({t for t in tokens if t}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)
