"""The look of the app for a dim treatment room: warm near-black, soft grey text, one amber accent.

Everything visual that is shared lives here: the palette (from docs/DESIGN brief), the Qt
stylesheet, the fonts and the fade durations. Widgets never hard-code a colour; they take it
from here, so the "no pure white, anywhere, ever" rule can be checked in one place (a test
walks every colour below and the generated stylesheet).

Fonts are given in points, never pixels: Qt scales points with the screen's DPI, so text stays
the same physical size on a high-DPI laptop and on a plain monitor.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

# --- colours (DESIGN.md) ---------------------------------------------------------------------
BACKGROUND = "#0e0c0b"  # near-black with a warm tint: the room's eyes are dark-adapted
SURFACE = "#1a1715"  # panels, one step up
SURFACE_RAISED = "#24201d"  # buttons and inputs, one more step
BORDER = "#332d29"  # hairlines between panels; visible without drawing the eye
STYLE = "fusion"  # Qt's style, the same on every OS (see apply)
TEXT = "#a39a91"  # soft warm grey: readable at a glance, never glaring
TEXT_DIM = "#6f6760"  # secondary text, hints, shortcut labels
ACCENT = "#c08a3e"  # the one accent: now-line, primary action, focus rings
FOCUSED_PRIMARY = "#3a2c1a"  # the amber button's fill while it has the focus
ACCENT_DIM = "#7a5a2c"  # the accent at rest (hover fills, progress tracks)
WARNING = "#b2564a"  # muted red for alerts and flagged readings: never saturated
WARNING_BG = "#2a1714"  # the ground of an alert card
OK = "#7f8c6b"  # muted sage for "done" ticks; quieter than the accent on purpose
ON_ACCENT = BACKGROUND  # text on an amber button: dark, so the button is not a lamp
SCROLL_HANDLE = "#3b3430"  # visible enough to say "there is more below", no brighter

ALL_COLOURS = {
    name: value
    for name, value in dict(globals()).items()
    if name.isupper() and isinstance(value, str) and value.startswith("#")
}

# Phase bands on the arc: warm, low-contrast steps so the bands read as a sequence, not a chart.
PHASE_BAND_COLOURS = ("#2b2420", "#352b23", "#3f3126", "#33302a", "#2a2b26", "#2e2724")

# --- motion ----------------------------------------------------------------------------------
FADE_MS = 600  # screens and appearing elements (the brief asks for 400-800 ms)
SLOW_FADE_MS = 800  # alerts and the patient view: slower still, never a flash
GLIDE_MS = 250  # the now-line's repaint interval: small steps read as gliding

# --- type ------------------------------------------------------------------------------------
FONT_FAMILIES = ["Inter", "Noto Sans", "Segoe UI", "Cantarell", "Helvetica Neue", "DejaVu Sans"]
CONSOLE_PT = 14  # console body: the brief's minimum
CONSOLE_SMALL_PT = 12  # shortcut hints and timestamps only
CONSOLE_HEADING_PT = 18
PATIENT_PT = 28  # patient view body (the brief's minimum is 24)
PATIENT_TITLE_PT = 40


# --- console density -------------------------------------------------------------------------
class ConsoleDensity(NamedTuple):
    """Paddings and heights of the console's parts. The type keeps its sizes in both: only
    the room around it shrinks (the console body stays at ``CONSOLE_PT``)."""

    name: str
    body_margins_px: tuple[int, int, int, int]  # left, top, right, bottom
    spacing_px: int  # between the console's cards
    arc_ticks_px: int  # the row of "dose 15m 30m" above the bands
    arc_band_px: int  # the phase bands' height
    arc_marks_gap_px: int  # between the bands and the marks under them
    arc_labels_px: int  # the marks and their two rows of words
    arc_footer_px: int  # the summary line under the marks
    arc_since_pt: int  # the summary's "+12:03 since dose"
    button_margins_px: tuple[int, int, int, int]  # inside a command button, around its words
    button_spacing_px: int  # between a button's words and its key cap
    button_qss_height: bool  # the stylesheet's padding and min-height, else the words' own
    card_margins_px: tuple[int, int, int, int]  # inside the now-playing and commands cards


NORMAL_DENSITY = ConsoleDensity(
    name="normal",
    body_margins_px=(20, 12, 20, 12),
    spacing_px=8,
    arc_ticks_px=34,
    arc_band_px=48,
    arc_marks_gap_px=8,
    arc_labels_px=44,
    arc_footer_px=34,
    arc_since_pt=CONSOLE_HEADING_PT - 2,
    button_margins_px=(12, 5, 8, 5),
    button_spacing_px=8,
    button_qss_height=True,
    card_margins_px=(16, 8, 16, 8),
)
# A short screen (1280×800 at 150 % is 853×533 logical pixels, less a title bar): the same
# type with less room around it, so every command is in view without scrolling.
COMPACT_DENSITY = ConsoleDensity(
    name="compact",
    body_margins_px=(12, 4, 12, 4),
    spacing_px=5,
    arc_ticks_px=22,
    arc_band_px=30,
    arc_marks_gap_px=4,
    arc_labels_px=48,  # 12 for the mark, two rows of 11 pt words
    arc_footer_px=24,
    arc_since_pt=CONSOLE_PT,
    button_margins_px=(8, 5, 6, 5),
    button_spacing_px=6,
    button_qss_height=False,
    card_margins_px=(12, 3, 12, 3),
)
# Compact below this console height in logical pixels: decided by the window's size alone
# (on resize), never by what the console shows, so it cannot flip while a session runs.
COMPACT_BELOW_HEIGHT_PX = 620


def console_density(height_px: int) -> ConsoleDensity:
    return COMPACT_DENSITY if height_px < COMPACT_BELOW_HEIGHT_PX else NORMAL_DENSITY


def font(point_size: float, *, weight: QFont.Weight = QFont.Weight.Normal) -> QFont:
    """A font from the family list, at a size in points (scales with the screen's DPI)."""
    result = QFont()
    result.setFamilies(FONT_FAMILIES)
    result.setPointSizeF(point_size)
    result.setWeight(weight)
    return result


def qcolor(hex_value: str, alpha: float = 1.0) -> QColor:
    colour = QColor(hex_value)
    colour.setAlphaF(alpha)
    return colour


# --- the patient view's dim palette -----------------------------------------------------------
DEFAULT_DIM_LEVEL = 0.22  # brightest patient pixel at 22 % grey: the brief allows about 25 %
MIN_DIM_LEVEL = 0.04  # nearly black, for a patient with the lights off and eyes open
# The dark-room ceiling, for the console's slider and the clinic's default alike: a patient
# who wants more light gets a little (30 % grey, the brightest pixel), never a lit screen.
MAX_DIM_LEVEL = 0.30


class PatientColours(NamedTuple):
    """The patient view's colours at one dim level: text is exactly ``level`` grey at most.

    The colours keep the warm hue of the console's text and are scaled so that their
    brightest channel equals the level; everything else is darker still. The brightness
    test relies on this: no pixel can be brighter than the text colour.
    """

    level: float
    background: QColor
    shape: QColor
    shape_active: QColor
    outline: QColor
    text: QColor
    text_dim: QColor

    @classmethod
    def at(cls, level: float) -> PatientColours:
        level = max(0.0, min(MAX_DIM_LEVEL, level))
        # The ground goes down with the level too, so text never sinks into it when the
        # clinician dims the screen to nearly black.
        background = _scaled(BACKGROUND, min(_top(BACKGROUND), level * 0.3), None)
        return cls(
            level=level,
            background=background,
            shape=_scaled(TEXT, level * 0.22, background),
            shape_active=_scaled(ACCENT, level * 0.42, background),
            outline=_scaled(TEXT, level * 0.42, background),
            text=_scaled(TEXT, level, background),
            text_dim=_scaled(TEXT, level * 0.62, background),
        )


def _top(hex_value: str) -> float:
    colour = QColor(hex_value)
    return max(colour.red(), colour.green(), colour.blue()) / 255.0


def _scaled(hex_value: str, level: float, floor: QColor | None) -> QColor:
    """The colour's hue, with its brightest channel at ``level`` (0..1) of full scale."""
    base = QColor(hex_value)
    top = max(base.red(), base.green(), base.blue()) or 1
    factor = level * 255.0 / top

    def channel(value: int, minimum: int) -> int:
        # Never darker than the ground, so a shape never reads as a hole.
        return max(minimum, min(255, round(value * factor)))

    if floor is None:
        floor = QColor(0, 0, 0)
    return QColor(
        channel(base.red(), floor.red()),
        channel(base.green(), floor.green()),
        channel(base.blue(), floor.blue()),
    )


# --- the console's palette and stylesheet ------------------------------------------------------


def palette() -> QPalette:
    """A QPalette with every role set: Qt's defaults include pure white (Light, BrightText)."""
    result = QPalette()
    roles = {
        QPalette.ColorRole.Window: BACKGROUND,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: SURFACE,
        QPalette.ColorRole.AlternateBase: SURFACE_RAISED,
        QPalette.ColorRole.ToolTipBase: SURFACE_RAISED,
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.PlaceholderText: TEXT_DIM,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: SURFACE_RAISED,
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.BrightText: ACCENT,
        QPalette.ColorRole.Light: BORDER,
        QPalette.ColorRole.Midlight: SURFACE_RAISED,
        QPalette.ColorRole.Mid: SURFACE,
        QPalette.ColorRole.Dark: BACKGROUND,
        QPalette.ColorRole.Shadow: BACKGROUND,
        QPalette.ColorRole.Highlight: ACCENT_DIM,
        QPalette.ColorRole.HighlightedText: TEXT,
        QPalette.ColorRole.Link: ACCENT,
        QPalette.ColorRole.LinkVisited: ACCENT_DIM,
        QPalette.ColorRole.Accent: ACCENT,
    }
    for role, value in roles.items():
        result.setColor(role, QColor(value))
        result.setColor(QPalette.ColorGroup.Disabled, role, QColor(value))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        result.setColor(QPalette.ColorGroup.Disabled, role, QColor(TEXT_DIM))
    result.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(TEXT_DIM))
    return result


def stylesheet() -> str:
    """The console's QSS. Sizes in points or em so they follow the font and the DPI.

    The base font size is set with ``QApplication.setFont`` rather than here: a QSS
    font-size on ``QWidget`` would override every widget's own ``setFont`` (the patient
    view's large type included).
    """
    return f"""
QWidget {{
    background-color: {BACKGROUND};
    color: {TEXT};
    selection-background-color: {ACCENT_DIM};
    selection-color: {TEXT};
}}
QWidget:disabled {{ color: {TEXT_DIM}; }}
QFrame[role="card"], QWidget[role="card"] {{
    background-color: {SURFACE};
    border: 1px solid {BORDER};
    border-radius: 10px;
}}
QFrame[role="card"] QLabel, QWidget[role="card"] QLabel {{ background: transparent; }}
QLabel {{ background: transparent; }}
QLabel[role="heading"] {{ font-size: {CONSOLE_HEADING_PT}pt; color: {TEXT}; }}
QLabel[role="secondary"] {{ color: {TEXT_DIM}; }}
QLabel[role="hint"] {{ color: {TEXT_DIM}; font-size: {CONSOLE_SMALL_PT}pt; }}
QLabel[role="warning"] {{ color: {WARNING}; }}
QLabel[role="ok"] {{ color: {OK}; }}
QLabel[role="accent"] {{ color: {ACCENT}; }}
QPushButton, QToolButton {{
    background-color: {SURFACE_RAISED};
    color: {TEXT};
    border: 1px solid {BORDER};
    border-radius: 8px;
    padding: 0.3em 0.8em;
    min-height: 1.5em;
}}
QPushButton:hover, QToolButton:hover {{ border-color: {ACCENT_DIM}; }}
QPushButton:pressed, QToolButton:pressed {{ background-color: {SURFACE}; }}
QPushButton:checked, QToolButton:checked {{
    background-color: #3a2c1a;
    border-color: {ACCENT_DIM};
}}
QPushButton:focus, QToolButton:focus {{ border: 2px solid {ACCENT}; }}
/* The focus is the border above; Fusion's dotted rectangle inside it is only noise. */
QPushButton, QToolButton {{ outline: none; }}
QPushButton:disabled, QToolButton:disabled {{
    color: {TEXT_DIM};
    background-color: {SURFACE};
    border-color: {SURFACE_RAISED};
}}
QPushButton[role="primary"] {{
    background-color: {ACCENT};
    color: {ON_ACCENT};
    border-color: {ACCENT};
    font-weight: 600;
}}
QPushButton[role="primary"]:hover {{ background-color: #b07e38; }}
/* Focused, the amber button turns dark with an amber ring and amber words: a grey ring on
   amber (the two are about as light) could not be seen. ActionButton follows in its label. */
QPushButton[role="primary"]:focus {{
    background-color: {FOCUSED_PRIMARY}; color: {ACCENT}; border: 2px solid {ACCENT};
}}
QPushButton[role="primary"]:disabled {{
    background-color: {SURFACE_RAISED};
    color: {TEXT_DIM};
    border-color: {BORDER};
}}
QPushButton[role="danger"] {{ color: {WARNING}; border-color: #4a2823; }}
QPushButton[role="danger"]:focus {{ border: 2px solid {ACCENT}; }}
QPushButton[role="quiet"] {{
    background: transparent;
    border-color: transparent;
    color: {TEXT_DIM};
}}
QPushButton[role="quiet"]:focus {{ border: 2px solid {ACCENT}; }}
QLineEdit, QPlainTextEdit, QTextEdit, QSpinBox, QComboBox {{
    background-color: {SURFACE_RAISED};
    color: {TEXT};
    border: 1px solid {BORDER};
    border-radius: 6px;
    padding: 0.3em 0.5em;
}}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QSpinBox:focus, QComboBox:focus {{
    border: 2px solid {ACCENT};
}}
QLineEdit[flag="true"] {{ color: {WARNING}; border-color: {WARNING}; }}
QComboBox::drop-down {{ border: none; width: 1.5em; }}
QComboBox QAbstractItemView {{
    background-color: {SURFACE_RAISED};
    border: 1px solid {BORDER};
    selection-background-color: {ACCENT_DIM};
}}
QListWidget, QTreeWidget, QTableWidget {{
    background-color: {SURFACE};
    border: 1px solid {BORDER};
    border-radius: 8px;
    padding: 4px;
    outline: none;
}}
QListWidget:focus, QTreeWidget:focus, QTableWidget:focus {{ border: 2px solid {ACCENT}; }}
QListWidget::item, QTreeWidget::item {{ padding: 0.35em 0.4em; border-radius: 6px; }}
QListWidget::item:selected, QTreeWidget::item:selected, QTableWidget::item:selected {{
    background-color: #2f2519;
    color: {TEXT};
}}
QHeaderView::section {{
    background-color: {SURFACE};
    color: {TEXT_DIM};
    border: none;
    border-bottom: 1px solid {BORDER};
    padding: 0.3em 0.5em;
}}
QTableWidget {{ gridline-color: {BORDER}; }}
QProgressBar {{
    background-color: {SURFACE_RAISED};
    border: 1px solid {BORDER};
    border-radius: 5px;
    text-align: center;
    color: {TEXT};
    min-height: 1em;
}}
QProgressBar::chunk {{ background-color: {ACCENT_DIM}; border-radius: 4px; }}
QCheckBox {{ spacing: 0.5em; }}
QCheckBox::indicator {{
    width: 1em; height: 1em;
    border: 1px solid {TEXT_DIM};
    border-radius: 3px;
    background: {SURFACE_RAISED};
}}
QCheckBox::indicator:checked {{ background: {ACCENT}; border-color: {ACCENT}; }}
QCheckBox:focus {{ color: {ACCENT}; }}
QSlider::groove:horizontal {{ height: 6px; background: {SURFACE_RAISED}; border-radius: 3px; }}
QSlider::handle:horizontal {{
    width: 18px; margin: -7px 0; border-radius: 9px; background: {TEXT_DIM};
}}
QSlider::handle:horizontal:focus {{ background: {ACCENT}; }}
QSlider::sub-page:horizontal {{ background: {ACCENT_DIM}; border-radius: 3px; }}
QScrollBar:vertical, QScrollBar:horizontal {{ background: {SURFACE}; width: 10px; height: 10px; }}
QScrollBar::handle {{ background: {SCROLL_HANDLE}; border-radius: 5px; min-height: 24px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QToolTip {{
    background-color: {SURFACE_RAISED};
    color: {TEXT};
    border: 1px solid {BORDER};
    padding: 4px;
}}
QMenu {{ background-color: {SURFACE_RAISED}; border: 1px solid {BORDER}; padding: 4px; }}
QMenu::item {{ padding: 0.35em 1.2em; border-radius: 4px; }}
QMenu::item:selected {{ background-color: #2f2519; }}
QMenu::item:disabled {{ color: {TEXT_DIM}; }}
QMenuBar {{ background-color: {BACKGROUND}; }}
QMenuBar::item:selected {{ background-color: {SURFACE_RAISED}; }}
QDialog, QMessageBox, QInputDialog {{
    background-color: {SURFACE};
    border: 1px solid {BORDER};
}}
QDialog QWidget, QMessageBox QWidget {{ background-color: transparent; }}
QDialog QLineEdit, QDialog QPushButton, QDialog QComboBox, QDialog QSpinBox,
QMessageBox QPushButton {{ background-color: {SURFACE_RAISED}; }}
QDialog QPushButton[role="primary"] {{ background-color: {ACCENT}; }}
QDialog QPushButton[role="primary"]:focus {{ background-color: {FOCUSED_PRIMARY}; }}
QDialog QPushButton:disabled {{ background-color: {SURFACE}; }}
/* No icons on dialog buttons: Fusion's are saturated red and green glyphs. */
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QSplitter::handle {{ background: {BORDER}; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; border-radius: 8px; }}
QTabBar::tab {{
    background: {SURFACE}; color: {TEXT_DIM}; padding: 0.4em 1em;
    border-top-left-radius: 6px; border-top-right-radius: 6px;
}}
QTabBar::tab:selected {{ color: {TEXT}; background: {SURFACE_RAISED}; }}
"""


def set_role(widget, role: str | None) -> None:
    """Give a widget a QSS role ("warning", "ok", ...) and re-polish it, only on a change.

    A dynamic property takes effect in the stylesheet only after a re-polish, and re-polishing
    on every display tick would cost more than the rest of the console together.
    """
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    # Setting a widget's own stylesheet re-polishes it: the app stylesheet's rules are
    # matched afresh, and the old role's colour and size go (tests/ui/test_theme.py). This
    # one is only a comment. Not ``style().unpolish()`` and ``polish()``: Python's QStyle
    # costs ~10 ms at launch, and choosing among polish's overloads builds Qt's namespace
    # enums (see ui/qt_values.py); nor a Polish event: QEvent's 179 values cost 2 ms more.
    widget.setStyleSheet(f"/* role: {role} */")


def apply(app: QApplication, *, style_chosen: bool = False) -> None:
    """Give the whole app the dim theme: Fusion style (same on every OS), palette, QSS, font.

    ``style_chosen``: the app was made with ``-style fusion`` (see ``ui.launch.make_app``).
    """
    # Fusion draws everything from the palette, so native light-theme bits cannot leak in.
    if not style_chosen:
        app.setStyle(STYLE)
    app.setPalette(palette())
    app.setFont(font(CONSOLE_PT))
    app.setStyleSheet(stylesheet())
