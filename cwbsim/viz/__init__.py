"""The Solara browser app (planned)."""
