"""Versioned prompt files (`prompts/<id>.md`): loaded, checked, rendered.

A prompt file has a front matter (`id`, `version`, `description`) and two parts, `## system`
and `## user`, with `${name}` variables. Rendering with a variable missing, or with one the
file does not use, fails loudly: a silently empty slot would change what the model is asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

from extractor.errors import ConfigError

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_PART = re.compile(r"^## (system|user)\n", re.MULTILINE)


@dataclass(frozen=True)
class Prompt:
    id: str
    version: str
    system: Template
    user: Template

    @property
    def ref(self) -> str:
        """`id@version`, written into every output that used the prompt."""
        return f"{self.id}@{self.version}"

    @property
    def variables(self) -> frozenset[str]:
        return frozenset(self.system.get_identifiers()) | frozenset(self.user.get_identifiers())

    def render(self, **values: str) -> list[dict[str, str]]:
        """The chat messages, with every variable filled."""
        missing = self.variables - values.keys()
        extra = values.keys() - self.variables
        if missing or extra:
            raise ConfigError(
                f"prompt {self.ref}: missing variables {sorted(missing)}, unknown {sorted(extra)}"
            )
        return [
            {"role": "system", "content": self.system.substitute(values).strip()},
            {"role": "user", "content": self.user.substitute(values).strip()},
        ]


def parse_prompt(text: str, name: str) -> Prompt:
    front = _FRONT.match(text)
    if not front:
        raise ConfigError(f"prompt {name}: no front matter")
    meta = dict(
        (k.strip(), v.strip())
        for k, _, v in (line.partition(":") for line in front.group(1).splitlines())
    )
    parts = _PART.split(text[front.end() :])
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    if set(sections) != {"system", "user"} or not meta.get("id") or not meta.get("version"):
        raise ConfigError(f"prompt {name}: needs id, version, '## system' and '## user'")
    if meta["id"] != name:
        raise ConfigError(f"prompt {name}: its id says {meta['id']!r}")
    return Prompt(
        meta["id"], meta["version"], Template(sections["system"]), Template(sections["user"])
    )


@cache
def load_prompt(name: str) -> Prompt:
    path = PROMPTS_DIR / f"{name}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(f"no prompt file {path}") from e
    return parse_prompt(text, name)
