# settings.py: origins copied from the browser's address bar.
CORS_ALLOWED_ORIGINS = [
    "https://app.example.com/",      # trailing slash: django-cors-headers ignores the path
    "https://admin.example.com/dashboard",
    "www.example.com",               # no scheme: never matches
]
CORS_ALLOW_CREDENTIALS = True
CORS_ALLOW_METHODS = ["GET", "POST"]
