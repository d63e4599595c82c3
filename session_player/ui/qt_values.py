"""A few of Qt's enum values as plain ints, for what the start screen builds and paints.

The first use of ``PySide6.QtCore.Qt`` turns all 93 enumerations of Qt's namespace into Python
enums: about 20 ms, a tenth of the app's launch, for a handful of values. The start screen
needs none of those objects: enum properties take an int through ``setProperty``, item data
roles are ints, and ``QPainter.drawText`` takes its flags as an int. So the start screen and
what it shows use these values, and ``tests/ui/test_startup.py`` checks that showing it leaves
the namespace unbuilt; the pages of a session use ``Qt`` as usual. The values are Qt's own
(``qnamespace.h``), which Qt never changes; the test compares them with ``Qt`` too.
"""

from __future__ import annotations

USER_ROLE = 0x0100  # Qt.ItemDataRole.UserRole
ALIGN_LEFT = 0x0001  # Qt.AlignmentFlag.AlignLeft
ALIGN_RIGHT = 0x0002  # Qt.AlignmentFlag.AlignRight
ALIGN_TOP = 0x0020  # Qt.AlignmentFlag.AlignTop
ALIGN_VCENTER = 0x0080  # Qt.AlignmentFlag.AlignVCenter
SCROLL_BAR_ALWAYS_OFF = 1  # Qt.ScrollBarPolicy.ScrollBarAlwaysOff
KEY_RETURN = 0x01000004  # Qt.Key.Key_Return
KEY_ENTER = 0x01000005  # Qt.Key.Key_Enter
