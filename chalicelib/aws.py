"""AWS clients built from settings, cached per process (warm Lambda reuse).

The clients are botocore's, made by one botocore session: boto3 adds nothing the code uses
(resources, S3 transfers) and importing it costs a cold start ~20 ms more than botocore alone.
Every botocore session of the process — this one and PynamoDB's, one per connection and
thread — reads service models through one loader (:func:`share_loader`), so ``endpoints.json``
and each service's model are parsed once per container, not once per session (~30 ms each for
``endpoints.json`` on a cold start). That loader parses with orjson and looks for a service's
model in its own directory only, not in a listing of every service botocore ships.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from functools import cache
from typing import Any

import botocore.session
import orjson
from botocore.config import Config
from botocore.exceptions import DataNotFoundError
from botocore.loaders import JSONFileLoader, Loader

from chalicelib.config import get_settings

RETRIES = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10)


class _JSONFiles(JSONFileLoader):
    """botocore's model files read by orjson: ``endpoints.json`` (1.2 MB) in ~3 ms instead of ~14 ms
    (botocore builds OrderedDicts through the standard library's parser; a dict keeps order too)."""

    def _load_file(self, full_path: str, open_method: Any) -> Any:
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as fp:
            payload = fp.read()
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError:  # what orjson refuses and the standard library reads (a NaN)
            return super()._load_file(full_path, open_method)


class _Known(Collection[str]):
    """The services that have a model of ``type_name``, asked one service at a time: botocore lists
    the directories of every service it ships (400+, ~20 ms on a cold start) to learn whether the
    one asked for is there; this looks in that service's directory alone, and lists them all only
    when iterated (an unknown service's error message)."""

    def __init__(self, loader: Loader, type_name: str) -> None:
        self.loader, self.type_name = loader, type_name

    def __contains__(self, service: object) -> bool:
        try:
            return isinstance(service, str) and bool(self.loader.list_api_versions(service, self.type_name))
        except DataNotFoundError:
            return False

    def _all(self) -> list[str]:
        return list(Loader.list_available_services(self.loader, self.type_name))

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class _Loader(Loader):
    def list_available_services(self, type_name: str) -> Collection[str]:  # type: ignore[override]
        return _Known(self, type_name)


@cache
def _loader() -> Loader:
    """What a botocore session makes for itself (``create_loader``), reading faster."""
    paths = os.environ.get("AWS_DATA_PATH")
    extra = [os.path.expanduser(os.path.expandvars(p)) for p in paths.split(os.pathsep)] if paths else None
    return _Loader(extra_search_paths=extra, file_loader=_JSONFiles())


def share_loader(session: Any) -> Any:
    """Make a botocore session read models through the process's loader; returns the session."""
    loader = _loader()
    if session.get_component("data_loader") is not loader:
        session.register_component("data_loader", loader)
    return session


@cache
def session() -> botocore.session.Session:
    """The botocore session of this module's clients (and the city-scoped ones), on the shared loader."""
    return share_loader(botocore.session.get_session())


@cache
def client(service: str) -> Any:
    s = get_settings()
    return session().create_client(service, region_name=s.region, endpoint_url=s.aws_endpoint_url, config=RETRIES)


def reset_clients() -> None:
    client.cache_clear()
