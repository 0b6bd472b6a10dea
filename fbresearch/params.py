# TEMPORARY SHIM (issue 13 integration removes it)
"""Moved to :mod:`fbresearch.report.params`."""

from fbresearch.report.params import *  # noqa: F403
from fbresearch.report.params import (  # noqa: F401
    DEFAULT_NOTEBOOKS_DIR,
    DEFAULT_PARAMS_FILE,
    DEFAULTS,
    NOTEBOOK_ORDER,
    PROTOCOL_PARAMETERS,
    REPO,
    Params,
    _read_yaml,
    check_period,
    load_params,
    notebook_defaults,
    notebook_parameters,
)
