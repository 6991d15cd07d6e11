"""The Solara browser app: explore an economy step by step, set levers, compare with paired seeds."""
