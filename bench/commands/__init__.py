"""The benchmark commands, one module each (``python -m bench <name>``)."""
