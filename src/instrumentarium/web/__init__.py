"""web package (see DESIGN.md)."""
