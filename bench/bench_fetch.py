"""The fetch client alone: milliseconds per `safe_fetch` of the corpus pages from a server on 127.0.0.1, over
http and over https.

The server runs in a process of its own (asyncio, one thread, every response built once, connections kept alive
as news sites keep them, as bench_ingest.py's server does; this one also speaks TLS, with a throwaway CA and
certificate from tests/ingest/tls.py that the client trusts through SSL_CERT_FILE). One process fetches the 10
pages `--repeat` times per round, http and https rounds alternating so both see the same background load on
this shared machine; a warm-up round of each is left out. Median and best round are printed per scheme.

    .venv/bin/python bench/bench_fetch.py [--rounds 15] [--repeat 10]

No database is used. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "articles" / "html"
sys.path.insert(0, str(ROOT))

os.environ["INGEST_ALLOW_PRIVATE_NETWORKS"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claims_tracker.settings")


def serve_pages(cert: str | None, key: str | None) -> None:
    """`--serve`: serve the corpus pages on a free port of 127.0.0.1 (TLS with --cert/--key), print the port."""
    import asyncio

    responses = {}
    for i, path in enumerate(sorted(CORPUS.glob("*.html"))):
        body = path.read_bytes()
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
        responses[f"/p/{i}.html".encode()] = head.encode() + body
    missing = b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"
    tls = None
    if cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(cert, key)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:  # one request after another, until the client closes the connection
                head = await reader.readuntil(b"\r\n\r\n")
                target = head.split(b" ", 2)[1].split(b"?")[0]
                writer.write(responses.get(target, missing))
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, IndexError, ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=tls)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


def start_server(*tls: str) -> tuple[subprocess.Popen, int]:
    args = [sys.executable, __file__, "--serve"]
    if tls:
        args += ["--cert", tls[0], "--key", tls[1]]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, start_new_session=True)
    return proc, int(proc.stdout.readline())


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)  # the group this server leads: itself only
    proc.wait(timeout=10)


def one_round(safe_fetch, urls: list[str], repeat: int) -> float:
    """Seconds per fetch over `repeat` passes through `urls`."""
    started = time.perf_counter()
    for _ in range(repeat):
        for url in urls:
            safe_fetch(url, allowed_content_types=("text/html",))
    return (time.perf_counter() - started) / (repeat * len(urls))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=10, help="passes through the 10 pages per round")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cert", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"No corpus at {CORPUS}")
    if args.serve:
        serve_pages(args.cert, args.key)
        return

    from tests.ingest.tls import make_certificates

    with tempfile.TemporaryDirectory() as tmp:
        certs = make_certificates(Path(tmp))
        os.environ["SSL_CERT_FILE"] = str(certs.ca)  # before the client builds its TLS context
        import django

        django.setup()
        from claims_tracker.ingest.fetching import safe_fetch

        n = len(list(CORPUS.glob("*.html")))
        http, http_port = start_server()
        https, https_port = start_server(str(certs.cert), str(certs.key))
        urls = {
            "http": [f"http://127.0.0.1:{http_port}/p/{i}.html" for i in range(n)],
            "https": [f"https://localhost:{https_port}/p/{i}.html" for i in range(n)],
        }
        print(f"{n} corpus pages, {args.repeat} passes per round, {args.rounds} rounds; {os.cpu_count()} CPUs")
        print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        seconds: dict[str, list[float]] = {"http": [], "https": []}
        try:
            for scheme in seconds:
                one_round(safe_fetch, urls[scheme], 1)  # warm-up
            for _ in range(args.rounds):
                for scheme in seconds:
                    seconds[scheme].append(one_round(safe_fetch, urls[scheme], args.repeat))
        finally:
            stop_server(http)
            stop_server(https)
    for scheme, values in seconds.items():
        print(
            f"{scheme}: {statistics.median(values) * 1000:.2f} ms per fetch (median round), "
            f"best round {min(values) * 1000:.2f} ms"
        )
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
