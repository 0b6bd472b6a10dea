"""Redaction of personal data: every customer string that reaches a page passes here.

A base module: imports nothing from fbresearch, so any layer (text, analyses, present,
report) can redact.

Examples
--------
>>> from fbresearch.privacy import redact
>>> redact("Mail me at li.wei@example.com or call 138 0013 8000.")
'Mail me at [email] or call [phone].'
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["redact", "PLACEHOLDERS"]

_RE_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: The labels that replace personal data.
PLACEHOLDERS = ("[email]", "[phone]", "[id]", "[card]", "[url]")
_RE_PII_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'，。！？、）)\]]+", re.IGNORECASE)
_RE_ID18 = re.compile(r"(?<![0-9A-Za-z])\d{6}[\s-]?\d{8}[\s-]?\d{3}[0-9Xx](?![0-9A-Za-z])")
_RE_ID15 = re.compile(r"(?<![0-9A-Za-z+])\d{15}(?![0-9A-Za-z])")
_RE_CARD = re.compile(r"(?<![0-9A-Za-z+])\d(?:[ -]?\d){12,18}(?![0-9A-Za-z])")
_RE_CN_MOBILE = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+|00)?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?![0-9A-Za-z])"
)
_RE_PHONE = re.compile(
    r"(?<![0-9A-Za-z+])(?:"
    r"\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}"  # international: +44 20 7946 0958
    r"|\(\d{2,4}\)[\s.-]?\d{3,4}[\s.-]?\d{3,4}"  # (415) 555-0100
    r"|0\d{2,3}[\s-]\d{7,8}"  # Chinese landline 010-12345678
    r"|\d{3}[\s.-]\d{3,4}[\s.-]\d{4}"  # 415-555-0100
    r")(?![0-9A-Za-z])"
)
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _id18_valid(match: str) -> bool:
    """ISO 7064 MOD 11-2 checksum of a Chinese resident identity number (GB 11643)."""
    raw = re.sub(r"[\s-]", "", match).upper()
    body = np.frombuffer(raw[:17].encode(), dtype=np.uint8) - 48
    check = "10X98765432"[int(body @ _ID_WEIGHTS) % 11]
    return raw[17] == check


def _id15_valid(match: str) -> bool:
    """Legacy 15-digit ID: region code, then a plausible YYMMDD birth date."""
    month, day = int(match[8:10]), int(match[10:12])
    return 1 <= month <= 12 and 1 <= day <= 31


def _luhn_valid(match: str) -> bool:
    digits = [int(c) for c in _digits(match)]
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _phone_plausible(match: str) -> bool:
    return 7 <= len(_digits(match)) <= 15


def _sub_if(pattern: re.Pattern[str], label: str, check: Any, text: str) -> str:
    return pattern.sub(lambda m: label if check(m.group(0)) else m.group(0), text)


def _redact_one(text: str) -> str:
    if not text:
        return text
    # a URL's trailing sentence punctuation stays in the text
    text = _RE_PII_URL.sub(lambda m: "[url]" + m.group(0)[len(m.group(0).rstrip(".,;:!?")) :], text)
    text = _RE_EMAIL.sub("[email]", text)
    if not any(c.isdigit() for c in text):
        return text
    text = _sub_if(_RE_ID18, "[id]", _id18_valid, text)
    text = _RE_CN_MOBILE.sub("[phone]", text)
    text = _sub_if(_RE_CARD, "[card]", _luhn_valid, text)
    text = _sub_if(_RE_ID15, "[id]", _id15_valid, text)
    return _sub_if(_RE_PHONE, "[phone]", _phone_plausible, text)


def redact(text: Any) -> Any:
    """Replace personal data in a text (or every text of a Series/list) by labelled placeholders.

    Removed: URLs (``[url]``, their query strings often carry tokens or e-mails), e-mail
    addresses (``[email]``), Chinese resident ID numbers, 18 digits with a valid GB 11643
    checksum or 15-digit legacy numbers with a plausible birth date (``[id]``), card numbers of
    13-19 digits, spaces or dashes allowed, that pass the Luhn check (``[card]``), Chinese
    mobiles (1[3-9] and nine digits, optionally +86 and separators), landlines and
    international numbers (``[phone]``). Order numbers and dates that fail these checks stay.

    Parameters
    ----------
    text : str, Series, list or None
        A Series comes back as a Series with the same index; a list as a list.

    Examples
    --------
    >>> redact("ID 11010519491231002X, card 4111 1111 1111 1111, order 20261031")
    'ID [id], card [card], order 20261031'
    >>> redact(pd.Series(["call +86 139-1234-5678", "see https://shop.cn/o?id=7&tel=1"])).tolist()
    ['call [phone]', 'see [url]']
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return text
    if isinstance(text, str):
        return _redact_one(text)
    if isinstance(text, pd.Series):
        return text.map(lambda t: _redact_one(t) if isinstance(t, str) else t)
    return [_redact_one(t) if isinstance(t, str) else t for t in text]
