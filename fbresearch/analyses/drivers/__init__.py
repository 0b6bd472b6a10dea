"""Key-driver analysis: what moves NPS and CSAT, how sure we are, and what to fix first.

Four analyses share one data preparation (:mod:`.prepare`: column checks, listwise deletion,
counts of what was dropped):

- :func:`key_drivers` (:mod:`.regression`): a regression of the outcome on the attribute ratings
  (OLS with HC3 standard errors, or an ordinal or logistic model), raw and standardized
  coefficients with CIs, variance inflation factors and a collinearity warning;
- :func:`relative_importance` (:mod:`.importance`): each driver's share of R squared, by the
  exact LMG (Shapley) decomposition over all subsets of drivers or by Johnson's relative
  weights, with bootstrap CIs;
- :func:`importance_performance` (:mod:`.matrix`): importance against performance (mean rating
  or top-box share), quadrants and a ranked priority table with plain sentences;
- :func:`driver_trend` (:mod:`.trend`): each driver's coefficient in this period against the
  previous ones: a joint (Chow) test of all changes, then each change FDR-adjusted.

Whether a driver matters is its coefficient's test with the false discovery rate controlled over
the drivers (:mod:`.links`); shares of R² are descriptive, and a negative coefficient is shown as
a negative link everywhere (never "keep up").

The results live in :mod:`.results`; their words (summaries, findings, captions) in
:mod:`.narrative`.
"""

from fbresearch.analyses.drivers.importance import MAX_LMG_DRIVERS, relative_importance
from fbresearch.analyses.drivers.links import driver_links
from fbresearch.analyses.drivers.matrix import (
    NEGATIVE_LINK,
    NO_EVIDENCE,
    QUADRANTS,
    importance_performance,
)
from fbresearch.analyses.drivers.narrative import VIF_MODERATE, VIF_SEVERE
from fbresearch.analyses.drivers.prepare import driver_label, resolve_drivers
from fbresearch.analyses.drivers.regression import key_drivers
from fbresearch.analyses.drivers.results import (
    DriverResult,
    DriverTrendResult,
    ImportancePerformanceResult,
)
from fbresearch.analyses.drivers.trend import driver_trend

__all__ = [
    "key_drivers",
    "relative_importance",
    "importance_performance",
    "driver_trend",
    "driver_label",
    "resolve_drivers",
    "DriverResult",
    "ImportancePerformanceResult",
    "DriverTrendResult",
    "QUADRANTS",
    "NEGATIVE_LINK",
    "NO_EVIDENCE",
    "driver_links",
    "VIF_MODERATE",
    "VIF_SEVERE",
    "MAX_LMG_DRIVERS",
]
