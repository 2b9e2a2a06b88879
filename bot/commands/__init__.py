"""The `python -m bot` sub-commands, one module each."""
