#!/usr/bin/env python3
"""A sessd client in another language, using only DESIGN.md: Content-Length framed
JSON-RPC 2.0 on the unix socket, the documented methods, events and error codes.
It drives the whole session lifecycle and prints one JSON line per step.

Usage: lifecycle.py SOCKET CWD
Exit status: 0 when every step behaved as documented, 1 otherwise.
"""
import json
import socket
import sys

# A hang guard, not a timing assumption: every wait below is for an event.
EVENT_TIMEOUT_S = 20


class Sessd:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(EVENT_TIMEOUT_S)
        self.sock.connect(path)
        self.buf = b""
        self.next_id = 1
        self.events = []

    def _send(self, message):
        body = json.dumps(message).encode("utf-8")
        self.sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def _read(self):
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        header, self.buf = self.buf.split(b"\r\n\r\n", 1)
        length = None
        for line in header.decode("ascii").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        while len(self.buf) < length:
            self._fill()
        body, self.buf = self.buf[:length], self.buf[length:]
        return json.loads(body.decode("utf-8"))

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("sessd closed the connection")
        self.buf += chunk

    def call(self, method, params=None):
        """Returns (result, error); notifications that arrive meanwhile are kept."""
        request_id = self.next_id
        self.next_id += 1
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)
        while True:
            reply = self._read()
            if reply.get("method") == "events/event":
                self.events.append(reply["params"]["event"])
            elif reply.get("id") == request_id:
                return reply.get("result"), reply.get("error")

    def ok(self, method, params=None):
        result, error = self.call(method, params)
        if error is not None:
            raise AssertionError("%s failed: %s" % (method, json.dumps(error)))
        return result

    def wait_event(self, match):
        while True:
            for event in self.events:
                if match(event):
                    self.events.remove(event)
                    return event
            reply = self._read()
            if reply.get("method") == "events/event":
                self.events.append(reply["params"]["event"])


def main():
    path, cwd = sys.argv[1], sys.argv[2]
    steps = []

    def step(name, value=None):
        steps.append(name)
        print(json.dumps({"step": name, "value": value}), flush=True)

    c = Sessd(path)
    _, error = c.call("daemon/status")
    assert error["code"] == -32600, error
    step("refused before initialize", error["message"])

    init = c.ok("initialize", {"clientName": "python-test", "clientVersion": "1", "protocolVersion": 1})
    assert init["protocolVersion"] == 1 and init["serverInfo"]["name"] == "sessd"
    step("initialized", init["serverInfo"]["version"])

    sub = c.ok("events/subscribe", {"types": ["session.created", "session.status", "session.exited", "session.deleted"]})
    step("subscribed", sub["lastSeq"])

    # A program that reads one line, answers, and exits with a code of its own.
    s = c.ok("session/create", {
        "name": "py echo; #{x}", "space": "python", "cwd": cwd,
        "command": ["sh", "-c", 'read line; echo "got:[$line]"; exit 7'],
        "labels": {"lang": "python"}, "context": {"a": {"b": 1}},
    })
    assert s["status"] == "running" and s["name"] == "py echo; #{x}"
    c.wait_event(lambda e: e["type"] == "session.created" and e["sessionId"] == s["id"])
    step("created", s["id"])

    assert c.ok("session/get", {"session": "python/py echo; #{x}"})["id"] == s["id"]
    listed = c.ok("session/list", {"space": "python", "labels": {"lang": "python"}})
    assert [x["id"] for x in listed["sessions"]] == [s["id"]]
    step("found by name and by label")

    u = c.ok("session/update", {"session": s["id"], "labels": {"stage": "1"}, "context": {"a": {"c": 2}}})
    assert u["labels"] == {"lang": "python", "stage": "1"} and u["context"] == {"a": {"b": 1, "c": 2}}
    step("updated")

    message = c.ok("session/send", {"session": s["id"], "text": "héllo $HOME;#{pane_id}"})
    assert message["status"] == "delivered"
    exited = c.wait_event(lambda e: e["type"] == "session.exited" and e["sessionId"] == s["id"])
    assert exited["data"]["exitCode"] == 7, exited
    screen = c.ok("session/capture", {"session": s["id"], "lines": 50})
    assert "got:[héllo $HOME;#{pane_id}]" in screen["text"], screen
    step("sent, answered, exited", exited["data"])

    # Keys, then a restart of the same session.
    restarted = c.ok("session/start", {"session": s["id"]})
    assert restarted["status"] == "running"
    c.ok("session/keys", {"session": s["id"], "keys": ["o", "k", "Enter"]})
    c.wait_event(lambda e: e["type"] == "session.exited" and e["sessionId"] == s["id"])
    assert "got:[ok]" in c.ok("session/capture", {"session": s["id"], "lines": 50})["text"]
    step("started again and typed keys")

    # A long-running program: pause, resume, stop, restart, delete.
    t = c.ok("session/create", {"name": "sleeper", "space": "python", "cwd": cwd, "command": ["sleep", "1000"]})
    assert c.ok("session/pause", {"session": t["id"]})["status"] == "paused"
    _, error = c.call("session/pause", {"session": t["id"]})
    assert error["code"] == -32003 and error["data"]["code"] == "invalid_state" and error["data"]["status"] == "paused"
    assert c.ok("session/resume", {"session": t["id"]})["status"] == "running"
    stopped = c.ok("session/stop", {"session": t["id"]})
    assert stopped["status"] == "stopped", stopped
    assert c.ok("session/restart", {"session": t["id"]})["status"] == "running"
    c.ok("session/interrupt", {"session": t["id"]})
    step("paused, resumed, stopped, restarted, interrupted")

    result = c.ok("session/delete", {"selector": {"space": "python"}})
    assert sorted(result["ok"]) == sorted([s["id"], t["id"]]) and result["failed"] == [], result
    c.wait_event(lambda e: e["type"] == "session.deleted" and e["sessionId"] == t["id"])
    _, error = c.call("session/get", {"session": t["id"]})
    assert error["code"] == -32001 and error["data"]["code"] == "session_not_found"
    step("deleted by selector")

    _, error = c.call("session/create", {"name": 42})
    assert error["code"] == -32602 and error["data"]["field"] == "name"
    _, error = c.call("no/such/method")
    assert error["code"] == -32601
    step("errors as documented")

    print(json.dumps({"done": steps}), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # report any failure as one line and a non-zero exit
        print(json.dumps({"failed": repr(exc)}), flush=True)
        sys.exit(1)
