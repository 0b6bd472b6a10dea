"""Before/after evaluation of an improvement: did satisfaction move, by how much, how sure are we.

Three designs, from strongest to weakest:

* :func:`diff_in_diff` (:mod:`.did`): the groups that got the change against groups that did not,
  before and after. Season and company-wide trends shared by both groups cancel out.
* :func:`interrupted_time_series` (:mod:`.its`): one group's series (e.g. monthly mean CSAT)
  before and after, with the pre-change trend (and season) projected forward as the
  counterfactual.
* :func:`pre_post` (:mod:`.prepost`): equal windows before and after. It cannot tell the change
  from season or trend, and says so.

:func:`evaluate_improvement` (:mod:`.design`) picks the strongest design the data allows and
explains the choice; :func:`minimum_detectable_effect` (:mod:`.power`) says how large an effect
the data could have detected, shown beside every null result. Results live in :mod:`.results`,
their wording in :mod:`.narrative`.
"""

from fbresearch.analyses.impact.common import MIN_CLUSTERS, MIN_ITS_POINTS
from fbresearch.analyses.impact.design import evaluate_improvement, evaluate_improvements
from fbresearch.analyses.impact.did import diff_in_diff
from fbresearch.analyses.impact.its import interrupted_time_series
from fbresearch.analyses.impact.power import minimum_detectable_effect
from fbresearch.analyses.impact.prepost import pre_post
from fbresearch.analyses.impact.results import ImpactResult, ImprovementFailure
from fbresearch.analyses.impact.series import monthly_series

__all__ = [
    "ImpactResult",
    "ImprovementFailure",
    "MIN_CLUSTERS",
    "MIN_ITS_POINTS",
    "pre_post",
    "diff_in_diff",
    "interrupted_time_series",
    "evaluate_improvement",
    "evaluate_improvements",
    "minimum_detectable_effect",
    "monthly_series",
]
