"""Audit registrations for report jobs: who asked for what, and how each job ended."""

from auditlog.registry import auditlog

from .models import ReportJob

auditlog.register(ReportJob, include_fields=["kind", "scope", "status", "filename", "attempts"])
