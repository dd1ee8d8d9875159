# One image for web, worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files are collected at build time and served by WhiteNoise under gunicorn.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only-not-secret-build-only-not-secret-0123456789 \
    DJANGO_ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

# media/: the evidence archive's WARC files (a volume in docker-compose.yml), owned by the app user.
RUN mkdir -p /app/media && useradd --create-home app && chown -R app /app
USER app
EXPOSE 8000
# gunicorn.conf.py (in /app, read by default): threaded workers with keep-alive.
CMD ["gunicorn", "claims_tracker.wsgi:application"]
