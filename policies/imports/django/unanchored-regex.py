# settings.py: preview deployments, with the regex everyone writes first.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOWED_ORIGIN_REGEXES = [
    r"^https://\w+\.example\.com",            # no $: https://x.example.com.evil.test matches
    r"https://pr-[0-9]+.preview.example.com$", # unescaped dots
]
CORS_ALLOW_CREDENTIALS = True
