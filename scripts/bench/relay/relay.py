"""The bench's slow link: forwards TCP from LISTEN_PORT to TARGET_HOST:TARGET_PORT, holding every chunk
DELAY_MS in each direction (RTT/2, order kept) and capping each direction at RATE_MBIT with a token
bucket. The kernel here has no netem; this stands in for it, on the bench's own Docker network only.
It prints the bytes it moved each way when a connection closes (ssh is encrypted: bytes, not requests)."""

import asyncio
import os
import sys
import time

LISTEN_PORT = int(os.environ.get("LISTEN_PORT", "2222"))
TARGET_HOST = os.environ["TARGET_HOST"]
TARGET_PORT = int(os.environ.get("TARGET_PORT", "22"))
DELAY = float(os.environ.get("DELAY_MS", "10")) / 1000
RATE = float(os.environ.get("RATE_MBIT", "100")) * 1_000_000 / 8  # bytes per second
# A burst of one socket read: big enough not to throttle below the cap, small enough to keep it.
BURST = 64 * 1024


class Bucket:
    def __init__(self) -> None:
        self.tokens = float(BURST)
        self.stamp = time.monotonic()

    async def take(self, size: int) -> None:
        while True:
            now = time.monotonic()
            self.tokens = min(BURST, self.tokens + (now - self.stamp) * RATE)
            self.stamp = now
            if self.tokens >= size:
                self.tokens -= size
                return
            await asyncio.sleep((size - self.tokens) / RATE)


async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, moved: list) -> None:
    # Bounded, so a fast sender meets back-pressure instead of filling memory.
    queue: asyncio.Queue = asyncio.Queue(maxsize=512)

    async def receive() -> None:
        while chunk := await reader.read(BURST):
            await queue.put((time.monotonic() + DELAY, chunk))
        await queue.put((time.monotonic() + DELAY, b""))

    async def send() -> None:
        bucket = Bucket()
        while True:
            due, chunk = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not chunk:
                break
            await bucket.take(len(chunk))
            writer.write(chunk)
            await writer.drain()
            moved[0] += len(chunk)
        if writer.can_write_eof():
            writer.write_eof()

    await asyncio.gather(receive(), send())


async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
    up, down = [0], [0]
    try:
        server_reader, server_writer = await asyncio.open_connection(TARGET_HOST, TARGET_PORT)
    except OSError as error:
        print(f"relay: cannot reach {TARGET_HOST}:{TARGET_PORT}: {error}", file=sys.stderr, flush=True)
        client_writer.close()
        return
    try:
        await asyncio.gather(pump(client_reader, server_writer, up), pump(server_reader, client_writer, down))
    except (ConnectionError, OSError):
        pass
    finally:
        for writer in (client_writer, server_writer):
            writer.close()
        print(f"relay: connection closed, {up[0]} bytes up, {down[0]} bytes down", flush=True)


async def main() -> None:
    server = await asyncio.start_server(handle, "0.0.0.0", LISTEN_PORT)
    print(f"relay: listening on {LISTEN_PORT}, {DELAY * 1000:.0f} ms each way, {RATE * 8 / 1e6:.0f} Mbit/s", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
