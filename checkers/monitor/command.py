"""`verify monitor --rpc-url URL --deployment FILE [--listen HOST:PORT]`: follow a deployment and serve its metrics
until SIGINT/SIGTERM (or --until-block). The metrics server stops with the command."""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from checkers.errors import ConfigError
from checkers.monitor.lens import PAGE_SIZE

DEFAULT_LISTEN = "127.0.0.1:9464"  # loopback only unless asked; a port in Prometheus's exporter range


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--listen", default=DEFAULT_LISTEN, metavar="HOST:PORT",
                         help=f"where to serve /metrics (default {DEFAULT_LISTEN}; port 0 picks a free one)")
    command.add_argument("--poll", type=float, default=1.0, metavar="SECONDS",
                         help="seconds between polls of the chain head (default 1)")
    command.add_argument("--until-block", type=int, metavar="N", help="stop once block N is evaluated")
    command.add_argument("--page-size", type=int, default=PAGE_SIZE, metavar="N",
                         help=f"positions per lens call (default {PAGE_SIZE}; lower it for nodes with a small "
                              f"eth_call gas cap)")


def parse_listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ConfigError(f"--listen {value}: expected HOST:PORT, e.g. {DEFAULT_LISTEN}")
    return host, int(port)


def run_monitor(args: argparse.Namespace) -> int:
    from prometheus_client import start_http_server

    from checkers.deployment.chain import connect
    from checkers.monitor.follow import Monitor

    host, port = parse_listen(args.listen)
    if args.poll <= 0 or args.page_size <= 0:
        raise ConfigError("--poll and --page-size must be positive")
    deployment, chain = connect(args.rpc_url, args.deployment)
    monitor = Monitor(chain, deployment, page_size=args.page_size)
    monitor.poll()  # the first block before serving: a bad deployment file fails here, not in the loop
    try:
        server, thread = start_http_server(port, addr=host, registry=monitor.metrics.registry)
    except OSError as exc:
        raise ConfigError(f"--listen {args.listen}: {exc.strerror}") from None
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(f"monitor: serving http://{host}:{server.server_port}/metrics, following {args.rpc_url} from block "
          f"{monitor.last_block}", flush=True)
    try:
        monitor.run(stop, args.poll, args.until_block)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    print(f"monitor: stopped at block {monitor.last_block}", file=sys.stderr, flush=True)
    return 0
