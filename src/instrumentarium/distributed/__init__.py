"""distributed package (see DESIGN.md)."""
