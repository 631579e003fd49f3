"""catalog package (see DESIGN.md)."""
