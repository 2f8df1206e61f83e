"""A clinic's share code: 12 characters a patient can read aloud and type on a phone.

The alphabet leaves out O, 0, I and 1, which are easily confused; 32 letters and digits
make 60 random bits, far beyond guessing at the login rate limit.
"""

from __future__ import annotations

import secrets

from api.domain import Invalid

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 12
MALFORMED = (f"A clinic code has {LENGTH} letters and digits, like ABCD-EFGH-JKMN "
             "(there is no O, 0, I or 1 in it).")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(typed: str) -> str:
    """The stored form of what a patient typed: upper case, without spaces and dashes;
    Invalid naming `code` when that is not 12 characters of the alphabet."""
    code = typed.upper().replace(" ", "").replace("-", "")
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        raise Invalid("code", MALFORMED)
    return code


def shown(code: str) -> str:
    """XXXX-XXXX-XXXX."""
    return "-".join(code[i:i + 4] for i in range(0, LENGTH, 4))
