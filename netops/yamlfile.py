"""Read a small YAML (or JSON) config file into a pydantic model, errors as `file[:line]: field: message`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from netops.errors import NetopsError

M = TypeVar("M", bound=BaseModel)


def load_yaml_model(path: Path, model: type[M], error: type[NetopsError]) -> M:
    """The file's content validated as `model`; anything wrong raises `error` with a location."""
    try:
        text = path.read_text(encoding="utf-8")
        # a monitoring plan's shard file (JSON, thousands of targets) parses ~100x faster with json
        data = (json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise error(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error(f"{path}{f':{mark.line + 1}' if mark else ''}: not valid YAML") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        where = f"{path}: {field}" if field else str(path)
        raise error(f"{where}: {first['msg'].removeprefix('Value error, ')}") from None
