# app.py: a wildcard subdomain written as Flask-CORS does NOT read it.
# "https://*.example.com" holds `*`, so Flask-CORS treats it as a regex:
# re.match, ignoring case, anchored at the start only.
from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
CORS(app, origins=["https://app.example.com", "https://*.example.com", r"https://.*\.example\.org"],
     supports_credentials=True, methods=["GET", "POST"])
