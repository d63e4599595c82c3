"""The session at run time: the dose clock, the arc, commands, the journal, observable state.

Qt-free and pygame-free; time comes from an injectable clock so tests run hours in milliseconds.
"""
