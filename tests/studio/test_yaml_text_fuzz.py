"""The splicer on generated YAML (hypothesis): nested mappings and lists written with random
indentation, dash offsets, flow lists, comments and blank lines. Every operation either says
it cannot (SpliceError) or gives text that parses to exactly the intended data and keeps
every comment that was not on a line it replaced."""

from __future__ import annotations

import copy

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from session_player.studio.yaml_text import SpliceError, YamlText
from tests.studio.text_diff import changed_lines, comment_lines

KEYS = st.sampled_from(["id", "at", "file", "music", "items", "voice", "gain_db", "name", "x-y"])
SCALARS = st.one_of(
    st.sampled_from(["5m", "end-1m", "a.ogg", "../music/b c.ogg", "yes", "12:30", "#x", ""]),
    st.integers(-20, 20),
    st.booleans(),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3),
        st.dictionaries(KEYS, inner, min_size=1, max_size=3),
    ),
    max_leaves=12,
)


@st.composite
def documents(draw):
    data = draw(st.dictionaries(KEYS, DATA, min_size=1, max_size=4))
    style = {
        "indent": draw(st.sampled_from([2, 4])),
        "offset": draw(st.sampled_from([0, 2, 4])),
        "flow": draw(st.booleans()),
        "comments": draw(st.booleans()),
        "blank": draw(st.booleans()),
    }
    return data, _emit(data, style)


def _scalar(value) -> str:
    return yaml.safe_dump(value, default_style=None, width=1000).removesuffix("\n...\n").strip()


def _emit(data, style) -> str:
    lines: list[str] = []

    def note(column):
        if style["blank"]:
            lines.append("")
        if style["comments"]:
            lines.append(" " * column + "# a note")

    def mapping(value: dict, column: int, first_prefix: str | None = None):
        for index, (key, item) in enumerate(value.items()):
            pad = first_prefix if (first_prefix is not None and index == 0) else " " * column
            if index and first_prefix is None:
                note(column)
            if isinstance(item, (dict, list)) and item:
                if (
                    isinstance(item, list)
                    and style["flow"]
                    and all(not isinstance(i, (dict, list)) for i in item)
                ):
                    lines.append(f"{pad}{key}: [{', '.join(_scalar(i) for i in item)}]")
                    continue
                lines.append(f"{pad}{key}:" + ("  # trailing" if style["comments"] else ""))
                if isinstance(item, dict):
                    mapping(item, column + style["indent"])
                else:
                    sequence(item, column + style["offset"])
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")

    def sequence(value: list, column: int):
        for index, item in enumerate(value):
            if index:
                note(column)
            if isinstance(item, dict) and item:
                mapping(item, column + 2, first_prefix=" " * column + "- ")
            elif isinstance(item, list) and item:
                lines.append(
                    " " * column
                    + "- ["
                    + ", ".join(
                        _scalar(i) if not isinstance(i, (dict, list)) else "{}" for i in item
                    )
                    + "]"
                )
            else:
                lines.append(" " * column + f"- {_scalar(item)}")

    mapping(data, 0)
    return "\n".join(lines) + "\n"


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, path + (index,))


def _at(data, path):
    for step in path:
        data = data[step]
    return data


@settings(max_examples=150, deadline=None)
@given(
    doc=documents(),
    choice=st.integers(0, 10_000),
    operation=st.sampled_from(["set", "insert", "remove", "move", "del"]),
    value=SCALARS,
)
def test_operations_on_generated_yaml(doc, choice, operation, value):
    data, text = doc
    parsed = yaml.safe_load(text)
    source = YamlText(text)
    assert source.data() == parsed
    paths = [p for p in _paths(parsed) if p]
    path = paths[choice % len(paths)]
    parent = _at(parsed, path[:-1])
    expected = copy.deepcopy(parsed)
    target = _at(expected, path[:-1])
    try:
        if operation == "set" and isinstance(parent, dict):
            after = source.set_value(path, value)
            target[path[-1]] = value
        elif operation == "del" and isinstance(parent, dict):
            after = source.remove_key(path)
            del target[path[-1]]
        elif isinstance(parent, list) and operation == "insert":
            after = source.insert_item(path[:-1], path[-1], value)
            target.insert(path[-1], value)
        elif isinstance(parent, list) and operation == "remove":
            after = source.remove_item(path[:-1], path[-1])
            del target[path[-1]]
        elif isinstance(parent, list) and operation == "move":
            after = source.move_item(path[:-1], path[-1], 0)
            target.insert(0, target.pop(path[-1]))
        else:
            return
    except SpliceError:
        return
    try:
        result = yaml.safe_load(after)
    except yaml.YAMLError as exc:  # the caller's check catches it, but it must not happen
        raise AssertionError(f"invalid YAML from {operation} {path}:\n{after}") from exc
    if result != expected:
        # The document's edits refuse such a result; count it as a refusal only if the
        # splice was for an operation the edits never use on such a layout.
        raise AssertionError(f"{operation} {path} {value!r}:\n{text}\n---\n{after}")
    removed, _ = changed_lines(text, after)
    lost = set(comment_lines(text)) - set(comment_lines(after))
    assert lost <= set(comment_lines("\n".join(removed)))
