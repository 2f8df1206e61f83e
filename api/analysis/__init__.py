"""The analysis: plain functions over plain data, no Flask and no database
(api/analysis/sessions.py: the daily scores and treatment series; questionnaires.py: the
check-ins' scores across those series). Everything that shows an analysed number reads it
from here: a patient's trends (api/trends), their kept analysis and the clinic panel
(api/summaries), a share link's report (api/sharing)."""
