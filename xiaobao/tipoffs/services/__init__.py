"""Every change to a fundraising report or clue, and the pure parts the changes are made of.

transitions  the actions: one function per step of a report or clue, each in one transaction
receipts     the reporter's receipt and the report it opens
matching     identifiers of the entity a report names, the keys clues group reports by (pure)
scoring      the risk pre-score of a report (reads reference data, writes nothing)
evidence     checking and cleaning the files a reporter uploads

The names below are what the views, the API and the commands call; an app outside tipoffs that only
reads (the early warning) imports matching, scoring or tipoffs.selectors, never the transitions.
"""

from xiaobao.tipoffs.selectors import lead_department_for, regulator_for
from xiaobao.tipoffs.services.matching import entity_keys, normalise_name, report_keys
from xiaobao.tipoffs.services.receipts import receipt_hash, receipt_salt, report_for_receipt
from xiaobao.tipoffs.services.scoring import is_licensed, keyword_hits, risk_score_for
from xiaobao.tipoffs.services.transitions import (
    CONTACT_FIELDS,
    OPEN_CLUE_STATUSES,
    REFER_POLICE,
    REFER_REGION,
    TRIAGE_STATUSES,
    clue_assign,
    clue_merge,
    clue_open,
    clue_refer,
    contact_read,
    officer_message,
    report_ask,
    report_close,
    report_notify_regulator,
    report_review,
    report_submit,
    reporter_message,
    reward_decide,
    reward_ineligibility,
)

__all__ = [
    "CONTACT_FIELDS",
    "OPEN_CLUE_STATUSES",
    "REFER_POLICE",
    "REFER_REGION",
    "TRIAGE_STATUSES",
    "clue_assign",
    "clue_merge",
    "clue_open",
    "clue_refer",
    "contact_read",
    "entity_keys",
    "is_licensed",
    "keyword_hits",
    "lead_department_for",
    "normalise_name",
    "officer_message",
    "receipt_hash",
    "receipt_salt",
    "regulator_for",
    "report_ask",
    "report_close",
    "report_for_receipt",
    "report_keys",
    "report_notify_regulator",
    "report_review",
    "report_submit",
    "reporter_message",
    "reward_decide",
    "reward_ineligibility",
    "risk_score_for",
]
