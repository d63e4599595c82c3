"""Session Player: music, soundscapes and guided voice for ketamine-assisted therapy sessions."""

__version__ = "0.1.0"
