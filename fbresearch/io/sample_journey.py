"""The built-in sample's journey stages (``touchpoint``), with a planted weak stage.

A separate random stream (``numpy.random.default_rng([seed, 18])``) gives every response the
touchpoint of the customer journey it was collected at: awareness, purchase, delivery or
support. No score is changed and no other draw of the sample moves: the weak stage is planted by
*where* feedback is collected, as happens in practice (customers whose delivery went wrong answer
the delivery survey). A response about a bad delivery (``rating_delivery`` of 1 or 2, or a
verbatim on the delivery topic) is routed to the delivery stage with probability
:data:`ROUTED_SHARE`; every other response draws its stage from :data:`STAGE_SHARES`. Delivery
is the strongest driver of satisfaction (weight 0.6 NPS answer points per rating point), so the
delivery stage has clearly lower satisfaction than the purchase stage before it: the largest drop
along the journey, which the journey page names (``truth["journey"]``).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"rating_delivery": pd.array([1, 5, None], dtype="Int64")})
>>> stages = journey_stages(frame, pd.Series(["delivery", "app", None]), seed=0)
>>> stages.dtype == "str", bool(stages.isin(STAGES).all())
(True, True)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "STAGES",
    "STAGE_SHARES",
    "ROUTED_SHARE",
    "WEAK_STAGE",
    "journey_stages",
    "journey_truth",
]

#: the journey's stages, in order
STAGES = ("awareness", "purchase", "delivery", "support")
#: where a response that is not about a bad delivery is collected
STAGE_SHARES = (0.2, 0.35, 0.3, 0.15)
#: chance that a response about a bad delivery is collected at the delivery stage
ROUTED_SHARE = 0.7
#: the planted weak stage
WEAK_STAGE = "delivery"


def _bad_delivery(feedback: pd.DataFrame, topic: pd.Series) -> np.ndarray:
    rating = feedback["rating_delivery"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    about = (topic.to_numpy(dtype=object) == "delivery") & topic.notna().to_numpy()
    with np.errstate(invalid="ignore"):
        return (rating <= 2) | about


def journey_stages(feedback: pd.DataFrame, topic: pd.Series, seed: int = 0) -> pd.Series:
    """The touchpoint of each response (text, one of :data:`STAGES`), drawn on its own stream.

    Parameters
    ----------
    feedback : DataFrame
        The sample's feedback (``rating_delivery``).
    topic : Series
        The planted topic of each row (``truth["topic"]``), aligned with ``feedback``.
    seed : int
        The sample's seed; the stream is ``default_rng([seed, 18])``.
    """
    rng = np.random.default_rng([seed, 18])
    n = len(feedback)
    drawn = rng.choice(len(STAGES), n, p=STAGE_SHARES)
    routed = rng.random(n) < ROUTED_SHARE
    stage = np.where(_bad_delivery(feedback, topic) & routed, STAGES.index(WEAK_STAGE), drawn)
    values = np.asarray(STAGES, dtype=object)[stage]
    return pd.Series(values, index=feedback.index, name="touchpoint", dtype="str")


def journey_truth(feedback: pd.DataFrame, topic: pd.Series) -> dict[str, Any]:
    """``truth["journey"]``: the column, the stage order, the weak stage and how it was planted."""
    return {
        "column": "touchpoint",
        "stages": list(STAGES),
        "weak_stage": WEAK_STAGE,
        "previous_stage": STAGES[STAGES.index(WEAK_STAGE) - 1],
        "routed_share": ROUTED_SHARE,
        "stage_shares": dict(zip(STAGES, STAGE_SHARES, strict=True)),
        "bad_delivery": pd.Series(
            _bad_delivery(feedback, topic), index=feedback.index, name="bad_delivery"
        ),
        "rule": "responses about a bad delivery (rating_delivery 1-2 or a delivery verbatim) are "
        f"collected at the delivery stage with probability {ROUTED_SHARE:g}; scores unchanged",
    }
