"""The editor and `session-player validate` agree on what a well-formed playlist is.

Hypothesis writes playlists and libraries (durations and cue times in every spelling, right
and wrong; ids good and bad; enum values; music items, soundscape layers, cues and checks
nested as in real files), saves each as YAML and asks both: the JSON Schema (jsonschema,
Draft 7, as the editor's language server reads it) and ``load_playlist(check_audio=False)``
(what ``validate --no-audio`` reports). A file one accepts and the other refuses fails.

Left out, because a JSON Schema cannot express them (``validate`` alone checks them):

* references between parts of the file: a phase's soundscape, a cue's voice or bell, the
  patient's default and phases must name something defined (the documents here only name
  ids they define, and give every phase a different id);
* audio files and included libraries (nothing is read from disk: ``check_audio=False``,
  no ``include``);
* comparisons of two values: ``max_gap`` not shorter than ``min_gap``, ``default_volume_db``
  not above ``max_volume_db``, and the repeating vital-sign checks (``every``/``until``);
  the documents keep these in order;
* the sum of a duration's parts: a pattern bounds each part by a week, not the total, so
  ``100h 5000m`` passes the editor; the documents combine small parts only (single parts go
  up to and past the bound).

(140.0 where a whole number is expected is not left out: JSON has one kind of number, so the
schema takes it for 140, and so does the validator.)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import jsonschema
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from session_player.playlist.durations import DurationError, parse_duration_s
from session_player.playlist.loader import load_playlist
from session_player.playlist.schema import json_schema

VALIDATOR = jsonschema.Draft7Validator(json_schema())

# --- durations and times ------------------------------------------------------------------

UNIT_WORDS = ["ms", "milliseconds", "s", "sec", "seconds", "m", "min", "mins", "minutes"]
UNIT_WORDS += ["h", "hr", "hrs", "hour", "hours", "millisecond", "second", "minute", "secs"]
# Numbers at and around each unit's week (168 h, 10080 min, 604800 s, 604800000 ms).
EDGES = [0, 1, 59, 60, 167, 168, 169, 10079, 10080, 10081, 604799, 604800, 604801]
EDGES += [604800000, 604800001, 1000]


def _case(word: str, flags: list[bool]) -> str:
    return "".join(
        c.upper() if up else c for c, up in zip(word, flags + [False] * len(word), strict=False)
    )


@st.composite
def number_text(draw, *, small: bool) -> str:
    whole = draw(
        st.integers(0, 50) if small else st.one_of(st.sampled_from(EDGES), st.integers(0, 10**6))
    )
    text = str(whole)
    if draw(st.booleans()):
        text += "." + draw(st.sampled_from(["0", "5", "25", "000", "999", "0001"]))
    if draw(st.integers(0, 9)) == 0:
        text = "0" + text
    return text


@st.composite
def part(draw, *, small: bool) -> str:
    word = draw(st.sampled_from(UNIT_WORDS))
    word = _case(word, draw(st.lists(st.booleans(), max_size=len(word))))
    return draw(number_text(small=small)) + draw(st.sampled_from(["", " ", "  "])) + word


@st.composite
def duration_text(draw) -> str:
    shape = draw(st.integers(0, 3))
    if shape == 0:
        text = draw(part(small=False))
    elif shape == 1:
        joins = st.sampled_from(["", " ", ", ", " and ", " And ", ",,", " 3"])
        parts = draw(st.lists(part(small=True), min_size=2, max_size=3))
        text = parts[0] + "".join(draw(joins) + p for p in parts[1:])
    elif shape == 2:
        text = draw(st.sampled_from(["", "-", " "])) + draw(number_text(small=False))
    else:
        text = draw(
            st.sampled_from(
                [
                    "12 minuets",
                    "1:30",
                    "half an hour",
                    "1h 30",
                    "12mx",
                    "m",
                    "1e3",
                    "inf",
                    "nan",
                    "1_000",
                    ".5",
                    "5.",
                    "\u0663m",
                    "",
                    "  ",
                    "-5m",
                    "12 and",
                    "start",
                ]
            )
        )
    return draw(st.sampled_from(["", " "])) + text + draw(st.sampled_from(["", " "]))


def mostly(good, bad):
    """Usually a right value, now and then a wrong one: most documents are valid or have one
    mistake, so both answers are tried often (all-wrong documents would agree trivially)."""
    # Hypothesis draws the ends of a range most often: the wrong value sits in the middle.
    return st.integers(0, 24).flatmap(lambda roll: bad if roll == 12 else good)


def valid_duration_text():
    """Durations validate reads: small parts joined as people join them, or bare seconds."""
    joined = st.tuples(
        st.lists(part(small=True), min_size=1, max_size=3),
        st.lists(st.sampled_from(["", " ", ", ", " and ", " AND "]), min_size=2, max_size=2),
    ).map(lambda pj: pj[0][0] + "".join(j + p for j, p in zip(pj[1], pj[0][1:], strict=False)))
    bare = st.integers(0, 604800).map(str)
    return st.one_of(joined, bare).map(lambda text: _must_read(text))


def _must_read(text: str) -> str:
    assert _reads(text), text  # the strategy itself is wrong otherwise
    return text


def _reads(text) -> bool:
    try:
        parse_duration_s(text)
    except DurationError:
        return False
    return True


ANY_DURATION = st.one_of(
    duration_text(),
    st.integers(-5, 10**6),
    st.sampled_from(EDGES),
    st.floats(-1, 10**6, allow_nan=False, allow_infinity=False),
    st.sampled_from([True, None, [], "10m\n"]),
)
# Half the wrong ones look right (a spelling, a bound): the edges are where the two may differ.
DURATION = mostly(
    st.one_of(valid_duration_text(), st.integers(1, 7200), st.sampled_from(["10m", "1h 30m"])),
    ANY_DURATION,
)


def phase_time():
    words = st.sampled_from(["start", "end", "Start", "END", " end ", "endless", "end+1m"])
    from_end = st.builds(
        lambda dash, rest: "end" + dash + rest,
        st.sampled_from(["-", " - ", "- ", "--", " "]),
        st.one_of(duration_text(), st.sampled_from(["banana", "", "1m - 2m"])),
    )
    good = st.one_of(
        st.sampled_from(["start", "end", "2m", "end-1m", "End - 30s"]), valid_duration_text()
    )
    return mostly(good, st.one_of(words, from_end, ANY_DURATION))


VITAL_TIME = mostly(
    st.sampled_from(["pre-dose", "discharge", "40m", "1h 30m", 1200]),
    st.one_of(
        st.sampled_from(["Pre-dose", "DISCHARGE", "predose", "dose", " discharge "]), ANY_DURATION
    ),
)

# --- ids and names ------------------------------------------------------------------------

GOOD_ID = st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,12}\Z")
BAD_ID = st.sampled_from(["Ocean", "soft rain", "-rain", "_x", "", "a" * 65, "über", "rain!", 7])
ID = mostly(st.one_of(GOOD_ID, GOOD_ID.map(lambda s: f" {s} "), st.just("a" * 64)), BAD_ID)
TEXT = mostly(
    st.sampled_from(["Rain", "Peak", "A title", "Évening"]), st.sampled_from(["", "  ", 5])
)
AUDIO = mostly(
    st.sampled_from(["a.ogg", "../music/b.flac", " c.wav "]), st.sampled_from(["", " ", 3, None])
)
GAIN = mostly(
    st.one_of(st.integers(-60, 12), st.floats(-60, 12, allow_nan=False)),
    st.one_of(st.sampled_from([-60.5, 12.01, 13, "3", True])),
)


def choice(good: list, bad: list):
    return mostly(st.sampled_from(good), st.sampled_from(bad))


def maybe(strategy, key: str):
    """A key that is there, or not."""
    return st.one_of(st.just({}), strategy.map(lambda value: {key: value}))


def merged(*parts):
    return st.tuples(*parts).map(lambda dicts: {k: v for d in dicts for k, v in d.items()})


def both_or_one(first: tuple, second: tuple):
    """Exactly one of two keys, usually; now and then both, neither, or one empty (null)."""
    (key_a, value_a), (key_b, value_b) = first, second
    one = st.one_of(value_a.map(lambda v: {key_a: v}), value_b.map(lambda v: {key_b: v}))
    odd = st.one_of(
        st.just({}),
        st.tuples(value_a, value_b).map(lambda vs: {key_a: vs[0], key_b: vs[1]}),
        value_a.map(lambda v: {key_a: v, key_b: None}),
        value_b.map(lambda v: {key_a: None, key_b: v}),
    )
    return st.integers(0, 9).flatmap(lambda roll: odd if roll == 5 else one)


# --- the parts of a playlist -----------------------------------------------------------------


def music_item():
    file_item = merged(
        both_or_one(("file", AUDIO), ("silence", DURATION)),
        maybe(TEXT, "title"),
        maybe(GAIN, "gain_db"),
        maybe(st.lists(ID, max_size=2), "tags"),
    )
    return st.one_of(AUDIO, file_item)


MUSIC = merged(
    mostly(st.lists(music_item(), min_size=1, max_size=3), st.just([])).map(
        lambda items: {"items": items}
    ),
    maybe(choice(["sequence", "shuffle"], ["random", "Shuffle"]), "order"),
    maybe(choice([True, False], ["yes", 1]), "loop"),
    maybe(choice(["crossfade", "gapless", "gap"], ["fade", None]), "join"),
    maybe(DURATION, "crossfade"),
    maybe(DURATION, "gap"),
)


def cues(ids_of: dict, *, voice: bool):
    names = st.sampled_from(ids_of["voices" if voice else "bells"])
    if voice:
        cue = merged(
            st.fixed_dictionaries({"at": phase_time()}),
            both_or_one(("cue", names), ("file", AUDIO)),
            maybe(GAIN, "gain_db"),
        )
    else:
        cue = merged(maybe(phase_time(), "at"), st.fixed_dictionaries({"bell": names}))
    return st.lists(cue, max_size=2)


def content(ids_of: dict):
    return merged(
        maybe(MUSIC, "music"),
        maybe(st.sampled_from(ids_of["soundscapes"]), "soundscape"),
        maybe(GAIN, "soundscape_gain_db"),
        maybe(cues(ids_of, voice=True), "voice"),
        maybe(cues(ids_of, voice=False), "bells"),
    )


def phase(ids_of: dict, phase_id):
    return merged(
        st.just({"id": phase_id}),
        mostly(DURATION.map(lambda d: {"duration": d}), st.just({})),
        maybe(TEXT, "name"),
        maybe(choice(["advance", "hold"], ["Hold", "wait"]), "end"),
        maybe(DURATION, "max_hold"),
        maybe(DURATION, "max_extend"),
        maybe(DURATION, "extend_step"),
        maybe(DURATION, "crossfade"),
        content(ids_of),
    )


LAYER = merged(
    both_or_one(
        ("bed", AUDIO),
        ("one_shots", mostly(st.lists(AUDIO, min_size=1, max_size=2), st.just([]))),
    ),
    maybe(DURATION, "min_gap"),
    maybe(DURATION, "max_gap"),
    maybe(GAIN, "gain_db"),
)
SOUNDSCAPE = merged(
    mostly(TEXT.map(lambda name: {"name": name}), st.just({})),
    mostly(st.lists(LAYER, min_size=1, max_size=2), st.just([])).map(
        lambda layers: {"layers": layers}
    ),
    maybe(st.lists(ID, max_size=2), "tags"),
)
VOICE = merged(
    mostly(AUDIO.map(lambda f: {"file": f}), st.just({})),
    maybe(TEXT, "text"),
    maybe(GAIN, "gain_db"),
)
BELL = merged(mostly(AUDIO.map(lambda f: {"file": f}), st.just({})), maybe(GAIN, "gain_db"))
# Never dissociation and cadss together: that rule compares two values of a list.
MEASURES = mostly(
    st.lists(
        st.sampled_from(["blood_pressure", "heart_rate", "spo2", "sedation", "cadss"]),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from([[], ["bp"], ["Heart_rate"], "spo2"]),
)
VITAL = merged(
    st.fixed_dictionaries({"at": VITAL_TIME}), maybe(TEXT, "label"), maybe(MEASURES, "measures")
)


@st.composite
def document(draw) -> dict:
    pool = {
        kind: draw(st.lists(ID, min_size=1, max_size=3))
        for kind in ("soundscapes", "voices", "bells")
    }
    doc: dict = {"title": draw(TEXT)}
    for kind, definition in (("soundscapes", SOUNDSCAPE), ("voices", VOICE), ("bells", BELL)):
        # Every id a cue or phase may name is defined (references are validate's to check).
        doc[kind] = {name: draw(definition) for name in pool[kind]}
    if draw(st.integers(0, 4)) == 2:
        doc["kind"] = draw(choice(["library"], ["Library", "libraries"]))
        if draw(st.integers(0, 9)) == 5:
            doc["route"] = "IV"  # a library has no route
        return doc
    kind = draw(choice(["session", None], ["Session", "playlist", 1]))
    if kind is not None:
        doc["kind"] = kind
    doc["format"] = draw(choice([1], [2, "1", 0]))
    doc["route"] = draw(
        choice(["IV", "IM", "intranasal", "sublingual", "other"], ["iv", "oral", " IV"])
    )
    phase_ids = draw(
        mostly(
            st.lists(ID, min_size=1, max_size=3, unique_by=lambda i: str(i).strip()),
            st.sampled_from([[], ["settling"], ["settling", "peak"]]),
        )
    )
    doc["phases"] = [draw(phase(pool, phase_id)) for phase_id in phase_ids]
    doc["settling"] = draw(content(pool))
    listed = draw(st.lists(st.sampled_from(pool["soundscapes"]), max_size=2))
    patient = {"soundscapes": listed}
    if listed and draw(st.booleans()):
        patient["default"] = draw(st.sampled_from(listed))
    patient["phases"] = draw(
        mostly(
            st.one_of(
                st.just("all"), st.lists(st.sampled_from(["settling", *phase_ids]), max_size=2)
            ),
            st.sampled_from(["ALL", "none", ["Peak"]]),
        )
    )
    doc["patient"] = patient
    doc["transitions"] = draw(merged(maybe(DURATION, "crossfade"), maybe(DURATION, "fade_in")))
    doc["clinical"] = draw(
        merged(
            maybe(st.lists(VITAL, max_size=2), "vitals"),
            maybe(DURATION, "minimum_observation"),
            maybe(st.lists(TEXT, max_size=2), "discharge_checklist"),
        )
    )
    if draw(st.integers(0, 24)) == 12:
        doc["duraton"] = "10m"  # an unknown key
    return doc


# --- the comparison ---------------------------------------------------------------------------


def _seconds(value, default: float) -> float | None:
    if value is None:
        return default
    try:
        return parse_duration_s(value)
    except DurationError:
        return None


def _out_of_order_gaps(doc: dict) -> bool:
    """max_gap shorter than min_gap: a comparison of two values, left to validate."""
    for soundscape in (doc.get("soundscapes") or {}).values():
        for layer in soundscape.get("layers", []):
            low = _seconds(layer.get("min_gap"), 20.0)
            high = _seconds(layer.get("max_gap"), 60.0)
            if low is not None and high is not None and high < low:
                return True
    return False


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(document())
def test_the_schema_and_validate_agree(doc):
    assume(not _out_of_order_gaps(doc))
    schema_errors = sorted(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:120]}"
        for e in VALIDATOR.iter_errors(doc)
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        result = load_playlist(path, check_audio=False)
        validate_errors = [p.format() for p in result.errors]
    assert (not schema_errors) == (not validate_errors), (
        f"the editor says {schema_errors or 'valid'}; validate says {validate_errors or 'valid'}"
    )


# --- one value at a time, in a file that is otherwise right ---------------------------------
# Whole documents rarely carry a given odd value (end - banana in a cue), so each kind of
# value is also tried alone, half right and half wrong, at its place in a valid playlist.

BASE = {
    "title": "One value",
    "route": "IV",
    "soundscapes": {"rain": {"name": "Rain", "layers": [{"bed": "rain.ogg"}]}},
    "voices": {"welcome": {"file": "welcome.ogg"}},
    "bells": {"bowl": {"file": "bowl.ogg"}},
    "settling": {"voice": [{"at": "1m", "cue": "welcome"}]},
    "phases": [
        {
            "id": "onset",
            "duration": "10m",
            "music": {"items": ["a.ogg"]},
            "voice": [{"at": "2m", "cue": "welcome"}],
            "bells": [{"bell": "bowl"}],
        }
    ],
    "clinical": {"vitals": [{"at": "40m"}]},
}
HALF_DURATION = st.one_of(valid_duration_text(), ANY_DURATION)
HALF_PHASE_TIME = st.one_of(
    st.sampled_from(["start", "end", "Start", "END", " end ", "endless", "end+1m", "end-"]),
    st.builds(
        lambda dash, rest: "end" + dash + rest,
        st.sampled_from(["-", " - ", "- ", "--", " "]),
        st.one_of(duration_text(), st.sampled_from(["banana", "", "1m - 2m"])),
    ),
    HALF_DURATION,
)
HALF_ID = st.one_of(GOOD_ID, GOOD_ID.map(lambda s: f" {s}  "), BAD_ID, st.just("settling"))
PLACES = {
    ("phases", 0, "duration"): HALF_DURATION,
    ("phases", 0, "max_hold"): HALF_DURATION,
    ("phases", 0, "extend_step"): HALF_DURATION,
    ("phases", 0, "music", "crossfade"): HALF_DURATION,
    ("transitions", "fade_in"): HALF_DURATION,
    ("clinical", "minimum_observation"): HALF_DURATION,
    ("phases", 0, "voice", 0, "at"): HALF_PHASE_TIME,
    ("phases", 0, "bells", 0, "at"): HALF_PHASE_TIME,
    ("settling", "voice", 0, "at"): HALF_PHASE_TIME,
    ("clinical", "vitals", 0, "at"): st.one_of(
        st.sampled_from(["pre-dose", "Discharge", " PRE-DOSE ", "predose", "dose"]), HALF_DURATION
    ),
    ("phases", 0, "id"): HALF_ID,
    ("phases", 0, "soundscape"): HALF_ID,
    ("patient", "soundscapes", 0): HALF_ID,
    ("phases", 0, "end"): st.sampled_from(["advance", "hold", "Hold", " hold", "wait", None, 1]),
    ("phases", 0, "music", "join"): st.sampled_from(["crossfade", "gapless", "gap", "Gap", "fade"]),
    ("route",): st.sampled_from(["IV", "IM", "intranasal", "sublingual", "other", "iv", "oral"]),
    ("kind",): st.sampled_from(["session", "library", "Library", "", None, "playlist"]),
    ("format",): st.sampled_from([1, 2, "1", 1.5, None, True, 1.0]),
    ("clinical", "thresholds", "systolic_max"): st.one_of(
        st.integers(50, 270), st.sampled_from([140.0, 140.5, 59.0, 261.0, "140", True])
    ),
    ("title",): st.sampled_from(["A title", "", "   ", 12, None, " x "]),
    ("phases", 0, "music", "items", 0): st.one_of(AUDIO, st.sampled_from([{}, {"silence": "0s"}])),
    ("phases", 0, "soundscape_gain_db"): st.one_of(GAIN, st.floats(-100, 100, allow_nan=False)),
}


def _put(doc: dict, path: tuple, value) -> None:
    for step in path[:-1]:
        doc = doc[step] if isinstance(doc, list) else doc.setdefault(step, {})
    doc[path[-1]] = value


@st.composite
def one_value_changed(draw) -> dict:
    import copy

    doc = copy.deepcopy(BASE)
    path = draw(st.sampled_from(sorted(PLACES, key=str)))
    value = draw(PLACES[path])
    if path == ("patient", "soundscapes", 0):
        # A soundscape's id as the key of its definition, offered to the patient by that id.
        doc["soundscapes"] = {value: doc["soundscapes"]["rain"]}
        doc["patient"] = {"soundscapes": [value]}
    elif path == ("phases", 0, "soundscape"):
        doc["soundscapes"] = {value: doc["soundscapes"]["rain"]}
        _put(doc, path, value)
    elif path == ("phases", 0, "music", "items", 0):
        doc["phases"][0]["music"]["items"] = [value]
    else:
        _put(doc, path, value)
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_value_changed())
def test_each_kind_of_value_is_read_alike(doc):
    test_the_schema_and_validate_agree.hypothesis.inner_test(doc)
