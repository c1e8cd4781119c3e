"""The SMTP listener (aiosmtpd): what a client may do in a session, and how many.

* STARTTLS with the configured certificate; SMTP AUTH is off (this is an MX for the
  company's support addresses, never a submission server, so nobody signs in).
* ``SIZE`` advertised and enforced by aiosmtpd; recipients per message, connections per
  client address and in all (per listener process), and messages per minute per client
  address, sender domain and recipient (counted in ``accounts.counters``: Redis across
  replicas, the database on the embedded default).
* Only the support addresses (``Route``, with any ``+tag``) are accepted as recipients:
  no relaying, and an unknown mailbox is refused during the session rather than bounced
  later (no backscatter).
* Greylisting (``greylist``) at RCPT.
* DATA is judged and queued by ``gateway.receive`` before the client hears ``250``.

Every database call runs in a thread pool: the event loop only speaks SMTP. Anything that
goes wrong inside a hook answers ``451`` (try later) and is logged, so a hostile client
never crashes the listener and nothing is half-stored.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import ssl
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.db import close_old_connections, connections

from trustdesk.mailgateway import gateway, greylist, limits

log = logging.getLogger("trustdesk.mailgateway")

TEMPFAIL = "451 4.3.0 Temporary failure, please try again later"


@dataclass(frozen=True)
class Config:
    hostname: str
    max_bytes: int
    max_recipients: int
    max_connections: int
    max_connections_per_ip: int
    tls: ssl.SSLContext | None = None
    timeout: float = 60.0
    # aiosmtpd's timeout restarts with every command, so a client that sends a NOOP (or
    # any of the others, each allowed ``command_call_limit`` times) just before it runs
    # out holds its session for hours; a few addresses doing so fill every slot. A
    # session lasts this long at most; a real MTA reconnects for what is left.
    max_session: float = 600.0

    @classmethod
    def from_settings(cls) -> Config:
        tls = None
        if settings.SMTPD_TLS_CERT:
            tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.minimum_version = ssl.TLSVersion.TLSv1_2
            tls.load_cert_chain(settings.SMTPD_TLS_CERT, settings.SMTPD_TLS_KEY)
        return cls(hostname=settings.SMTPD_HOSTNAME, max_bytes=settings.SMTPD_MAX_BYTES,
                   max_recipients=settings.SMTPD_MAX_RECIPIENTS,
                   max_connections=settings.SMTPD_MAX_CONNECTIONS,
                   max_connections_per_ip=settings.SMTPD_MAX_CONNECTIONS_PER_IP, tls=tls)


class Connections:
    """Open sessions, in all and per client (an IPv4 address or an IPv6 /64; within this
    process)."""

    def __init__(self, total: int, per_ip: int):
        self.total, self.per_ip = total, per_ip
        self.open: collections.Counter[str] = collections.Counter()

    def admit(self, ip: str) -> bool:
        client = limits.client_of(ip)  # an IPv6 client's /64 is one client
        if sum(self.open.values()) >= self.total or self.open[client] >= self.per_ip:
            return False
        self.open[client] += 1
        return True

    def leave(self, ip: str) -> None:
        client = limits.client_of(ip)
        self.open[client] -= 1
        if self.open[client] <= 0:
            del self.open[client]


def _blocking(fn, *args):
    """Run a database-touching call in a pool thread, with Django's connection hygiene."""
    close_old_connections()
    try:
        return fn(*args)
    finally:
        close_old_connections()


class Handler:
    def __init__(self, config: Config, pool: ThreadPoolExecutor):
        self.config, self.pool = config, pool

    async def _run(self, fn, *args):
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.pool, _blocking, fn, *args)
        except Exception:
            log.exception("mail gateway: %s failed", getattr(fn, "__name__", fn))
            return TEMPFAIL

    async def handle_MAIL(self, server, session, envelope, address, options):
        status = await self._run(limits.admit_sender, _ip(session), address)
        if status:
            return status
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if len(envelope.rcpt_tos) >= self.config.max_recipients:
            return "452 4.5.3 Too many recipients"
        status = await self._run(self._recipient, _ip(session), envelope.mail_from, address)
        if status:
            return status
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 2.1.5 OK"

    @staticmethod
    def _recipient(ip: str, sender: str, address: str) -> str | None:
        if gateway.route_for(address) is None:
            return "550 5.1.1 No such mailbox here"
        return limits.admit_recipient(address) or greylist.check(ip, sender, address)

    async def handle_DATA(self, server, session, envelope):
        return await self._run(
            gateway.receive, gateway.Envelope(
                peer_ip=_ip(session), helo=session.host_name or "",
                mail_from=envelope.mail_from or "", recipients=tuple(envelope.rcpt_tos),
                tls=session.ssl is not None),
            bytes(envelope.original_content or envelope.content or b""))


def _ip(session) -> str:
    peer = session.peer
    return peer[0] if isinstance(peer, tuple) else str(peer)


class GatewaySMTP(SMTP):
    """aiosmtpd's session with TrustDesk's connection limits and without AUTH."""

    def __init__(self, handler: Handler, connections: Connections, config: Config):
        super().__init__(
            handler, data_size_limit=config.max_bytes, enable_SMTPUTF8=True,
            decode_data=False, hostname=config.hostname, ident="TrustDesk",
            tls_context=config.tls, timeout=config.timeout,
            # A session that loops on a command is cut off, not served forever.
            command_call_limit={"RCPT": config.max_recipients + 20, "*": 100})
        self._connections, self._counted = connections, None
        self._config, self._deadline = config, None

    def connection_made(self, transport) -> None:
        if self._counted is None and self._original_transport is None:
            peer = transport.get_extra_info("peername")
            ip = peer[0] if isinstance(peer, tuple) else str(peer)
            if not self._connections.admit(ip):
                transport.write(b"421 4.7.0 Too many connections, try again later\r\n")
                transport.close()
                return
            self._counted = ip
            self._deadline = asyncio.get_running_loop().call_later(
                self._config.max_session, self._session_too_long)
        super().connection_made(transport)

    def _session_too_long(self) -> None:
        if self.transport is not None:
            self.transport.write(b"421 4.4.2 Session too long, closing; please reconnect\r\n")
            self.transport.close()

    def connection_lost(self, error) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        if self._counted is not None:
            self._connections.leave(self._counted)
            self._counted = None
        if self.session is not None:
            super().connection_lost(error)

    async def push(self, status) -> None:
        # aiosmtpd advertises AUTH once a session is encrypted; this server takes none.
        if isinstance(status, str) and status.startswith("250-AUTH"):
            return
        await super().push(status)

    async def smtp_AUTH(self, arg: str) -> None:
        await self.push("502 5.5.1 Authentication is not offered here")


class Listener:
    """The listening socket and its event loop, in a thread of its own (``start``) or in
    the calling thread (``run``)."""

    def __init__(self, host: str, port: int, config: Config | None = None):
        self.host, self.port = host, port
        self.config = config or Config.from_settings()
        self.connections = Connections(self.config.max_connections,
                                       self.config.max_connections_per_ip)
        self.pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="smtpd")
        self.loop = asyncio.new_event_loop()
        self._server = None
        self._thread: threading.Thread | None = None

    def _factory(self):
        return GatewaySMTP(Handler(self.config, self.pool), self.connections, self.config)

    def bind(self) -> None:
        # The phishing analyser's tables (confusables, brands) load once, before the
        # first message rather than during it.
        from trustdesk.mailgateway.analysis.phishing.analyze import warm

        warm()
        self._server = self.loop.run_until_complete(
            self.loop.create_server(self._factory, self.host, self.port))
        self.port = self._server.sockets[0].getsockname()[1]

    def start(self) -> Listener:
        self.bind()
        self._thread = threading.Thread(target=self.loop.run_forever, name="smtpd",
                                        daemon=True)
        self._thread.start()
        return self

    def run(self) -> None:
        self.bind()
        try:
            self.loop.run_forever()
        finally:
            self.close()

    async def _end_sessions(self) -> None:
        """Stop accepting, and end the sessions still open (each is a task of this
        loop), so that none is left half-run when the loop stops."""
        if self._server is not None:
            self._server.close()
        sessions = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in sessions:
            task.cancel()
        await asyncio.gather(*sessions, return_exceptions=True)

    def stop(self) -> None:
        if self._thread is not None and self.loop.is_running():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._end_sessions(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self.close()

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._close_connections()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _close_connections(self) -> None:
        """Each pool thread holds its own database connection: one task per thread closes
        them all (the barrier keeps two tasks off one thread), so that a stopped listener
        leaves no session open on the database."""
        workers = self.pool._max_workers
        barrier = threading.Barrier(workers)

        def close_mine() -> None:
            with contextlib.suppress(threading.BrokenBarrierError):  # fewer threads
                barrier.wait(timeout=5)
            connections.close_all()

        for future in [self.pool.submit(close_mine) for _ in range(workers)]:
            future.result(timeout=10)
