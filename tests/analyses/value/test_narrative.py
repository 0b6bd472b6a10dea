"""The value caption names its controls once, in words."""

import pandas as pd

from fbresearch.analyses.value.narrative import value_caption
from fbresearch.analyses.value.results import ValueResult


def test_caption_names_the_plan_control_once():
    text = value_caption(ValueResult(table=pd.DataFrame(), controls=("plan",)))
    assert "plan (plan)" not in text
    assert "adjusted for tenure, the year's prior orders and spend, plan;" in text
    bare = value_caption(ValueResult(table=pd.DataFrame()))
    assert "adjusted for tenure, the year's prior orders and spend;" in bare
