import socket
import subprocess
import sys

import pytest


def test_outbound_connection_is_refused():
    with pytest.raises(OSError, match="blocks outbound network"):
        socket.create_connection(("93.184.216.34", 80), timeout=1)


def test_dns_lookup_of_a_public_host_is_refused():
    with pytest.raises(OSError, match="blocks outbound network"):
        socket.getaddrinfo("example.com", 80)


def test_loopback_is_allowed():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    with socket.create_connection(server.getsockname(), timeout=1):
        pass
    server.close()


def test_subprocesses_are_guarded_too():
    code = "import socket; socket.create_connection(('8.8.8.8', 53), timeout=1)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0
    assert "blocks outbound network" in result.stderr
