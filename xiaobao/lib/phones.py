"""Mobile numbers as people type them: parsed and checked with libphonenumber, kept in E.164 form.

A number with no country code is read as mainland China's; only numbers that can receive a text count.
"""

import phonenumbers

DEFAULT_REGION = "CN"
# Longer input is no phone number; parsing is refused before libphonenumber sees it.
MAX_INPUT = 32


def mobile_e164(raw: str) -> str | None:
    """The number in E.164 form (+8613812345678), or None when it is not a valid mobile number."""
    text = (raw or "").strip()
    if not text or len(text) > MAX_INPUT:
        return None
    try:
        parsed = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def national(e164: str) -> str:
    """The digits as written at home (13812345678 for a Chinese number): what a provider's API takes."""
    parsed = phonenumbers.parse(e164, DEFAULT_REGION)
    return str(parsed.national_number)
