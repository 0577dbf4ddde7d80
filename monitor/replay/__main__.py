"""``python -m monitor.replay --port 0``: serve on 127.0.0.1 and print the base URL."""

from __future__ import annotations

import argparse
import sys

from monitor.replay.server import make_server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Replay server for the monitor's platforms.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    args = parser.parse_args(argv)
    server = make_server(args.port)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
