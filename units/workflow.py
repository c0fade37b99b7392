"""The shape every workflow shares: states, an explicit map of allowed moves, one check.

Each app keeps its own states (TextChoices), its map and its transition service, which is
the only place that assigns the status and writes the log row (who, when, from, to, why).
"""

from django.utils.translation import gettext as _


class TransitionNotAllowed(Exception):
    pass


def check_transition(allowed: dict, current: str, target: str, labels=None) -> None:
    if target not in allowed.get(current, ()):
        label = (lambda v: str(labels(v).label)) if labels else str
        raise TransitionNotAllowed(
            _("不能从“%(current)s”变为“%(target)s”。")
            % {"current": label(current), "target": label(target)}
        )
