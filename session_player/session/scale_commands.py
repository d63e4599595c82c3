"""Commands for the clinical scales at a check and for a monitoring form's entered fields.

- ``record_scale``: a MOAA/S score, a 0-10 dissociation rating or a full CADSS, for the
  check it belongs to (journaled as ``scale_recorded``; flagged by the playlist's
  thresholds, advisory and never blocking). One tap on the console is one command.
- ``record_form_field``: one answer of a monitoring form (the Spravato REMS form's dose,
  lot number, concomitant medicines…), journaled as ``form_field_recorded``. Entering it
  never waits for anything and nothing waits for it: the dose is marked on its own.
  The latest answer of a field counts; earlier ones stay in the journal.

Both are allowed from the start of the session until after its end, like the vitals.
"""

from __future__ import annotations

import re

from session_player.session.commands import CommandResult, VitalsResult
from session_player.session.core import TimelineCore
from session_player.session.scales import SCALE_NAMES, parts_of, scale_flag, scale_problem
from session_player.session.snapshot import build_state
from session_player.session.vitals import VitalFlag, find_spec

FIELD_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
FORM_ID = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
MAX_FIELD_CHARS = 500


class ScaleCommands(TimelineCore):
    def record_scale(
        self,
        scale: str,
        score: int | None = None,
        *,
        items: list[int] | None = None,
        check_label: str | None = None,
    ) -> VitalsResult:
        """Record one scale; the CADSS is given as its 23 ``items`` (the total is computed).

        Without ``check_label`` it counts for the earliest due check asking for this scale.
        """
        with self._lock:
            self._begin("record_scale", live_only=False)
            problem = scale_problem(scale, score, items)
            if problem is not None:
                raise self._refuse("record_scale", problem)
            check = self._resolve_check("record_scale", check_label, part=scale)
            payload: dict = {"check": check, "scale": scale}
            if scale == "cadss":
                assert items is not None  # scale_problem checked it
                payload["items"] = [int(value) for value in items]
                score = sum(payload["items"])
            assert score is not None
            payload["score"] = int(score)
            flag = scale_flag(scale, int(score), self.playlist.clinical.thresholds)
            payload["flags"] = [flag] if flag else []
            event = self._record_event("scale_recorded", payload)
            self._notify()
            message = f"{SCALE_NAMES[scale]} {score} recorded" + (f" ({check})" if check else "")
            if flag:
                message += ": " + flag
            flags = (VitalFlag(scale, float(score), 0.0, flag),) if flag else ()
            return VitalsResult(message, event["seq"], check, flags)

    def record_form_field(self, form: str, field: str, value: object) -> CommandResult:
        """One answer of a monitoring form: text, a number, yes/no (True/False), or None
        to clear an answer given by mistake."""
        with self._lock:
            self._begin("record_form_field", live_only=False)
            if not FORM_ID.match(form) or not FIELD_ID.match(field):
                raise self._refuse("record_form_field", f"Unknown form field '{form}/{field}'.")
            if isinstance(value, str):
                value = value.strip()
                if len(value) > MAX_FIELD_CHARS:
                    raise self._refuse(
                        "record_form_field",
                        f"An answer can have at most {MAX_FIELD_CHARS} characters.",
                    )
            elif value is not None and not isinstance(value, (bool, int, float)):
                raise self._refuse("record_form_field", f"Cannot record {value!r} in a form.")
            event = self._record_event(
                "form_field_recorded", {"form": form, "field": field, "value": value}
            )
            return self._done("record_form_field", "", event)

    def form_answers(self, form: str) -> dict[str, object]:
        """The latest answer of each field of ``form`` (a cleared answer is left out)."""
        with self._lock:
            return {
                field: event.get("value")
                for (name, field), event in self._record.form_fields.items()
                if name == form and event.get("value") not in (None, "")
            }

    # --- helpers ---------------------------------------------------------------------------

    def _unknown_check(self, label: str) -> str:
        known = ", ".join(spec.key for spec in self._record.check_specs) or "none"
        return f"There is no vital-sign check '{label}' in this playlist (checks: {known})."

    def _resolve_check(self, command: str, label: str | None, part: str = "vitals") -> str | None:
        if label is not None:
            spec = find_spec(self._record.check_specs, label)
            if spec is None:
                raise self._refuse(command, self._unknown_check(label))
            return spec.key
        # The earliest due check that still asks for this part (vital signs, or a scale).
        for due in build_state(self._record, self._now_s()).due_vitals:
            if part in parts_of(due.measures):
                return due.key
        return None
