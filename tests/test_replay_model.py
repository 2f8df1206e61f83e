"""A state machine interleaves writes, deletes and replays of earlier requests, with and
without If-Match, and checks after every step that the API equals a simple model."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.conftest import register, wipe

DATES = ["2026-03-01", "2026-03-02", "2026-03-03"]
TREATMENT_IDS = [str(uuid.UUID(int=n, version=4)) for n in (1, 2)]
bodies = st.fixed_dictionaries({"pain": st.integers(0, 3)},
                               optional={"notes": st.sampled_from(["", "a", "b"])})


class DiaryModel(RuleBasedStateMachine):
    app = None  # set by the test

    @initialize()
    def start(self):
        wipe(self.app)
        self.client = self.app.test_client()
        register(self.client)
        # date -> (content, version); versions per date (and per session) continue after
        # deletes
        self.entries: dict[str, tuple[dict, int]] = {}
        self.last_version: dict[str, int] = {}
        self.history: dict[str, int] = {}
        self.treatments: dict[str, tuple[int, int]] = {}  # id -> (dose, version)
        # last_version and history also count sessions, by id.
        self.sent: list[tuple[str, str, dict | None, str | None]] = []

    def content(self, body):
        return {"pain": body["pain"], "notes": body.get("notes", "")}

    def apply(self, method, target, body, if_match):
        """Send one request and advance the model the way the API promises."""
        if target in TREATMENT_IDS:
            return self.apply_treatment(method, target, body)
        current = self.entries.get(target)
        stale = if_match is not None and (current is None or if_match != f'"{current[1]}"')
        headers = {"If-Match": if_match} if if_match else {}
        url = f"/api/v1/entries/{target}"
        if method == "PUT":
            response = self.client.put(url, json=body, headers=headers)
            if stale:
                assert response.status_code == 412
                return
            wanted = self.content(body)
            if current is None:
                assert response.status_code == 201
                version = self.last_version.get(target, 0) + 1
                self.entries[target] = (wanted, version)
                self.last_version[target] = version
            elif current[0] == wanted:
                assert response.status_code == 200
            else:
                assert response.status_code == 200
                self.history[target] = self.history.get(target, 0) + 1
                self.entries[target] = (wanted, current[1] + 1)
                self.last_version[target] = current[1] + 1
        else:
            response = self.client.delete(url, headers=headers)
            if current is not None and stale:
                assert response.status_code == 412
                return
            assert response.status_code == 204
            if current is not None:
                self.history[target] = self.history.get(target, 0) + 1
                del self.entries[target]

    def apply_treatment(self, method, tid, body):
        url = f"/api/v1/treatments/{tid}"
        if method == "PUT":
            dose = body["pain"] + 1
            response = self.client.put(url, json={"started_at": "2026-03-01T10:00:00Z",
                                                  "route": "oral", "dose_mg": dose})
            current = self.treatments.get(tid)
            assert response.status_code == (201 if current is None else 200)
            if current is None:  # numbering goes on after a delete, as for entries
                version = self.last_version.get(tid, 0) + 1
                self.treatments[tid] = (dose, version)
                self.last_version[tid] = version
            elif current[0] != dose:
                self.history[tid] = self.history.get(tid, 0) + 1
                self.treatments[tid] = (dose, current[1] + 1)
                self.last_version[tid] = current[1] + 1
        else:
            response = self.client.delete(url)
            assert response.status_code == (204 if tid in self.treatments else 404)
            if self.treatments.pop(tid, None) is not None:
                self.history[tid] = self.history.get(tid, 0) + 1

    @rule(day=st.sampled_from(DATES), body=bodies, use_etag=st.sampled_from([None, "now", "old"]))
    def put_entry(self, day, body, use_etag):
        if_match = None
        if use_etag == "now" and day in self.entries:
            if_match = f'"{self.entries[day][1]}"'
        elif use_etag == "old":
            if_match = '"1"'
        self.sent.append(("PUT", day, body, if_match))
        self.apply("PUT", day, body, if_match)

    @rule(day=st.sampled_from(DATES))
    def delete_entry(self, day):
        self.sent.append(("DELETE", day, None, None))
        self.apply("DELETE", day, None, None)

    @rule(tid=st.sampled_from(TREATMENT_IDS), body=bodies,
          method=st.sampled_from(["PUT", "PUT", "DELETE"]))
    def write_treatment(self, tid, body, method):
        self.sent.append((method, tid, body, None))
        self.apply(method, tid, body, None)

    @rule(data=st.data())
    def replay_an_earlier_request(self, data):
        if self.sent:
            method, target, body, if_match = data.draw(st.sampled_from(self.sent))
            self.apply(method, target, body, if_match)

    @invariant()
    def api_equals_model(self):
        if not hasattr(self, "client"):
            return
        items = self.client.get("/api/v1/entries?from=2026-03-01&to=2026-03-03").get_json()
        stored = {i["date"]: ({"pain": i["pain"], "notes": i["notes"]}, i["version"])
                  for i in items["items"]}
        assert stored == self.entries
        for day in DATES:
            history = self.client.get(f"/api/v1/entries/{day}/history").get_json()["items"]
            assert len(history) == self.history.get(day, 0)
        rows = self.client.get("/api/v1/treatments").get_json()["items"]
        assert {r["id"]: (int(r["dose_mg"]), r["version"]) for r in rows} == self.treatments
        for tid in TREATMENT_IDS:
            history = self.client.get(f"/api/v1/treatments/{tid}/history")
            if tid in self.last_version:  # the session exists or existed
                assert len(history.get_json()["items"]) == self.history.get(tid, 0)
            else:
                assert history.status_code == 404


@pytest.mark.slow
def test_api_behaves_like_the_model(app):
    DiaryModel.app = app
    runner = DiaryModel.TestCase
    # 20 sequences of 25 steps on each database. Hypothesis draws them at random on every
    # run (and replays any it once found failing), so the SQLite and the PostgreSQL pass try
    # 40 different sequences between them.
    runner.settings = settings(max_examples=20, stateful_step_count=25, deadline=None,
                               suppress_health_check=list(HealthCheck))
    runner().runTest()
