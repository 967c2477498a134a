"""YAML helpers: safe loading at C speed, and where a key stands in a YAML file, so
messages about config and tag files can name the line."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's parser with PyYAML's safe constructor: the same values as yaml.safe_load,
# about 9x faster (front matter was 74% of reading a Reuters article).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoAliasLoader(yaml.SafeLoader):
    """safe_load that refuses aliases: a few hundred bytes of nested aliases (a "billion
    laughs") would otherwise expand to gigabytes when the values are shown."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not expanded", event.start_mark
            )
        return super().compose_node(parent, index)


def safe_load(text: str, aliases: bool = True) -> Any:
    """yaml.safe_load, with libyaml when PyYAML has it; with aliases=False a text that
    uses aliases is refused. The one place dossier loads YAML. Raises yaml.YAMLError."""
    refuse = not aliases and ("*" in text or "&" in text)
    loader = (_NoAliasLoader if refuse else _SafeLoader)(text)  # safe constructors only
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def node_line(node: yaml.Node | None, *keys: str | int) -> int | None:
    """1-based line of the node at `keys` (mapping keys and sequence indexes), as deep as
    the document goes."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    line, node = k.start_mark.line + 1, v
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line
