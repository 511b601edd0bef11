"""The web UI makes no connection beyond this machine unless the user opts in.

Solara, out of the box, reports usage at server start (an IP-echo lookup and an
analytics service), can check PyPI for a newer version and fetches missing front-end
assets from a public CDN through its asset proxy. `server_environment` returns the
environment `adoptsim app` (and `make app`) starts the server with: telemetry off, the
version check off (`--no-check-version` on the command line) and the CDN pointed at a
closed port on this machine, so an asset that is not bundled (`solara[assets]` bundles
what the UI uses) fails locally instead of being downloaded. `adoptsim app
--allow-network` keeps Solara's telemetry and CDN defaults (opt-in).

This module imports nothing from Solara: the launcher sets the environment before the
server process starts, which is the only point where Solara reads it.
"""

from __future__ import annotations

from collections.abc import Mapping

# a closed port on the loopback interface (9 = discard): missing CDN assets fail here
LOCAL_CDN = "http://127.0.0.1:9/no-cdn/"
OFFLINE_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # analytics + IP echo at server start
    "SOLARA_ASSETS_CDN": LOCAL_CDN,  # the asset proxy never downloads from a CDN
}
SERVER_FLAGS = ("--production", "--no-check-version")  # no PyPI version check either


def server_environment(base: Mapping[str, str], allow_network: bool = False) -> dict[str, str]:
    """The environment for the Solara server: `base` with the offline switches forced
    (whatever `base` says), or `base` unchanged when the user opted in."""
    env = dict(base)
    if not allow_network:
        env.update(OFFLINE_ENV)
    return env
