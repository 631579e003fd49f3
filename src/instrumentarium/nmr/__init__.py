"""nmr package (see DESIGN.md)."""
