"""Customer segmentation: RFM segments, behavioural clusters, satisfaction by segment, churn risk.

Five analyses, each returning a frozen result with ``.table``, ``.summary()``, ``.plot()`` and
``.findings()``:

- :func:`rfm_segments`: recency, frequency and monetary quintile scores and the usual named
  segments from the rule table :data:`RFM_RULES` (:mod:`.rfm`);
- :func:`cluster_segments`: k-means on standardized per-customer features (built by
  :func:`customer_features`), k chosen by silhouette, stability across seeds, readable names
  (:mod:`.clusters`);
- :func:`profile_segments` and :func:`profile_attributes`: NPS and CSAT by segment with CIs,
  each segment against the rest, Holm-corrected (:mod:`.profile`, :mod:`.attributes`);
- :func:`segment_migration`: how customers moved between RFM segments since the last period;
- :func:`churn_risk`: a logistic model of lapsing after a response, its odds ratios, its AUC on
  later (held-out) months and the number of valuable customers now at risk (:mod:`.churn`).

No summary or finding ever names a customer: they carry counts only.

Examples
--------
>>> from fbresearch.analyses.segments import RFM_RULES
>>> len(RFM_RULES)
11
"""

from fbresearch.analyses.segments.attributes import profile_attributes, segment_attributes
from fbresearch.analyses.segments.churn import churn_risk
from fbresearch.analyses.segments.clusters import FEATURE_WORDS, cluster_segments, customer_features
from fbresearch.analyses.segments.common import (
    MIN_RESPONSES,
    NEW_CUSTOMER,
    RFM_RULES,
    SEGMENT_ORDER,
)
from fbresearch.analyses.segments.profile import profile_segments
from fbresearch.analyses.segments.results import (
    ChurnResult,
    ClusterResult,
    MigrationResult,
    ProfileResult,
    RFMResult,
    SegmentResult,
)
from fbresearch.analyses.segments.rfm import rfm_scores, rfm_segments, segment_migration

__all__ = [
    "RFM_RULES",
    "MIN_RESPONSES",
    "SEGMENT_ORDER",
    "NEW_CUSTOMER",
    "FEATURE_WORDS",
    "SegmentResult",
    "RFMResult",
    "ClusterResult",
    "ProfileResult",
    "MigrationResult",
    "ChurnResult",
    "rfm_segments",
    "rfm_scores",
    "customer_features",
    "cluster_segments",
    "profile_segments",
    "profile_attributes",
    "segment_attributes",
    "segment_migration",
    "churn_risk",
]
