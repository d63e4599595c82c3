"""Clinical scales taken at a check: sedation (MOAA/S), a dissociation rating, the CADSS.

- ``sedation``: the Modified Observer's Assessment of Alertness/Sedation, 0 (no response to
  a painful stimulus) to 5 (responds readily to the name spoken in a normal tone). Lower is
  deeper sedation, so a score *below* ``thresholds.sedation_min`` is flagged.
- ``dissociation``: a short 0-10 rating (0 none, 10 the most the patient can imagine);
  above ``thresholds.dissociation_max`` is flagged.
- ``cadss``: the full Clinician-Administered Dissociative States Scale, 23 items scored 0-4
  (total 0-92); a total above ``thresholds.cadss_max`` is flagged. The items' prompts are in
  ``data/cadss_items.yaml`` (a data file, so a clinic can put its licensed wording there).

Qt-free: the session validates and flags, the console shows the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from session_player.playlist.model import Thresholds

CADSS_FILE = Path(__file__).with_name("data") / "cadss_items.yaml"
CADSS_ITEM_COUNT = 23
CADSS_ITEM_MAX = 4

SCALES = ("sedation", "dissociation", "cadss")
SCALE_NAMES = {"sedation": "MOAA/S", "dissociation": "Dissociation", "cadss": "CADSS"}
SCALE_RANGES = {"sedation": (0, 5), "dissociation": (0, 10), "cadss": (0, 92)}

# What each MOAA/S score means, for the buttons' tooltips and the log.
MOAAS_LEVELS = {
    5: "Responds readily to name spoken in a normal tone",
    4: "Lethargic response to name spoken in a normal tone",
    3: "Responds only after name is called loudly or repeatedly",
    2: "Responds only after mild prodding or shaking",
    1: "Responds only after a painful trapezius squeeze",
    0: "No response after a painful trapezius squeeze",
}

# The measures of a check and the part of it they belong to: a check is done when each of
# its parts is recorded (the vital signs in one reading, each scale on its own).
VITAL_MEASURES = ("blood_pressure", "heart_rate", "spo2", "respiratory_rate")


def parts_of(measures: tuple[str, ...]) -> frozenset[str]:
    """``vitals`` for any vital sign, and each scale by its name."""
    parts = {measure for measure in measures if measure in SCALES}
    if any(measure in VITAL_MEASURES for measure in measures):
        parts.add("vitals")
    return frozenset(parts)


@dataclass(frozen=True)
class CadssItem:
    id: int
    prompt: str


@dataclass(frozen=True)
class CadssForm:
    title: str
    version: int
    anchors: dict[int, str]
    items: tuple[CadssItem, ...]


@cache
def cadss_form(path: Path = CADSS_FILE) -> CadssForm:
    """The CADSS items from the data file; a file that lost or gained an item is refused."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = tuple(CadssItem(int(item["id"]), str(item["prompt"])) for item in data["items"])
    if [item.id for item in items] != list(range(1, CADSS_ITEM_COUNT + 1)):
        raise ValueError(f"{path}: the CADSS needs items 1 to {CADSS_ITEM_COUNT} in order")
    anchors = {int(key): str(value) for key, value in data["anchors"].items()}
    return CadssForm(str(data["title"]), int(data["version"]), anchors, items)


def scale_problem(scale: str, score: object, items: object = None) -> str | None:
    """Why a score cannot be recorded (out of range, wrong item count), or None."""
    if scale not in SCALES:
        return f"Unknown scale '{scale}'; choose one of: {', '.join(SCALES)}."
    name = SCALE_NAMES[scale]
    if scale == "cadss":
        if not isinstance(items, (list, tuple)) or len(items) != CADSS_ITEM_COUNT:
            return f"The CADSS needs a score for each of its {CADSS_ITEM_COUNT} items."
        for number, value in enumerate(items, start=1):
            if not _whole(value) or not 0 <= value <= CADSS_ITEM_MAX:
                return f"CADSS item {number} must be 0 to {CADSS_ITEM_MAX}, got {value!r}."
        return None
    low, high = SCALE_RANGES[scale]
    if not _whole(score) or not low <= score <= high:
        return f"{name} must be a whole number from {low} to {high}, got {score!r}."
    return None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def scale_flag(scale: str, score: int, thresholds: Thresholds) -> str | None:
    """The advisory flag of a score past the playlist's threshold, or None."""
    if scale == "sedation" and score < thresholds.sedation_min:
        return f"MOAA/S {score} is below {thresholds.sedation_min} (sedation)"
    if scale == "dissociation" and score > thresholds.dissociation_max:
        return f"Dissociation {score}/10 is above {thresholds.dissociation_max}"
    if scale == "cadss" and score > thresholds.cadss_max:
        return f"CADSS total {score} is above {thresholds.cadss_max}"
    return None


def score_text(event: dict) -> str:
    """``MOAA/S 3``, ``Dissociation 6/10``, ``CADSS 12/92``: a scale_recorded event in words."""
    scale = str(event.get("scale", ""))
    score = event.get("score")
    if scale == "dissociation":
        return f"Dissociation {score}/10"
    if scale == "cadss":
        return f"CADSS {score}/92"
    return f"{SCALE_NAMES.get(scale, scale)} {score}"
