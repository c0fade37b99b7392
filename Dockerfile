FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango; libharfbuzz-subset0 keeps Chinese PDFs fast; a CJK font for reports.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-wqy-microhei gettext \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
COPY pyproject.toml requirements.lock ./
COPY config ./config
COPY units ./units
COPY assessment ./assessment
COPY feedback ./feedback
COPY reports ./reports
COPY demo ./demo
RUN pip install --no-cache-dir -c requirements.lock .
COPY . .
RUN SECRET_KEY=build ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 app && mkdir -p /app/media && chown app /app/media
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
