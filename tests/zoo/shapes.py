"""The data zoo: the export shapes companies really have, built from the built-in sample.

Each :class:`Shape` writes one export the way a company's tool would (export-style headers such
as ``"Q1 How likely are you to recommend us?"``, columns dropped, answers recoded, CSV in an odd
encoding or Excel) and the params a user would write for it. Its expected page statuses and
left-out sections are written BY HAND from the page needs table of the session contract
(``/work/briefs/s4/common.md``, contract C), never computed by the code under test:

========== ====================================================================================
page       sections [needs]
========== ====================================================================================
overview   kpis[outcome] trends[outcome, months:2] channel[column:channel]
           response_rate[file:invitations, column:channel] acknowledged[column:responded_at]
           quality[] (always on)
segmentation rfm[orders] clusters[orders] rfm_satisfaction[orders, outcome]
           attributes[attribute, outcome] migration[orders] churn[orders, customer_id, outcome]
topics     topics[text] prevalence[text, months:2] emerging[text, months:2]
           pain_points[text, outcome] tone[text] selection[text]
drivers    matrix[outcome, ratings:2] regression[outcome, ratings:2]
           trend[outcome, ratings:2, months:2]
improvement improvements[improvements]
closed_loop suspicious[text] categories[text] severity[] (always on)
           response_times[column:responded_at] follow_up[outcome]
value      (page: file:orders) value[orders, column:customer_id, outcome:nps]
           outlook[orders, outcome, months:7]
journey    stages[column:touchpoint] profiles[column:touchpoint] (issue 18)
========== ====================================================================================

A page with every section that has needs left out is ``skipped``; some: ``partial``; none:
``complete``. Main has since refined contract C (commit 58d238b): the suspicious-feedback
screen needs texts, and an attribute has at most 12 groups; the table above follows main.
Exports from files never run the notebook's built-in sample improvement, so the
improvement page is skipped unless the shape declares one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import fbresearch
from fbresearch.schema import CANONICAL

__all__ = ["Shape", "SHAPES", "PAGES", "TITLES", "ALWAYS_ON", "CHEAP", "sample"]

PAGES = (
    "overview", "segmentation", "topics", "drivers", "improvement", "closed_loop", "value",
    "journey",
)  # fmt: skip

#: Section headings on the pages (the notebooks' markdown), to check a left-out section's
#: heading is not on the page.
TITLES: dict[str, dict[str, str]] = {
    "overview": {
        "kpis": "Headline KPIs for the month",
        "trends": "Trends over the past year",
        "channel": "Responses by channel",
        "response_rate": "Response rate",
        "acknowledged": "Acknowledged in time",
        "quality": "Data quality",
    },
    "segmentation": {
        "rfm": "RFM segments: size and revenue",
        "clusters": "Behavioural clusters",
        "rfm_satisfaction": "Satisfaction by RFM segment",
        "attributes": "Satisfaction by customer attribute",
        "migration": "Movement between segments since last month",
        "churn": "Churn risk",
    },
    "topics": {
        "topics": "What customers talk about",
        "prevalence": "How the topics moved over the months",
        "emerging": "Rising and falling topics this month",
        "pain_points": "Pain points: which topics go with low scores",
        "tone": "Tone of comments without a score",
        "selection": "How the number of topics was chosen",
    },
    "drivers": {
        "matrix": "What to fix first: the importance-performance matrix",
        "regression": "How much each rating point is worth",
        "trend": "Has anything changed?",
    },
    "improvement": {"improvements": "The improvements, one by one"},
    "closed_loop": {
        "suspicious": "Suspicious feedback",
        "categories": "Feedback by category",
        "severity": "Severity",
        "response_times": "Response times",
        "follow_up": "Following up detractors",
    },
    "value": {
        "value": "What satisfaction is worth",
        "outlook": "Outlook: the next three months",
    },
    "journey": {
        "stages": "Satisfaction along the journey",
        "profiles": "What customers raise at each stage",
    },
}

#: Sections without needs: always on, they never decide a page's status.
ALWAYS_ON = {("overview", "quality"), ("closed_loop", "severity")}

#: Notebook parameters that keep the zoo fast (what a user may set in ``notebooks:``); every
#: page is listed so the params run all seven pages whether ``notebooks:`` lists or merges.
CHEAP: dict[str, dict[str, Any]] = {
    "overview": {},
    "segmentation": {},
    "topics": {"k_min": 3, "k_max": 4, "seeds": 2, "examples": 1},
    "drivers": {"bootstrap": 30},
    "improvement": {},
    "closed_loop": {},
    "value": {"bootstrap": 20},
    "journey": {"max_texts": 300},
}

# export-style headers of the sample's canonical columns
HEADERS = {
    "response_id": "Response ID",
    "customer_id": "Customer ID",
    "submitted_at": "Date",
    "channel": "Source",
    "region": "Region",  # attributes keep their export header (no mapping)
    "plan": "Plan",
    "nps": "Q1 How likely are you to recommend us to a friend? (0-10)",
    "csat": "Q2 Overall, how satisfied are you? (1-5)",
    "ces": "Q3 How easy was it to get what you needed? (1-7)",
    "rating_delivery": "Q4a Delivery",
    "rating_quality": "Q4b Quality",
    "rating_price": "Q4c Price",
    "rating_service": "Q4d Service",
    "rating_app": "Q4e App",
    "text": "Comment",
    "responded_at": "First reply",
    "resolved_at": "Closed",
    "touchpoint": "Journey stage",
}
RATINGS = ("rating_delivery", "rating_quality", "rating_price", "rating_service", "rating_app")

Build = Callable[[Path], tuple[dict[str, Any], dict[str, Path]]]


@dataclass(frozen=True)
class Shape:
    """One export shape: how to write it, and what the report should make of it (by hand).

    Attributes
    ----------
    name : str
    build : callable
        ``build(tmp_path) -> (params, files)``: writes the export under ``tmp_path`` and returns
        the params dict (paths absolute) and the written files by kind.
    expected : dict
        Page -> ``"complete" | "partial" | "skipped"``.
    sections_left_out : dict
        Page -> the keys of the sections left out (missing page: none).
    note : str
    """

    name: str
    build: Build
    expected: dict[str, str]
    sections_left_out: dict[str, set[str]] = field(default_factory=dict)
    note: str = ""

    def left_out(self, page: str) -> set[str]:
        return set(self.sections_left_out.get(page, set()))


@functools.lru_cache(maxsize=4)
def _sample(n: int, seed: int) -> Any:
    return fbresearch.sample_data(n, seed)


def sample(n: int = 500, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Copies of the sample's feedback, orders and invitations (cached per n and seed)."""
    s = _sample(n, seed)
    return s.feedback.copy(), s.orders.copy(), s.invitations.copy()


def _params(
    feedback: Path,
    columns: dict[str, str],
    *,
    orders: Path | None = None,
    invitations: Path | None = None,
    **extra: Any,
) -> dict[str, Any]:
    notebooks = {name: dict(own) for name, own in CHEAP.items()}
    for name, own in extra.pop("notebooks", {}).items():
        notebooks[name].update(own)
    params: dict[str, Any] = {"data": str(feedback), "columns": columns, "notebooks": notebooks}
    if orders is not None:
        params["orders"] = str(orders)
    if invitations is not None:
        params["invitations"] = str(invitations)
    params.update(extra)
    return params


def _export(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """``frame`` with export-style headers, and the ``columns:`` mapping a user writes for it."""
    rename = {c: HEADERS[c] for c in frame.columns if c in HEADERS}
    return frame.rename(columns=rename), rename


def _write_csv(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> Path:
    frame.to_csv(path, index=False, encoding=encoding)
    return path


def _full(
    tmp: Path,
    feedback: pd.DataFrame,
    orders: pd.DataFrame | None = None,
    invitations: pd.DataFrame | None = None,
    *,
    encoding: str = "utf-8",
    **extra: Any,
) -> tuple[dict[str, Any], dict[str, Path]]:
    """Write a (reshaped) full export plus the optional orders and invitations files."""
    exported, columns = _export(feedback)
    files = {"feedback": _write_csv(exported, tmp / "export.csv", encoding)}
    if orders is not None:
        files["orders"] = _write_csv(orders, tmp / "orders.csv")
    if invitations is not None:
        files["invitations"] = _write_csv(invitations, tmp / "invitations.csv")
    ratings = {c: h for c, h in columns.items() if c.startswith("rating_")}
    columns = {c: h for c, h in columns.items() if c in CANONICAL}
    params = _params(
        files["feedback"],
        columns,
        ratings=ratings,
        orders=files.get("orders"),
        invitations=files.get("invitations"),
        **extra,
    )
    return params, files


# ------------------------------------------------------------------------------ expectations
ALL_COMPLETE = {p: "complete" for p in PAGES} | {"improvement": "skipped"}
NO_IMPROVEMENT = {"improvement": {"improvements"}}
NO_JOURNEY = {"journey": {"stages", "profiles"}}  # exports without a touchpoint column
ORDERS_SECTIONS = {"rfm", "clusters", "rfm_satisfaction", "migration", "churn"}
TEXT_SECTIONS = {"topics", "prevalence", "emerging", "pain_points", "tone", "selection"}
DRIVER_SECTIONS = {"matrix", "regression", "trend"}
VALUE_SECTIONS = {"value", "outlook"}  # the page needs an orders file
NO_ORDERS_VALUE = {"value": VALUE_SECTIONS}


# ------------------------------------------------------------------------------ builders
SERVICES = (
    "Inflight wifi service",
    "Departure/Arrival time convenient",
    "Ease of Online booking",
    "Gate location",
    "Food and drink",
    "Online boarding",
    "Seat comfort",
    "Inflight entertainment",
    "On-board service",
    "Leg room service",
    "Baggage handling",
    "Checkin service",
    "Inflight service",
    "Cleanliness",
)


def build_survey_only(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """A passenger survey wave: 14 ratings 0-5 (0 = not rated), a text label, segments."""
    fb, _, _ = sample(500, 1)
    rng = np.random.default_rng(1)
    base = fb["csat"].astype("float").fillna(3).to_numpy()
    out = pd.DataFrame({"id": np.arange(1, len(fb) + 1)})
    out["Gender"] = rng.choice(["Female", "Male"], len(fb))
    out["Customer Type"] = rng.choice(["Loyal Customer", "disloyal Customer"], len(fb))
    out["Age"] = rng.integers(7, 86, len(fb))
    out["Type of Travel"] = rng.choice(["Business travel", "Personal Travel"], len(fb))
    out["Class"] = rng.choice(["Business", "Eco", "Eco Plus"], len(fb))
    for j, name in enumerate(SERVICES):
        value = np.clip(np.round(base + rng.normal(0, 1.0 + j / 14, len(fb))), 1, 5)
        value[rng.random(len(fb)) < 0.04] = 0  # 0 = not rated
        out[name] = value.astype(int)
    out["satisfaction"] = np.where(base >= 4, "satisfied", "neutral or dissatisfied")
    path = _write_csv(out, tmp / "airline_survey.csv")
    params = _params(
        path,
        {"satisfied": "satisfaction", "response_id": "id"},
        ratings={"rating_" + re.sub(r"[^a-z]+", "_", s.lower()).strip("_"): s for s in SERVICES},
        wave="2026-10",
        missing_codes={"ratings": [0]},
        value_maps={"satisfied": {"satisfied": 1, "neutral or dissatisfied": 0}},
    )
    return params, {"feedback": path}


def build_reviews_only(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """Product reviews: text, 1-5 stars and a date; UTF-8 with a BOM (Excel's CSV)."""
    fb, _, _ = sample(500, 2)
    out = pd.DataFrame(
        {
            "Review Date": fb["submitted_at"].dt.strftime("%Y-%m-%d"),
            "Stars": fb["csat"].fillna(fb["nps"].floordiv(2).clip(1, 5)).fillna(3),
            "Review": fb["text"],
        }
    )
    path = _write_csv(out, tmp / "reviews.csv", "utf-8-sig")
    params = _params(path, {"submitted_at": "Review Date", "csat": "Stars", "text": "Review"})
    return params, {"feedback": path}


def build_nps_only(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """A relationship NPS survey as an Excel file: a date and the 0-10 answer."""
    fb, _, _ = sample(500, 3)
    out = pd.DataFrame({HEADERS["submitted_at"]: fb["submitted_at"], HEADERS["nps"]: fb["nps"]})
    path = tmp / "nps.xlsx"
    out.to_excel(path, index=False)
    params = _params(path, {"submitted_at": "Date", "nps": HEADERS["nps"]})
    return params, {"feedback": path}


def build_binary_label_only(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """A yes/no 'Were you satisfied?' with a date, UTF-16 (a spreadsheet's Unicode text)."""
    fb, _, _ = sample(500, 4)
    score = fb["csat"].fillna(fb["nps"].floordiv(2).clip(1, 5)).fillna(3)
    out = pd.DataFrame(
        {
            "Date": fb["submitted_at"].dt.strftime("%d/%m/%Y %H:%M"),
            "Were you satisfied?": np.where(score >= 4, "Yes", "No"),
        }
    )
    out.loc[out.sample(frac=0.05, random_state=4).index, "Were you satisfied?"] = ""
    path = _write_csv(out, tmp / "satisfied.csv", "utf-16")
    params = _params(
        path,
        {"submitted_at": "Date", "satisfied": "Were you satisfied?"},
        value_maps={"satisfied": {"yes": 1, "no": 0}},
    )
    return params, {"feedback": path}


def build_no_channel(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """The full export without a channel column, with orders and a declared improvement."""
    fb, orders, invitations = sample(500, 5)
    improvement = {
        "name": "Faster delivery",
        "change_date": "2026-03-01",
        "metric": "csat",
        "treated_regions": ["East", "South"],
        "control_regions": ["North", "West"],
        "group_column": "Region",  # the export header: attributes keep it
    }
    return _full(
        tmp,
        fb.drop(columns=["channel"]),
        orders,
        invitations,
        notebooks={"improvement": {"improvements": [improvement]}},
    )


def build_no_customer_ids(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    fb, orders, invitations = sample(500, 6)
    return _full(tmp, fb.drop(columns=["customer_id"]), orders, invitations)


def build_no_orders(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    fb, _, invitations = sample(500, 7)
    return _full(tmp, fb, None, invitations)


def build_one_wave_no_dates(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """A survey wave export: no timestamps at all, everything else kept; wave '2026-10'."""
    fb, _, _ = sample(500, 8)
    fb = fb.drop(columns=["submitted_at", "responded_at", "resolved_at"])
    return _full(tmp, fb, wave="2026-10")


def _squeeze(fb: pd.DataFrame, starts: list[str]) -> pd.DataFrame:
    """Every row re-dated into the months ``starts`` (in turn), keeping reply delays."""
    fb = fb.copy()
    offset = pd.to_timedelta(
        (fb["submitted_at"] - fb["submitted_at"].dt.normalize()).dt.seconds, "s"
    )
    month = pd.DatetimeIndex([starts[i % len(starts)] for i in range(len(fb))])
    # each month filled to its last day, so that it counts as complete
    day = pd.to_timedelta((np.arange(len(fb)) // len(starts)) % month.days_in_month, "D")
    new = pd.Series(month + day, index=fb.index) + offset
    for col in ("responded_at", "resolved_at"):
        fb[col] = new + (fb[col] - fb["submitted_at"])
    fb["submitted_at"] = new
    return fb


def build_one_month(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    fb, _, _ = sample(500, 9)
    return _full(tmp, _squeeze(fb, ["2026-10-01"]))


def build_two_months(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    fb, _, _ = sample(500, 10)
    return _full(tmp, _squeeze(fb, ["2026-09-01", "2026-10-01"]))


def build_month_of_3(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """The report month (2026-10, passed as the period) has 3 responses, all with scores."""
    fb, orders, invitations = sample(500, 11)
    october = fb["submitted_at"].dt.to_period("M") == pd.Period("2026-10", "M")
    keep = fb[october & fb["nps"].notna() & fb["csat"].notna()].index[:3]
    fb = fb[~october | fb.index.isin(keep)]
    return _full(tmp, fb, orders, invitations, period="2026-10")


def build_segment_of_5(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """A region with 5 responses in all (2 of them in the report month)."""
    fb, orders, invitations = sample(500, 12)
    october = fb.index[fb["submitted_at"].dt.to_period("M") == pd.Period("2026-10", "M")]
    earlier = fb.index[fb["submitted_at"] < "2026-08-01"]
    fb.loc[[*october[:2], *earlier[:3]], "region"] = "Islands"
    return _full(tmp, fb, orders, invitations)


def build_all_texts_empty(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    fb, orders, invitations = sample(500, 13)
    fb["text"] = ""
    return _full(tmp, fb, orders, invitations)


def build_english_only(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """English texts only (Chinese comments dropped), UTF-16 file."""
    fb, orders, invitations = sample(750, 14)
    text = fb["text"].fillna("")
    fb = fb[text.map(lambda t: t.isascii() or not t)]
    return _full(tmp, fb, orders, invitations, encoding="utf-16")


def build_mixed_zh_en_emoji(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """Texts mixing Chinese, English and emoji in one comment."""
    fb, orders, invitations = sample(500, 15)
    text = fb["text"].fillna("")
    other = text.sample(frac=1.0, random_state=15).to_numpy()
    emoji = np.array(["😡", "👍", "🙂🙂", "💔", "🚚💨", ""])[np.arange(len(fb)) % 6]
    fb["text"] = [
        f"{a} {b} {e}".strip() if a else a for a, b, e in zip(text, other, emoji, strict=True)
    ]
    return _full(tmp, fb, orders, invitations)


BIG5_TEXTS = (
    "外送太慢了，餐點都冷掉了",
    "服務很好，態度親切",
    "價格太貴，份量太少",
    "包裝很好，味道不錯",
    "客服一直不回覆，很失望",
    "送貨速度很快，會再訂購",
    "退款等了兩個星期",
    "食物新鮮，包裝乾淨",
)


def build_big5(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """A Taiwanese export in Big5: traditional-character texts, regions 華東/台北/..."""
    fb, _, _ = sample(500, 16)
    rng = np.random.default_rng(16)
    fb["region"] = fb["region"].map(
        {"East": "華東", "North": "華北", "South": "華南", "West": "台北"}
    )
    picks = rng.integers(0, len(BIG5_TEXTS), (len(fb), 2))
    fb["text"] = [f"{BIG5_TEXTS[a]}。{BIG5_TEXTS[b]}" for a, b in picks]
    return _full(tmp, fb, encoding="big5")


def build_zero_not_rated(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """Ratings where 0 means 'not rated' (a fifth of them), declared in missing_codes."""
    fb, orders, invitations = sample(500, 17)
    rng = np.random.default_rng(17)
    for col in RATINGS:
        values = fb[col].astype("float").fillna(0)
        values[rng.random(len(fb)) < 0.2] = 0
        fb[col] = values.astype(int)
    return _full(tmp, fb, orders, invitations, missing_codes={"ratings": [0]})


def build_missing_40pct(tmp: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    fb, orders, invitations = sample(500, 18)
    rng = np.random.default_rng(18)
    for col in RATINGS:
        fb.loc[rng.random(len(fb)) < 0.4, col] = pd.NA
    return _full(tmp, fb, orders, invitations)


# ------------------------------------------------------------------------------ the zoo
_NO_ORDERS_SEG = {"segmentation": ORDERS_SECTIONS, **NO_ORDERS_VALUE}
_SHAPES = (
    Shape(
        "survey_only",
        build_survey_only,
        {
            "overview": "partial",
            "segmentation": "partial",
            "topics": "skipped",
            "drivers": "partial",
            "improvement": "skipped",
            "closed_loop": "partial",
            "value": "skipped",
            "journey": "skipped",
        },
        {
            "overview": {"trends", "channel", "response_rate", "acknowledged"},
            "segmentation": ORDERS_SECTIONS,
            **NO_ORDERS_VALUE,
            "topics": TEXT_SECTIONS,
            "drivers": {"trend"},
            "closed_loop": {"suspicious", "categories", "response_times"},
            **NO_IMPROVEMENT,
            **NO_JOURNEY,
        },
        "one wave, no dates/text/channel/ids/orders; satisfied label; 14 ratings 0 = not rated",
    ),
    Shape(
        "reviews_only",
        build_reviews_only,
        {
            "overview": "partial",
            "segmentation": "skipped",
            "topics": "complete",
            "drivers": "skipped",
            "improvement": "skipped",
            "closed_loop": "partial",
            "value": "skipped",
            "journey": "skipped",
        },
        {
            "overview": {"channel", "response_rate", "acknowledged"},
            "segmentation": ORDERS_SECTIONS | {"attributes"},
            **NO_ORDERS_VALUE,
            "drivers": DRIVER_SECTIONS,
            "closed_loop": {"response_times"},
            **NO_IMPROVEMENT,
            **NO_JOURNEY,
        },
        "text + stars (csat) + date; no attribute column, so no segmentation at all",
    ),
    Shape(
        "nps_only",
        build_nps_only,
        {
            "overview": "partial",
            "segmentation": "skipped",
            "topics": "skipped",
            "drivers": "skipped",
            "improvement": "skipped",
            "closed_loop": "partial",
            "value": "skipped",
            "journey": "skipped",
        },
        {
            "overview": {"channel", "response_rate", "acknowledged"},
            "segmentation": ORDERS_SECTIONS | {"attributes"},
            **NO_ORDERS_VALUE,
            "topics": TEXT_SECTIONS,
            "drivers": DRIVER_SECTIONS,
            "closed_loop": {"suspicious", "categories", "response_times"},
            **NO_IMPROVEMENT,
            **NO_JOURNEY,
        },
        "Excel: a date and the 0-10 answer",
    ),
    Shape(
        "binary_label_only",
        build_binary_label_only,
        {
            "overview": "partial",
            "segmentation": "skipped",
            "topics": "skipped",
            "drivers": "skipped",
            "improvement": "skipped",
            "closed_loop": "partial",
            "value": "skipped",
            "journey": "skipped",
        },
        {
            "overview": {"channel", "response_rate", "acknowledged"},
            "segmentation": ORDERS_SECTIONS | {"attributes"},
            **NO_ORDERS_VALUE,
            "topics": TEXT_SECTIONS,
            "drivers": DRIVER_SECTIONS,
            "closed_loop": {"suspicious", "categories", "response_times"},
            **NO_IMPROVEMENT,
            **NO_JOURNEY,
        },
        "UTF-16: day-first dates and Yes/No mapped to satisfied",
    ),
    Shape(
        "no_channel",
        build_no_channel,
        {**ALL_COMPLETE, "overview": "partial", "improvement": "complete"},
        {"overview": {"channel", "response_rate"}},
        "full export without channel; orders; an improvement declared in params",
    ),
    Shape(
        "no_customer_ids",
        build_no_customer_ids,
        {**ALL_COMPLETE, "segmentation": "partial", "value": "partial"},
        {"segmentation": {"churn"}, "value": {"value"}, **NO_IMPROVEMENT},
        "orders given but responses carry no customer id",
    ),
    Shape(
        "no_orders",
        build_no_orders,
        {**ALL_COMPLETE, "segmentation": "partial", "value": "skipped"},
        {**_NO_ORDERS_SEG, **NO_IMPROVEMENT},
        "full export with invitations, no orders file",
    ),
    Shape(
        "one_wave_no_dates",
        build_one_wave_no_dates,
        {
            "overview": "partial",
            "segmentation": "partial",
            "topics": "partial",
            "drivers": "partial",
            "improvement": "skipped",
            "closed_loop": "partial",
            "value": "skipped",
            "journey": "complete",
        },
        {
            "overview": {"trends", "response_rate", "acknowledged"},
            **_NO_ORDERS_SEG,
            "topics": {"prevalence", "emerging"},
            "drivers": {"trend"},
            "closed_loop": {"response_times"},
            **NO_IMPROVEMENT,
        },
        "no timestamps (no reply times either), wave '2026-10'",
    ),
    Shape(
        "one_month",
        build_one_month,
        {
            "overview": "partial",
            "segmentation": "partial",
            "topics": "partial",
            "drivers": "partial",
            "improvement": "skipped",
            "closed_loop": "complete",
            "value": "skipped",
            "journey": "complete",
        },
        {
            "overview": {"trends", "response_rate"},
            **_NO_ORDERS_SEG,
            "topics": {"prevalence", "emerging"},
            "drivers": {"trend"},
            **NO_IMPROVEMENT,
        },
        "every response in October 2026",
    ),
    Shape(
        "two_months",
        build_two_months,
        {**ALL_COMPLETE, "overview": "partial", "segmentation": "partial", "value": "skipped"},
        {"overview": {"response_rate"}, **_NO_ORDERS_SEG, **NO_IMPROVEMENT},
        "September and October 2026 only",
    ),
    Shape(
        "month_of_3",
        build_month_of_3,
        ALL_COMPLETE,
        NO_IMPROVEMENT,
        "the report month (passed as period) has 3 responses",
    ),
    Shape(
        "segment_of_5",
        build_segment_of_5,
        ALL_COMPLETE,
        NO_IMPROVEMENT,
        "region 'Islands' has 5 responses",
    ),
    Shape(
        "all_texts_empty",
        build_all_texts_empty,
        {**ALL_COMPLETE, "topics": "skipped", "closed_loop": "partial"},
        {"topics": TEXT_SECTIONS, "closed_loop": {"suspicious", "categories"}, **NO_IMPROVEMENT},
        "a Comment column in which every cell is empty",
    ),
    Shape(
        "english_only",
        build_english_only,
        ALL_COMPLETE,
        NO_IMPROVEMENT,
        "English comments only, UTF-16",
    ),
    Shape(
        "mixed_zh_en_emoji",
        build_mixed_zh_en_emoji,
        ALL_COMPLETE,
        NO_IMPROVEMENT,
        "each comment mixes Chinese, English and emoji",
    ),
    Shape(
        "big5",
        build_big5,
        {**ALL_COMPLETE, "overview": "partial", "segmentation": "partial", "value": "skipped"},
        {"overview": {"response_rate"}, **_NO_ORDERS_SEG, **NO_IMPROVEMENT},
        "Big5 file, regions 華東/華北/華南/台北, traditional-character texts",
    ),
    Shape(
        "zero_not_rated",
        build_zero_not_rated,
        ALL_COMPLETE,
        NO_IMPROVEMENT,
        "a fifth of the ratings are 0 = not rated, declared in missing_codes",
    ),
    Shape(
        "missing_40pct",
        build_missing_40pct,
        ALL_COMPLETE,
        NO_IMPROVEMENT,
        "40% of every rating missing",
    ),
)

SHAPES: dict[str, Shape] = {s.name: s for s in _SHAPES}
