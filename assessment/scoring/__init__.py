"""Scoring: rules (pure), engine (load → compute → rank → write), explain, schedule.

See docs/scoring.md for the rules and where each one is written.
"""
