"""Versions of a record and the HTTP preconditions on them: ETag out, If-Match in.

Plain values only: a view reads the header, this module says what it means, and a
service compares versions. A malformed If-Match is refused, never read as "no
precondition": a client that meant to protect a newer version must not overwrite it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from api.domain import Malformed

# RFC 9110 §13.1.1: "*" or a comma-separated list of entity tags, each [W/]"…".
_ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'
_IF_MATCH = re.compile(rf"\s*(?:\*|{_ENTITY_TAG}(?:\s*,\s*{_ENTITY_TAG})*)\s*")


def etag_for(version: int) -> str:
    return f'"{version}"'


def answer(record: Mapping[str, Any], *, created: bool = False
           ) -> tuple[Mapping[str, Any], int, dict[str, str]]:
    """A view's answer with a versioned record: 201 when the request created it, else 200,
    and its ETag for the next If-Match."""
    return record, 201 if created else 200, {"ETag": etag_for(record["version"])}


@dataclass(frozen=True)
class IfMatch:
    """A parsed If-Match: `*` (any stored version) or the versions it names."""

    any_version: bool
    versions: frozenset[str]

    def holds_for(self, version: int | None) -> bool:
        """Whether a write may go ahead when `version` is stored (None: nothing stored)."""
        if version is None:
            return False  # RFC 9110: nothing matches a resource that does not exist
        return self.any_version or str(version) in self.versions


def parse_if_match(header: str | None) -> IfMatch | None:
    """None when there is no If-Match (last write wins, the loser kept in history)."""
    if header is None:
        return None
    if not _IF_MATCH.fullmatch(header):
        raise Malformed('If-Match must be "*" or entity tags such as "3" (with quotes).',
                        field="If-Match")
    if header.strip() == "*":
        return IfMatch(any_version=True, versions=frozenset())
    # Weak comparison: W/"3" names version 3 like "3" does.
    tags = re.findall(r'"([^"]*)"', header)
    return IfMatch(any_version=False, versions=frozenset(tags))


def precondition_holds(if_match: IfMatch | None, version: int | None) -> bool:
    return if_match is None or if_match.holds_for(version)
