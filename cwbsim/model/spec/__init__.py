"""The economy spec: its schema (``schema``, ``behaviour``, ``types``), its files and library."""
