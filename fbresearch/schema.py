"""The canonical data: column names, types, allowed ranges, and what is required.

Everything downstream of :func:`fbresearch.load_feedback` may rely on these declarations: a
column listed here has exactly the dtype given, and every score is a whole number inside its
range (or missing). The tables are plain data so the loader, the docs and the tests read the
same source.

Examples
--------
>>> from fbresearch import schema
>>> schema.SCORES["nps"]
ScoreSpec(low=0, high=10, label='NPS (likelihood to recommend)')
>>> schema.score_spec("rating_delivery").high
5
>>> schema.is_rating("rating_price"), schema.is_rating("ratings")
(True, False)
>>> schema.display_label("call_center"), schema.display_label("nps")
('Call center', 'NPS')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fbresearch.privacy import redact

__all__ = [
    "ScoreSpec",
    "ID_COLUMNS",
    "DATE_COLUMNS",
    "CATEGORY_COLUMNS",
    "TEXT_COLUMN",
    "SCORES",
    "RATING_PREFIX",
    "RATING_SPEC",
    "REQUIRED",
    "ANSWER_COLUMNS",
    "CANONICAL",
    "FLAG_COLUMNS",
    "ORDERS_COLUMNS",
    "INVITATIONS_COLUMNS",
    "MAX_INVALID_SHARE",
    "STRAIGHT_LINE_MIN_RATINGS",
    "DTYPES",
    "is_rating",
    "score_spec",
    "rating_slug",
    "MetricSpec",
    "METRICS",
    "metric_spec",
    "display_label",
]


@dataclass(frozen=True)
class ScoreSpec:
    """Allowed whole-number range of a score column (both ends included)."""

    low: int
    high: int
    label: str


#: identifiers: kept as strings (never numbers: ``00123`` must stay ``00123``)
ID_COLUMNS: tuple[str, ...] = ("response_id", "customer_id")
#: timestamps: parsed to ``datetime64[ns]``, timezone-naive (aware stamps are converted first)
DATE_COLUMNS: tuple[str, ...] = ("submitted_at", "responded_at", "resolved_at")
#: small controlled vocabularies: ``category`` dtype, values stripped, lower case, ``_`` for spaces
#: (``touchpoint``: the customer-journey stage a response was collected at, e.g. purchase)
CATEGORY_COLUMNS: tuple[str, ...] = ("channel", "touchpoint")
#: the verbatim: string dtype; blank or whitespace-only answers become missing
TEXT_COLUMN = "text"

#: survey scores: pandas ``Int64``, whole numbers in range
SCORES: dict[str, ScoreSpec] = {
    "nps": ScoreSpec(0, 10, "NPS (likelihood to recommend)"),
    "csat": ScoreSpec(1, 5, "CSAT (satisfaction)"),
    "ces": ScoreSpec(1, 7, "CES (customer effort)"),
    "satisfied": ScoreSpec(0, 1, "satisfied (1) or not (0)"),
}
#: attribute ratings used as drivers: every ``rating_<name>`` column
RATING_PREFIX = "rating_"
RATING_SPEC = ScoreSpec(1, 5, "attribute rating")

#: a feedback file must have these columns
REQUIRED: tuple[str, ...] = ("submitted_at",)
#: ... and at least one of these; a row with none of them answered carries no feedback
ANSWER_COLUMNS: tuple[str, ...] = ("nps", "csat", "ces", "satisfied", "text")

#: every canonical name except the open-ended ``rating_<name>`` family
CANONICAL: tuple[str, ...] = (
    "response_id",
    "customer_id",
    "submitted_at",
    "channel",
    "nps",
    "csat",
    "ces",
    "satisfied",
    "text",
    "responded_at",
    "resolved_at",
    "touchpoint",
)

#: boolean columns the loader adds to the frame (row kept, problem flagged)
FLAG_COLUMNS: dict[str, str] = {
    "flag_empty_text": "the verbatim is empty or only whitespace",
    "flag_straight_lined": "every attribute rating has the same value (at least 3 ratings)",
    "flag_duplicate": "identical to an earlier row (no response_id to tell them apart)",
}

#: a score column with more invalid values than this share of its filled cells is unusable:
#: hard error. Up to this share, the invalid values are set to missing and reported.
MAX_INVALID_SHARE = 0.01
#: straight-lining is only judged on rows that answered at least this many ratings
STRAIGHT_LINE_MIN_RATINGS = 3

#: orders (for RFM): ``amount`` is a float; negative amounts are returns (kept, ``is_return``)
ORDERS_COLUMNS: dict[str, str] = {
    "customer_id": "str",
    "order_date": "datetime64[ns]",
    "amount": "float64",
}
#: invitation counts (for response rates): one row per channel and month
INVITATIONS_COLUMNS: dict[str, str] = {"channel": "category", "month": "str", "invited": "Int64"}

#: dtype of every fixed canonical column (``rating_*`` columns are ``Int64`` too)
DTYPES: dict[str, str] = {
    "response_id": "str",
    "customer_id": "str",
    "submitted_at": "datetime64[ns]",
    "channel": "category",
    "touchpoint": "category",
    "nps": "Int64",
    "csat": "Int64",
    "ces": "Int64",
    "satisfied": "Int64",
    "text": "str",
    "responded_at": "datetime64[ns]",
    "resolved_at": "datetime64[ns]",
}

_SLUG = re.compile(r"[^\w]+")


def is_rating(column: str) -> bool:
    """Whether ``column`` is an attribute rating (``rating_<name>``).

    Examples
    --------
    >>> is_rating("rating_delivery")
    True
    """
    return column.startswith(RATING_PREFIX) and len(column) > len(RATING_PREFIX)


def score_spec(column: str) -> ScoreSpec | None:
    """The allowed range of a score or rating column, ``None`` for any other column.

    Examples
    --------
    >>> score_spec("ces")
    ScoreSpec(low=1, high=7, label='CES (customer effort)')
    >>> score_spec("region") is None
    True
    """
    if column in SCORES:
        return SCORES[column]
    if is_rating(column):
        return RATING_SPEC
    return None


def rating_slug(name: str) -> str:
    """The canonical ``rating_<slug>`` name for a user's rating column.

    Lower case; every run of characters other than letters, digits and ``_`` becomes one ``_``
    (Chinese characters are letters and are kept).

    Examples
    --------
    >>> rating_slug("Delivery speed (1-5)")
    'rating_delivery_speed_1_5'
    >>> rating_slug("配送")
    'rating_配送'
    >>> rating_slug("rating_price")
    'rating_price'
    """
    slug = _SLUG.sub("_", str(name).strip().lower()).strip("_")
    if slug.startswith(RATING_PREFIX):
        slug = slug[len(RATING_PREFIX) :]
    return RATING_PREFIX + (slug or "unnamed")


@dataclass(frozen=True)
class MetricSpec:
    """How a reported measure is named, scaled and read: the one registry every page uses.

    Attributes
    ----------
    key : str
        The name in params and code (``"nps"``).
    label : str
        Short label for tables and charts (``"NPS"``).
    long_label : str
        What it is, in a few words, for captions and the glossary.
    unit : str
        ``"points"`` (NPS, -100 to 100), ``"percent"`` (a share shown as %), or ``"score"``
        (a mean on the answer scale, see ``scale``).
    scale : tuple of float
        The range the reported number can take (``(-100, 100)`` for NPS points).
    direction : int
        +1 when higher is better, -1 when lower is better.
    digits : int
        Decimals shown.
    change_unit : str
        Unit of a difference between two values (``"points"``, ``"percentage points"``); for a
        ``"score"`` the scale is added by :func:`fbresearch.format.unit_phrase` (``"points on
        the 1-5 scale"``).
    """

    key: str
    label: str
    long_label: str
    unit: str
    scale: tuple[float, float]
    direction: int = 1
    digits: int = 1
    change_unit: str = ""


#: every measure a page reports, by key; ``metric_spec`` adds ``rating_<name>`` columns
METRICS: dict[str, MetricSpec] = {
    "nps": MetricSpec(
        "nps",
        "NPS",
        "Net Promoter Score (promoters minus detractors)",
        "points",
        (-100, 100),
        1,
        1,
        "points",
    ),
    "csat": MetricSpec(
        "csat",
        "CSAT",
        "share of satisfied answers (4 or 5 of 5)",
        "percent",
        (0, 100),
        1,
        1,
        "percentage points",
    ),
    "csat_mean": MetricSpec(
        "csat_mean",
        "Mean CSAT",
        "mean satisfaction answer (1-5)",
        "score",
        (1, 5),
        1,
        2,
        "points",
    ),
    "ces": MetricSpec(
        "ces",
        "CES",
        "mean customer-effort answer (1-7, higher is easier)",
        "score",
        (1, 7),
        1,
        2,
        "points",
    ),
    "satisfied": MetricSpec(
        "satisfied",
        "Satisfied",
        "share of satisfied customers (a yes/no answer)",
        "percent",
        (0, 100),
        1,
        1,
        "percentage points",
    ),
    "response_rate": MetricSpec(
        "response_rate",
        "Response rate",
        "share of invited customers who answered (needs invitation counts)",
        "percent",
        (0, 100),
        1,
        1,
        "percentage points",
    ),
    "volume": MetricSpec(
        "volume",
        "Responses",
        "number of responses",
        "count",
        (0, float("inf")),
        1,
        0,
        "responses",
    ),
    # the 0-10 likelihood-to-recommend answer itself (e.g. a driver's effect on it): its points
    # are points of the answer, not NPS points
    "nps_answer": MetricSpec(
        "nps_answer",
        "Likelihood to recommend",
        "likelihood-to-recommend answer (0-10)",
        "score",
        (0, 10),
        1,
        2,
        "points",
    ),
    "retention": MetricSpec(
        "retention",
        "12-month retention",
        "share of customers who bought again within 12 months of answering",
        "percent",
        (0, 100),
        1,
        0,
        "percentage points",
    ),
    "spend": MetricSpec(
        "spend",
        "12-month spend",
        "net spend in the 12 months after answering, in the orders file's currency",
        "currency",
        (0, float("inf")),
        1,
        0,
        "currency units",
    ),
}


def metric_spec(key: str) -> MetricSpec:
    """The :class:`MetricSpec` of ``key``; ``rating_<name>`` columns get a mean-rating spec.

    Examples
    --------
    >>> metric_spec("nps").label, metric_spec("rating_delivery").label
    ('NPS', 'Delivery rating')
    """
    if key in METRICS:
        return METRICS[key]
    if is_rating(key):
        name = key[len(RATING_PREFIX) :].replace("_", " ").strip().capitalize()
        return MetricSpec(
            key,
            f"{name} rating",
            f"mean {name.lower()} rating (1-5)",
            "score",
            (1, 5),
            1,
            2,
            "points",
        )
    raise KeyError(f"unknown metric {key!r}; known: {', '.join(METRICS)} or rating_<name>")


#: metric keys a code may be: shown by their METRICS label ("nps" -> "NPS"); other METRICS keys
#: ("volume", "retention", "spend") are also ordinary words a category may hold, and keep them
_METRIC_CODES = ("nps", "csat", "csat_mean", "ces", "satisfied", "response_rate", "nps_answer")
#: words of a code written in capitals ("sms_survey" -> "SMS survey")
_ACRONYMS = frozenset(
    {"nps", "csat", "ces", "id", "sms", "ivr", "faq", "vip", "b2b", "b2c", "api", "url"}
)
#: a code: lower-case letters (any script without case, too), digits, ``_``, ``-``, ``'`` and
#: spaces, starting with a letter; anything with a capital is a name already ("East")
_CODE = re.compile(r"^[^\W\d_][\w' -]*$")


def display_label(code: Any) -> Any:
    """The reader's name of a code: what pages show where the data holds a code.

    The data (and the exported tables) keep the codes; tables, charts and sentences show this.
    A metric key or a rating column gets its :data:`METRICS` label; any other code (a channel,
    a segment, a journey stage, a grade: lower case, ``_`` for spaces, as
    :data:`CATEGORY_COLUMNS` are stored) gets spaces and a capital, acronyms in capitals. A
    value with a capital letter is a name already, and anything else (a number, a date, a
    missing value, ``"25-34"``) is returned as it is. An attribute's group (``"region: West"``)
    gets both parts labelled. A code holding personal data (``wxid_...``, a phone number) is
    returned as it is, so that redaction, which every page applies after, still finds it whole.

    Examples
    --------
    >>> display_label("call_center"), display_label("nps"), display_label("rating_delivery")
    ('Call center', 'NPS', 'Delivery rating')
    >>> display_label("potential loyalists"), display_label("sms_survey"), display_label("East")
    ('Potential loyalists', 'SMS survey', 'East')
    >>> display_label("25-34"), display_label(3), display_label("配送")
    ('25-34', 3, '配送')
    >>> display_label("age_band: 25-34"), display_label("wxid_ab23cd45ef")
    ('Age band: 25-34', 'wxid_ab23cd45ef')
    """
    if not isinstance(code, str):
        return code
    attribute, sep, value = code.partition(": ")
    if sep:  # a group of an attribute, as segments name it: "region: West" -> "Region: West"
        return f"{display_label(attribute)}: {display_label(value)}"
    if code in _METRIC_CODES:
        return METRICS[code].label
    if is_rating(code):
        return metric_spec(code).label
    if code != code.lower() or not _CODE.match(code):
        return code
    if redact(code) != code:  # personal data: left as it is for redaction to find it whole
        return code
    words = code.replace("_", " ").split()
    words = [w.upper() if w in _ACRONYMS else w for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]
