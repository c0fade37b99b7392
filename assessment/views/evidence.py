"""Evidence files are served only here, to users whose scope covers the branch."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404

from units.downloads import private_file

from ..selectors.submissions import evidence_visible_to
from ..services.evidence import INLINE_TYPES, name_for_type


@login_required
def evidence_file(request, pk):
    evidence = get_object_or_404(evidence_visible_to(request.user), pk=pk)
    inline = bool(request.GET.get("preview")) and evidence.content_type in INLINE_TYPES
    return private_file(
        evidence.file,
        filename=name_for_type(evidence.original_name, evidence.content_type),
        content_type=evidence.content_type,
        inline=inline,
    )
