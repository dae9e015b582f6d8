# app.py: per-view CORS with the decorator.
import os

from flask import Flask
from flask_cors import cross_origin

app = Flask(__name__)


@app.route("/api/public")
@cross_origin(origins="*", methods=["GET"])
def public():
    return {"ok": True}


@app.route("/api/account")
@cross_origin(origins=os.environ["FRONTEND_ORIGIN"], supports_credentials=True)
def account():
    return {"ok": True}
