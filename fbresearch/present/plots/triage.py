"""Figures of the triage page: categories, severity rules, response times, suspicious feedback.

Each function takes tidy data (shares in percent where a function says so), accepts ``ax=`` and
returns the Axes. Axis labels name the confidence level the caller passes (``confidence=``),
never a fixed one.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from fbresearch.format import confidence_label
from fbresearch.present.plots.base import PALETTE, new_axes, set_theme
from fbresearch.present.plots.kpis import kpi_trend_plot
from fbresearch.schema import display_label

__all__ = [
    "category_shares",
    "category_trends",
    "severity_rules",
    "within_limit",
    "resolution_curves",
    "suspicious_reasons",
]


def _hbar_ci(ax, labels, est, low, high, color, xlabel: str, title: str):  # noqa: ANN001, ANN202
    """Horizontal bars with CI whiskers (negative whisker lengths clipped to zero)."""
    est = np.asarray(est, float)
    err = np.clip(np.vstack([est - np.asarray(low, float), np.asarray(high, float) - est]), 0, None)
    y = np.arange(len(est))
    ax.barh(y, est, color=color, alpha=0.85)
    ax.errorbar(est, y, xerr=np.nan_to_num(err), fmt="none", ecolor="black", capsize=3, lw=1)
    ax.set_yticks(list(y), list(labels))
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    return ax


def category_shares(data, ax=None, confidence: float = 0.95):  # noqa: ANN001, ANN201
    """Share of texts per category (percent, with CI whiskers); ``data`` has ``label``,
    ``category``, ``estimate``, ``ci_low``, ``ci_high`` in percent; ``confidence`` is the level
    of those intervals (named on the axis).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"category": ["a", "uncategorized"], "label": ["A", "None"],
    ...                   "estimate": [40.0, 10.0], "ci_low": [35.0, 8.0], "ci_high": [45.0, 12.0]})
    >>> category_shares(d, confidence=0.9).get_xlabel()
    '% of texts (90% CI); a text can be in several categories'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    ax = new_axes(ax, figsize=(8, 0.45 * len(data) + 1.2))
    data = data.sort_values("estimate", ascending=False)
    colors = [PALETTE[7] if c == "uncategorized" else PALETTE[0] for c in data["category"]]
    return _hbar_ci(
        ax,
        data["label"],
        data["estimate"],
        data["ci_low"],
        data["ci_high"],
        colors,
        f"% of texts ({confidence_label(confidence)} CI); a text can be in several categories",
        "Feedback by category",
    )


def severity_rules(table, ax=None):  # noqa: ANN001, ANN201
    """Responses graded by each severity rule, coloured by grade.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"rule": ["legal", "default"], "severity": ["urgent", "general"],
    ...                   "responses": [3, 40]})
    >>> severity_rules(t).get_title()
    'Severity: which rule graded each response'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    colors = {"urgent": PALETTE[3], "important": PALETTE[1], "general": PALETTE[7]}
    ax = new_axes(ax, figsize=(8, 0.45 * len(table) + 1.2))
    y = range(len(table))
    ax.barh(
        list(y), table["responses"], color=[colors.get(s, PALETTE[0]) for s in table["severity"]]
    )
    ax.set_yticks(
        list(y),
        [
            f"{r} ({display_label(s)})"
            for r, s in zip(table["rule"], table["severity"], strict=True)
        ],
    )
    ax.invert_yaxis()
    ax.set_xlabel("responses graded by the rule")
    ax.set_title("Severity: which rule graded each response")
    ax.grid(axis="y", visible=False)
    return ax


def within_limit(  # noqa: ANN201
    data,  # noqa: ANN001
    overall: float | None = None,
    ax=None,  # noqa: ANN001
    confidence: float = 0.95,
):
    """Share answered within the grade's limit per group (percent, CI whiskers), worst first;
    a dashed line marks the overall share; ``confidence`` is the level of the intervals.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"group": ["app", "email"], "estimate": [80.0, 60.0],
    ...                   "ci_low": [75.0, 50.0], "ci_high": [85.0, 70.0]})
    >>> within_limit(d, overall=75.0, confidence=0.9).get_xlabel()
    '% answered within the time limit of their grade (90% CI)'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    ax = new_axes(ax, figsize=(8, 0.45 * len(data) + 1.2))
    data = data.sort_values("estimate")
    colors = [
        PALETTE[3] if overall is not None and hi < overall else PALETTE[0] for hi in data["ci_high"]
    ]
    _hbar_ci(
        ax,
        [display_label(g) for g in data["group"]],
        data["estimate"],
        data["ci_low"],
        data["ci_high"],
        colors,
        f"% answered within the time limit of their grade ({confidence_label(confidence)} CI)",
        "Answered in time (red: clearly below the overall share)",
    )
    if overall is not None:
        ax.axvline(overall, color="black", ls="--", lw=1)
    ax.set_xlim(0, 100)
    return ax


def resolution_curves(survival, ax=None):  # noqa: ANN001, ANN201
    """Kaplan-Meier share of cases resolved against hours since submission, one line per grade.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"severity": ["urgent"] * 3, "hours": [0.0, 2.0, 5.0],
    ...                   "resolved_share": [0.0, 0.5, 1.0]})
    >>> [float(v) for v in resolution_curves(s).get_ylim()]
    [0.0, 100.0]
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    ax = new_axes(ax, figsize=(8, 4))
    colors = {"urgent": PALETTE[3], "important": PALETTE[1], "general": PALETTE[0]}
    for grade, part in survival.groupby("severity", sort=False):
        ax.step(
            part["hours"],
            100 * part["resolved_share"],
            where="post",
            label=display_label(grade),
            color=colors.get(grade),
        )
    ax.axhline(50, color="grey", ls=":", lw=1)
    ax.set_xlabel("hours since the feedback was submitted")
    ax.set_ylabel("% of cases resolved (Kaplan-Meier)")
    ax.set_title("Time to resolution (open cases counted until the end of the period)")
    ax.set_ylim(0, 100)
    if len(survival):
        ax.legend(frameon=False, title="Grade")
    return ax


def suspicious_reasons(table, ax=None):  # noqa: ANN001, ANN201
    """Responses flagged per reason.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"reason": ["gibberish", "template_only"], "responses": [2, 1]})
    >>> [t.get_text() for t in suspicious_reasons(t).get_yticklabels()]
    ['Gibberish', 'Template only']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    ax = new_axes(ax, figsize=(8, 0.45 * len(table) + 1.2))
    y = range(len(table))
    ax.barh(list(y), table["responses"], color=PALETTE[3])
    ax.set_yticks(list(y), [display_label(r) for r in table["reason"]])
    ax.invert_yaxis()
    ax.set_xlabel("responses flagged")
    ax.set_title("Suspicious feedback by reason")
    ax.grid(axis="y", visible=False)
    return ax


def category_trends(data, x: str, ylabel: str, columns: int = 2):  # noqa: ANN001, ANN201
    """Small multiples: one panel per category (``data["label"]``, in order of appearance) with
    its line and confidence band (``estimate``, ``ci_low``, ``ci_high``) over ``x``; shared axes.

    Examples
    --------
    >>> import pandas as pd
    >>> months = pd.period_range("2026-01", periods=2, freq="M")
    >>> d = pd.DataFrame({"month": list(months) * 2, "label": ["Price"] * 2 + ["App"] * 2,
    ...                   "estimate": [1.0, 2, 3, 4], "ci_low": [0.0, 1, 2, 3],
    ...                   "ci_high": [2.0, 3, 4, 5]})
    >>> fig = category_trends(d, "month", "NPS (points)")
    >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
    ['Price', 'App']
    >>> plt.close(fig)
    """
    set_theme()
    labels = list(dict.fromkeys(data["label"]))
    rows = max(1, -(-len(labels) // columns))
    fig, axes = plt.subplots(
        rows, columns, figsize=(9, 2.8 * rows + 0.4), sharex=True, sharey=True, squeeze=False
    )
    flat = axes.ravel()
    for i, label in enumerate(labels):
        part = data[data["label"] == label]
        kpi_trend_plot(part, x, "estimate", "ci_low", "ci_high", ax=flat[i], title=str(label))
        flat[i].set_ylabel(ylabel if i % columns == 0 else "")
    for ax in flat[len(labels):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig
