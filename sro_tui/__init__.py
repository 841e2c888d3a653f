"""sro-tui: a keyboard-first terminal app in which School Resource Officers log their campus day."""

__version__ = "0.1.0"
