"""systemd's notify protocol, written to $NOTIFY_SOCKET directly (no library needed).

READY=1 once the model is loaded and the camera open, WATCHDOG=1 from the frame loop
while it is healthy, STOPPING=1 on the way out. Without the variable nothing happens.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Mapping

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, environ: Mapping[str, str] | None = None, clock=time.monotonic) -> None:
        environ = os.environ if environ is None else environ
        address = environ.get("NOTIFY_SOCKET", "")
        self.address = "\0" + address[1:] if address.startswith("@") else address
        watchdog_usec = int(environ.get("WATCHDOG_USEC", "0") or 0)
        pid = environ.get("WATCHDOG_PID")
        if pid and pid.isdigit() and int(pid) != os.getpid():
            watchdog_usec = 0  # the watchdog is meant for another process
        # Ping at half the timeout, as sd_watchdog_enabled(3) advises.
        self.interval = watchdog_usec / 2e6 if watchdog_usec else None
        self.clock = clock
        self._last_ping = -1e18

    @property
    def enabled(self) -> bool:
        return bool(self.address)

    def send(self, message: str) -> bool:
        if not self.address:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.sendto(message.encode(), self.address)
            return True
        except OSError as error:
            log.warning("sd_notify %r failed: %s", message, error)
            return False

    def ready(self, status: str = "") -> None:
        self.send("READY=1" + (f"\nSTATUS={status}" if status else ""))

    def watchdog(self) -> None:
        """Called every frame; sends at most one ping per half watchdog period."""
        if self.interval is None:
            return
        now = self.clock()
        if now - self._last_ping >= self.interval:
            self._last_ping = now
            self.send("WATCHDOG=1")

    def stopping(self) -> None:
        self.send("STOPPING=1")
