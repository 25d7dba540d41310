#!/usr/bin/env python3
"""End-to-end test of the browser extension in a real Chromium (headless, throwaway profile).

A page on 127.0.0.1 sets a cookie and shows links; the test selects two of them and triggers
the extension's "selected links" action in its service worker (the same function the context
menu calls). Chromium starts the real `downpour` as its native host, from the manifest that
`downpour --install-browser-integration` wrote; the host hands the links to "the window", played
here by a listener on the per-user socket, which checks what arrived: only the selected links,
their suggested names, the page as Referer, the browser's User-Agent and the cookie for
127.0.0.1 only; then the toolbar button's message, every web link of the page marked "page" (to
choose from in the window's page dialog). Chromium is driven over --remote-debugging-pipe: no debugging port is opened.

Usage: tests/browser/e2e.py PATH/TO/downpour   (needs chromium; .ci/run runs it after the tests)

With DOWNPOUR_E2E_DISPLAY=:N (an X server such as Xvfb) there is no stand-in: the native host
finds no window, starts the real one on that display and waits for it; the test presses Start
(Ctrl+Enter, xdotool) and checks that both selected files arrive byte for byte in the save folder
(the site gives them only with the browser's cookie and the page as Referer) and the third does
not. DOWNPOUR_E2E_SCREENSHOT=FILE.png saves the screen before Start (ImageMagick's import).
"""

import http.server
import json
import shutil
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXTENSION_ID = "mmhikfakmnplcfgdgeldpbmmofkhckok"

PAGE = b"""<!doctype html><title>files</title>
<p id="picked">Get <a href="/files/a.bin" download="first.bin">A</a> and
<a href="/files/b.bin">B</a>.</p>
<p>Not this: <a href="/files/c.bin">C</a> <a href="mailto:x@example.com">mail</a></p>"""


def body(name):
    """The bytes of a file of the site: different for each name, long enough to matter."""
    return (name.encode() * 4096)[:100_000]


class Site(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        cookie = self.headers.get("Cookie", "")
        if self.path.startswith("/files/"):
            # The files need the browser's cookie and the page as Referer.
            referer_ok = (self.headers.get("Referer") or "").endswith("/page")
            if "session=s3cr3t" not in cookie.split("; ") or not referer_ok:
                self.send_response(403)
                self.end_headers()
                return
            data = body(self.path.rsplit("/", 1)[1])
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif self.path == "/page":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Set-Cookie", "session=s3cr3t; Path=/")
            self.end_headers()
            self.wfile.write(PAGE)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args):
        pass


def fake_window(path, received):
    """Answers hand-offs on the socket as the window does."""
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen()

    def serve():
        while True:
            conn, _ = server.accept()
            with conn:
                length = struct.unpack("=I", conn.recv(4, socket.MSG_WAITALL))[0]
                body = conn.recv(length, socket.MSG_WAITALL)
                message = json.loads(body)
                received.append(message)
                answer = json.dumps({"added": len(message["links"])}).encode()
                conn.sendall(struct.pack("=I", len(answer)) + answer)

    threading.Thread(target=serve, daemon=True).start()


class Cdp:
    """Chrome DevTools Protocol over --remote-debugging-pipe (NUL-separated JSON)."""

    def __init__(self, to_browser, from_browser):
        self.to_browser = to_browser
        self.from_browser = from_browser
        self.buffer = b""
        self.next_id = 0

    def call(self, method, session=None, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_browser, 65536)
            if not chunk:
                raise RuntimeError("Chromium closed the debugging pipe")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(line)


def evaluate(cdp, session, expression):
    result = cdp.call("Runtime.evaluate", session, expression=expression, awaitPromise=True,
                      returnByValue=True)
    if "exceptionDetails" in result:
        raise RuntimeError(json.dumps(result["exceptionDetails"]))
    return result["result"].get("value")


def wait_for(what, check, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def end_windows_of(home):
    """Ends the windows the native host started for this test (those with its HOME)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as environ:
                if f"HOME={home}".encode() in environ.read().split(b"\0"):
                    os.kill(int(pid), 15)
        except OSError:
            pass


def main():
    downpour = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="downpour-e2e-")
    home = os.path.join(work, "home")
    profile = os.path.join(home, ".config", "chromium")
    os.makedirs(profile)
    os.makedirs(os.path.join(home, "Downloads"))
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_RUNTIME_DIR=os.path.join(work, "run"),
               XDG_DATA_HOME=os.path.join(home, ".local", "share"))
    display = os.environ.get("DOWNPOUR_E2E_DISPLAY")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    if display:
        env["DISPLAY"] = display
    installed = subprocess.run([downpour, "--install-browser-integration"], env=env,
                               capture_output=True, text=True, check=True)
    assert "Chromium: installed" in installed.stdout, installed.stdout

    received = []
    if not display:
        fake_window(os.path.join(work, "run", "downpour", "window.sock"), received)
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{site.server_port}"

    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()
    # Chromium reads commands on fd 3 and writes answers on fd 4.
    command = ["chromium", "--headless=new", "--no-sandbox", f"--user-data-dir={profile}",
               f"--load-extension={os.path.join(REPO, 'browser')}", "--remote-debugging-pipe",
               "--no-first-run", "about:blank"]
    chromium = subprocess.Popen(
        ["sh", "-c", f'exec "$@" 3<&{to_browser_r} 4>&{from_browser_w}', "sh", *command],
        env=env, pass_fds=(to_browser_r, from_browser_w), stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "chromium.log"), "w"))
    os.close(to_browser_r)
    os.close(from_browser_w)
    try:
        cdp = Cdp(to_browser_w, from_browser_r)
        print("e2e: browser started", file=sys.stderr, flush=True)
        page = cdp.call("Target.createTarget", url=f"{base}/page")["targetId"]
        page_session = cdp.call("Target.attachToTarget", targetId=page, flatten=True)["sessionId"]
        wait_for("the page", lambda: evaluate(cdp, page_session,
                                              "document.readyState === 'complete' && !!document.getElementById('picked')"))
        evaluate(cdp, page_session,
                 "getSelection().selectAllChildren(document.getElementById('picked')), true")

        def worker():
            targets = cdp.call("Target.getTargets")["targetInfos"]
            return next((t for t in targets if t["type"] == "service_worker"
                         and t["url"].startswith(f"chrome-extension://{EXTENSION_ID}/")), None)

        print("e2e: page ready", file=sys.stderr, flush=True)
        sw = wait_for("the extension's service worker", worker)
        sw_session = cdp.call("Target.attachToTarget", targetId=sw["targetId"], flatten=True)["sessionId"]
        print("e2e: service worker", file=sys.stderr, flush=True)
        title = evaluate(cdp, sw_session, f"""(async () => {{
            const tabs = await chrome.tabs.query({{}});
            const tab = tabs.find(t => t.url?.startsWith("{base}"));
            if (!tab) return JSON.stringify(tabs);
            await downpourSend("selection", {{ pageUrl: tab.url }}, tab);
            return chrome.action.getTitle({{ tabId: tab.id }});
        }})()""")
        assert title == "2 links sent to Downpour.", title
        if display:
            shot = os.environ.get("DOWNPOUR_E2E_SCREENSHOT")
            if shot:
                time.sleep(1)  # the window's next frame, for the picture only
                subprocess.run(["import", "-window", "root", shot], env=env, check=True)
            # The person presses Start (Ctrl+Enter); the files need the cookie and the page.
            def window_id():
                found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "Downpour"],
                                       env=env, capture_output=True, text=True)
                return found.stdout.split()[0] if found.stdout.split() else None

            def focused():
                window = window_id()
                return window and subprocess.run(["xdotool", "windowfocus", window], env=env,
                                                 stderr=subprocess.DEVNULL).returncode == 0
            wait_for("the window shown and focused", focused)
            time.sleep(0.5)  # the focus reaches the window before the keys do
            subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+Return"], env=env,
                           check=True)
            saved = os.path.join(home, "Downloads")
            # a.bin under the name its link's `download` attribute suggests, as in browsers.
            for served, name in [("a.bin", "first.bin"), ("b.bin", "b.bin")]:
                path = os.path.join(saved, name)
                wait_for(f"{name} in the save folder", lambda: os.path.exists(path)
                         and os.path.getsize(path) == len(body(served)), seconds=60)
                with open(path, "rb") as file:
                    assert file.read() == body(served), f"{name} differs"
            assert sorted(os.listdir(saved)) == ["b.bin", "first.bin"], os.listdir(saved)
            print("browser end-to-end with the real window: ok, both files byte for byte")
            return
        assert len(received) == 1, received
        message = received[0]
        assert message["links"] == [{"url": f"{base}/files/a.bin", "name": "first.bin"},
                                    {"url": f"{base}/files/b.bin"}], message["links"]
        assert message["page"] == f"{base}/page", message
        assert "Chrome" in message["user_agent"], message
        assert [(c["domain"], c["name"], c["value"]) for c in message["cookies"]] == \
            [("127.0.0.1", "session", "s3cr3t")], message["cookies"]
        # The toolbar button (as "All links on this page…"): every web link of the page, to be
        # chosen from in the window's page dialog.
        title = evaluate(cdp, sw_session, f"""(async () => {{
            const tab = (await chrome.tabs.query({{}})).find(t => t.url?.startsWith("{base}"));
            await downpourSend("page", {{ pageUrl: tab.url }}, tab);
            return chrome.action.getTitle({{ tabId: tab.id }});
        }})()""")
        assert title == "3 links of this page are in Downpour's window to choose from.", title
        assert len(received) == 2, received
        offered = received[1]
        assert offered["kind"] == "page", offered
        assert offered["page"] == f"{base}/page", offered
        assert offered["links"] == [{"url": f"{base}/files/a.bin", "name": "first.bin"},
                                    {"url": f"{base}/files/b.bin"},
                                    {"url": f"{base}/files/c.bin"}], offered["links"]
        print("browser end-to-end: ok")
    finally:
        chromium.kill()
        chromium.wait()
        end_windows_of(home)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
