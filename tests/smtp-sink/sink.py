"""A local SMTP server for the tests: it accepts every message and keeps it,
exactly as received, as a numbered .eml file in a folder the tests read.

    sink.py --port 2525 --dir /tmp/mail

Prints "listening on HOST:PORT" once it accepts connections, and runs until
it is stopped.
"""

import argparse
import asyncio
import itertools
import pathlib
import signal

from aiosmtpd.controller import Controller


class Keep:
    """Writes each message to the folder; a temporary name first, so a reader
    never sees half a message."""

    def __init__(self, folder: pathlib.Path):
        self.folder = folder
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        path = self.folder / f"{next(self.numbers):06d}.eml"
        partial = path.with_suffix(".partial")
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(path)
        return "250 Message kept"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=pathlib.Path, required=True)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)

    controller = Controller(Keep(args.dir), hostname=args.host, port=args.port)
    controller.start()
    print(f"listening on {args.host}:{args.port}", flush=True)

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
