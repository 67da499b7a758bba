"""The reference: a bare Flask endpoint returning constant JSON, served like the real API."""
from flask import Flask, jsonify

app = Flask(__name__)
BODY = {"verdict": "pass", "language": "en", "findings": [], "packs": [], "elapsed_ms": 0.0}


@app.post("/v1/check")
def check():
    return jsonify(BODY)
