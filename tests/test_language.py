"""Tests of fbresearch.text.language: language detection by script share."""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.errors import FeedbackDataError
from fbresearch.text.language import detect_language


def test_detect_language_by_script_share():
    # hand-labelled examples: pure, mixed both ways, markup, emoji, digits, missing
    texts = [
        "送餐很快",
        "Fast delivery",
        "iPhone 屏幕太暗了",
        "Great 服务, fast delivery overall",
        "<b>味道不错</b>",
        "😀👍",
        "12345",
        None,
        "",
        "<p>Nice</p> https://例子.cn",
    ]
    expected = ["zh", "en", "zh", "en", "zh", "other", "other", "other", "other", "en"]
    assert detect_language(texts).tolist() == expected


def test_detect_language_keeps_series_index():
    s = pd.Series(["好", "good"], index=[10, 20])
    out = detect_language(s)
    assert out.index.tolist() == [10, 20] and out.tolist() == ["zh", "en"]


def test_single_string_is_a_clear_error():
    with pytest.raises(FeedbackDataError, match="wrap it in a list"):
        detect_language("送餐很快")
