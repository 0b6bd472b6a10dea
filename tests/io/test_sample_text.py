"""The sample's verbatim generator (fbresearch.io.sample_text): check digits, personal data,
phrase banks and the fake-review batch. Truths: published check-digit examples and hand-made
phrase banks."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from fbresearch.io.sample_model import FAKE_DAY, _phrases
from fbresearch.io.sample_text import (
    _fake_reviews,
    _flat_bank,
    _id_check,
    _luhn_check,
    _pick,
    _pii_strings,
)


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        v = d * 2 if i % 2 else d
        total += v - 9 if v > 9 else v
    return total % 10 == 0


def test_check_digits_match_published_examples():
    assert _luhn_check("7992739871") == "3"  # the textbook Luhn example 79927398713
    assert _id_check("11010519491231002") == "X"  # GB 11643-1999 example 11010519491231002X


def test_pii_strings_have_the_planted_shapes():
    kinds = np.array(["email", "phone", "id_card", "card", "url"] * 20)
    out = _pii_strings(np.random.default_rng(3), kinds)
    for kind, value in zip(kinds, out, strict=True):
        if kind == "email":
            assert re.fullmatch(r"[a-z.]+\d+@[a-z0-9.]+", value)
        elif kind == "phone":
            assert re.fullmatch(r"1\d{10}", value)
        elif kind == "id_card":
            assert len(value) == 18 and value[-1] == _id_check(value[:17])
        elif kind == "card":
            assert len(value.replace(" ", "")) == 16 and luhn_ok(value)
        else:
            assert value.startswith("https://") and "?order_id=" in value


def test_flat_bank_and_pick_draw_only_from_the_cell():
    bank, offset, size = _flat_bank([["a", "b"], ["c"], ["d", "e", "f"]])
    assert offset.tolist() == [0, 2, 3] and size.tolist() == [2, 1, 3]
    cells = np.array([0, 1, 2] * 50)
    picked = _pick(np.random.default_rng(0), bank, offset, size, cells)
    allowed = {0: {"a", "b"}, 1: {"c"}, 2: {"d", "e", "f"}}
    assert all(p in allowed[c] for p, c in zip(picked, cells, strict=True))
    assert set(picked[cells == 2]) == {"d", "e", "f"}


def test_fake_reviews_share_one_day_and_one_template():
    texts, when = _fake_reviews(np.random.default_rng(1), _phrases(), 30)
    stamps = pd.DatetimeIndex(when)
    assert len(texts) == 30 and len(stamps) == 30 and stamps.is_monotonic_increasing
    assert (stamps.normalize() == FAKE_DAY).all()
    assert stamps.hour.min() >= 9 and stamps.hour.max() < 15
    head = _phrases()["fake"]["template"].split("{")[0]
    assert all(t.startswith(head) for t in texts)
