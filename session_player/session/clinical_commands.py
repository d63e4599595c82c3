"""The clinical-record commands of ``SessionTimeline``: vitals, side effects, notes, alerts.

They are allowed after the end of the session too (the discharge check comes after the
music), and never change the sound.
"""

from __future__ import annotations

from session_player.session.commands import SIDE_EFFECT_KINDS, CommandResult, VitalsResult
from session_player.session.scale_commands import ScaleCommands
from session_player.session.vitals import find_spec, flags_for, implausible

MAX_NOTE_CHARS = 10_000


class ClinicalCommands(ScaleCommands):
    """Commands that add to the clinical record (allowed from the start, and after the end)."""

    def record_vitals(
        self,
        systolic: float | None = None,
        diastolic: float | None = None,
        heart_rate: float | None = None,
        spo2: float | None = None,
        check_label: str | None = None,
        respiratory_rate: float | None = None,
    ) -> VitalsResult:
        """Record a reading; flags readings past the thresholds (advisory, never blocking).

        Without ``check_label`` the reading counts for the earliest due check that asks for
        vital signs, if any.
        """
        with self._lock:
            self._begin("record_vitals", live_only=False)
            readings = {
                "systolic": systolic,
                "diastolic": diastolic,
                "heart_rate": heart_rate,
                "spo2": spo2,
            }
            if respiratory_rate is not None:  # only then: older journals' events stay alike
                readings["respiratory_rate"] = respiratory_rate
            if all(value is None for value in readings.values()):
                raise self._refuse("record_vitals", "Enter at least one reading.")
            problem = implausible(readings)
            if problem is not None:
                raise self._refuse("record_vitals", problem)
            check = self._resolve_check("record_vitals", check_label)
            flags = flags_for(readings, self.playlist.clinical.thresholds)
            payload = {
                "check": check,
                **readings,
                "flags": [flag.message for flag in flags],
            }
            event = self._record_event("vitals_recorded", payload)
            self._notify()
            message = "Vitals recorded" + (f" ({check})" if check else "")
            if flags:
                message += ": " + "; ".join(flag.message for flag in flags)
            return VitalsResult(message, event["seq"], check, flags)

    def skip_vitals(self, check: str, reason: str) -> CommandResult:
        with self._lock:
            self._begin("skip_vitals", live_only=False)
            spec = find_spec(self._record.check_specs, check)
            if spec is None:
                raise self._refuse("skip_vitals", self._unknown_check(check))
            if not reason.strip():
                raise self._refuse("skip_vitals", "Give a reason for skipping a check.")
            if spec.key in self._record.vitals_done:
                raise self._refuse(
                    "skip_vitals", f"The {spec.label} check was already recorded or skipped."
                )
            event = self._record_event(
                "vitals_skipped", {"check": spec.key, "reason": reason.strip()}
            )
            return self._done("skip_vitals", f"{spec.label} check skipped", event)

    def log_side_effect(self, kind: str, note: str = "") -> CommandResult:
        with self._lock:
            self._begin("log_side_effect", live_only=False)
            wanted = kind.strip().lower()
            if wanted not in SIDE_EFFECT_KINDS:
                raise self._refuse(
                    "log_side_effect",
                    f"Unknown side effect '{kind}'; choose one of: {', '.join(SIDE_EFFECT_KINDS)}.",
                )
            if wanted == "other" and not note.strip():
                raise self._refuse(
                    "log_side_effect", "Describe the side effect in the note when choosing other."
                )
            event = self._record_event("side_effect", {"kind": wanted, "note": note.strip()})
            return self._done("log_side_effect", f"Side effect noted: {wanted}", event)

    def withdraw_side_effect(self, side_effect_seq: int) -> CommandResult:
        """Undo a side effect logged by mistake (a tap on a button that had just moved).

        A correction, never a deletion: the journal keeps the side effect and gains a
        ``side_effect_withdrawn`` event naming it, and the record counts it no more.
        """
        with self._lock:
            self._begin("withdraw_side_effect", live_only=False)
            logged = next(
                (e for e in self._record.side_effects if e.get("seq") == side_effect_seq), None
            )
            if logged is None:
                raise self._refuse(
                    "withdraw_side_effect", f"There is no side effect {side_effect_seq} to undo."
                )
            if side_effect_seq in self._record.withdrawn_side_effects:
                raise self._refuse(
                    "withdraw_side_effect", f"The {logged['kind']} entry was already undone."
                )
            event = self._record_event(
                "side_effect_withdrawn",
                {"side_effect_seq": side_effect_seq, "kind": logged["kind"]},
            )
            return self._done(
                "withdraw_side_effect", f"Side effect undone: {logged['kind']}", event
            )

    def add_note(self, text: str) -> CommandResult:
        with self._lock:
            self._begin("add_note", live_only=False)
            text = text.strip()
            if not text:
                raise self._refuse("add_note", "A note cannot be empty.")
            if len(text) > MAX_NOTE_CHARS:
                raise self._refuse(
                    "add_note", f"A note can have at most {MAX_NOTE_CHARS} characters."
                )
            event = self._record_event("note", {"text": text})
            return self._done("add_note", "Note added", event)

    def raise_alert(self, kind: str, message: str) -> CommandResult:
        """An alert for the console (device lost, file broken…); ``value`` is its id.

        Raising again an alert that is still open (same kind and message) returns its id
        and writes nothing: a retrying output layer does not flood the journal.
        """
        with self._lock:
            self._begin("raise_alert", live_only=False)
            kind = kind.strip() or "other"
            for alert in self._record.alerts.values():
                if not alert.acknowledged and alert.kind == kind and alert.message == message:
                    return self._done("raise_alert", f"Alert {alert.id} still open", None, alert.id)
            alert_id = self._record.next_alert_id()
            payload = {"alert_id": alert_id, "kind": kind, "message": message}
            event = self._record_event("alert_raised", payload)
            return self._done("raise_alert", f"Alert: {message}", event, alert_id)

    def acknowledge_alert(self, alert_id: int) -> CommandResult:
        with self._lock:
            self._begin("acknowledge_alert", live_only=False)
            alert = self._record.alerts.get(alert_id)
            if alert is None:
                raise self._refuse("acknowledge_alert", f"There is no alert {alert_id}.")
            if alert.acknowledged:
                raise self._refuse(
                    "acknowledge_alert", f"Alert {alert_id} was already acknowledged."
                )
            event = self._record_event("alert_acknowledged", {"alert_id": alert_id})
            return self._done("acknowledge_alert", f"Alert {alert_id} acknowledged", event)

    def patient_called(self) -> CommandResult:
        """The patient pressed Call."""
        with self._lock:
            self._begin("patient_called", live_only=False)
            event = self._record_event("patient_called", {})
            return self._done("patient_called", "The patient is calling", event)

    def answer_patient_call(self) -> CommandResult:
        with self._lock:
            self._begin("answer_patient_call", live_only=False)
            if not self._record.patient_call_pending:
                raise self._refuse("answer_patient_call", "The patient is not calling.")
            event = self._record_event("patient_call_answered", {})
            return self._done("answer_patient_call", "Patient call answered", event)
