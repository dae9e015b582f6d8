# settings.py: origins from the environment (django-environ).
import os

import environ

env = environ.Env()

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOWED_ORIGIN_REGEXES = [os.environ["PREVIEW_ORIGIN_REGEX"]]
CORS_ALLOW_CREDENTIALS = True
