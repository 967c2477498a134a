"""Opening the reader from the command line."""

from __future__ import annotations

from index.config import Settings


def check_keys(settings: Settings) -> None:
    """Topic keys must not shadow reading keys; rebinding must name real binding ids."""
    from index.errors import ConfigError

    from .keys import all_bindings

    taken: dict[str, str] = {}
    for section, bindings in all_bindings():
        if (
            section.startswith("Tagging")
            or section.startswith("Reader")
            or section.startswith("Compare")
            or section == "Everywhere"
        ):
            for b in bindings:
                keys = settings.keys.get(b.id, b.key) if b.id else b.key
                for key in keys.split(","):
                    taken.setdefault(key.strip(), b.id or b.description)
    ids = {b.id for _, bs in all_bindings() for b in bs if b.id}
    for i, topic in enumerate(settings.topics):
        if topic.key in taken:
            raise ConfigError(
                str(settings.path),
                f"'{topic.key}' is already the key for "
                f"'{taken[topic.key]}'; pick another (digits are free)",
                key=f"topics.{i}.key",
            )
    for binding_id in settings.keys:
        if binding_id not in ids:
            raise ConfigError(
                str(settings.path),
                "no such binding id (the help screen, ?, lists them)",
                key=f"keys.{binding_id}",
            )


def run_reader(settings: Settings) -> int:
    from .app import DossierApp

    check_keys(settings)
    app = DossierApp(settings)
    app.run()
    return app.return_code or 0
