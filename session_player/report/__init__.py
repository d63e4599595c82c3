"""The session report a clinic files: the ``ClinicalRecord`` (``session_player.record``) as a
PDF of one to three pages, with a vector vitals chart, written with Qt's own PDF support
(QtGui only: no widgets, no system tools). See ``pdf_report.py``."""
