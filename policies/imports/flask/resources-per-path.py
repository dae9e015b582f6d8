# app.py: CORS only on the API, a public feed elsewhere.
from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
CORS(
    app,
    resources={
        r"/api/*": {"origins": ["https://app.example.com"], "supports_credentials": True},
        r"/feed.json": {"origins": "*"},
    },
    allow_headers=["Content-Type", "X-Request-Id"],
    max_age=3600,
)
