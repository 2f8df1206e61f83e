"""Whether a new password is too easy to guess, judged by zxcvbn (Dropbox's estimator).

zxcvbn estimates how many guesses an attacker needs, knowing common passwords, names,
English words, keyboard patterns, repeats, sequences and dates, and scores it 0-4. A new
password needs MIN_SCORE: at least 10^8 estimated guesses. Behind argon2id (~25 ms a guess
on one core) that is about a month of one core's time offline; online, the per-address
limits and the per-account delay stop guessing long before. The account's own words
(its email address and display name) and the app's name count as the first guesses.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from zxcvbn import zxcvbn

# zxcvbn's scores: 0 under 10^3 guesses, 1 under 10^6, 2 under 10^8, 3 under 10^10, 4 more.
MIN_SCORE = 3
# zxcvbn refuses longer input (its matching grows fast with length); a longer password is
# judged by its first 72 characters, which a longer password only adds to.
CHECKED_LENGTH = 72
APP_WORDS = ("relieflog",)
TOO_EASY = "This password is too easy to guess."
OWN_WORDS = "It contains your email address or name."
APP_NAME = "It contains the name of this app."
HINT = "A few unrelated words make a password that is hard to guess and easy to remember."

# zxcvbn keeps the words of the call in progress in a module-level dictionary, so two
# threads checking at once would each see the other's email address: one at a time.
_zxcvbn_lock = threading.Lock()


def account_words(email: str = "", display_name: str = "") -> list[str]:
    """What an attacker who knows the account tries first: the email address and display
    name, whole and in pieces ("sam.rivera@example.org" also gives "sam" and "rivera")."""
    words = [value.strip().lower() for value in (email, display_name) if value.strip()]
    for value in list(words):
        words += [part for part in re.split(r"[^\w]+", value) if len(part) >= 3]
    return list(dict.fromkeys(words))


def weakness(password: str, *, user_inputs: Iterable[str] = ()) -> str | None:
    """None when the password is hard enough to guess; else what is wrong with it and how
    to do better, in plain words from zxcvbn's feedback."""
    with _zxcvbn_lock:
        result = zxcvbn(password[:CHECKED_LENGTH], user_inputs=[*APP_WORDS, *user_inputs])
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result["feedback"]
    warning = feedback["warning"]
    own = [match["matched_word"] for match in result["sequence"]
           if match.get("dictionary_name") == "user_inputs"]
    if own and not warning:
        warning = OWN_WORDS if set(own) - set(APP_WORDS) else APP_NAME
    suggestions = feedback["suggestions"] or [HINT]
    return " ".join(part for part in (TOO_EASY, warning, *suggestions) if part)
