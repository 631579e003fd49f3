"""health package (see DESIGN.md)."""
