"""The pages: thin doors into the selectors (reads) and services (writes)."""
