# Production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PROLONGE_VAR_DIR=/data \
    DEBUG=0

WORKDIR /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 prolonge \
    && mkdir -p /data && chown prolonge /data

COPY pyproject.toml README.md ./
RUN pip install --upgrade "pip>=25.1" && pip install --group runtime

COPY . .
RUN DEBUG=1 python manage.py collectstatic --noinput -v 0 \
    && python manage.py compilemessages --ignore=.venv -v 0

USER prolonge
EXPOSE 8000
# --timeout 60, deliberately: exports above PROLONGE_EXPORT_BACKGROUND_ROWS run in the worker, and a
# streamed export ends with a trailer line, so a cut stream is never taken for a complete file.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
