"""GET /insights and GET /insights/week: what goes with better days, and the patient's week."""
