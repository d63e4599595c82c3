"""New playlists from the bundled templates, one per route (``studio/templates/*.yaml``).

Each template is a complete, valid playlist with comments a therapist can follow: the arc
for that route (phases, durations, holds and extension limits), the vital-sign checks and
the minimum observation (intranasal esketamine: blood pressure before dosing, at 40 minutes
and before discharge, two hours at least, as its label asks), and no music yet: music is
added by dropping files on a phase, so a template validates anywhere, with no audio.

    new_playlist("intranasal", Path("playlists/tuesday.yaml"), title="Tuesday esketamine",
                 include=Path("playlists/library.yaml"))
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from session_player.studio.atomic_write import write_text_atomically
from session_player.studio.yaml_text import YamlText

TEMPLATE_DIR = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class Template:
    route: str  # the playlist's route: value
    name: str  # what the studio's "New playlist" offers
    file: Path

    def text(self) -> str:
        return self.file.read_text(encoding="utf-8")


TEMPLATES: tuple[Template, ...] = (
    Template("IV", "IV infusion", TEMPLATE_DIR / "iv-infusion.yaml"),
    Template("IM", "IM injection", TEMPLATE_DIR / "im.yaml"),
    Template("intranasal", "Intranasal esketamine", TEMPLATE_DIR / "intranasal-esketamine.yaml"),
    Template("sublingual", "Sublingual or oral", TEMPLATE_DIR / "sublingual-oral.yaml"),
)

# What people type for a route (any capitals) -> the template's route.
_ROUTE_WORDS = {
    "iv": "IV",
    "intravenous": "IV",
    "infusion": "IV",
    "im": "IM",
    "intramuscular": "IM",
    "intranasal": "intranasal",
    "nasal": "intranasal",
    "esketamine": "intranasal",
    "sublingual": "sublingual",
    "oral": "sublingual",
    "lozenge": "sublingual",
}


class TemplateError(Exception):
    """No such route, or the new file cannot be written; the message says which."""


def template_for(route: str) -> Template:
    chosen = _ROUTE_WORDS.get(route.strip().lower())
    for template in TEMPLATES:
        if template.route == chosen:
            return template
    names = ", ".join(t.route for t in TEMPLATES)
    raise TemplateError(f"no template for the route '{route}' (one of {names}, or oral)")


def new_playlist(
    route: str,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    include: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a new playlist for ``route`` at ``path`` and return the path.

    ``title`` replaces the template's title; ``include`` names a library file (soundscapes,
    bells, voices) that the new playlist includes, written relative to it. An existing file
    is never replaced unless ``overwrite``.
    """
    target = Path(path)
    text = template_for(route).text()
    if title is not None:
        if not title.strip():
            raise TemplateError("a playlist needs a title")
        text = YamlText(text).set_value(("title",), title.strip())
    if include is not None:
        library = Path(include)
        if not library.is_file():
            raise TemplateError(f"the library {library} does not exist")
        name = Path(os.path.relpath(library.absolute(), target.absolute().parent)).as_posix()
        text = YamlText(text).set_value(("include",), [name], after=("description", "route"))
    if target.exists() and not overwrite:
        raise TemplateError(f"{target} already exists; choose another name")
    if not target.parent.is_dir():
        raise TemplateError(f"the folder {target.parent} does not exist")
    write_text_atomically(target, text)
    return target
