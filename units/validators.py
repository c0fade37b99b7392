"""Rules for text and numbers written into the organisation, whichever door writes them.

They sit on the model fields, so the API's serializers, the admin's forms and the import's
full_clean all run the same check: the API no longer accepts a name the import refuses.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from .export_safety import looks_like_formula

# Far above any real agency or branch, far below what a 32-bit column holds.
COUNT_MAX = 100_000


def reject_formula(value):
    if looks_like_formula(value):
        raise ValidationError(
            _("不能以 = + - @ 开头：电子表格会把它当作公式执行。"), code="formula"
        )


count_limit = MaxValueValidator(COUNT_MAX)
