"""Flask-CORS configured through the app's config, the way its docs show it: the settings are
the defaults of CORS(app), which adds only the resources."""
from flask import Flask
from flask_cors import CORS


class Config:
    SECRET_KEY = "change-me"
    CORS_ORIGINS = ["https://app.example.com", "https://admin.example.com"]
    CORS_SUPPORTS_CREDENTIALS = True


app = Flask(__name__)
app.config.from_object(Config)
app.config["CORS_EXPOSE_HEADERS"] = ["X-Request-Id"]
app.config.update(CORS_MAX_AGE=600)

CORS(app, resources={r"/api/*": {"methods": ["GET", "POST", "PUT", "DELETE"]}})

# Set after CORS(app) ran: Flask-CORS never sees it.
app.config["CORS_ORIGINS"] = "*"


@app.get("/api/items")
def items():
    return []
