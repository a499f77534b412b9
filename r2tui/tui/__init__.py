"""The Textual app: a thin layer over the UI-free core (imported lazily by the CLI)."""
