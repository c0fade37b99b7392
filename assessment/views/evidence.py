"""Evidence files are served only here, to users whose scope covers the branch."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from ..selectors.submissions import evidence_visible_to
from ..services.evidence import INLINE_TYPES, name_for_type


@login_required
def evidence_file(request, pk):
    evidence = get_object_or_404(evidence_visible_to(request.user), pk=pk)
    inline = bool(request.GET.get("preview")) and evidence.content_type in INLINE_TYPES
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=name_for_type(evidence.original_name, evidence.content_type),
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
