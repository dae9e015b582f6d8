# app.py: a correct, explicit configuration.
from flask import Flask
from flask_cors import CORS

FRONTEND = "https://app.example.com"

app = Flask(__name__)
CORS(
    app,
    resources={r"^/api/": {"origins": [FRONTEND]}},
    supports_credentials=True,
    methods=["GET", "POST", "PUT"],
    allow_headers=["content-type"],
    expose_headers=["x-request-id"],
    max_age=600,
)
