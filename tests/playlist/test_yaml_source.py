"""Tests for the hostile-input-proof YAML loader of playlists."""

from __future__ import annotations

import codecs
import os
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from session_player.playlist import yaml_source
from session_player.playlist.problems import Position, Severity
from session_player.playlist.yaml_source import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    YamlDocument,
    YamlLoadFailed,
    load_yaml_bytes,
    load_yaml_file,
)

# Every behaviour must hold with libyaml (the default) and with the pure-Python parser.
LOADERS = [pytest.param(yaml.SafeLoader, id="python")]
if hasattr(yaml, "CSafeLoader"):
    LOADERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))

PLAYLIST = """\
title: Evening session
phases:
  - name: onset
    music:
      items:
        - file: a.mp3
        - {file: b.mp3, gain: -3}
  - name: peak
"""


@pytest.fixture(params=LOADERS)
def loader(request) -> type:
    return request.param


def load(text: str | bytes, loader: type | None = None) -> YamlDocument:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return load_yaml_bytes(raw, "session.yaml", loader_class=loader)


def problems_of(text: str | bytes, loader: type | None = None) -> list[tuple[int, int, str]]:
    """(line, col, message) of every problem; fails the test if the text loads."""
    with pytest.raises(YamlLoadFailed) as caught:
        load(text, loader)
    problems = caught.value.problems
    assert problems
    assert all(problem.severity is Severity.ERROR for problem in problems)
    assert all(problem.path == "session.yaml" for problem in problems)
    return [(p.position.line, p.position.col, p.message) for p in problems]


# Hostile inputs must be refused before the work they would cause: an alias bomb expanded,
# a 200,000-digit number computed, 100,000 nesting levels composed take a long time or
# exhaust memory. These tests check where each is stopped; RUNAWAY_S only turns a runaway
# into a failure instead of a suite that never ends. It is no speed figure (the slowest
# case takes about 2 s on the pure-Python parser): those are in bench/validate.py.
RUNAWAY_S = 20.0


def only_problem(text: str | bytes, loader: type | None = None) -> tuple[int, int, str]:
    problems = problems_of(text, loader)
    assert len(problems) == 1, problems
    return problems[0]


# --- plain data and positions ------------------------------------------------------------


def test_loads_plain_data_in_key_order(loader):
    document = load(PLAYLIST, loader)
    assert document.data == yaml.safe_load(PLAYLIST)
    assert list(document.data) == ["title", "phases"]
    assert document.source == "session.yaml"


def test_value_positions_of_nested_nodes(loader):
    document = load(PLAYLIST, loader)
    assert document.position_of(()) == Position(1, 1)
    assert document.position_of(("title",)) == Position(1, 8)
    assert document.position_of(("phases", 0)) == Position(3, 5)
    assert document.position_of(("phases", 0, "music", "items", 0, "file")) == Position(6, 17)
    assert document.position_of(("phases", 0, "music", "items", 1)) == Position(7, 11)
    assert document.position_of(("phases", 0, "music", "items", 1, "gain")) == Position(7, 31)
    assert document.position_of(("phases", 1, "name")) == Position(8, 11)


def test_key_positions(loader):
    document = load(PLAYLIST, loader)
    assert document.key_position_of(("title",)) == Position(1, 1)
    assert document.key_position_of(("phases", 0, "music")) == Position(4, 5)
    assert document.key_position_of(("phases", 0, "music", "items", 1, "gain")) == Position(7, 25)
    # Sequence items have no key: their own position is the answer.
    assert document.key_position_of(("phases", 1)) == Position(8, 5)


def test_missing_paths_fall_back_to_the_nearest_ancestor(loader):
    document = load(PLAYLIST, loader)
    assert document.position_of(("phases", 0, "music", "volume")) == Position(5, 7)
    assert document.key_position_of(("phases", 0, "music", "volume")) == Position(5, 7)
    assert document.position_of(("nothing", "here")) == Position(1, 1)


def test_root_position_is_where_the_mapping_starts(loader):
    document = load("# a comment\n\n  title: x\n", loader)
    assert document.position_of(()) == Position(3, 3)


def test_scalars_are_resolved_like_safe_load(loader):
    document = load(
        "a: 1\nb: 2.5\nc: true\nd: ~\ne: '1'\nf: 0x10\ng: text\nh: |\n  block\n", loader
    )
    assert document.data == {
        "a": 1,
        "b": 2.5,
        "c": True,
        "d": None,
        "e": "1",
        "f": 16,
        "g": "text",
        "h": "block\n",
    }


def test_dates_stay_as_written(loader):
    document = load("day: 2024-01-31\nwhen: 2024-01-31 10:00:00\n", loader)
    assert document.data == {"day": "2024-01-31", "when": "2024-01-31 10:00:00"}


def test_keys_that_are_not_text_become_their_written_text(loader):
    document = load("1: a\ntrue: b\nnull: c\nyes: d\n~: e\n", loader)
    assert list(document.data) == ["1", "true", "null", "yes", "~"]
    assert document.key_position_of(("yes",)) == Position(4, 1)


def test_aliases_reuse_the_anchored_value(loader):
    document = load("a: &x [1, 2]\nb: *x\n", loader)
    assert document.data == {"a": [1, 2], "b": [1, 2]}
    # Values reached through an alias point at the alias.
    assert document.position_of(("b", 0)) == Position(2, 4)


# --- merge keys ---------------------------------------------------------------------------


def test_merge_key_with_explicit_keys_winning(loader):
    text = "base: &b {x: 1, y: 2}\nitem:\n  y: 3\n  <<: *b\n"
    document = load(text, loader)
    assert document.data["item"] == {"x": 1, "y": 3}
    assert document.data == yaml.safe_load(text)
    assert document.key_position_of(("item", "x")) == Position(4, 3)
    assert document.position_of(("item", "y")) == Position(3, 6)


def test_merge_key_with_a_list_of_mappings_earlier_wins(loader):
    text = "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n"
    assert load(text, loader).data["c"] == {"x": 1, "y": 2}


def test_merge_key_needs_mappings(loader):
    line, col, message = only_problem("a: &a [1]\nb:\n  <<: *a\n", loader)
    assert (line, col) == (3, 7)
    assert "merge key '<<' needs a mapping" in message


# --- structure problems -------------------------------------------------------------------


def test_duplicate_keys_are_all_reported_at_the_second_occurrence(loader):
    text = "title: a\nphases: []\ntitle: b\nx:\n  k: 1\n  k: 2\n"
    assert problems_of(text, loader) == [
        (3, 1, "duplicate key 'title' (first at line 1, column 1)"),
        (6, 3, "duplicate key 'k' (first at line 5, column 3)"),
    ]


def test_mapping_as_key_is_rejected(loader):
    assert only_problem("? {a: 1}\n: x\nb: 1\n", loader) == (
        1,
        3,
        "a mapping key must be plain text, not a mapping",
    )


def test_list_as_key_is_rejected(loader):
    line, col, message = only_problem("[a, b]: x\n", loader)
    assert (line, col) == (1, 1)
    assert message == "a mapping key must be plain text, not a list"


@pytest.mark.parametrize(
    ("text", "what"),
    [("- a\n- b\n", "a list"), ("just text\n", "text"), ("42\n", "a number")],
)
def test_top_level_must_be_a_mapping(loader, text, what):
    assert only_problem(text, loader) == (
        1,
        1,
        f"the top level must be a mapping of keys such as title: and phases:, not {what}",
    )


def test_more_than_one_document(loader):
    assert only_problem("title: a\n---\ntitle: b\n", loader) == (
        2,
        1,
        "only one YAML document per file is allowed",
    )


def test_syntax_error_is_one_clean_line(loader):
    line, col, message = only_problem("title: a\nphases: b: c\n", loader)
    assert (line, col) == (2, 10)
    assert message.startswith("YAML syntax error: mapping values are not allowed")
    assert "Traceback" not in message and "\n" not in message


def test_unclosed_flow_list_reports_a_syntax_error(loader):
    line, col, message = only_problem("title: [a, b\nphases: x\n", loader)
    assert message.startswith("YAML syntax error:")
    assert line >= 1 and col >= 1


def test_unknown_alias(loader):
    assert only_problem("a: *nowhere\n", loader) == (
        1,
        4,
        "unknown alias '*nowhere' (no anchor '&nowhere' before it)",
    )


def test_alias_inside_its_own_anchor(loader):
    line, col, message = only_problem("a: &x [1, *x]\n", loader)
    assert (line, col) == (1, 11)
    assert "inside its own anchor" in message


# --- hostile input ------------------------------------------------------------------------


def test_python_tags_are_rejected_and_never_executed(loader, tmp_path):
    marker = tmp_path / "pwned"
    text = f"title: !!python/object/apply:os.system ['touch {marker}']\n"
    assert only_problem(text, loader) == (
        1,
        8,
        "unsupported YAML tag '!!python/object/apply:os.system' (only plain YAML is allowed)",
    )
    assert not marker.exists()


def test_python_tag_on_a_mapping_is_rejected(loader, tmp_path):
    marker = tmp_path / "pwned"
    text = f"title: x\nbad: !!python/object/new:subprocess.Popen\n  args: [['touch', '{marker}']]\n"
    line, col, message = only_problem(text, loader)
    assert (line, col) == (2, 6)
    assert "unsupported YAML tag '!!python/object/new:subprocess.Popen'" in message
    assert not marker.exists()


def test_local_tags_are_rejected(loader):
    assert only_problem("a: !thing 1\n", loader) == (
        1,
        4,
        "unsupported YAML tag '!thing' (only plain YAML is allowed)",
    )


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("a: !!binary aGVsbG8=\n", "binary data (!!binary)"),
        ("a: !!set {x, y}\n", "sets (!!set)"),
        ("a: !!omap [x: 1]\n", "ordered mappings (!!omap)"),
        ("a: !!pairs [x: 1]\n", "pairs (!!pairs)"),
    ],
)
def test_binary_set_and_omap_are_rejected(loader, text, start):
    line, col, message = only_problem(text, loader)
    assert (line, col) == (1, 4)
    assert message.startswith(start)


def test_explicit_scalar_tag_that_does_not_fit(loader):
    assert only_problem("a: !!int seven\n", loader) == (1, 4, "'seven' cannot be read as !!int")


@pytest.mark.parametrize("tag", ["!!int", "!!float"])
def test_explicit_number_tag_on_empty_text(loader, tag):
    assert only_problem(f"a: {tag} ''\n", loader) == (1, 4, f"'' cannot be read as {tag}")


def test_very_long_numbers_are_refused_without_computing_them(loader):
    started = time.perf_counter()
    line, col, message = only_problem("title: x\nn: 1" + ":1" * 200_000 + "\n", loader)
    assert time.perf_counter() - started < RUNAWAY_S
    assert (line, col) == (2, 4)
    assert message.startswith("the number '1:1:1") and message.endswith("(over 100 characters)")


def test_billion_laughs_alias_bomb_is_stopped_quickly(loader):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    line, col, message = only_problem("\n".join(lines) + "\n", loader)
    assert time.perf_counter() - started < RUNAWAY_S
    assert message == f"too many aliases expand to more than {MAX_NODES} values"
    assert line == 6  # the first level whose expansion passes the limit


def test_too_many_plain_values(loader, monkeypatch):
    monkeypatch.setattr(yaml_source, "MAX_NODES", 50)
    line, col, message = only_problem("a: [" + ", ".join(["1"] * 60) + "]\n", loader)
    assert message == "the file has more than 50 values; a playlist should be far smaller"
    # Root mapping, key and list are values 1-3, so the 51st is list item 48.
    assert (line, col) == (1, 5 + 3 * 47)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("[" * 100_000, (1, 65)),
        ("{" * 100_000, (1, 65)),
        ("[\n" * 100_000, (65, 1)),
        ("- " * 100_000, (1, 129)),
        ("a: " + "{a: " * 100_000, (1, 4 + 4 * 63)),
    ],
    ids=["flow-lists", "flow-maps", "lines", "block-lists", "flow-in-mapping"],
)
def test_deep_nesting_is_stopped_at_the_limit(loader, text, position):
    started = time.perf_counter()
    line, col, message = only_problem(text, loader)
    assert time.perf_counter() - started < RUNAWAY_S
    assert message == f"nesting deeper than {MAX_DEPTH} levels"
    assert (line, col) == position


def test_deep_nesting_after_a_long_text_is_still_quick(loader):
    filler = "".join(f"key{number}: value {number}\n" for number in range(10_000))
    started = time.perf_counter()
    line, col, message = only_problem(filler + "deep: " + "[" * 100_000 + "\n", loader)
    assert time.perf_counter() - started < RUNAWAY_S
    assert message == f"nesting deeper than {MAX_DEPTH} levels"
    # libyaml notices at its own limit (1000 levels) further along the same line.
    assert line == 10_001 and col >= 7 + MAX_DEPTH - 1


def test_nesting_at_the_limit_is_fine(loader):
    levels = MAX_DEPTH - 1  # the top-level mapping is the first level
    value = load("a: " + "[" * levels + "]" * levels + "\n", loader).data["a"]
    depth = 0
    while isinstance(value, list):
        depth += 1
        value = value[0] if value else None
    assert depth == levels
    deeper = "a: " + "[" * (levels + 1) + "]" * (levels + 1) + "\n"
    assert only_problem(deeper, loader)[2] == f"nesting deeper than {MAX_DEPTH} levels"


def test_aliases_cannot_smuggle_in_deeper_nesting(loader):
    half = MAX_DEPTH // 2 + 5
    text = f"a: &deep {'[' * half}{']' * half}\nb: {'[' * half}*deep{']' * half}\n"
    line, col, message = only_problem(text, loader)
    assert line == 2
    assert message == f"nesting deeper than {MAX_DEPTH} levels (through alias '*deep')"


def test_files_larger_than_the_limit_are_refused_unread(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as stream:
        stream.write(b"title: x\n" + b"#" * (5 * 1024 * 1024))
    with pytest.raises(YamlLoadFailed) as caught:
        load_yaml_file(path)
    assert [problem.message for problem in caught.value.problems] == [
        "the file is larger than 4 MiB; a playlist should be far smaller"
    ]
    assert not caught.value.unreadable
    assert only_problem(b"#" * (MAX_FILE_BYTES + 1))[2].startswith("the file is larger than")


# --- encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom(loader, codec):
    bom = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }[codec]
    document = load(bom + "title: Grüße\nx: 1\n".encode(codec), loader)
    assert document.data == {"title": "Grüße", "x": 1}
    assert document.position_of(("x",)) == Position(2, 4)


def test_utf8_bom_does_not_shift_columns(loader):
    document = load(codecs.BOM_UTF8 + b"title: x\n", loader)
    assert document.data == {"title": "x"}
    assert document.key_position_of(("title",)) == Position(1, 1)
    assert document.position_of(("title",)) == Position(1, 8)


def test_nul_bytes_mean_binary():
    assert only_problem(b"title: x\n\x00\x00") == (
        1,
        1,
        "not a text file (it contains binary data)",
    )


def test_utf16_without_bom_is_binary():
    assert only_problem("title: x\n".encode("utf-16-le"))[2] == (
        "not a text file (it contains binary data)"
    )


def test_random_junk_is_binary():
    junk = bytes(range(1, 256)) * 40
    assert only_problem(junk)[2] == "not a text file (it contains binary data)"


def test_latin1_text_gives_the_position_of_the_first_bad_byte():
    raw = "title: ok\nartist: Grüße\n".encode("latin-1")
    assert only_problem(raw) == (
        2,
        11,
        "not valid UTF-8 text at line 2, column 11 (save the file as UTF-8)",
    )


def test_control_character_is_reported_where_it_is():
    assert only_problem("title: ok\nnote: a\x07b\n") == (
        2,
        8,
        "the file contains the control character U+0007, which YAML does not allow",
    )


def test_broken_utf16_is_reported():
    raw = codecs.BOM_UTF16_LE + "a: b\n".encode("utf-16-le") + b"\x00\xd8"  # lone surrogate
    line, col, message = only_problem(raw)
    assert message.startswith("not valid UTF-16 text at line 2, column 1")
    assert (line, col) == (2, 1)


# --- empty files --------------------------------------------------------------------------


def test_empty_file(loader):
    assert only_problem(b"", loader) == (1, 1, "the file is empty")
    assert only_problem(codecs.BOM_UTF8, loader) == (1, 1, "the file is empty")


@pytest.mark.parametrize("text", ["# only a comment\n", "\n\n   \n", "# a\n\n# b"])
def test_comments_only(loader, text):
    assert only_problem(text, loader) == (
        1,
        1,
        "the file contains no YAML (only comments or blank lines)",
    )


# --- files --------------------------------------------------------------------------------


def test_load_yaml_file_reads_a_playlist(tmp_path):
    path = tmp_path / "evening.yaml"
    path.write_text(PLAYLIST, encoding="utf-8")
    document = load_yaml_file(path)
    assert document.source == str(path)
    assert document.data["title"] == "Evening session"


def test_faulty_file_is_not_unreadable(tmp_path):
    path = tmp_path / "faulty.yaml"
    path.write_text("- a\n", encoding="utf-8")
    with pytest.raises(YamlLoadFailed) as caught:
        load_yaml_file(path)
    assert not caught.value.unreadable
    assert caught.value.problems[0].path == str(path)


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing.yaml", "the file does not exist"), ("", "this is a folder, not a playlist file")],
)
def test_unreadable_files(tmp_path, name, message):
    path = tmp_path / name if name else tmp_path
    with pytest.raises(YamlLoadFailed) as caught:
        load_yaml_file(path)
    failure = caught.value
    assert failure.unreadable
    assert [(p.position, p.message) for p in failure.problems] == [(Position(1, 1), message)]
    assert failure.problems[0].format() == f"{path}:1:1: error: {message}"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_unreadable_and_does_not_block(tmp_path):
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    with pytest.raises(YamlLoadFailed) as caught:
        load_yaml_file(path)
    assert caught.value.unreadable


# --- properties ---------------------------------------------------------------------------

YAMLISH = st.text(
    alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#\n ,?%@`\t~.<=") + list("abcxyz01")),
    max_size=80,
)

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_loads_or_fails_cleanly(raw: bytes, loader: type | None) -> None:
    try:
        document = load_yaml_bytes(raw, "fuzz.yaml", loader_class=loader)
    except YamlLoadFailed as failure:
        assert failure.problems
        for problem in failure.problems:
            assert problem.position.line >= 1 and problem.position.col >= 1
            assert "\n" not in problem.message
    else:
        assert isinstance(document.data, dict)


@PROPERTY_SETTINGS
@given(raw=st.binary(max_size=200))
def test_random_bytes_never_escape(loader, raw):
    assert_loads_or_fails_cleanly(raw, loader)


@PROPERTY_SETTINGS
@given(text=YAMLISH)
def test_random_yamlish_text_never_escapes(loader, text):
    assert_loads_or_fails_cleanly(text.encode("utf-8"), loader)


PLAIN_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(alphabet="abcdefgh", min_size=1, max_size=4), children, max_size=4
        )
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(data=st.dictionaries(st.text(alphabet="abcdefgh", min_size=1), PLAIN_VALUES, min_size=1))
def test_plain_documents_load_like_safe_load(data):
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    for loader_param in LOADERS:
        loader_class = loader_param.values[0]
        # Compared with PyYAML itself, not with `data`: PyYAML does not round-trip every
        # string (U+0085 in a quoted scalar reads back as a space), and need not here.
        assert load(text, loader_class).data == yaml.load(text, Loader=loader_class)


def test_failure_message_lists_every_problem():
    failure = YamlLoadFailed(
        [yaml_source.error("p.yaml", Position(2, 3), "duplicate key 'a'")], unreadable=False
    )
    assert str(failure) == "p.yaml:2:3: error: duplicate key 'a'"
    with pytest.raises(ValueError):
        YamlLoadFailed([])


def test_path_type_is_accepted(tmp_path):
    path = Path(tmp_path) / "p.yaml"
    path.write_bytes(b"title: x\n")
    assert load_yaml_file(str(path)).data == {"title": "x"}
