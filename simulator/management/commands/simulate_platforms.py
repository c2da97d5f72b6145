"""`manage.py simulate_platforms --port N`: run the platform simulator in the foreground until
Ctrl-C (or SIGTERM), optionally with the demo stream of citizen activity."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from simulator.server import start_simulator


class Command(BaseCommand):
    help = (
        "Run the simulator of the Facebook, Instagram, LinkedIn, X and YouTube APIs. "
        "Point SIMULATOR_URL at the printed address."
    )
    # The simulator needs neither the database nor the system checks.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stop_requested = threading.Event()

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, required=True, help="TCP port (0 picks one)")
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument(
            "--demo-stream",
            action="store_true",
            help="generate a steady flow of citizens' comments, mentions and messages",
        )
        parser.add_argument("--seed", type=int, default=0, help="seed for ids and the demo stream")
        parser.add_argument(
            "--request-log", action="store_true", help="print one line per request served"
        )
        parser.add_argument(
            "--timeout-seconds",
            type=float,
            default=None,
            help="how long the injected timeout fault holds an answer back (default 3)",
        )

    def handle(self, *args, **options) -> None:
        if not 0 <= options["port"] <= 65535:
            raise CommandError("--port must be between 0 and 65535")
        config = {}
        if options["timeout_seconds"] is not None:
            config["timeout_seconds"] = options["timeout_seconds"]
        try:
            simulator = start_simulator(
                options["host"],
                options["port"],
                config=config,
                seed=options["seed"],
                demo_stream=options["demo_stream"],
                request_log=options["request_log"],
            )
        except OSError as exc:
            raise CommandError(
                f"cannot listen on {options['host']}:{options['port']}: {exc}"
            ) from exc
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: self.stop_requested.set())
        self.stdout.write(f"Platform simulator listening on {simulator.url}")
        for account in simulator.state.accounts.values():
            self.stdout.write(f"  {account.platform:<9} {account.id:<26} token {account.token}")
        if options["demo_stream"]:
            self.stdout.write("Demo stream on: citizens' activity arrives every few seconds.")
        self.stdout.write("Control API at /_sim/. Press Ctrl-C to stop.")
        self.stdout.flush()
        try:
            # Short waits keep Ctrl-C responsive on every platform.
            while not self.stop_requested.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            simulator.stop()
            self.stdout.write("Platform simulator stopped.")
