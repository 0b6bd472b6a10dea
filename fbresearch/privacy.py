"""Redaction of personal data: every customer string that reaches a page passes here.

A base module: imports nothing from fbresearch, so any layer (text, analyses, present,
report) can redact.

How it works. Full-width forms (``１３８``, ``＠``) are folded to ASCII one character for one
character, so matches are found on the folded text and replaced at the same positions of the
original (the Chinese punctuation of a verbatim is kept). Each detector proposes spans; a number
that follows an order, tracking or invoice word (``订单号``, ``order``, ``运单``) is left alone;
overlapping spans merge and the longest label wins. Phones come from Google's libphonenumber
(the ``phonenumbers`` package: mainland China, Hong Kong, Taiwan and international numbers),
plus a rule for Chinese mobiles glued to letters (``tel13912345670``).

Examples
--------
>>> from fbresearch.privacy import redact
>>> redact("Mail me at li.wei@example.com or call 138 0013 8000.")
'Mail me at [email] or call [phone].'
>>> redact("地址：北京市朝阳区建国路88号3单元502，订单号 123-4567-8901")
'地址：[address]，订单号 123-4567-8901'
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import phonenumbers

__all__ = ["redact", "redact_file", "PLACEHOLDERS", "anonymity_note", "set_anonymity"]
__all__ += ["min_responses", "anonymity", "hidden_group", "verbatims_hidden"]

#: The labels that replace personal data.
PLACEHOLDERS = (
    "[email]",
    "[phone]",
    "[id]",
    "[card]",
    "[url]",
    "[wechat]",
    "[qq]",
    "[address]",
    "[name]",
)

# full-width ASCII (U+FF01-U+FF5E) and the ideographic space -> ASCII, one char for one char
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_TLDS = (
    "com|cn|net|org|io|co|me|info|biz|edu|gov|hk|tw|uk|de|jp|app|shop|xyz|top|vip|cc|site|online"
)
_RE_URL = re.compile(
    r"(?:[a-z][a-z0-9+.-]{1,9}://|www\.)[^\s<>\"'，。！？、）)\]】]+"  # any scheme, or www.
    rf"|(?<![\w.@-])(?:[a-z0-9-]+\.)+(?:{_TLDS})(?::\d+)?[/?][^\s<>\"'，。！？、）)\]】]*",
    re.IGNORECASE,
)
_RE_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*"
    r"@(?:localhost\b|[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+)"
)
_RE_WECHAT = re.compile(
    r"wxid_[a-z0-9_]{4,}"
    r"|(?:微信号?|weixin|wechat|vx|v信|薇信)\s*(?:号|id)?\s*[:：是为]?\s*([a-z][-_a-z0-9]{5,19})",
    re.IGNORECASE,
)
_RE_QQ = re.compile(r"(?:qq|扣扣)\s*(?:号码?)?\s*[:：是为]?\s*([1-9]\d{4,11})", re.IGNORECASE)
_RE_ID18 = re.compile(r"(?<!\d)\d{6}[\s-]?\d{8}[\s-]?\d{3}[0-9Xx](?![0-9A-Za-z])")
_RE_ID15 = re.compile(r"(?<![\d+])\d{15}(?!\d)")
# payment cards start with 2-6 (Mastercard 2/5, Amex/JCB 3, Visa 4, UnionPay/Discover 6)
_RE_CARD = re.compile(r"(?<![\d+])[2-6](?:[ -]?\d){12,18}(?!\d)")
# mainland mobile, also glued to letters or Chinese (tel13912345670, 手机13912345678)
_RE_CN_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
# Hong Kong "9123 4567" / "5123-4567" (a separator is required: plain 8 digits are dates/orders)
_RE_HK = re.compile(r"(?<![\d+-])[5689]\d{3}[\s-]\d{4}(?![\d])")
# a number pattern generic enough for "(415) 555-0100" and "415-555-0100"
_RE_NANP = re.compile(r"(?<![\d+])(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)")
# a street address: (province)(city)(district) road + number 号 (building, unit, room)
_CJK = "\u4e00-\u9fff"
_RE_CN_ADDRESS = re.compile(
    rf"(?:[{_CJK}]{{2,7}}(?:省|自治区|特别行政区))?(?:[{_CJK}]{{1,7}}?(?:市|州|盟))?"
    rf"(?:[{_CJK}]{{1,7}}?(?:区|县|旗|镇|乡))?[{_CJK}A-Za-z0-9]{{1,12}}?(?:路|街|大街|大道|道|巷|弄|胡同|里)"
    r"\s*\d{1,5}\s*号(?:院|楼)?"
    r"(?:\s*[0-9A-Za-z一二三四五六七八九十]{1,4}\s*(?:号楼|栋|幢|座|单元|层|楼|室|号|户))*(?:\s*\d{1,5})?"
)
_RE_EN_ADDRESS = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl)\b\.?"
    r"(?:,?\s*(?:Apt|Suite|Unit|Flat)\.?\s*\d+[A-Za-z]?)?"
)
# the most common Chinese surnames (about 85% of the population), for reliable name patterns only
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_RE_CN_NAME = re.compile(
    rf"(?:我叫|我的名字是|我的名字叫|本人|姓名\s*[:：]?|联系人\s*[:：]?|收货人\s*[:：]?)\s*"
    rf"([{_SURNAMES}][{_CJK}]{{1,2}})"
    rf"|([{_SURNAMES}][{_CJK}]?)(?=先生|女士|小姐|太太)"
)
_RE_EN_NAME = re.compile(
    r"(?:\b(?:my name is|i am|i'm|this is|name:)\s+)([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
    r"|\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
)
# a number right after one of these words is an order, tracking or invoice number: never personal
_RE_REFERENCE = re.compile(
    r"(?:订单|单号|订单号|运单|快递单|物流单|发票|工单|流水号|编号|order|tracking|invoice|ticket|ref"
    r"|reference|case|sku|no\.)\s*(?:号|number|no\.?|id|#)?\s*[:：#]?\s*$",
    re.IGNORECASE,
)
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_PHONE_REGIONS = ("CN", "TW")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _id18_valid(match: str) -> bool:
    """ISO 7064 MOD 11-2 checksum of a Chinese resident identity number (GB 11643)."""
    raw = re.sub(r"[\s-]", "", match).upper()
    body = np.frombuffer(raw[:17].encode(), dtype=np.uint8) - 48
    check = "10X98765432"[int(body @ _ID_WEIGHTS) % 11]
    return raw[17] == check


def _id15_valid(match: str) -> bool:
    """Legacy 15-digit ID: a region code, then a plausible YYMMDD birth date."""
    month, day = int(match[8:10]), int(match[10:12])
    return match[0] in "123456789" and 1 <= month <= 12 and 1 <= day <= 31


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


Span = tuple[int, int, str]


def _regex_spans(
    pattern: re.Pattern[str], label: str, text: str, check: Callable[[str], bool] | None = None
) -> Iterator[Span]:
    for m in pattern.finditer(text):
        # a pattern with a capture group redacts the group (the name, not "我叫")
        group = next((g for g in range(1, (pattern.groups or 0) + 1) if m.group(g)), 0)
        if check is None or check(m.group(group)):
            yield m.start(group), m.end(group), label


#: words a Chinese address match may start with that are not part of the address
_RE_ADDRESS_LEAD = re.compile(r"^(?:我|他|她|家)?(?:住在|住|送到|寄到|地址是|地址|位于|在)")


def _cn_address_spans(text: str) -> Iterator[Span]:
    for start, end, label in _regex_spans(_RE_CN_ADDRESS, "[address]", text):
        lead = _RE_ADDRESS_LEAD.match(text[start:end])
        yield start + (lead.end() if lead else 0), end, label


def _phone_spans(text: str) -> Iterator[Span]:
    for region in _PHONE_REGIONS:
        for m in phonenumbers.PhoneNumberMatcher(text, region, phonenumbers.Leniency.VALID):
            yield m.start, m.end, "[phone]"
    yield from _regex_spans(_RE_CN_MOBILE, "[phone]", text)
    yield from _regex_spans(_RE_HK, "[phone]", text)
    yield from _regex_spans(_RE_NANP, "[phone]", text)


def _number_spans(text: str) -> Iterator[Span]:
    yield from _regex_spans(_RE_ID18, "[id]", text, _id18_valid)
    yield from _regex_spans(_RE_CARD, "[card]", text, _luhn_valid)
    yield from _regex_spans(_RE_ID15, "[id]", text, _id15_valid)
    yield from _phone_spans(text)


def _is_reference(text: str, start: int) -> bool:
    """The number at ``start`` (or the dashed number it is part of) follows an order word."""
    while start > 0 and (text[start - 1].isdigit() or text[start - 1] == "-"):
        start -= 1
    return bool(_RE_REFERENCE.search(text[max(0, start - 16) : start]))


def _spans(text: str) -> list[Span]:
    spans: list[Span] = []
    # a URL's trailing sentence punctuation ('.', ',', ...) stays in the text
    spans += [
        (s, s + len(text[s:e].rstrip(".,;:!?")), lab)
        for s, e, lab in _regex_spans(_RE_URL, "[url]", text)
    ]
    spans += _regex_spans(_RE_EMAIL, "[email]", text)
    spans += _regex_spans(_RE_WECHAT, "[wechat]", text)
    spans += _regex_spans(_RE_QQ, "[qq]", text)
    spans += _regex_spans(_RE_CN_NAME, "[name]", text)
    spans += _regex_spans(_RE_EN_NAME, "[name]", text)
    digits = sum(c.isdigit() for c in text)
    if digits:
        spans += _cn_address_spans(text)
        spans += _regex_spans(_RE_EN_ADDRESS, "[address]", text)
    if digits >= 5:
        spans += [s for s in _number_spans(text) if not _is_reference(text, s[0])]
    return spans


def _merge(spans: list[Span]) -> list[Span]:
    """Overlapping spans become one; the label of the longest covers the union."""
    merged: list[list[Any]] = []
    for start, end, label in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            if end - start > last[1] - last[0]:
                last[2] = label
            last[1] = max(last[1], end)
        else:
            merged.append([start, end, label])
    return [(s, e, lab) for s, e, lab in merged]


def _redact_one(text: str) -> str:
    if not text:
        return text
    spans = _merge(_spans(text.translate(_FOLD)))
    if not spans:
        return text
    out, pos = [], 0
    for start, end, label in spans:
        out += [text[pos:start], label]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def redact(text: Any) -> Any:
    """Replace personal data in a text (or every text of a Series/list) by labelled placeholders.

    Removed: URLs with any scheme, ``www.`` or a domain followed by a path or query
    (``shop.example.cn/reset?token=...``: ``[url]``), e-mail addresses (``[email]``), WeChat ids
    (``wxid_...`` or after 微信/WeChat: ``[wechat]``) and QQ numbers (``[qq]``), Chinese resident
    ID numbers (18 digits with a valid GB 11643 checksum, or 15 digits with a plausible birth
    date: ``[id]``), card numbers of 13-19 digits passing the Luhn check (``[card]``), phones
    (libphonenumber's valid mainland China and Taiwan numbers in any format, international
    numbers, Hong Kong ``dddd dddd``, mobiles glued to words: ``[phone]``), Chinese street
    addresses (road + number 号 with building/unit/room) and English ones (``[address]``), and
    personal names where a pattern is reliable (我叫/姓名/收货人 + a common surname, 王先生,
    "my name is", "Mr Smith": ``[name]``). Full-width digits and letters are matched like ASCII.
    Numbers after an order, tracking or invoice word (订单号, 运单, order, invoice) stay, as do
    dates, prices and quantities.

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
    >>> redact("加我微信 wxid_k2j3h4g5，手机１３９１２３４５６７８")
    '加我微信 [wechat]，手机[phone]'
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return text
    if isinstance(text, str):
        return _redact_one(text)
    if isinstance(text, pd.Series):
        return text.map(lambda t: _redact_one(t) if isinstance(t, str) else t)
    return [_redact_one(t) if isinstance(t, str) else t for t in text]


def redact_file(path: str | os.PathLike[str]) -> None:
    """Redact a text file (a log) in place, line by line; a missing file is left missing.

    Examples
    --------
    >>> import tempfile
    >>> log = Path(tempfile.mkdtemp()) / "run.log"
    >>> _ = log.write_text("08:00 INFO row 3: 'call 13912345678'\\n", encoding="utf-8")
    >>> redact_file(log)
    >>> log.read_text(encoding="utf-8")
    "08:00 INFO row 3: 'call [phone]'\\n"
    """
    path = Path(path)
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    clean = "".join(_redact_one(line) for line in text.splitlines(keepends=True))
    if clean != text:
        path.write_text(clean, encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Anonymity: the page's threshold (statistical disclosure control of small cells)
# --------------------------------------------------------------------------------------------

#: The page's anonymity threshold and its small groups; :func:`fbresearch.io.load_inputs` sets
#: them from the runner's inputs file (a unit page's: ``report.min_responses``), each report
#: page running in its own kernel. ``None``: nothing is suppressed.
_ANONYMITY: dict[str, Any] = {"min_responses": None, "small": {}, "texts": None}


def anonymity_note(min_responses: int, what: str = "responses") -> str:
    """What a suppressed unit, cell or verbatim says instead of its numbers.

    Examples
    --------
    >>> anonymity_note(10)
    'fewer than 10 responses: not shown to protect anonymity'
    """
    return f"fewer than {min_responses} {what}: not shown to protect anonymity"


def set_anonymity(
    minimum: int | None,
    small_groups: Mapping[str, Any] | None = None,
    texts: int | None = None,
) -> None:
    """Set the page's anonymity threshold (``None``: off), the values of group columns with
    fewer responses than it (``{"channel": {"call_center"}}``: their verbatims are not shown)
    and the page's number of texts (fewer than the threshold: no verbatim is shown)."""
    small = {str(k).casefold(): {str(v) for v in vals} for k, vals in (small_groups or {}).items()}
    _ANONYMITY.update(min_responses=minimum, small=small, texts=texts)


def min_responses() -> int | None:
    """The page's anonymity threshold (``None``: nothing is suppressed).

    Examples
    --------
    >>> with anonymity(10):
    ...     min_responses()
    10
    """
    return _ANONYMITY["min_responses"]


@contextmanager
def anonymity(
    minimum: int | None, small_groups: Mapping[str, Any] | None = None, texts: int | None = None
) -> Iterator[None]:
    """The threshold of :func:`set_anonymity` for a ``with`` block (tests, doctests)."""
    before = dict(_ANONYMITY)
    set_anonymity(minimum, small_groups, texts)
    try:
        yield
    finally:
        _ANONYMITY.clear()
        _ANONYMITY.update(before)


def hidden_group(column: Any, value: Any) -> bool:
    """Whether ``value`` of group column ``column`` has fewer responses than the threshold.

    Examples
    --------
    >>> with anonymity(10, {"channel": ["call_center"]}):
    ...     hidden_group("channel", "call_center"), hidden_group("Channel", "web")
    (True, False)
    """
    if _ANONYMITY["min_responses"] is None:
        return False
    return str(value) in _ANONYMITY["small"].get(str(column).casefold(), set())


def verbatims_hidden() -> bool:
    """Whether the page has fewer texts than the threshold (none of its verbatims is shown).

    Examples
    --------
    >>> with anonymity(10, texts=4):
    ...     verbatims_hidden()
    True
    >>> verbatims_hidden()
    False
    """
    texts, minimum = _ANONYMITY["texts"], _ANONYMITY["min_responses"]
    return minimum is not None and texts is not None and texts < minimum
