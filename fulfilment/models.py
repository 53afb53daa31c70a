"""Models of this app arrive with its issue; see SPEC.md."""
