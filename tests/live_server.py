"""An app served on 127.0.0.1 from a thread, for the browser tests."""
from __future__ import annotations

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server


@contextmanager
def serving(app):
    """Yield the base URL of `app` on a free loopback port; stop serving and let the recorder finish afterwards."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=5)
        httpd.server_close()
        # the recorder writes from its own thread: let it finish before the database goes away
        service = app.extensions["preflight"]
        service.recorder.flush()
        service.store.dispose()
