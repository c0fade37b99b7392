from django.core.exceptions import PermissionDenied

from units.importing import ImportOutcome, import_all_or_nothing, read_dataset
from units.selectors import scope_of

from ..resources import SURVEY_HEADERS, SurveyRatingResource


def import_survey(uploaded_file, *, batch: str, user) -> ImportOutcome:
    """Import a third-party survey: every row or none; bad rows named by their line."""
    if not scope_of(user).committee:
        raise PermissionDenied
    dataset = read_dataset(uploaded_file, required_headers=SURVEY_HEADERS[:2] + SURVEY_HEADERS[3:4])
    return import_all_or_nothing(SurveyRatingResource(batch=batch, user=user), dataset)
