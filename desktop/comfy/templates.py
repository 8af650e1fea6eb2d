"""The server's template library: ``GET /templates/index.json`` parsed into typed values.

ComfyUI serves the ``comfyui-workflow-templates`` package as static files under
``/templates/`` (no ``/api`` twin): ``index.json`` is a list of categories, each with its
templates (0.3.64: 10 categories, 169 templates; 0.8.0: 7 and 220, with extra keys). The
workflow of a template is ``/templates/<name>.json`` (UI format), its picture
``/templates/<name>-1.<mediaSubtype>``. Unknown keys are ignored; entries without a usable
name are dropped, so one odd entry never hides the library.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop.comfy.errors import ProtocolError

# A template name is one path component: no separators, no "..", no query characters.
_SAFE_NAME = re.compile(r"^[\w][\w.+\- ]*$")


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    title: str
    description: str = ""
    category: str = ""
    media_type: str = "image"
    media_subtype: str = "webp"
    models: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    requires_custom_nodes: tuple[str, ...] = ()
    paid_service: bool = False  # runs through ComfyUI's API nodes (a Comfy account, credits)

    @property
    def thumbnail_file(self) -> str:
        return f"{self.name}-1.{self.media_subtype}"

    def matches(self, text: str) -> bool:
        """Whether every word of ``text`` occurs in the title, description, tags or models."""
        words = text.casefold().split()
        haystack = " ".join(
            (self.name, self.title, self.description, self.category, *self.models, *self.tags)
        ).casefold()
        return all(word in haystack for word in words)


@dataclass(frozen=True, slots=True)
class TemplateCategory:
    title: str
    templates: tuple[Template, ...]


def is_safe_template_name(name: str) -> bool:
    return bool(_SAFE_NAME.match(name)) and ".." not in name and len(name) <= 200


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if isinstance(v, str | int | float))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _template(raw: Any, category: str) -> Template | None:
    if not isinstance(raw, Mapping):
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not is_safe_template_name(name):
        return None
    subtype = _text(raw.get("mediaSubtype")) or "webp"
    if not re.fullmatch(r"[a-z0-9]{1,8}", subtype):
        subtype = "webp"
    return Template(
        name=name,
        title=_text(raw.get("title")) or name,
        description=_text(raw.get("description")),
        category=category,
        media_type=_text(raw.get("mediaType")) or "image",
        media_subtype=subtype,
        models=_strings(raw.get("models")),
        tags=_strings(raw.get("tags")),
        requires_custom_nodes=_strings(raw.get("requiresCustomNodes")),
        # 0.3.64 writes "OpenSource", 0.8 "openSource"; API templates also carry the "API" tag.
        paid_service=raw.get("openSource", raw.get("OpenSource")) is False
        or "API" in _strings(raw.get("tags")),
    )


def parse_template_index(body: Any, url: str = "") -> tuple[TemplateCategory, ...]:
    """Categories in the server's order. Accepts the list ComfyUI serves and, defensively,
    a ``{category: [templates]}`` object."""
    if isinstance(body, Mapping):
        body = [{"title": key, "templates": value} for key, value in body.items()]
    if not isinstance(body, list):
        raise ProtocolError("the template index is not a list of categories", url)
    categories = []
    for raw in body:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("templates"), list):
            continue
        title = _text(raw.get("title")) or _text(raw.get("moduleName"))
        found = (_template(t, title) for t in raw["templates"])
        templates = tuple(t for t in found if t is not None)
        if templates:
            categories.append(TemplateCategory(title, templates))
    return tuple(categories)
