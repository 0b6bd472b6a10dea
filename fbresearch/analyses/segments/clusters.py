"""Per-customer behavioural features and k-means clusters chosen by silhouette.

Examples
--------
>>> sorted(FEATURE_WORDS["spend"])
['high spenders', 'low spenders']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from fbresearch.analyses.segments.common import _asof_timestamp, _clean_orders, _require
from fbresearch.analyses.segments.results import ClusterResult
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate
from fbresearch.schema import display_label

__all__ = ["FEATURE_WORDS", "NO_GROUPS", "customer_features", "cluster_segments"]

#: The one "cluster" of customers who show no clear groups (k = 1).
NO_GROUPS = "all customers (no clear groups)"


#: Words for a cluster whose mean of a feature is high / low (features not listed use the name).
FEATURE_WORDS: dict[str, tuple[str, str]] = {
    "recency_days": ("lapsed", "recent"),
    "orders": ("frequent", "infrequent"),
    "frequency": ("frequent", "infrequent"),
    "spend": ("high spenders", "low spenders"),
    "monetary": ("high spenders", "low spenders"),
    "avg_order_value": ("big baskets", "small baskets"),
    "tenure_days": ("long-standing", "newer"),
    "nps_mean": ("promoters", "detractors"),
    "csat_mean": ("high satisfaction", "low satisfaction"),
    "ces_mean": ("easy experience", "high effort"),
    "responses": ("vocal", "quiet"),
}


#: Features in words, for the page's notes ("days since the last order", not recency_days).
_FEATURE_NAMES = {
    "recency_days": "days since the last order",
    "tenure_days": "days since the first order",
    "orders": "number of orders",
    "avg_order_value": "average order value",
}

#: Counts and money: multiplicative scales, log-transformed by ``log="auto"``.
_LOG_FEATURES = {"orders", "frequency", "spend", "monetary", "avg_order_value", "responses"}
#: Days and score means: kept on their own scale by ``log="auto"``.
_LINEAR_FEATURES = {"recency_days", "tenure_days", "nps_mean", "csat_mean", "ces_mean"}


def customer_features(
    orders: pd.DataFrame,
    feedback: pd.DataFrame | None = None,
    asof: Any = None,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    submitted: str = "submitted_at",
    scores: Sequence[str] = ("nps", "csat"),
) -> pd.DataFrame:
    """One row per customer of behavioural and attitudinal features, for :func:`cluster_segments`.

    Behaviour (from orders up to ``asof``; returns netted as in :func:`rfm_segments`):
    ``recency_days``, ``orders`` (purchases), ``spend`` (net), ``avg_order_value``,
    ``tenure_days`` (days since the first purchase). Attitude (from feedback up to ``asof``):
    ``responses`` and ``<score>_mean`` for each of ``scores``. Customers with feedback but no
    purchase are kept with ``orders = 0``, ``spend = 0`` and missing recency and tenure
    (``has_orders`` is False), so :func:`cluster_segments` leaves them out and says so.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 30.0, 5.0],
    ...                        "order_date": pd.to_datetime(["2026-01-01", "2026-01-21", "2026-01-31"])})
    >>> fb = pd.DataFrame({"customer_id": ["a", "c"], "nps": [9, 3], "csat": [5, 2],
    ...                    "submitted_at": pd.to_datetime(["2026-01-22", "2026-01-10"])})
    >>> f = customer_features(orders, fb)
    >>> f.loc["a", ["recency_days", "orders", "spend", "tenure_days", "nps_mean"]].tolist()
    [10.0, 2.0, 40.0, 30.0, 9.0]
    >>> bool(f.loc["c", "has_orders"])
    False
    """
    data, _ = _clean_orders(orders, customer, date, amount)
    asof_ts = _asof_timestamp(asof, data["date"])
    data = data.loc[(data["date"] <= asof_ts) & (data["amount"] != 0)]
    purchases = data.loc[data["amount"] > 0]
    asof_day = asof_ts.normalize()
    g = purchases.groupby("customer")
    out = pd.DataFrame(
        {
            "recency_days": (asof_day - g["date"].max().dt.normalize()).dt.days,
            "orders": g.size(),
            "tenure_days": (asof_day - g["date"].min().dt.normalize()).dt.days,
        }
    )
    spend = data.groupby("customer")["amount"].sum().clip(lower=0)
    out = out.join(spend.rename("spend"), how="outer")
    if feedback is not None:
        _require(
            feedback,
            [customer, submitted],
            "feedback",
            f"pass feedback with {customer!r} and {submitted!r}.",
        )
        fb = feedback.loc[pd.to_datetime(feedback[submitted]) <= asof_ts]
        fb = fb.loc[fb[customer].notna()]
        agg = {"responses": fb.groupby(fb[customer].astype("string")).size()}
        for s in scores:
            if s in fb.columns:
                vals = pd.to_numeric(fb[s], errors="coerce").astype(float)
                agg[f"{s}_mean"] = vals.groupby(fb[customer].astype("string")).mean()
        out = out.join(pd.DataFrame(agg), how="outer")
        out["responses"] = out["responses"].fillna(0)
    out["orders"] = out["orders"].fillna(0)
    out["spend"] = out["spend"].fillna(0.0)
    out["has_orders"] = out["orders"] > 0
    out["avg_order_value"] = out["spend"] / out["orders"].where(out["orders"] > 0)
    out.index = out.index.astype("string").rename(customer)
    cols = ["recency_days", "orders", "spend", "avg_order_value", "tenure_days"]
    cols += [c for c in out.columns if c not in cols and c != "has_orders"] + ["has_orders"]
    return out[cols].astype({c: float for c in cols if c != "has_orders"})


def cluster_segments(
    frame: pd.DataFrame,
    features: Sequence[str],
    k: int | None = None,
    seed: int = 0,
    k_range: tuple[int, int] = (2, 8),
    log: Sequence[str] | str = "auto",
    n_seeds: int = 4,
    sample_size: int = 20_000,
    null_draws: int = 19,
    null_sample: int = 500,
    alpha: float = 0.05,
) -> ClusterResult:
    """k-means customer groups on standardized features, or "no clear groups".

    Steps: (1) rows with a missing feature are left out (counted); (2) counts and money are
    log-transformed (``log1p``; ``log="auto"`` picks ``orders``, ``spend`` and the other count and
    money columns of :func:`customer_features`, plus any other non-negative feature with skewness
    above 1, but never days or score means), so a few big spenders do not become a cluster of their
    own; (3) every feature is standardized
    (mean 0, SD 1) so each weighs the same; (4) for each k in ``k_range`` (inclusive) scikit-learn's
    ``KMeans`` is fitted to a random sample of at most ``sample_size`` customers and the mean
    silhouette computed on it; (5) "are there groups at all?": the best silhouette of a
    subsample of ``null_sample`` customers is compared with that of ``null_draws`` reference
    data sets of the same size drawn uniformly over the box of the data's principal components
    (the same spread, no groups; Tibshirani, Walther & Hastie 2001). Unless the data separate
    better than the references (Monte Carlo p at most ``alpha``; with 19 draws: better than all
    of them), the answer is k = 1, one group "all customers (no clear groups)", and no group is
    named; otherwise the best k is fitted to all customers; (6) stability: the
    fit is repeated with ``n_seeds - 1`` other seeds on the same sample and compared with the
    main fit by the adjusted Rand index (its bounds are the range over those reruns, not a
    confidence interval);
    (7) each cluster is named after the features where its mean is furthest from the overall mean
    (at least 0.5 SD), using :data:`FEATURE_WORDS`.

    Measured over 200 seeds of 300 customers (``tests/benchmarks/bench_cluster_null.py``):
    "no clear groups" for 99.5% of correlated Gaussian blobs and 94.5% of uniform boxes (the
    box is the reference itself, so about 1 - ``alpha``); three groups each 6 SD out on a
    feature of their own get k = 3 in all 200.

    Parameters
    ----------
    frame : DataFrame
        One row per customer (e.g. from :func:`customer_features`), index = customer id.
    features : sequence of str
        Columns to cluster on.
    k : int, optional
        Number of clusters; None chooses it: 1 when the data show no clear groups (step 5),
        else the best silhouette over ``k_range``.
    seed : int
        Random seed (k-means starts, the silhouette sample and the reference draws).
    log : "auto" or sequence of str
        Features to log-transform.
    null_draws, null_sample, alpha : int, int, float
        Reference draws, their size and the level of the "no groups" test (``null_draws=0``:
        no test, k >= 2 as before).

    Returns
    -------
    ClusterResult

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"orders": np.r_[rng.normal(2, .3, 50), rng.normal(10, .3, 50)],
    ...                       "nps_mean": np.r_[rng.normal(8, .3, 50), rng.normal(3, .3, 50)]})
    >>> res = cluster_segments(frame, ["orders", "nps_mean"], seed=0)
    >>> res.k, sorted(res.table["cluster"])
    (2, ['frequent, detractors', 'infrequent, promoters'])
    >>> blob = pd.DataFrame(rng.normal(size=(200, 2)), columns=["orders", "nps_mean"])
    >>> noise = cluster_segments(blob, ["orders", "nps_mean"], seed=0)
    >>> noise.k, noise.table["cluster"].tolist()
    (1, ['all customers (no clear groups)'])
    """
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    features = list(features)
    _require(
        frame,
        features,
        "frame",
        "build the customer table with fb.customer_features or name existing columns.",
    )
    data = frame[features].apply(pd.to_numeric, errors="coerce").astype(float)
    complete = data.notna().all(axis=1).to_numpy()
    notes = []
    if (~complete).any():
        worst = str(data.isna().sum().idxmax())
        name = _FEATURE_NAMES.get(worst, str(display_label(worst)).lower())
        notes.append(
            f"{int((~complete).sum()):,} customers with a missing feature (most often the {name}) "
            "were not clustered."
        )
    data = data.loc[complete]
    lo, hi = k_range
    if k is not None:
        lo = hi = int(k)
    if len(data) < max(hi + 1, 10):
        raise AnalysisError(
            f"clustering needs at least {max(hi + 1, 10)} customers with every feature; found {len(data)}."
            " Use fewer features or more customers."
        )
    constant = [c for c in features if data[c].std() == 0]
    if constant:
        raise AnalysisError(
            f"feature {constant[0]!r} is constant; it cannot separate groups. Drop it."
        )
    if log == "auto":
        logged = [
            c
            for c in features
            if data[c].min() >= 0
            and (c in _LOG_FEATURES or (c not in _LINEAR_FEATURES and data[c].skew() > 1))
        ]
    else:
        logged = list(log)
    x = data.copy()
    for c in logged:
        x[c] = np.log1p(x[c])
    z = StandardScaler().fit_transform(x.to_numpy())
    n = len(z)
    rng = np.random.default_rng(seed)
    sub = np.sort(rng.choice(n, sample_size, replace=False)) if n > sample_size else np.arange(n)

    silhouette = pd.DataFrame(columns=["k", "silhouette"])
    null = _NullTest()
    # One BLAS/OpenMP thread: on a few thousand rows by a few features the threads only wait
    # for each other (a third to three quarters of the time on 2 cores); scikit-learn's k-means
    # gives the same labels and centres for any thread count.
    with threadpool_limits(1):
        if k is None:
            silhouette = _silhouettes(z[sub], lo, hi, seed)
            k = int(silhouette.loc[silhouette["silhouette"].idxmax(), "k"])
            null = _null_test(z, lo, hi, seed, null_draws, null_sample, alpha)
            if null.p_value > alpha:
                k = 1  # no better separated than data without groups: no clear groups
        main = KMeans(k, n_init=4, random_state=seed).fit(z)
        labels = main.labels_
        stability = _stability(z[sub], labels[sub], k, seed, n_seeds) if k > 1 else None

    centres_z = pd.DataFrame(main.cluster_centers_, columns=features)
    names = _cluster_names(centres_z) if k > 1 else [NO_GROUPS]
    codes = pd.Categorical.from_codes(labels, categories=names)
    sizes = np.bincount(labels, minlength=k)
    means = data.groupby(labels).mean().reindex(range(k))
    table = pd.DataFrame({"cluster": names, "customers": sizes, "share": sizes / n})
    table = pd.concat([table, means.reset_index(drop=True), centres_z.add_suffix("_z")], axis=1)
    table = table.sort_values("customers", ascending=False, ignore_index=True)
    return ClusterResult(
        table=table,
        notes=tuple(notes),
        labels=pd.Series(codes, index=data.index.astype("string"), name="cluster"),
        k=k,
        silhouette=silhouette,
        stability=stability,
        features=tuple(features),
        logged=tuple(logged),
        groups_p_value=null.p_value,
        null_observed=null.observed,
        null_silhouette=null.reference,
        null_draws=null.draws,
    )


def _silhouettes(z: np.ndarray, lo: int, hi: int, seed: int) -> pd.DataFrame:
    """Mean silhouette of k-means with each k from ``lo`` to ``hi`` on the rows ``z``."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    rows = []
    for kk in range(lo, hi + 1):
        lab = KMeans(kk, n_init=4, random_state=seed).fit_predict(z)
        score = silhouette_score(z, lab, sample_size=min(len(z), 5000), random_state=seed)
        rows.append((kk, float(score)))
    return pd.DataFrame(rows, columns=["k", "silhouette"])


@dataclass(frozen=True)
class _NullTest:
    """Monte Carlo test of "no groups": the data's best silhouette against reference draws."""

    p_value: float = math.nan
    #: best silhouette of the data's subsample
    observed: float = math.nan
    #: best silhouette of each reference draw made (draws stop once "no groups" is settled)
    reference: tuple[float, ...] = ()
    draws: int = 0


def _null_test(
    z: np.ndarray, lo: int, hi: int, seed: int, draws: int, size: int, alpha: float
) -> _NullTest:
    """Is the best k-means silhouette of ``z`` higher than that of data without groups?

    A reference draw is uniform over the box of the data's principal components (the
    PCA-aligned reference of Tibshirani, Walther & Hastie 2001): the same spread and
    correlation, no groups. A Gaussian blob separates less well than such a box, so the test is
    conservative for it; uniform data are called grouped at about ``alpha``. The data are subsampled to ``size`` rows and each draw has as many,
    so the silhouettes compare like with like. p = (1 + draws as good) / (1 + draws); draws stop
    as soon as p must exceed ``alpha``.
    """
    if draws < 1:
        return _NullTest()
    rng = np.random.default_rng([seed, 15])
    x = z[np.sort(rng.choice(len(z), size, replace=False))] if len(z) > size else z
    x = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    scores = x @ vt.T
    low, high = scores.min(axis=0), scores.max(axis=0)
    reference: list[float] = []
    # many small fits: one thread each (OpenMP threads only contend on rows this few)
    with threadpool_limits(1):
        observed = float(_silhouettes(x, lo, hi, seed)["silhouette"].max())
        for _ in range(draws):
            ref = rng.uniform(low, high, size=scores.shape) @ vt
            reference.append(float(_silhouettes(ref, lo, hi, seed)["silhouette"].max()))
            as_good = sum(r >= observed for r in reference)
            if (1 + as_good) / (1 + draws) > alpha:
                break
    as_good = sum(r >= observed for r in reference)
    p = (1 + as_good) / (1 + len(reference))
    return _NullTest(p, observed, tuple(reference), len(reference))


def _stability(
    z: np.ndarray, labels: np.ndarray, k: int, seed: int, n_seeds: int
) -> Estimate | None:
    """Mean adjusted Rand index of refits with other seeds against ``labels``.

    Runs on the same sample as the silhouette (at most ``sample_size`` customers). The bounds
    are the lowest and highest of the ``n_seeds - 1`` reruns, not a confidence interval:
    ``confidence`` is NaN and the name says "range over N reruns".
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    aris = [
        adjusted_rand_score(labels, KMeans(k, n_init=4, random_state=seed + s).fit_predict(z))
        for s in range(1, max(n_seeds, 1))
    ]
    if not aris:
        return None
    return Estimate(
        float(np.mean(aris)),
        float(np.min(aris)),
        float(np.max(aris)),
        n=len(aris),
        confidence=math.nan,
        name=f"adjusted Rand index (range over {len(aris)} reruns)",
    )


def _cluster_names(centres_z: pd.DataFrame, threshold: float = 0.5, words: int = 2) -> list[str]:
    """Name each cluster by its most distinctive features (|z| >= threshold), unique names."""
    names: list[str] = []
    for _, row in centres_z.iterrows():
        top = row.abs().sort_values(ascending=False)
        parts = []
        for feat in top.index[:words]:
            if abs(row[feat]) < threshold:
                break
            high, low = FEATURE_WORDS.get(feat, (f"high {feat}", f"low {feat}"))
            parts.append(high if row[feat] > 0 else low)
        name = ", ".join(parts) if parts else "average"
        base, i = name, 2
        while name in names:
            name, i = f"{base} ({i})", i + 1
        names.append(name)
    return names
