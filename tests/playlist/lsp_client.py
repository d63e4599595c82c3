"""A small Language Server Protocol client over stdio, enough to drive yaml-language-server.

JSON-RPC 2.0 messages framed by ``Content-Length`` headers, as VS Code sends them. A reader
thread sorts what the server sends into replies (by request id), notifications (diagnostics)
and requests from the server (``workspace/configuration``, ``client/registerCapability``),
which it answers itself so the server never waits on us.

Waiting is bounded by ``timeout_s`` only to turn a hung server into a failed test; no result
depends on how long anything took.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

TIMEOUT_S = 60.0


class LspError(RuntimeError):
    """The server answered with an error, died, or did not answer in time."""


class LspClient:
    def __init__(self, command: list[str], settings: dict, *, root: Path) -> None:
        self.settings = settings
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._next_id = 0
        self._lock = threading.Lock()
        self._replies: dict[int, queue.Queue] = {}
        self._diagnostics: queue.Queue = queue.Queue()
        self._versions: dict[str, int] = {}
        self._reader = threading.Thread(target=self._read_forever, daemon=True)
        self._reader.start()
        self._stderr: list[bytes] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {
                    "workspace": {"configuration": True, "didChangeConfiguration": {}},
                    "textDocument": {
                        "publishDiagnostics": {},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "completion": {
                            "completionItem": {
                                "snippetSupport": True,
                                "documentationFormat": ["markdown", "plaintext"],
                            }
                        },
                    },
                },
                "initializationOptions": {},
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    # --- framing ------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        header = f"Content-Length: {len(body)}\r\n\r\n".encode("ascii")
        with self._lock:
            assert self._process.stdin is not None
            self._process.stdin.write(header + body)
            self._process.stdin.flush()

    def _read_message(self) -> dict | None:
        stdout = self._process.stdout
        assert stdout is not None
        length = None
        while True:
            line = stdout.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value.strip())
        if length is None:
            raise LspError("a message without Content-Length")
        return json.loads(stdout.read(length).decode("utf-8"))

    def _read_forever(self) -> None:
        while True:
            message = self._read_message()
            if message is None:
                for waiting in list(self._replies.values()):
                    waiting.put({"error": {"message": "the server closed its output"}})
                self._diagnostics.put(None)
                return
            if "id" in message and "method" in message:
                self._answer_server_request(message)
            elif "id" in message:
                waiting = self._replies.get(message["id"])
                if waiting is not None:
                    waiting.put(message)
            elif message.get("method") == "textDocument/publishDiagnostics":
                self._diagnostics.put(message["params"])

    def _drain_stderr(self) -> None:
        assert self._process.stderr is not None
        for line in self._process.stderr:
            self._stderr.append(line)

    def _answer_server_request(self, message: dict) -> None:
        result: Any = None
        if message["method"] == "workspace/configuration":
            # One answer per item asked for: the section of our settings it names.
            result = []
            for item in message["params"].get("items", []):
                value: Any = self.settings
                for part in (item.get("section") or "").split("."):
                    if part:
                        value = value.get(part) if isinstance(value, dict) else None
                result.append(value)
        self._send({"id": message["id"], "result": result})

    # --- requests -----------------------------------------------------------------------

    def request(self, method: str, params: dict, timeout_s: float = TIMEOUT_S) -> Any:
        with self._lock:
            self._next_id += 1
            request_id = self._next_id
        waiting: queue.Queue = queue.Queue()
        self._replies[request_id] = waiting
        self._send({"id": request_id, "method": method, "params": params})
        try:
            reply = waiting.get(timeout=timeout_s)
        except queue.Empty:
            raise LspError(f"no answer to {method}; server said: {self.stderr_text()}") from None
        finally:
            self._replies.pop(request_id, None)
        if "error" in reply:
            raise LspError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result")

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def stderr_text(self) -> str:
        return b"".join(self._stderr).decode("utf-8", "replace")[-2000:]

    # --- documents ----------------------------------------------------------------------

    def open(self, path: Path, text: str | None = None) -> list[dict]:
        """Open a document and return the diagnostics the server publishes for it."""
        uri = path.as_uri()
        text = path.read_text(encoding="utf-8") if text is None else text
        self._versions[uri] = 1
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        return self.diagnostics_for(uri, 1)

    def change(self, path: Path, text: str) -> list[dict]:
        uri = path.as_uri()
        self._versions[uri] += 1
        version = self._versions[uri]
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": text}],
            },
        )
        return self.diagnostics_for(uri, version)

    def close(self, path: Path) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": path.as_uri()}})

    def diagnostics_for(self, uri: str, version: int, timeout_s: float = TIMEOUT_S) -> list[dict]:
        """The diagnostics published for this version of the document.

        yaml-language-server names the version it checked; one without a version (an older
        server) is taken as being for the latest text.
        """
        while True:
            try:
                params = self._diagnostics.get(timeout=timeout_s)
            except queue.Empty:
                raise LspError(f"no diagnostics for {uri}: {self.stderr_text()}") from None
            if params is None:
                raise LspError(f"the server stopped: {self.stderr_text()}")
            if params["uri"] == uri and params.get("version", version) == version:
                return params["diagnostics"]

    def completion(self, path: Path, line: int, character: int) -> list[dict]:
        result = self.request(
            "textDocument/completion",
            {
                "textDocument": {"uri": path.as_uri()},
                "position": {"line": line, "character": character},
            },
        )
        if result is None:
            return []
        return result["items"] if isinstance(result, dict) else result

    def hover(self, path: Path, line: int, character: int) -> str:
        result = self.request(
            "textDocument/hover",
            {
                "textDocument": {"uri": path.as_uri()},
                "position": {"line": line, "character": character},
            },
        )
        if not result:
            return ""
        contents = result["contents"]
        if isinstance(contents, dict):
            return contents.get("value", "")
        if isinstance(contents, list):
            return "\n".join(c if isinstance(c, str) else c.get("value", "") for c in contents)
        return str(contents)

    def shutdown(self) -> None:
        try:
            if self._process.poll() is None:
                self.request("shutdown", {}, timeout_s=10)
                self.notify("exit", {})
                self._process.wait(timeout=10)
        except (LspError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()
