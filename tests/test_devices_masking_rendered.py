"""Property: render every sample device with random known secrets, mask, and no secret survives.

The renderer is the real one (`netops render --with-secrets` uses the same API); each secret
reference gets its own random value per example, so a rule that masks the wrong token of a
line (a keyword instead of the key, the first of two keys) is found on some platform.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from netops.devices.masking import mask_secrets
from netops.inventory import load_inventory
from netops.render import Renderer
from netops.render.errors import NotRendered
from tests.render_support import SAMPLE

SECRET = st.from_regex(r"[A-Za-z0-9!#$%&*+,./:;=@^_~-]{10,24}", fullmatch=True)


@pytest.fixture(scope="module")
def sample():
    inv = load_inventory(SAMPLE)
    plain = {}
    for name in inv.devices:
        try:
            plain[name] = Renderer(inv).render(name)
        except NotRendered:
            continue
    refs = sorted({str(ref) for ref in _walk_refs(inv)})
    return inv, plain, refs


def _walk_refs(obj, seen=None):
    from pydantic import BaseModel

    from netops.inventory.model import SecretRef

    seen = seen if seen is not None else set()
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, SecretRef):
        yield obj
    elif isinstance(obj, BaseModel):
        for key in type(obj).model_fields:
            yield from _walk_refs(getattr(obj, key), seen)
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _walk_refs(value, seen)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _walk_refs(value, seen)


class Known:
    """A resolver with one chosen value per reference."""

    def __init__(self, values: dict[str, str]):
        self.values = values

    def resolve(self, ref) -> str:
        return self.values[str(ref)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_no_rendered_secret_survives_masking(sample, data):
    inv, plain, refs = sample
    values = {ref: data.draw(SECRET, label=ref) for ref in refs}
    everything = "\n".join(plain.values())
    for value in values.values():
        assume(value not in everything)  # a value the config holds anyway proves nothing
    assume(len(set(values.values())) == len(values))
    renderer = Renderer(inv, secrets=Known(values))
    platforms_seen = set()
    for name in plain:
        config = renderer.render(name)
        platform = getattr(inv.devices[name].platform, "value", inv.devices[name].platform)
        present = [v for v in values.values() if v in config]
        if present:
            platforms_seen.add(platform)
        for table in (platform, None):
            masked = mask_secrets(config, table)
            leaked = [v for v in present if v in masked]
            assert not leaked, (name, table, [ln for ln in masked.splitlines() if any(v in ln for v in leaked)])
    assert {"huawei_vrp", "hp_comware", "cisco_ios"} <= platforms_seen, platforms_seen
