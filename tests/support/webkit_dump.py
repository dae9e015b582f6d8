"""Loads a URL in a WebKitGTK WebView and prints the page's text once it says it is done.

usage: xvfb-run -a /usr/bin/python3 webkit_dump.py URL [--proxy http://127.0.0.1:PORT]
                                                     [--timeout SECONDS]

tests/webkit_ground_truth.rs runs it. WebKitGTK has no headless mode and no DOM dump, so
a WebView sits in an offscreen GTK window (GTK still needs a display: Xvfb), and the page's
`document.title` is polled until it is "done"; then `document.body.innerText` goes to
stdout. Every run has an ephemeral profile: no preflight cache, HTTP cache or cookies from
an earlier run. WebKitGTK cannot be told how to resolve a name, so `--proxy` sends every
request through a proxy that knows where the test's hosts are.

Exit status: 0 when the page said done, 2 on timeout (the partial text is printed), 3 when
the page failed to load. `--timeout 0` waits forever (the caller keeps the deadline, e.g.
when the process runs under a moved clock and its own timers would fire early).

Debian packages: python3-gi gir1.2-webkit2-4.1 xvfb xauth. Run it with Debian's python3,
which sees the `gi` bindings.
"""

import argparse
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--proxy")
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()

    data = WebKit2.WebsiteDataManager.new_ephemeral()
    if args.proxy:
        data.set_network_proxy_settings(
            WebKit2.NetworkProxyMode.CUSTOM, WebKit2.NetworkProxySettings.new(args.proxy, None)
        )
    context = WebKit2.WebContext.new_with_website_data_manager(data)
    settings = WebKit2.Settings()
    settings.set_hardware_acceleration_policy(WebKit2.HardwareAccelerationPolicy.NEVER)
    view = WebKit2.WebView(web_context=context, settings=settings)
    window = Gtk.OffscreenWindow()
    window.set_default_size(800, 600)
    window.add(view)
    window.show_all()

    state = {"status": 2, "finished": False}

    def finish(status, text):
        if state["finished"]:
            return
        state["finished"] = True
        state["status"] = status
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        Gtk.main_quit()

    def evaluate(script, then):
        def done(obj, result, _):
            try:
                value = obj.evaluate_javascript_finish(result).to_string()
            except GLib.Error as e:
                sys.stderr.write("script error: %s\n" % e.message)
                value = None
            then(value)

        view.evaluate_javascript(script, -1, None, None, None, done, None)

    def poll():
        if state["finished"]:
            return False
        evaluate(
            "document.title",
            lambda title: title == "done"
            and evaluate("document.body.innerText", lambda text: finish(0, text or "")),
        )
        return True

    def on_load_failed(_view, _event, uri, error):
        finish(3, "load failed: %s: %s" % (uri, error.message))
        return True

    def on_timeout():
        evaluate(
            "document.body ? document.body.innerText : ''",
            lambda text: finish(2, "timeout; the page got to:\n" + (text or "")),
        )
        GLib.timeout_add(2000, lambda: finish(2, "timeout") or False)
        return False

    view.connect("load-failed", on_load_failed)
    view.load_uri(args.url)
    GLib.timeout_add(100, poll)
    if args.timeout > 0:
        GLib.timeout_add(int(args.timeout * 1000), on_timeout)
    Gtk.main()
    return state["status"]


if __name__ == "__main__":
    sys.exit(main())
