"""TLS (--tls-cert, --tls-key): TLS 1.2 and 1.3 only; SIGHUP loads a new certificate for new
connections without dropping open ones, and a bad file on SIGHUP keeps the old certificate."""

import shutil
import signal
import socket
import ssl
import subprocess

import pytest
import urllib3

# The test's own self-signed certificates; TLS 1.0 and 1.1 offered on purpose, to see them refused.
pytestmark = [pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning"),
              pytest.mark.filterwarnings("ignore:ssl.TLSVersion:DeprecationWarning")]

from parley_client import wait_for


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
