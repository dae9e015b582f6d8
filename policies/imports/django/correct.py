# settings.py: a correct, explicit configuration.
FRONTEND = "https://app.example.com"

CORS_URLS_REGEX = r"^/api/"
CORS_ALLOWED_ORIGINS = [
    FRONTEND,
    "https://admin.example.com",
]
CORS_ALLOW_CREDENTIALS = True
CORS_ALLOW_METHODS = ("GET", "POST", "PUT", "DELETE")
CORS_ALLOW_HEADERS = ("content-type", "x-csrftoken")
CORS_EXPOSE_HEADERS = ["x-request-id"]
CORS_PREFLIGHT_MAX_AGE = 600
