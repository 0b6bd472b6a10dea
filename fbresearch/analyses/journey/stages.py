"""The order of the customer journey's stages (touchpoints).

The order comes from params (``notebooks: journey: stages: [...]``) when given; otherwise the
stages the data has are put in a known journey order (:data:`KNOWN_ORDER`: awareness before
purchase before delivery before support, ...), and stages the list does not know follow in the
order they first appear in the data.

Examples
--------
>>> import pandas as pd
>>> stage_order(pd.Series(["support", "purchase", "returns", "awareness", "purchase"]))
['awareness', 'purchase', 'support', 'returns']
>>> stage_order(pd.Series(["b", "a", "c"]), stages=["c", "a"])
['c', 'a', 'b']
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from fbresearch.errors import AnalysisError

__all__ = ["KNOWN_ORDER", "stage_order", "stage_key"]

#: A usual order of journey stages (lower case, ``_`` for spaces, as the loader writes them).
KNOWN_ORDER: tuple[str, ...] = (
    "awareness",
    "discovery",
    "consideration",
    "research",
    "browsing",
    "search",
    "evaluation",
    "signup",
    "registration",
    "onboarding",
    "cart",
    "checkout",
    "purchase",
    "order",
    "ordering",
    "payment",
    "fulfilment",
    "fulfillment",
    "shipping",
    "delivery",
    "installation",
    "usage",
    "use",
    "service",
    "support",
    "customer_service",
    "returns",
    "refund",
    "billing",
    "renewal",
    "retention",
    "loyalty",
    "advocacy",
)


def stage_key(value: object) -> str:
    """A stage name as the loader writes category values: stripped, lower case, ``_`` for spaces.

    Examples
    --------
    >>> stage_key(" Customer Service ")
    'customer_service'
    """
    return "_".join(str(value).strip().lower().split())


def stage_order(values: pd.Series, stages: Sequence[str] | None = None) -> list[str]:
    """The stages of ``values`` in journey order.

    Parameters
    ----------
    values : Series
        The touchpoint of each response (missing values are ignored).
    stages : sequence of str, optional
        The order from params. Stages listed but absent from the data are left out; stages in
        the data but not listed follow, in the order they first appear.

    Returns
    -------
    list of str
    """
    if stages is not None and (
        isinstance(stages, str) or not all(isinstance(s, str) for s in stages)
    ):
        raise AnalysisError(
            f"stages must be a list of stage names, e.g. [awareness, purchase, delivery], not "
            f"{stages!r}."
        )
    present = [str(v) for v in pd.unique(values.dropna().astype(str))]
    by_key = {stage_key(v): v for v in present}
    if stages is not None:
        listed = [by_key[stage_key(s)] for s in stages if stage_key(s) in by_key]
        return list(dict.fromkeys(listed + present))
    rank = {name: i for i, name in enumerate(KNOWN_ORDER)}
    known = sorted((v for v in present if stage_key(v) in rank), key=lambda v: rank[stage_key(v)])
    return known + [v for v in present if stage_key(v) not in rank]
