"""Shared fixtures: the live server's address (CIVIC_URL) and a sodapy client
speaking plain HTTP to it. conformance/run.sh starts the server and sets
CIVIC_URL; to run by hand, start `civic demo` and export CIVIC_URL yourself."""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from sodapy import Socrata

sys.path.insert(0, str(Path(__file__).parent))


def _base_url():
    url = os.environ.get("CIVIC_URL", "").rstrip("/")
    if not url:
        pytest.exit("CIVIC_URL is not set (e.g. http://127.0.0.1:8090); "
                    "run conformance/run.sh or start `civic demo` first", returncode=2)
    return url


def app_token():
    """A real app token (run.sh makes one with `civic user token`)."""
    token = os.environ.get("CIVIC_APP_TOKEN", "")
    if not token:
        pytest.exit("CIVIC_APP_TOKEN is not set; make one with "
                    "`civic user token EMAIL --name NAME` or run conformance/run.sh", returncode=2)
    return token


@pytest.fixture(scope="session")
def base_url():
    return _base_url()


@pytest.fixture(scope="session")
def domain(base_url):
    """host:port, which sodapy takes as its `domain`."""
    return urlsplit(base_url).netloc


@pytest.fixture(scope="session")
def client(domain):
    # As the sodapy README shows for a server without TLS: mount a plain
    # HTTPAdapter on "http://" so the client builds http:// URLs.
    c = Socrata(
        domain,
        None,
        session_adapter={"prefix": "http://", "adapter": requests.adapters.HTTPAdapter()},
        timeout=60,
    )
    yield c
    c.close()


@pytest.fixture(scope="session")
def http():
    s = requests.Session()
    yield s
    s.close()
