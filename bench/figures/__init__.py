"""One module per figure family; each function returns (or yields) figure lines."""
