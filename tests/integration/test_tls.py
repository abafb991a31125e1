"""TLS (--tls-cert, --tls-key): TLS 1.2 and 1.3 only; SIGHUP loads a new certificate for new
connections without dropping open ones, and a bad file on SIGHUP keeps the old certificate; every
close the server makes sends close_notify first (HTTP and WebSocket), so a client that refuses
ragged EOFs reads a clean end of stream."""

import shutil
import signal
import socket
import ssl
import subprocess

import pytest
import requests
import urllib3

# The test's own self-signed certificates; TLS 1.0 and 1.1 offered on purpose, to see them refused.
pytestmark = [pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning"),
              pytest.mark.filterwarnings("ignore:ssl.TLSVersion:DeprecationWarning")]

from parley_client import OP_CLOSE, PASSWORD, RawClosed, RawWs, build_frame, unique, wait_for


def make_certificate(directory, name):
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def client_context(minimum=None, maximum=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if minimum or maximum:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # let the client offer old versions at all
    if minimum:
        ctx.minimum_version = minimum
    if maximum:
        ctx.maximum_version = maximum
    return ctx


def connect(srv, ctx):
    raw = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    return ctx.wrap_socket(raw, server_hostname="localhost")


def served_certificate(srv):
    with connect(srv, client_context()) as s:
        return s.getpeercert(binary_form=True)


def der(cert_file):
    return ssl.PEM_cert_to_DER_cert(cert_file.read_text())


def healthz_over(s):
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data or not data.endswith(b"}"):
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


@pytest.fixture
def tls_server(server_factory, tmp_path):
    cert, key = make_certificate(tmp_path, "first")
    live_cert, live_key = tmp_path / "live.pem", tmp_path / "live.key"
    shutil.copy(cert, live_cert)
    shutil.copy(key, live_key)
    srv = server_factory(flags=["--tls-cert", str(live_cert), "--tls-key", str(live_key)],
                         register_admin=False)
    return srv, tmp_path, live_cert, live_key, cert


def test_tls_12_and_13_are_served_and_older_versions_refused(tls_server):
    srv = tls_server[0]
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        with connect(srv, client_context(version, version)) as s:
            assert s.version() == {ssl.TLSVersion.TLSv1_2: "TLSv1.2",
                                   ssl.TLSVersion.TLSv1_3: "TLSv1.3"}[version]
            assert b"200 OK" in healthz_over(s)
    for version in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
        try:
            ctx = client_context(version, version)
        except (ValueError, ssl.SSLError):
            continue  # this Python cannot even offer it
        with pytest.raises((ssl.SSLError, ConnectionResetError, OSError)):
            with connect(srv, ctx) as s:
                healthz_over(s)


def test_sighup_reloads_the_certificate_and_keeps_open_connections(tls_server):
    srv, directory, live_cert, live_key, first = tls_server
    assert served_certificate(srv) == der(first)
    kept = connect(srv, client_context())
    assert b"200 OK" in healthz_over(kept)

    second, second_key = make_certificate(directory, "second")
    shutil.copy(second, live_cert)
    shutil.copy(second_key, live_key)
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: served_certificate(srv) == der(second), 10, "the new certificate served")
    # The connection made before the reload goes on, with its own certificate.
    assert kept.getpeercert(binary_form=True) == der(first)
    assert b"200 OK" in healthz_over(kept)
    kept.close()


def test_a_bad_certificate_on_sighup_keeps_the_old_one(tls_server):
    srv, directory, live_cert, live_key, first = tls_server
    live_cert.write_text("not a certificate\n")
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "cannot load TLS certificate" in srv.log_tail(50), 10, "the refusal logged")
    assert served_certificate(srv) == der(first)
    # A key that does not match the certificate is refused too.
    other, other_key = make_certificate(directory, "other")
    shutil.copy(first, live_cert)
    shutil.copy(other_key, live_key)
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "mismatch" in srv.log_tail(50), 10, "the mismatch logged")
    assert served_certificate(srv) == der(first)
    assert srv.proc.poll() is None


# -- close_notify -------------------------------------------------------------------------------


def strict(raw):
    """TLS over `raw` where a hang-up without close_notify raises SSLEOFError instead of b"": a
    clean b"" then proves the server sent close_notify. (Python sets OP_IGNORE_UNEXPECTED_EOF by
    default, which would hide it.)"""
    ctx = client_context()
    ctx.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF
    return ctx.wrap_socket(raw, server_hostname="localhost", suppress_ragged_eofs=False)


def read_to_close_notify(s, data=b"", timeout=5):
    """Everything until the end of the stream; fails on a ragged EOF or a timeout."""
    s.settimeout(timeout)
    while True:
        try:
            chunk = s.recv(4096)
        except ssl.SSLError as exc:
            # SSLEOFError, or OpenSSL 3's UNEXPECTED_EOF_WHILE_READING: a ragged EOF.
            if isinstance(exc, ssl.SSLEOFError) or "UNEXPECTED_EOF" in str(exc):
                raise AssertionError(f"the server hung up without close_notify: {exc}") from None
            raise
        if not chunk:
            return data
        data += chunk


def tls_ws(srv, tls_user):
    ws = RawWs(srv)
    ws.sock = strict(ws.sock)
    assert ws.handshake(f"/ws?token={requests.utils.quote(tls_user, safe='')}") == 101
    return ws


@pytest.fixture
def tls_user(tls_server):
    srv = tls_server[0]
    r = requests.post(srv.url("/api/auth/register"), json={"username": unique(), "password": PASSWORD},
                      verify=False, timeout=15)
    assert r.status_code == 201, r.text
    return r.json()["access_token"]


def test_an_http_response_with_connection_close_ends_with_close_notify(tls_server):
    srv = tls_server[0]
    s = strict(socket.create_connection(("127.0.0.1", srv.port), timeout=5))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    assert b"200 OK" in read_to_close_notify(s)
    s.close()


def test_an_idle_keep_alive_connection_closed_by_the_server_ends_with_close_notify(server_factory,
                                                                                   tmp_path):
    cert, key = make_certificate(tmp_path, "idle")
    srv = server_factory(flags=["--tls-cert", str(cert), "--tls-key", str(key),
                                "--request-timeout-ms", "300"], register_admin=False)
    s = strict(socket.create_connection(("127.0.0.1", srv.port), timeout=5))
    assert b"200 OK" in healthz_over(s)
    # Nothing more is asked: the server closes the keep-alive connection after 300 ms.
    read_to_close_notify(s)
    s.close()


def test_a_websocket_close_handshake_ends_with_close_notify(tls_server, tls_user):
    ws = tls_ws(tls_server[0], tls_user)
    ws.send_raw(build_frame(OP_CLOSE, (1000).to_bytes(2, "big")))
    fin, opcode, payload = ws.read_frame()
    assert (opcode, payload[:2]) == (OP_CLOSE, (1000).to_bytes(2, "big"))
    assert read_to_close_notify(ws.sock, ws.buf) == b""


def test_a_websocket_the_server_closes_ends_with_close_notify(tls_server, tls_user):
    ws = tls_ws(tls_server[0], tls_user)
    # An unmasked client frame: the server closes with 1002 and hangs up.
    ws.send_raw(build_frame(0x1, b"{}", mask=False))
    fin, opcode, payload = ws.read_frame()
    assert (opcode, payload[:2]) == (OP_CLOSE, (1002).to_bytes(2, "big"))
    assert read_to_close_notify(ws.sock, ws.buf) == b""


def test_server_shutdown_closes_tls_websockets_with_close_notify(tls_server, tls_user):
    srv = tls_server[0]
    ws = tls_ws(srv, tls_user)
    srv.stopping = True
    srv.proc.send_signal(signal.SIGTERM)
    fin, opcode, payload = ws.read_frame(timeout=10)
    assert (opcode, payload[:2]) == (OP_CLOSE, (1001).to_bytes(2, "big"))
    ws.send_raw(build_frame(OP_CLOSE, (1001).to_bytes(2, "big")))
    assert read_to_close_notify(ws.sock, ws.buf) == b""
    assert srv.proc.wait(10) == 0


@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_uploads_and_streamed_downloads_over_tls(tls_server, tls_user, version):
    # A file larger than many TLS records, sent back from the file a part at a time (whole and as
    # a range), over both record layers: OpenSSL's (1.2) and Parley's own (1.3).
    srv = tls_server[0]
    data = bytes(range(256)) * (12 << 10)  # 3 MiB
    headers = {"Authorization": f"Bearer {tls_user}"}
    r = requests.post(srv.url("/api/uploads"), params={"name": "big.bin"}, data=data,
                      headers={**headers, "Content-Type": "application/octet-stream"},
                      verify=False, timeout=30)
    assert r.status_code == 201, r.text
    url = r.json()["upload"]["url"]
    tls_version = ssl.TLSVersion.TLSv1_2 if version == "1.2" else ssl.TLSVersion.TLSv1_3
    for extra, want, status in (("", data, 200), ("Range: bytes=70000-2100000\r\n",
                                                  data[70000:2100001], 206)):
        ctx = client_context(tls_version, tls_version)
        ctx.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF
        s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", srv.port), timeout=5),
                            server_hostname="localhost", suppress_ragged_eofs=False)
        assert s.version() == f"TLSv{version}"
        s.sendall(f"GET {url} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {tls_user}\r\n"
                  f"{extra}Connection: close\r\n\r\n".encode())
        head, _, body = read_to_close_notify(s, timeout=30).partition(b"\r\n\r\n")
        s.close()
        assert head.startswith(f"HTTP/1.1 {status}".encode()), head[:200]
        assert body == want
