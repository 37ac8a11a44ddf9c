"""Services of the projects app: the only write path for its data."""
