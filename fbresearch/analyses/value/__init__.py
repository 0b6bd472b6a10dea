"""The value of satisfaction: retention and spend by NPS group, revenue at risk."""

from fbresearch.analyses.value.estimate import customer_value, value_frame
from fbresearch.analyses.value.results import GROUPS, ValueResult

__all__ = ["customer_value", "value_frame", "ValueResult", "GROUPS"]
