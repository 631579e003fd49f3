"""xrd package (see DESIGN.md)."""
