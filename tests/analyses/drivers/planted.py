"""Generated data with planted driver effects, shared by the driver tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

PLANTED = {
    "rating_delivery": 1.2,
    "rating_quality": 0.8,
    "rating_price": 0.5,
    "rating_service": 0.25,
}


def planted_frame(n: int = 3000, seed: int = 0, missing: int = 0) -> pd.DataFrame:
    """1-5 ratings (independent) and an outcome y = 2 + sum(b_j x_j) + N(0, 1.5^2)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({c: pd.array(rng.integers(1, 6, n), dtype="Int64") for c in PLANTED})
    x = frame.to_numpy(dtype=float)
    frame["nps"] = 2 + x @ np.array(list(PLANTED.values())) + rng.normal(0, 1.5, n)
    frame["plan"] = rng.choice(["basic", "plus", "premium"], n)
    if missing:
        rows = rng.choice(n, missing, replace=False)
        frame.loc[rows, "rating_price"] = pd.NA
    return frame


def lstsq_r2(x: np.ndarray, y: np.ndarray) -> float:
    """R squared of an OLS fit with intercept on raw rows (numpy lstsq): the independent path."""
    design = np.column_stack([np.ones(len(y)), x])
    beta = np.linalg.lstsq(design, y, rcond=None)[0]
    resid = y - design @ beta
    return 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))


def ip_frame(n: int = 3000, seed: int = 16) -> pd.DataFrame:
    """Planted quadrants: a important and poorly rated, b important and well rated,
    c unimportant and poorly rated, d unimportant and well rated."""
    rng = np.random.default_rng(seed)
    low = rng.choice([1, 2, 3, 4, 5], size=(n, 2), p=[0.3, 0.3, 0.2, 0.1, 0.1])
    high = rng.choice([1, 2, 3, 4, 5], size=(n, 2), p=[0.05, 0.05, 0.2, 0.3, 0.4])
    frame = pd.DataFrame(
        {
            "rating_a": low[:, 0],
            "rating_b": high[:, 0],
            "rating_c": low[:, 1],
            "rating_d": high[:, 1],
        }
    )
    frame["nps"] = (
        1.5 * frame["rating_a"]
        + 1.5 * frame["rating_b"]
        + 0.1 * frame["rating_c"]
        + (0.1 * frame["rating_d"] + rng.normal(0, 1, n))
    )
    return frame


#: A real-like survey: the planted coefficient of each rating on the 0-10 answer. Wait is coded
#: the way some surveys code it (5 = a long wait), so its link is negative; App has no effect.
SURVEY = {
    "rating_delivery": 0.5,
    "rating_quality": 0.4,
    "rating_price": 0.3,
    "rating_wait": -0.35,
    "rating_app": 0.0,
}
#: How each rating loads on the customer's general mood (the halo that correlates the ratings).
HALO = {
    "rating_delivery": 0.6,
    "rating_quality": 0.6,
    "rating_price": 0.4,
    "rating_wait": -0.5,
    "rating_app": 0.7,
}


def survey_frame(
    n: int = 1500, seed: int = 0, weights: dict[str, float] | None = None
) -> pd.DataFrame:
    """A survey as customers answer it: 1-5 ratings correlated by a halo (one customer's mood
    lifts all of them; Wait loads negatively), skewed towards the top, and a 0-10 answer that
    is the planted linear score plus noise, rounded and cut at 0 and 10 (heteroscedastic,
    discrete). The mood reaches the answer only through the ratings, so the planted
    coefficients are the regression's truth (App's is 0, although App correlates with the
    answer through the halo: its share of R² is positive)."""
    weights = SURVEY if weights is None else weights
    rng = np.random.default_rng(seed)
    mood = rng.normal(size=n)
    loads = np.array([HALO[c] for c in weights])
    latent = mood[:, None] * loads + rng.normal(size=(n, len(weights)))
    ratings = np.clip(np.rint(3.4 + 1.0 * latent), 1, 5)
    frame = pd.DataFrame(ratings.astype(int), columns=list(weights))
    score = 6.5 + (ratings - 3) @ np.array(list(weights.values())) + rng.normal(0, 1.6, n)
    frame["nps"] = np.clip(np.rint(score), 0, 10).astype(int)
    return frame


def survey_over_months(n: int, seed: int, current: dict[str, float] | None = None) -> pd.DataFrame:
    """:func:`survey_frame` answered over July to October 2026 (dates uniform, so October
    holds about a quarter of the responses: a lopsided split). With ``current``, October's
    answers follow those coefficients instead of :data:`SURVEY`; without, dates are random
    and nothing changes."""
    rng = np.random.default_rng(seed + 10_000)
    days = rng.integers(0, 123, n)
    frame = survey_frame(n, seed=seed)
    if current is not None:
        late = days >= 92
        frame.loc[late, "nps"] = survey_frame(n, seed=seed, weights=current)["nps"][late]
    frame["submitted_at"] = pd.Timestamp("2026-07-01") + pd.to_timedelta(days, unit="D")
    return frame
