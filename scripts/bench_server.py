#!/usr/bin/env python3
"""Scripted SMTP servers on loopback for scripts/benchmark.sh: one port per behaviour, asyncio, no threads.

    bench_server.py PORTFILE [--tls CERT KEY] [--hold-after-tls]

Writes "name port" lines to PORTFILE once every listener is bound, then serves until killed.

Behaviours (one listener each): ok answers a whole session (EHLO, MAIL, RCPT, DATA, RSET, QUIT); the others
misbehave at one phase each, as the hostile servers of the fault matrix do: close at the banner, at EHLO or at
RCPT; stall at the banner or at RCPT; garbage instead of a banner; an overlong line; an endless continuation;
421 at EHLO or at MAIL; 554 as the greeting; a reply that arrives twice; a reset after accept.

With --tls CERT KEY the ok listener offers STARTTLS. With --hold-after-tls it finishes the TLS handshake, answers
the second EHLO and then holds the connection without another byte (for the heap-per-probe measurement).
"""
import asyncio
import socket
import ssl
import struct
import sys

BANNER = b"220 bench.test ESMTP\r\n"


async def read_command(reader):
    line = await reader.readline()
    if not line:
        raise ConnectionError("client closed")
    return line.strip().upper()


async def session(reader, writer, tls_context, hold_after_tls, fault=None):
    if fault == "banner-close":
        writer.close()
        return
    if fault == "banner-reset":
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.close()
        return
    if fault == "banner-stall":
        await asyncio.sleep(3600)
        return
    if fault == "banner-garbage":
        writer.write(b"\x00\x1b[2J hello? \xff\xfe\r\n")
        await writer.drain()
        await asyncio.sleep(3600)
        return
    if fault == "banner-overlong":
        writer.write(b"220 " + b"x" * 20000 + b"\r\n")
        await writer.drain()
        await asyncio.sleep(3600)
        return
    if fault == "banner-endless":
        while True:
            writer.write(b"220-still greeting\r\n" * 50)
            await writer.drain()
            await asyncio.sleep(0.01)
    if fault == "greeting-554":
        writer.write(b"554 5.7.1 bench.test: no service for you\r\n")
        await writer.drain()
        await read_command(reader)
        writer.write(b"221 2.0.0 bye\r\n")
        await writer.drain()
        writer.close()
        return
    writer.write(BANNER)
    await writer.drain()
    in_tls = False
    while True:
        cmd = await read_command(reader)
        verb = cmd.split(b" ")[0].split(b":")[0]
        if verb in (b"EHLO", b"HELO"):
            if fault == "ehlo-close":
                writer.close()
                return
            if fault == "ehlo-421":
                writer.write(b"421 4.3.2 bench.test: service shutting down\r\n")
                await writer.drain()
                writer.close()
                return
            if in_tls and hold_after_tls:
                writer.write(b"250-bench.test\r\n250 PIPELINING\r\n")
                await writer.drain()
                await asyncio.sleep(3600)
                return
            ext = b"250-STARTTLS\r\n" if tls_context and not in_tls else b""
            writer.write(b"250-bench.test\r\n" + ext + b"250-SIZE 10240000\r\n250 8BITMIME\r\n")
        elif verb == b"STARTTLS" and tls_context and not in_tls:
            writer.write(b"220 2.0.0 go ahead\r\n")
            await writer.drain()
            await writer.start_tls(tls_context)
            in_tls = True
            continue
        elif verb == b"MAIL":
            if fault == "mail-421":
                writer.write(b"421 4.7.0 bench.test: too many connections\r\n")
                await writer.drain()
                writer.close()
                return
            writer.write(b"250 2.1.0 ok\r\n")
        elif verb == b"RCPT":
            if fault == "rcpt-close":
                writer.close()
                return
            if fault == "rcpt-stall":
                await asyncio.sleep(3600)
                return
            if fault == "rcpt-double":
                writer.write(b"250 2.1.5 ok\r\n550 5.1.1 no such user\r\n")
            else:
                writer.write(b"250 2.1.5 ok\r\n")
        elif verb == b"DATA":
            writer.write(b"354 go on\r\n")
            await writer.drain()
            while (await reader.readline()) not in (b".\r\n", b""):
                pass
            writer.write(b"250 2.0.0 queued\r\n")
        elif verb in (b"RSET", b"NOOP"):
            writer.write(b"250 2.0.0 ok\r\n")
        elif verb == b"QUIT":
            writer.write(b"221 2.0.0 bye\r\n")
            await writer.drain()
            writer.close()
            return
        else:
            writer.write(b"502 5.5.2 not implemented\r\n")
        await writer.drain()


FAULTS = ["banner-close", "banner-reset", "banner-stall", "banner-garbage", "banner-overlong", "banner-endless",
          "greeting-554", "ehlo-close", "ehlo-421", "mail-421", "rcpt-close", "rcpt-stall", "rcpt-double"]


async def main():
    portfile = sys.argv[1]
    tls_context = None
    hold_after_tls = "--hold-after-tls" in sys.argv
    if "--tls" in sys.argv:
        i = sys.argv.index("--tls")
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(sys.argv[i + 1], sys.argv[i + 2])

    async def handle(fault, reader, writer):
        try:
            await session(reader, writer, tls_context, hold_after_tls, fault)
        except (ConnectionError, OSError, ssl.SSLError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ValueError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    servers = []
    lines = []
    for name in ["ok"] + ([] if hold_after_tls else FAULTS):
        fault = None if name == "ok" else name
        server = await asyncio.start_server(lambda r, w, f=fault: handle(f, r, w), "127.0.0.1", 0, backlog=4096,
                                            limit=64 * 1024)
        servers.append(server)
        lines.append(f"{name} {server.sockets[0].getsockname()[1]}")
    with open(portfile + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    import os
    os.replace(portfile + ".tmp", portfile)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
