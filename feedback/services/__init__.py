"""Actions of the feedback app, each one transaction: ratings, cases, appeals, publication."""
