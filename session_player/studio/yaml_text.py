"""Edit YAML text in place: find a node by its data path and splice new lines where it is.

The studio never dumps a whole tree. A round-trip dump (ruamel.yaml) reproduces an untouched
file, but once items are removed or moved it carries comments with the wrong item: ruamel
attaches the comment lines above an item to the item *before* it, so removing the onset
phase would take the "# Peak: ..." note with it. Here every edit rewrites only the lines
of the nodes it changes, and the caller checks that the new text means exactly the data it
expected (:meth:`YamlText.data`), so a layout this module does not understand makes the
edit fail instead of corrupting the file.

Positions come from PyYAML's composer (character offsets of every node's start and end).
Callers must have passed the text through the loader's limits first
(``session_player.playlist.yaml_source.load_yaml_bytes``: size, depth, aliases, tags), so the
composer's recursion is bounded.

Vocabulary: a *path* is a tuple of mapping keys and list indexes, as in the loader
(``("phases", 2, "duration")``). Lines are 0-based here; positions shown to people are
1-based elsewhere.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

PathKey = tuple[str | int, ...]

_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_COMMENT_OR_BLANK = re.compile(r"^\s*(#.*)?$")
_UNSET = object()


class SpliceError(Exception):
    """The text cannot be edited this way; the message says why in a therapist's words."""


@dataclass(frozen=True)
class Layout:
    """How this file indents, so new lines look like the therapist's own.

    ``mapping_indent``: a nested mapping's keys relative to its parent key (2 in the demos).
    ``sequence_offset``: a list's dashes relative to its parent key (2: ``items:`` then
    ``  - a.ogg``; 0: the dashes under the key).
    """

    mapping_indent: int = 2
    sequence_offset: int = 2


class YamlText:
    """One version of a file's text with the composed node tree over it (read-only)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self._line_starts = [0]
        for line in self.lines:
            self._line_starts.append(self._line_starts[-1] + len(line))
        try:
            self.root = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError as exc:
            raise SpliceError(f"the text is not valid YAML ({exc})") from None
        if not isinstance(self.root, MappingNode):
            raise SpliceError("the top level is not a mapping")
        self.layout = _detect_layout(self.root)
        self._data: object = _UNSET

    # Reading ------------------------------------------------------------------------------

    def data(self) -> object:
        """The plain data of this text (what the edit is checked against), built once from
        the composed nodes (no second parse). Callers must not change it: copy it first."""
        if self._data is _UNSET:
            self._data = SafeConstructor().construct_document(self.root)
        return self._data

    def node(self, path: PathKey) -> Node | None:
        node: Node | None = self.root
        for step in path:
            node = _child(node, step)
            if node is None:
                return None
        return node

    def key_node(self, path: PathKey) -> ScalarNode | None:
        parent = self.node(path[:-1])
        if isinstance(parent, MappingNode):
            for key, _value in parent.value:
                if isinstance(key, ScalarNode) and key.value == path[-1]:
                    return key
        return None

    def line_of(self, index: int) -> int:
        """0-based line of a character offset."""
        low, high = 0, len(self._line_starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self._line_starts[middle] <= index:
                low = middle
            else:
                high = middle - 1
        return min(low, max(len(self.lines) - 1, 0))

    def content_end(self, node: Node) -> int:
        """Offset just after the last character that belongs to ``node``.

        PyYAML ends a block collection where the next token starts (after any comments and
        blank lines that follow it); the last scalar inside it ends where it really ends.
        """
        if isinstance(node, ScalarNode) or node.flow_style:
            return node.end_mark.index
        children = node.value
        if not children:
            return node.end_mark.index
        last = children[-1][1] if isinstance(node, MappingNode) else children[-1]
        return self.content_end(last)

    def last_line(self, node: Node) -> int:
        end = self.content_end(node)
        # A block scalar (description: >) ends after the blank lines that follow it; they
        # separate it from the next key and are not part of it.
        line = self.line_of(max(end - 1, 0))
        first = self.line_of(node.start_mark.index)
        while line > first and not self.lines[line].strip():
            line -= 1
        return line

    # Edits: each returns the new text --------------------------------------------------------

    def replace_scalar(self, path: PathKey, value: object) -> str:
        node = self.node(path)
        if not isinstance(node, ScalarNode):
            raise SpliceError(f"{_show(path)} is not a single value")
        if node.style in ("|", ">"):
            raise SpliceError(f"{_show(path)} is a block of text; edit it in a text editor")
        return self._splice(node.start_mark.index, node.end_mark.index, render_scalar(value))

    def set_value(self, path: PathKey, value: object, *, after: tuple[str, ...] = ()) -> str:
        """Set a mapping entry (adding it, and any missing parent mappings, if need be).

        ``after``: keys to place a new entry after, in order of preference (``end`` goes
        after ``duration``); otherwise it goes last in its mapping.
        """
        node = self.node(path)
        if node is not None:
            if isinstance(node, ScalarNode) and _is_scalar(value):
                return self.replace_scalar(path, value)
            if isinstance(value, list) and all(_is_scalar(v) for v in value):
                return self._replace_list(path, node, value)
            if _is_scalar(value):
                return self._collection_to_scalar(path, node, value)
            raise SpliceError(f"{_show(path)} cannot be replaced by the studio")
        # Find the nearest mapping that exists and add the rest below it as one new entry.
        for depth in range(len(path) - 1, -1, -1):
            parent = self.node(path[:depth])
            if parent is None:
                continue
            if not isinstance(parent, MappingNode) or not isinstance(path[depth], str):
                raise SpliceError(f"{_show(path[: depth + 1])} cannot be added here")
            nested: object = value
            for key in reversed(path[depth + 1 :]):
                if not isinstance(key, str):
                    raise SpliceError(f"{_show(path)} cannot be added here")
                nested = {key: nested}
            return self._add_entry(path[:depth], parent, path[depth], nested, after)
        raise SpliceError(f"{_show(path)} cannot be added")

    def remove_key(self, path: PathKey) -> str:
        parent = self.node(path[:-1])
        key = self.key_node(path)
        value = self.node(path)
        if not isinstance(parent, MappingNode) or key is None or value is None:
            raise SpliceError(f"{_show(path)} is not there")
        if parent.flow_style:
            raise SpliceError(
                f"{_show(path[:-1])} is written on one line; edit it in a text editor"
            )
        if len(parent.value) == 1:
            raise SpliceError(f"{_show(path[:-1])} would be empty")
        first = self.line_of(key.start_mark.index)
        if self.lines[first][: key.start_mark.column].strip():
            # "- at: 2m" without at: would need the next key moved onto the dash.
            raise SpliceError(f"{_show(path)} starts a list item; edit it in a text editor")
        return self._replace_lines(first, self.last_line(value) + 1, [])

    def insert_item(self, path: PathKey, index: int, value: object) -> str:
        """Insert ``value`` into the list at ``path`` before position ``index`` (may be its length)."""
        node = self.node(path)
        if node is None:
            if index != 0:
                raise SpliceError(f"{_show(path)} is not there")
            return self.set_value(path, [value])
        if not isinstance(node, SequenceNode):
            raise SpliceError(f"{_show(path)} is not a list")
        if node.flow_style:
            return self._rewrite_flow_list(
                path, node, _insert(self._flow_values(node), index, value)
            )
        blocks = self._blocks(node)
        dash_col = node.start_mark.column
        body = render_item(value, dash_col, self._item_content_offset(node), self.layout)
        bodies = [b.body for b in blocks]
        bodies.insert(index, body)
        seps = [b.separator for b in blocks]
        seps.append(seps[-1] if len(seps) > 1 else [])
        return self._rebuild(blocks, seps, bodies)

    def remove_item(self, path: PathKey, index: int) -> str:
        node = self.node(path)
        if not isinstance(node, SequenceNode) or not 0 <= index < len(node.value):
            raise SpliceError(f"{_show(path)} has no item {index + 1}")
        if len(node.value) == 1:
            raise SpliceError(f"{_show(path)} would be empty")
        if node.flow_style:
            values = self._flow_values(node)
            del values[index]
            return self._rewrite_flow_list(path, node, values)
        blocks = self._blocks(node)
        bodies = [b.body for b in blocks]
        del bodies[index]
        seps = [b.separator for b in blocks][: len(bodies)]
        return self._rebuild(blocks, seps, bodies)

    def move_item(self, path: PathKey, source: int, target: int) -> str:
        node = self.node(path)
        count = len(node.value) if isinstance(node, SequenceNode) else 0
        if not isinstance(node, SequenceNode) or not (0 <= source < count and 0 <= target < count):
            raise SpliceError(f"{_show(path)} has no such item")
        if node.flow_style:
            values = self._flow_values(node)
            values.insert(target, values.pop(source))
            return self._rewrite_flow_list(path, node, values)
        blocks = self._blocks(node)
        bodies = [b.body for b in blocks]
        bodies.insert(target, bodies.pop(source))
        return self._rebuild(blocks, [b.separator for b in blocks], bodies)

    # Helpers ---------------------------------------------------------------------------------

    def _splice(self, start: int, end: int, new: str) -> str:
        return self.text[:start] + new + self.text[end:]

    def _replace_lines(self, first: int, stop: int, new_lines: list[str]) -> str:
        start = self._line_starts[first]
        end = self._line_starts[min(stop, len(self.lines))]
        if not self.text.endswith("\n") and stop >= len(self.lines) and new_lines:
            new_lines = [*new_lines[:-1], new_lines[-1].rstrip("\n")]
        return self.text[:start] + "".join(new_lines) + self.text[end:]

    def _insert_lines(self, after_line: int, new_lines: list[str]) -> str:
        text = self.text
        at = self._line_starts[after_line + 1]
        if at == len(text) and text and not text.endswith("\n"):
            text += "\n"
            at += 1
        return text[:at] + "".join(new_lines) + text[at:]

    def _add_entry(
        self,
        parent_path: PathKey,
        parent: MappingNode,
        key: str,
        value: object,
        after: tuple[str, ...],
    ) -> str:
        if parent.flow_style:
            if not _is_scalar(value):
                raise SpliceError(
                    f"{_show(parent_path)} is written on one line; edit it in a text editor"
                )
            close = parent.end_mark.index - 1  # the '}'
            comma = ", " if parent.value else ""
            insert = f"{comma}{render_key(key)}: {render_scalar(value)}"
            return self._splice(close, close, insert)
        if not parent.value:
            raise SpliceError(f"{_show(parent_path)} is empty; edit it in a text editor")
        entries = {k.value: v for k, v in parent.value if isinstance(k, ScalarNode)}
        anchor_value = parent.value[-1][1]
        for name in after:
            if name in entries:
                anchor_value = entries[name]
                break
        column = parent.value[0][0].start_mark.column
        lines = render_entry(key, value, column, self._layout_in(parent))
        return self._insert_lines(self.last_line(anchor_value), lines)

    def _replace_list(self, path: PathKey, node: Node, values: list) -> str:
        if isinstance(node, SequenceNode) and node.flow_style:
            return self._rewrite_flow_list(path, node, values)
        if not isinstance(node, SequenceNode):
            raise SpliceError(f"{_show(path)} is not a list")
        blocks = self._blocks(node)
        dash_col = node.start_mark.column
        old = [item.value if isinstance(item, ScalarNode) else None for item in node.value]
        bodies = []
        for value in values:
            kept = next((b for b, o in zip(blocks, old, strict=True) if o == _text_of(value)), None)
            bodies.append(kept.body if kept else render_item(value, dash_col, 2, self.layout))
        if not bodies:
            raise SpliceError(f"{_show(path)} would be empty")
        seps = [b.separator for b in blocks]
        while len(seps) < len(bodies):
            seps.append(seps[-1] if len(seps) > 1 else [])
        return self._rebuild(blocks, seps[: len(bodies)], bodies)

    def _collection_to_scalar(self, path: PathKey, node: Node, value: object) -> str:
        """``phases: [a, b]`` (or a block list) becomes ``phases: all``."""
        if node.flow_style and self.line_of(node.start_mark.index) == self.line_of(
            node.end_mark.index - 1
        ):
            return self._splice(node.start_mark.index, node.end_mark.index, render_scalar(value))
        key = self.key_node(path)
        if (
            key is None
            or self.lines[self.line_of(key.start_mark.index)][: key.start_mark.column].strip()
        ):
            raise SpliceError(f"{_show(path)} cannot be replaced by the studio")
        first = self.line_of(key.start_mark.index)
        line = f"{' ' * key.start_mark.column}{render_key(str(path[-1]))}: {render_scalar(value)}\n"
        return self._replace_lines(first, self.last_line(node) + 1, [line])

    def _flow_values(self, node: SequenceNode) -> list:
        values = []
        for item in node.value:
            if not isinstance(item, ScalarNode):
                raise SpliceError("a list written on one line holds more than plain values")
            values.append(
                yaml.load(self.text[item.start_mark.index : item.end_mark.index], Loader=_LOADER)
            )
        return values

    def _rewrite_flow_list(self, path: PathKey, node: SequenceNode, values: list) -> str:
        if not all(_is_scalar(v) for v in values):
            if node.value:
                raise SpliceError(f"{_show(path)} is written on one line; edit it in a text editor")
            return self._flow_empty_to_block(path, node, values)
        if self.line_of(node.start_mark.index) != self.line_of(node.end_mark.index - 1):
            raise SpliceError(f"{_show(path)} spans several lines; edit it in a text editor")
        rendered = "[" + ", ".join(render_scalar(v) for v in values) + "]"
        return self._splice(node.start_mark.index, node.end_mark.index, rendered)

    def _flow_empty_to_block(self, path: PathKey, node: SequenceNode, values: list) -> str:
        """``voice: []`` becomes ``voice:`` with the new items below it."""
        key = self.key_node(path)
        if key is None:
            raise SpliceError(f"{_show(path)} cannot be changed by the studio")
        line = self.line_of(node.start_mark.index)
        line_end = self._line_starts[line] + len(self.lines[line].rstrip("\n"))
        rest = self.text[node.end_mark.index : line_end]  # a trailing comment, if any
        head = self.text[: node.start_mark.index].rstrip(" ")
        parent = self.node(path[:-1])
        layout = self._layout_in(parent) if isinstance(parent, MappingNode) else self.layout
        dash_col = key.start_mark.column + layout.sequence_offset
        block = "".join(line for v in values for line in render_item(v, dash_col, 2, self.layout))
        newline = "\n" if line_end < len(self.text) else ""
        tail = self.text[line_end + len(newline) :]
        return head + rest + "\n" + block.rstrip("\n") + ("\n" if newline else "") + tail

    def _layout_in(self, mapping: MappingNode) -> Layout:
        """The file's layout, with the list indentation of a sibling list when there is one
        (a file may indent its lists two ways; a new one looks like its neighbours)."""
        for key, value in mapping.value:
            block = isinstance(value, SequenceNode) and not value.flow_style and value.value
            if block and value.start_mark.line != key.start_mark.line:
                offset = value.start_mark.column - key.start_mark.column
                return Layout(self.layout.mapping_indent, max(offset, 0))
        return self.layout

    def _item_content_offset(self, node: SequenceNode) -> int:
        for item in node.value:
            if isinstance(item, MappingNode) and not item.flow_style and item.value:
                return item.value[0][0].start_mark.column - node.start_mark.column
        return 2

    def _blocks(self, node: SequenceNode) -> list[_Block]:
        """Each item's lines, with the comments above it; blank lines kept apart as separators."""
        dash_col = node.start_mark.column
        blocks: list[_Block] = []
        previous_end = -1
        for item in node.value:
            dash = self.line_of(item.start_mark.index)
            while dash > 0 and not self.lines[dash][dash_col:].startswith("-"):
                dash -= 1
            if self.lines[dash][:dash_col].strip() and blocks:
                raise SpliceError("this list is laid out in a way the studio cannot edit")
            top = dash
            while top - 1 > previous_end and _COMMENT_OR_BLANK.match(self.lines[top - 1]):
                top -= 1
            if not blocks and self.lines[dash][:dash_col].strip():
                top = dash  # "- - a": the list starts on its parent's line
            gap = self.lines[top:dash]
            blank = 0
            while blank < len(gap) and not gap[blank].strip():
                blank += 1
            end = self.last_line(item)
            blocks.append(_Block(top, end, gap[:blank], gap[blank:] + self.lines[dash : end + 1]))
            previous_end = end
        return blocks

    def _rebuild(self, blocks: list[_Block], seps: list[list[str]], bodies: list[list[str]]) -> str:
        lines: list[str] = []
        for separator, body in zip(seps, bodies, strict=True):
            lines += separator + body
        # The file's last line may have no line end; inside the region every line needs one
        # (_replace_lines takes it off again at the end of the file).
        lines = [line if line.endswith("\n") else line + "\n" for line in lines]
        return self._replace_lines(blocks[0].first, blocks[-1].last + 1, lines)


@dataclass
class _Block:
    first: int  # first line (of its separator)
    last: int  # last line of the item
    separator: list[str]  # blank lines above its comments: they belong to the position
    body: list[str]  # the comments just above it and the item's own lines


# --- rendering --------------------------------------------------------------------------------


def _is_scalar(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def render_scalar(value: object) -> str:
    """A value as YAML writes it: plain when that reads back as the same value, else quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    if text and text == text.strip() and "\n" not in text and not text.startswith(("'", '"')):
        try:
            if yaml.load(text, Loader=_LOADER) == text and "#" not in text and ": " not in text:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars


def render_key(key: str) -> str:
    return render_scalar(key)


def render_item(
    value: object, dash_col: int, content_offset: int, layout: Layout | None = None
) -> list[str]:
    """A list item's lines with its dash at ``dash_col``."""
    pad = " " * dash_col
    if _is_scalar(value):
        return [f"{pad}- {render_scalar(value)}\n"]
    if isinstance(value, dict):
        lines = render_mapping(value, dash_col + content_offset, layout or Layout())
        first = lines[0][dash_col + content_offset :]
        return [pad + "-" + " " * (content_offset - 1) + first, *lines[1:]]
    raise SpliceError("a list inside a list cannot be added by the studio")


def render_mapping(value: dict, column: int, layout: Layout) -> list[str]:
    lines: list[str] = []
    for key, item in value.items():
        lines += render_entry(key, item, column, layout)
    return lines


def render_entry(key: str, value: object, column: int, layout: Layout) -> list[str]:
    pad = " " * column
    if _is_scalar(value):
        return [f"{pad}{render_key(key)}: {render_scalar(value)}\n"]
    if isinstance(value, list) and not value:
        return [f"{pad}{render_key(key)}: []\n"]
    if isinstance(value, dict):
        return [
            f"{pad}{render_key(key)}:\n",
            *render_mapping(value, column + layout.mapping_indent, layout),
        ]
    if isinstance(value, list):
        lines = [f"{pad}{render_key(key)}:\n"]
        for item in value:
            lines += render_item(item, column + layout.sequence_offset, 2, layout)
        return lines
    raise SpliceError(f"cannot write {type(value).__name__} values")


# --- small helpers ----------------------------------------------------------------------------


def _child(node: Node | None, step: str | int) -> Node | None:
    if isinstance(node, MappingNode) and isinstance(step, str):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == step:
                return value
        return None
    if isinstance(node, SequenceNode) and isinstance(step, int):
        return node.value[step] if 0 <= step < len(node.value) else None
    return None


def _insert(values: list, index: int, value: object) -> list:
    values = list(values)
    values.insert(index, value)
    return values


def _text_of(value: object) -> str | None:
    return str(value) if _is_scalar(value) else None


def _show(path: PathKey) -> str:
    """A path as people read it: phases[2].music.items."""
    text = ""
    for step in path:
        text += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text or "the file"


def _detect_layout(root: MappingNode) -> Layout:
    mapping_indent = sequence_offset = None
    stack: list[Node] = [root]
    while stack and (mapping_indent is None or sequence_offset is None):
        node = stack.pop()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if not isinstance(value, (MappingNode, SequenceNode)) or value.flow_style:
                    continue
                if not value.value:
                    continue
                if value.start_mark.line == key.start_mark.line:
                    continue
                if isinstance(value, MappingNode) and mapping_indent is None:
                    mapping_indent = value.start_mark.column - key.start_mark.column
                if isinstance(value, SequenceNode) and sequence_offset is None:
                    sequence_offset = value.start_mark.column - key.start_mark.column
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return Layout(
        mapping_indent if mapping_indent and mapping_indent > 0 else 2,
        sequence_offset if sequence_offset is not None and sequence_offset >= 0 else 2,
    )
