"""Every chart the app shows, from each tab's module, as Vega-Lite specs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from finance.appdata.contributions import contributions_chart
from finance.appdata.investments import npv_chart, score_chart
from finance.appdata.monitoring import performance_chart, savings_chart
from finance.appdata.services import services_chart
from finance.appdata.settlement import net_position_chart
from finance.appdata.year_end import refund_chart
from finance.core.run import Result

#: Every chart the app shows: name -> (builder, whether the result has data for it).
CHARTS: dict[str, tuple[Any, Any]] = {
    "contributions": (contributions_chart, lambda r: r.contributions.lines),
    "refund": (refund_chart, lambda r: r.year_end.parties),
    "services": (services_chart, lambda r: r.services),
    "net_positions": (net_position_chart, lambda r: r.settlement.net_positions),
    "npv": (npv_chart, lambda r: r.investments),
    "scores": (score_chart, lambda r: r.investments),
    "savings": (savings_chart, lambda r: r.monitoring.savings.rows),
    "performance": (performance_chart, lambda r: r.monitoring.performance.quarters),
}


def chart_specs(r: Result, names: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """Vega-Lite specs of every chart that has data (or of those ``names``: the app
    builds only the open tab's), built without altair's schema validation (the builders
    are fixed; validating them cost most of a page run)."""
    from altair.utils.schemapi import debug_mode

    wanted = set(CHARTS if names is None else names)
    out: dict[str, dict[str, Any]] = {}
    with debug_mode(False):
        for name, (make, has_data) in CHARTS.items():
            if name in wanted and has_data(r):
                out[name] = make(r).to_dict(validate=False)
    return out
