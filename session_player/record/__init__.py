"""The session record a clinic files: a journal read into one plain model (Qt-free).

``read_session_record(path)`` gives a ``ClinicalRecord`` (``model.py`` documents every part);
``find_journal`` resolves a journal file, a session folder or a session's folder name;
``RecordUnreadable`` is raised, with a message for people, when there is no record to read.
The clinic's own settings for its records (name, room, paper) are in ``clinic_settings.py``.
"""

from session_player.record.clinic_settings import ClinicSettings, load_clinic_settings
from session_player.record.model import ClinicalRecord
from session_player.record.session_record import RecordUnreadable, find_journal, read_session_record

__all__ = [
    "ClinicSettings",
    "ClinicalRecord",
    "RecordUnreadable",
    "find_journal",
    "load_clinic_settings",
    "read_session_record",
]
