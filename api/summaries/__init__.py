"""The kept analysis (api/summaries/service.py) and the clinic panel's rows read from it
(api/summaries/panel.py): the one place both the patient's GET /trends and a clinic's
panel take a patient's session analysis from."""

from api.summaries.panel import panel_rows
from api.summaries.service import kept_analysis, mark_changed

__all__ = ["kept_analysis", "mark_changed", "panel_rows"]
