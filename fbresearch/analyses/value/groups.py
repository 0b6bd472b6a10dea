"""The NPS answer groups of the value page, in the order every table shows them.

Examples
--------
>>> GROUPS
('detractor', 'passive', 'promoter')
"""

__all__ = ["GROUPS"]

GROUPS = ("detractor", "passive", "promoter")
