"""Private files (evidence, reports) are served through this one response, after the caller
has checked the scope: never cached by a shared cache, never sniffed into another type."""

from django.http import FileResponse, Http404


def private_file(stored, *, filename, content_type, inline=False) -> FileResponse:
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
