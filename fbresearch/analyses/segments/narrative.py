"""Sentences and headline findings of the segmentation results.

No summary or finding ever names a customer: they carry counts only. Numbers are written by
:mod:`fbresearch.format`, metric units come from :data:`fbresearch.schema.METRICS`, and whether
an odds ratio is clear is decided by :mod:`fbresearch.evidence`.

Examples
--------
>>> _pct(0.4213)
'42%'
>>> _diff_text(0.031, "CSAT"), _diff_text(-4.26, "NPS")
('3.1 pp', '-4.3 points')
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from fbresearch import evidence
from fbresearch.analyses.kpis import scores as kpi
from fbresearch.analyses.segments.common import MIN_RESPONSES, NEW_CUSTOMER
from fbresearch.format import confidence_label, format_number
from fbresearch.results import Finding
from fbresearch.schema import METRICS, display_label

if TYPE_CHECKING:
    from fbresearch.analyses.segments.results import (
        ChurnResult,
        ClusterResult,
        MigrationResult,
        ProfileResult,
        RFMResult,
        SegmentResult,
    )

__all__ = [
    "profile_display_table",
    "churn_display_table",
    "rfm_summary",
    "rfm_findings",
    "cluster_summary",
    "cluster_findings",
    "profile_summary",
    "profile_findings",
    "profile_tests",
    "migration_summary",
    "churn_summary",
    "churn_findings",
    "churn_tests",
    "rfm_caption",
    "rfm_plot_caption",
    "cluster_caption",
    "cluster_plot_caption",
    "profile_caption",
    "profile_plot_caption",
    "migration_plot_caption",
    "churn_caption",
    "churn_plot_caption",
]

#: table label ("NPS", "CSAT", ...) -> METRICS key
_KEY_BY_LABEL = {spec.label: key for key, spec in METRICS.items()}
#: the RFM segments of once-valuable customers who have not bought for a long time
_LAPSED_VALUABLE = ("at risk", "can't lose")


def _name(segment: Any) -> str:
    """A segment as a page names it: its display label; an attribute's group as "the West
    region" (the data's ``region: West``).

    Examples
    --------
    >>> _name("potential loyalists"), _name("region: West"), _name("age_band: 25-34")
    ('Potential loyalists', 'the West region', 'the 25-34 age band')
    """
    attribute, sep, value = str(segment).partition(": ")
    if not sep:
        return str(display_label(segment))
    return f"the {display_label(value)} {str(display_label(attribute)).lower()}"


def _pct(x: float, digits: int = 0) -> str:
    """A share as a percentage with its sign, ``"-"`` when missing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{format_number(x, digits, percent=True)}%"


def _diff_text(value: float, metric: str) -> str:
    """A difference in ``metric`` (a table label) in its change unit."""
    spec = METRICS.get(_KEY_BY_LABEL.get(metric, ""))
    if spec is None:
        return format_number(value, 2)
    if spec.unit == "percent":
        return f"{format_number(value, spec.digits, percent=True)} pp"
    if spec.unit == "points":
        return f"{format_number(value, spec.digits)} points"
    return format_number(value, spec.digits)


def _with_notes(res: SegmentResult, text: str) -> str:
    return " ".join([text, *res.notes]).strip()


def rfm_summary(res: RFMResult) -> str:
    """Plain sentences of a :class:`RFMResult`."""
    t = res.table[res.table["customers"] > 0]
    n = int(t["customers"].sum())
    top = t.sort_values("revenue_share", ascending=False).iloc[0]
    champ = t.set_index("segment").get("customers", pd.Series(dtype=float))
    risk = t[t["segment"].isin(_LAPSED_VALUABLE)]
    parts = [
        f"{n:,} customers with orders up to {res.asof:%Y-%m-%d} fall into {len(t)} RFM segments.",
        f"The largest share of revenue comes from {_name(top['segment'])} "
        f"({_pct(top['revenue_share'])} of revenue from {_pct(top['share'])} of customers).",
    ]
    if "champions" in champ.index:
        row = t.set_index("segment").loc["champions"]
        parts.append(
            f"Champions are {_pct(row['share'])} of customers and bring {_pct(row['revenue_share'])} of revenue."
        )
    if len(risk):
        parts.append(
            f"{int(risk['customers'].sum()):,} once-valuable customers have not bought for a long time "
            f"({' or '.join(_name(r) for r in _LAPSED_VALUABLE)}; "
            f"{_pct(risk['revenue_share'].sum())} of revenue)."
        )
    return _with_notes(res, " ".join(parts))


def rfm_findings(res: RFMResult) -> list[Finding]:
    """Headline findings of a :class:`RFMResult`."""
    t = res.table.set_index("segment")
    out = []
    risk = t.loc[[s for s in _LAPSED_VALUABLE if s in t.index]]
    n = int(t["customers"].sum())
    k = int(risk["customers"].sum())
    if k:
        share = kpi.proportion(k, n, name="customers at risk or can't lose")
        out.append(
            Finding(
                f"{_pct(share.estimate)} of customers ({k:,}) are once-valuable customers who have not "
                f"bought for a long time; they brought {_pct(risk['revenue_share'].sum())} of revenue.",
                estimate=share,
                importance=0.6,
                analysis="segmentation",
                kind="level",
            )
        )
    return out


def _as_good(res: ClusterResult) -> int:
    """Reference draws without groups that separate at least as well as the data."""
    return sum(r >= res.null_observed for r in res.null_silhouette)


def cluster_summary(res: ClusterResult) -> str:
    """Plain sentences of a :class:`ClusterResult`.

    Examples
    --------
    >>> from fbresearch.analyses.segments.results import ClusterResult
    >>> t = pd.DataFrame({"cluster": ["all customers (no clear groups)"], "share": [1.0]})
    >>> sil = pd.DataFrame({"k": [2, 3], "silhouette": [0.21, 0.19]})
    >>> res = ClusterResult(table=t, k=1, silhouette=sil, null_draws=2, null_observed=0.21,
    ...                     null_silhouette=(0.2, 0.25))
    >>> print(cluster_summary(res))  # doctest: +NORMALIZE_WHITESPACE
    The customers show no clear groups, so none are named: the best split k-means finds
    (silhouette 0.21) is no better separated than data drawn without any groups (as good or
    better in 1 of 2 such data sets).
    """
    t = res.table
    if res.k == 1:
        text = "The customers show no clear groups, so none are named"
        if res.null_draws:
            text += (
                f": the best split k-means finds (silhouette {res.null_observed:.2f}) is no "
                f"better separated than data drawn without any groups (as good or better in "
                f"{_as_good(res)} of {res.null_draws} such data sets)"
            )
        return _with_notes(res, text + ".")
    names = "; ".join(f"{r.cluster} ({_pct(r.share)})" for r in t.itertuples())
    text = f"k-means finds {res.k} customer groups: {names}."
    if len(res.silhouette):
        best = res.silhouette.loc[res.silhouette["k"] == res.k, "silhouette"].iloc[0]
        text += f" {res.k} groups separate best (silhouette {best:.2f})"
        if res.null_draws:
            text += (
                f", better than {res.null_draws - _as_good(res)} of {res.null_draws} data sets "
                f"drawn without groups (their best {max(res.null_silhouette):.2f})"
            )
        text += "."
    if res.stability is not None:
        s = res.stability
        word = (
            "stable"
            if s.estimate >= 0.8
            else "fairly stable"
            if s.estimate >= 0.6
            else "not stable"
        )
        text += (
            f" The grouping is {word} across random starts (adjusted Rand index "
            f"{s.estimate:.2f}, range {s.ci_low:.2f} to {s.ci_high:.2f} over {s.n} reruns; "
            f"1 means identical)."
        )
    return _with_notes(res, text)


def cluster_findings(res: ClusterResult) -> list[Finding]:
    """Headline findings of a :class:`ClusterResult` (none when there are no clear groups)."""
    if res.k == 1:
        return []
    return [
        Finding(
            res.summary().split(". ")[0] + ".",
            importance=0.4,
            analysis="segmentation",
            kind="level",
        )
    ]


def _gap_size(row: Any, bound: str = "") -> str:
    """The size of a segment's gap (or of the near/far end of its interval), always positive."""
    low, high = sorted((abs(row.diff_low), abs(row.diff_high)))
    value = {"": abs(row.difference), "low": low, "high": high}[bound]
    return _diff_text(value, row.metric)


def _gap_text(row: Any, metric: str) -> str:
    """ "North lower by 19.6 pp (7.4 pp to 32.8 pp)": the size of the gap, its direction in words."""
    if row.difference > 0:
        size, low, high, word = row.difference, row.diff_low, row.diff_high, "higher"
    else:
        size, low, high, word = -row.difference, -row.diff_high, -row.diff_low, "lower"
    return (
        f"{_name(row.segment)} {word} by {_diff_text(size, metric)} "
        f"({_diff_text(low, metric)} to {_diff_text(high, metric)})"
    )


def profile_summary(res: ProfileResult) -> str:
    """Plain sentences of a :class:`ProfileResult`."""
    t = res.table
    parts = []
    for metric in t["metric"].unique():
        rows = t[t["metric"] == metric]
        sig = rows[rows["significant"]]
        if len(sig):
            bits = [_gap_text(r, metric) for r in sig.itertuples()]
            parts.append(
                f"{metric}: {len(sig)} of {len(rows)} segments differ from the rest after Holm "
                f"correction: {'; '.join(bits)}."
            )
        else:
            parts.append(
                f"{metric}: no segment differs significantly from the rest after Holm correction."
            )
    small = sorted(set(t.loc[t["small_sample"], "segment"]))
    if small:
        parts.append(
            f"Fewer than {MIN_RESPONSES} responses in {', '.join(map(_name, small))}: too few to "
            "say; "
            "their figures are shown for completeness only."
        )
    return _with_notes(res, " ".join(parts))


def profile_tests(res: ProfileResult) -> list[float]:
    """The page's family from one profile: the p-value of every group-against-the-rest test.

    The profile already Holm-corrects them per metric (``p_holm``, ``significant``); Holm
    controls the family-wise error rate, so every difference it keeps also survives the
    Benjamini-Hochberg check the executive summary applies.
    """
    t = res.table
    if "p_value" not in t:
        return []
    return [float(p) for p in t["p_value"] if not pd.isna(p)]


def profile_findings(res: ProfileResult) -> list[Finding]:
    """Headline findings of a :class:`ProfileResult`: the differences that survive Holm."""
    out = []
    t = res.table
    adjusted = evidence.fdr_adjust_within(t["p_value"], t["metric"])
    q = {i: v for i, v in zip(t.index, adjusted, strict=True) if v == v}  # tested rows only
    for i, r in zip(t.index[t["significant"]], t[t["significant"]].itertuples(), strict=True):
        est = res.estimates[(r.segment, r.metric, "diff")]
        out.append(
            Finding(
                f"{r.metric} {_among(r.segment)} is {_gap_size(r)} "
                f"{'higher' if r.difference > 0 else 'lower'} than among other customers "
                f"({_gap_size(r, 'low')} to {_gap_size(r, 'high')}, Holm-corrected test).",
                estimate=est,
                importance=min(0.9, 0.5 + abs(r.difference) / _span(r.metric)),
                analysis="segmentation",
                kind="difference",
                p_value=float(r.p_value),
                q_value=float(q[i]) if i in q else None,
                survives_fdr=True,
            )
        )
    return out


def _among(segment: str) -> str:
    """Who a segment is, in a sentence: ``region: West`` -> "in the West region", ``champions``
    -> "in the Champions segment".

    Examples
    --------
    >>> _among("region: West"), _among("age_band: 25-34"), _among("champions")
    ('in the West region', 'in the 25-34 age band', 'in the Champions segment')
    """
    name = _name(segment)
    return f"in {name}" if name.startswith("the ") else f"in the {name} segment"


def _span(metric: str) -> float:
    """The width of a metric's reported scale (a share: 1), to size a gap's importance."""
    spec = METRICS.get(_KEY_BY_LABEL.get(metric, ""))
    if spec is None or spec.unit == "percent":
        return 1.0
    return float(spec.scale[1] - spec.scale[0]) / (2 if spec.unit == "points" else 1)


def migration_summary(res: MigrationResult) -> str:
    """Plain sentences of a :class:`MigrationResult`."""
    t = res.table
    old = t[t["previous"] != NEW_CUSTOMER]
    stayed = int(old.loc[old["previous"] == old["current"], "customers"].sum())
    total = int(old["customers"].sum())
    new = int(t.loc[t["previous"] == NEW_CUSTOMER, "customers"].sum())
    moves = old[old["previous"] != old["current"]].nlargest(2, "customers")
    text = (
        f"Between {res.asof_previous:%Y-%m-%d} and {res.asof_current:%Y-%m-%d}, "
        f"{_pct(stayed / total if total else math.nan)} of existing customers stayed in their segment "
        f"and {new:,} new customers arrived."
    )
    if len(moves):
        text += (
            " Largest moves: "
            + "; ".join(
                f"{int(r.customers):,} from {_name(r.previous)} to {_name(r.current)}"
                for r in moves.itertuples()
            )
            + "."
        )
    return _with_notes(res, text)


def churn_summary(res: ChurnResult) -> str:
    """Plain sentences of a :class:`ChurnResult`."""
    parts = [
        f"{_pct(res.lapse_rate.estimate)} of customers who answered did not order again within "
        f"{res.window_days} days."
    ]
    for term in ("detractor", "passive"):
        if term in res.odds_ratios:
            e = res.odds_ratios[term]
            parts.append(
                f"{'Detractors' if term == 'detractor' else 'Passives'} had {e.estimate:.2f} times the odds of "
                f"lapsing ({e.ci_low:.2f} to {e.ci_high:.2f}) of promoters with the same recent orders."
            )
    if res.auc is not None and not math.isnan(res.auc.estimate):
        parts.append(
            f"On later months the model had not seen, it ranks a lapsing customer above a staying one "
            f"{_pct(res.auc.estimate)} of the time (AUC {res.auc.format(2)}; 50% is a coin toss)."
        )
    parts.append(
        f"{res.at_risk_count:,} of {res.high_value_count:,} high-value customers who answered recently "
        f"and have not ordered since have a predicted lapse risk of {_pct(res.risk_threshold)} or more."
    )
    return _with_notes(res, " ".join(parts))


def churn_tests(res: ChurnResult) -> list[float]:
    """The page's family from the churn model: the p-value of each odds ratio it reports."""
    return [
        float(e.p_value)
        for e in res.odds_ratios.values()
        if e.p_value is not None and not math.isnan(float(e.p_value))
    ]


def churn_findings(res: ChurnResult) -> list[Finding]:
    """Headline findings of a :class:`ChurnResult`."""
    out = []
    if "detractor" in res.odds_ratios:
        e = res.odds_ratios["detractor"]
        out.append(
            Finding(
                f"Detractors had {e.estimate:.1f} times the odds of promoters of not ordering again within "
                f"{res.window_days} days (odds ratio {e.format(2)}).",
                estimate=e,
                importance=0.7 if evidence.is_significant(e) else 0.3,
                analysis="segmentation",
                kind="difference",
                p_value=e.p_value,
                survives_fdr=evidence.is_significant(e),
            )
        )
    out.append(
        Finding(
            f"{res.at_risk_count:,} high-value customers who answered recently are at risk of lapsing.",
            importance=0.6,
            analysis="segmentation",
            kind="level",
        )
    )
    return out


# --------------------------------------------------------------------------------------------
# captions: what each table or chart shows, with the run's confidence level where it has one
# --------------------------------------------------------------------------------------------


def rfm_caption(result: RFMResult) -> str:
    """Caption of the RFM segment table."""
    return "RFM segments: customers, revenue and typical (median) recency, frequency and spend"


def rfm_plot_caption(result: RFMResult) -> str:
    """Caption of the RFM chart (customers against revenue)."""
    return "Share of customers and share of revenue by RFM segment"


def cluster_caption(result: ClusterResult) -> str:
    """Caption of the cluster table."""
    if result.k == 1:
        return "No clear customer groups: the average features of all customers"
    return "Behavioural clusters: size and average features"


def cluster_plot_caption(result: ClusterResult) -> str:
    """Caption of the cluster heat map."""
    if result.k == 1:
        return "No clear groups: every feature sits at the average (0 standard deviations)"
    return "What sets each cluster apart (standard deviations from the average)"


def profile_caption(result: ProfileResult, months: int | None = None) -> str:
    """Caption of a profile table: the metrics compared, by what and over which responses.

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.segments.results import ProfileResult
    >>> t = pd.DataFrame({"metric": ["Satisfied"]})
    >>> profile_caption(ProfileResult(table=t, segment="attribute"), 1)
    'Satisfied by customer attribute, responses of the report month, each group against the rest'
    """
    by = {"segment": "RFM segment", "attribute": "customer attribute"}.get(
        result.segment, result.segment
    )
    rest = (
        "each group against the rest" if result.segment == "attribute" else "each against the rest"
    )
    when = (
        f", responses of the last {months} months"
        if months and months > 1
        else ", responses of the report month"
        if months
        else ""
    )
    return f"{result.metric_names()} by {by}{when}, {rest}"


def profile_plot_caption(result: ProfileResult) -> str:
    """Caption of the NPS-by-segment chart ("RFM segment" for the ``segment`` column).

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.segments.results import ProfileResult
    >>> profile_plot_caption(ProfileResult(table=pd.DataFrame(), confidence=0.9))
    'NPS by RFM segment with 90% confidence intervals (hollow: fewer than 30 responses)'
    """
    by = "RFM segment" if result.segment == "segment" else result.segment
    t = result.table
    metric = t["metric"].iloc[0] if "metric" in t and len(t) else "NPS"
    return (
        f"{metric} by {by} with {confidence_label(result.confidence)} confidence intervals "
        f"(hollow: fewer than {MIN_RESPONSES} responses)"
    )


def migration_plot_caption(result: MigrationResult) -> str:
    """Caption of the migration heat map."""
    return "Where last month's customers are now (% of each previous segment)"


def churn_caption(result: ChurnResult) -> str:
    """Caption of the odds-ratio table, naming the run's confidence level.

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.segments.results import ChurnResult
    >>> churn_caption(ChurnResult(table=pd.DataFrame(), confidence=0.9))
    'Odds ratios of lapsing with 90% confidence intervals'
    """
    return f"Odds ratios of lapsing with {confidence_label(result.confidence)} confidence intervals"


def churn_plot_caption(result: ChurnResult) -> str:
    """Caption of the odds-ratio chart."""
    return "Odds ratios of lapsing (log scale; right of the dashed line = more likely to lapse)"


# --------------------------------------------------------------------------------------------
# Reader tables (the page's renderer formats the numbers)


def profile_display_table(result: ProfileResult) -> pd.DataFrame:
    """The profile table as a page shows it: one verdict column, no repeated attribute.

    ``significant`` and ``small_sample`` become one "Differs from the rest" column (``yes``,
    ``no``, or ``too few (n<30)``: a small group is never called different); the ``attribute``
    column goes when every segment already names it (``region: North``).

    Examples
    --------
    >>> t = pd.DataFrame({"segment": ["region: North", "region: South"], "n": [200, 12],
    ...                   "significant": [True, False], "small_sample": [False, True],
    ...                   "attribute": ["region", "region"]})
    >>> from fbresearch.analyses.segments.results import ProfileResult
    >>> shown = profile_display_table(ProfileResult(table=t))
    >>> shown.columns.tolist(), shown["differs_from_rest"].tolist()
    (['segment', 'n', 'differs_from_rest'], ['yes', 'too few (n<30)'])
    """
    table = result.table.copy()
    if {"significant", "small_sample"} <= set(table.columns):
        verdict = [
            f"too few (n<{MIN_RESPONSES})" if small else ("yes" if sig else _differs_no(result, i))
            for i, (sig, small) in enumerate(
                zip(table["significant"], table["small_sample"], strict=True)
            )
        ]
        table = table.drop(columns=["significant", "small_sample"]).assign(
            differs_from_rest=verdict
        )
    if "attribute" in table.columns and all(
        str(seg).startswith(f"{att}: ")
        for seg, att in zip(table["segment"], table["attribute"], strict=True)
    ):
        table = table.drop(columns="attribute")
    return table


def _differs_no(result: ProfileResult, i: int) -> str:
    """ "no", or "no (not after correcting for 12 comparisons)" where row ``i``'s interval is
    clear of zero or its raw p-value is below the level: the reason the reader needs inline."""
    t = result.table
    if not {"p_value", "metric"} <= set(t.columns):
        return "no"
    row = t.iloc[i]
    low, high = row.get("diff_low", math.nan), row.get("diff_high", math.nan)
    clear = bool(low > 0 or high < 0)  # NaN bounds compare False: not clear
    n = int((t["metric"].eq(row["metric"]) & t["p_value"].notna()).sum())
    why = evidence.correction_text(row["p_value"], n, 1 - result.alpha, clear)
    return f"no (not {why})" if why else "no"


#: the churn model's terms as a reader names them
_CHURN_TERMS = {
    "detractor": "Detractor",
    "passive": "Passive",
    "csat": "CSAT",
    "log_orders": "Orders in the past year (log)",
    "log_recency": "Days since last order (log)",
}


def churn_display_table(result: ChurnResult) -> pd.DataFrame:
    """The odds-ratio table with the model's terms in words (the meaning column explains them).

    Examples
    --------
    >>> from fbresearch.analyses.segments.results import ChurnResult
    >>> t = pd.DataFrame({"term": ["log_orders", "other_term"], "odds_ratio": [0.86, 1.2]})
    >>> churn_display_table(ChurnResult(table=t))["term"].tolist()
    ['Orders in the past year (log)', 'Other term']
    """
    table = result.table
    if "term" not in table.columns:
        return table
    names = [_CHURN_TERMS.get(str(t), str(t).replace("_", " ").capitalize()) for t in table["term"]]
    # the table states the run's level (its header names it: "Odds ratio (90% CI)")
    return table.assign(term=names, confidence=result.confidence)
