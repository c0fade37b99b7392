"""What the feedback app tells others about its cases, without knowing who listens
(assessment keeps a ledger problem in step with each case)."""

from django.dispatch import Signal

# Sent with cases=[FollowUpCase, ...] after new cases are stored.
cases_opened = Signal()
# Sent with case=FollowUpCase, user=the actor (or None) after a case changed state.
case_moved = Signal()
# Sent with cases=[FollowUpCase, ...] after their deadlines were counted again.
cases_rescheduled = Signal()
# Sent after the holiday table changed (deadlines counted on it may be counted again).
calendar_changed = Signal()
