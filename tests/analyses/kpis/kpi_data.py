"""Hand-made KPI data shared by the tests of fbresearch.analyses.kpis."""

from __future__ import annotations

import pandas as pd

Z95 = 1.959963984540054  # standard normal 97.5% quantile


# --- hand-made data ------------------------------------------------------------------------

# 20 answers: 8 promoters (five 10s, three 9s), 5 passives (three 8s, two 7s), 7 detractors.
SEPT_NPS = [10] * 5 + [9] * 3 + [8] * 3 + [7] * 2 + [6, 6, 5, 3, 2, 1, 0]
# 25 answers: 15 promoters, 6 passives, 4 detractors.
OCT_NPS = [10] * 10 + [9] * 5 + [8] * 4 + [7] * 2 + [6, 4, 2, 0]


def _two_months() -> pd.DataFrame:
    """September: SEPT_NPS; October: OCT_NPS; CSAT and CES alongside; channel a/b alternating."""
    n1, n2 = len(SEPT_NPS), len(OCT_NPS)
    return pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(["2026-09-10"] * n1 + ["2026-10-10"] * n2),
            "channel": (["a", "b"] * 23)[: n1 + n2],
            "nps": pd.array(SEPT_NPS + OCT_NPS, dtype="Int64"),
            # September: 10 of 20 satisfied (4-5); October: 20 of 25
            "csat": pd.array(
                [5] * 6 + [4] * 4 + [3] * 5 + [2] * 5 + [5] * 12 + [4] * 8 + [2] * 5, dtype="Int64"
            ),
            "ces": pd.array([4, 5] * 10 + [6, 7, 5, 6, 7] * 5, dtype="Int64"),
        }
    )


# --- single-sample estimators against hand-worked examples --------------------------------
