"""Queries for assessment, including who may see what, split by concern."""
