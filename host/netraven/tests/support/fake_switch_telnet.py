"""A cisco_generic switch of fake-switches (PyPI `fake-switches`, Internap,
Apache-2.0) served over telnet on loopback, for NetRaven's interop test.

Usage: fake_switch_telnet.py PORT USER PASSWORD ENABLE_SECRET
Prints `ready` once it listens; stops when stdin closes.
"""
import sys
import threading

from twisted.internet import reactor

from fake_switches import switch_factory
from fake_switches.transports.telnet_service import SwitchTelnetService


def main():
    port, user, password, enable = sys.argv[1:5]
    core = switch_factory.SwitchFactory().get("cisco_generic", "fake-sw1", enable)
    service = SwitchTelnetService(
        ip="127.0.0.1",
        port=int(port),
        switch_core=core,
        users={user: password.encode()},
    )
    service.hook_to_reactor(reactor)

    def stop_when_stdin_closes():
        sys.stdin.read()
        reactor.callFromThread(reactor.stop)

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    reactor.callWhenRunning(lambda: print("ready", flush=True))
    reactor.run()


if __name__ == "__main__":
    main()
