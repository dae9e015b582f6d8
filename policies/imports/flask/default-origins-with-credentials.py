# app.py: "add cookies to CORS" -- but origins defaults to "*", so Flask-CORS
# reflects every origin with credentials.
from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
CORS(app, supports_credentials=True)


@app.route("/api/me")
def me():
    return {"user": "alice"}
