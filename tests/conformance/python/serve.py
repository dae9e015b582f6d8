"""Conformance server for corsc-generated Starlette, Flask and Django modules.

    python serve.py starlette|flask|django MODULE...

Loads each generated module unchanged, wires it into its own application listening on an
ephemeral port of 127.0.0.1, and prints one JSON line {"ports": [...]} (one port per module,
in order) once every application listens. Every request the module lets through gets a 200
JSON answer, whatever its method, from one of three routes declared with the framework's own
router (/api/admin/..., /api/..., everything else), which names itself in the X-Corsc-Route
header: tests/security/paths.rs checks that a request gets the CORS of the policy owning the
route the framework actually picked. The process exits when standard input closes (the test that
started it is gone) and after ten minutes at most.
"""

import importlib.util
import json
import os
import socket
import sys
import threading

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE"]


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def bound_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit it: no Nagle delay between a response's header and body writes.
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    return s


def serve_starlette(paths):
    import asyncio

    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    def route(name):
        async def answer(request):
            return JSONResponse({"ok": True, "route": name}, headers={"X-Corsc-Route": name})

        return answer

    servers, sockets = [], []
    for i, path in enumerate(paths):
        module = load(path, f"corsc_cors_{i}")
        app = Starlette(
            routes=[
                Route("/api/admin/{rest:path}", route("admin"), methods=METHODS),
                Route("/api/{rest:path}", route("api"), methods=METHODS),
                Route("/{rest:path}", route("other"), methods=METHODS),
            ]
        )
        module.add_cors(app)
        sock = bound_socket()
        config = uvicorn.Config(app, log_level="error", lifespan="off")
        servers.append(uvicorn.Server(config))
        sockets.append(sock)

    async def main():
        tasks = [asyncio.create_task(s.serve(sockets=[k])) for s, k in zip(servers, sockets)]
        while not all(s.started for s in servers):
            await asyncio.sleep(0.01)
        announce(sockets)
        await asyncio.gather(*tasks)

    asyncio.run(main())


def serve_wsgi(apps):
    from werkzeug.serving import make_server

    sockets = []
    for app in apps:
        sock = bound_socket()
        server = make_server("127.0.0.1", 0, app, threaded=True, fd=sock.fileno())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sockets.append(sock)
    announce(sockets)
    threading.Event().wait()


def flask_apps(paths):
    from flask import Flask, jsonify

    apps = []
    for i, path in enumerate(paths):
        module = load(path, f"corsc_cors_{i}")
        app = Flask(f"corsc_app_{i}")

        def route(name):
            def answer(rest=""):
                response = jsonify(ok=True, route=name)
                response.headers["X-Corsc-Route"] = name
                return response

            return answer

        app.add_url_rule("/api/admin/", "admin_root", route("admin"), methods=METHODS)
        app.add_url_rule("/api/admin/<path:rest>", "admin", route("admin"), methods=METHODS)
        app.add_url_rule("/api/<path:rest>", "api", route("api"), methods=METHODS)
        app.add_url_rule("/", "root", route("other"), methods=METHODS)
        app.add_url_rule("/<path:rest>", "other", route("other"), methods=METHODS)

        module.init_cors(app)
        apps.append(app)
    return apps


def django_app(path):
    """One Django project per process: a settings module that imports the fragment, or
    that installs the generated middleware (several policies)."""
    import types

    settings = types.ModuleType("corsc_test_settings")
    settings.__dict__.update(
        SECRET_KEY="corsc-conformance",
        DEBUG=False,
        ALLOWED_HOSTS=["127.0.0.1"],
        ROOT_URLCONF="corsc_test_settings",
        INSTALLED_APPS=["corsheaders"],
        MIDDLEWARE=[
            "corsheaders.middleware.CorsMiddleware",
            "django.middleware.common.CommonMiddleware",
        ],
        USE_TZ=True,
    )
    fragment = load(path, "corsc_cors_settings")
    for k, v in vars(fragment).items():
        if k.isupper():
            setattr(settings, k, v)
    if hasattr(fragment, "CorscCorsMiddleware"):
        # Several policies: the generated middleware replaces django-cors-headers.
        settings.INSTALLED_APPS = []
        settings.MIDDLEWARE = [
            "corsc_cors_settings.CorscCorsMiddleware",
            "django.middleware.common.CommonMiddleware",
        ]
    from django.http import JsonResponse
    from django.urls import re_path
    from django.views.decorators.csrf import csrf_exempt

    def route(name):
        @csrf_exempt
        def answer(request):
            response = JsonResponse({"ok": True, "route": name})
            response["X-Corsc-Route"] = name
            return response

        return answer

    settings.urlpatterns = [
        re_path(r"^api/admin/", route("admin")),
        re_path(r"^api/", route("api")),
        re_path(r"", route("other")),
    ]
    sys.modules["corsc_test_settings"] = settings
    os.environ["DJANGO_SETTINGS_MODULE"] = "corsc_test_settings"
    import django
    from django.core.wsgi import get_wsgi_application

    django.setup()
    return get_wsgi_application()


def announce(sockets):
    ports = [s.getsockname()[1] for s in sockets]
    sys.stdout.write(json.dumps({"ports": ports}) + "\n")
    sys.stdout.flush()


def watch_stdin():
    sys.stdin.read()
    os._exit(0)


def main():
    framework, paths = sys.argv[1], sys.argv[2:]
    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Timer(600, lambda: os._exit(0)).start()
    if framework == "starlette":
        serve_starlette(paths)
    elif framework == "flask":
        serve_wsgi(flask_apps(paths))
    elif framework == "django":
        if len(paths) != 1:
            sys.exit("django serves one settings fragment per process")
        serve_wsgi([django_app(paths[0])])
    else:
        sys.exit(f"unknown framework {framework}")


if __name__ == "__main__":
    main()
