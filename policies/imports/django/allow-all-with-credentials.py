# settings.py: "CORS is broken on staging, just open it up" -- the classic.
# django-cors-headers reflects EVERY origin with credentials when both are on.
INSTALLED_APPS = ["django.contrib.auth", "corsheaders"]
MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"]

CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = True
