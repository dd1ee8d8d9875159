"""WSGI entry point (gunicorn claims_tracker.wsgi:application; `manage.py runserver` serves it too,
through settings.WSGI_APPLICATION).

Django's application sits behind the front cache (claims/front_cache.py): public reader pages are
served for READER_FRONT_CACHE_SECONDS from the process's memory, without entering Django.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")

django_application = get_wsgi_application()

from claims_tracker.claims.front_cache import FrontCache  # noqa: E402 - after Django is set up

application = FrontCache(django_application)
