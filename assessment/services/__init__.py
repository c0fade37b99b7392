"""Actions that change assessment state, one transaction each, split by workflow."""
