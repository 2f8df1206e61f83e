"""Per-account limits that several domains share: how many writes one account may make.

One counter per account for every write of the diary (entries, sessions, check-ins,
medications, bladder answers; PUT, POST and DELETE alike), whichever device or address
they come from: generous enough for a phone replaying a month offline several times over,
far below a script storing thousands of records a minute. Past it: 429 problem+json with
Retry-After (api/errors.py). WRITE_RATE_LIMIT in api/config.py.
"""

from __future__ import annotations

from flask import current_app

from api.auth.guard import current_user
from api.errors import PROBLEM_JSON, ProblemSchema
from api.extensions import limiter


def _account() -> str:
    return f"account:{current_user().id}"


# Put it above the view's other decorators (and below login_required, which MethodViews
# apply around every method): the count is taken before the write transaction begins.
write_limit = limiter.shared_limit(lambda: current_app.config["WRITE_RATE_LIMIT"],
                                   scope="account-writes", key_func=_account)

# The 429 a limited write may answer, for its OpenAPI entry (@blp.alt_response(429, ...)).
WRITE_LIMITED_DOC = {
    "schema": ProblemSchema, "content_type": PROBLEM_JSON,
    "description": "Too many writes from this account (WRITE_RATE_LIMIT, all diary writes "
                   "together); nothing was saved: wait (Retry-After) and send it again."}
