# Production image: gunicorn serving the Django app; the same image runs the Celery worker
# and beat (see docker-compose.yml).
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_DEBUG=false
WORKDIR /app
RUN useradd --create-home --uid 1000 app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY --from=assets /app/node_modules ./node_modules
COPY . .
# collectstatic and the catalogues need settings, not secrets: build-time placeholders only.
RUN DJANGO_SECRET_KEY=build TOKEN_ENCRYPTION_KEY=build WEBHOOK_APP_SECRET=build \
    WEBHOOK_VERIFY_TOKEN=build python manage.py collectstatic --noinput \
 && python manage.py compiletranslations \
 && mkdir -p /app/var && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
