"""Open the reader from an installed wheel, headless, from a folder outside the repo.

Run with the wheel venv's python from another folder:
    VENV/bin/python REPO/.ci/wheel_smoke.py REPO
It writes a config.yaml in the current folder (corpus: REPO/articles, index and tags
here), then asserts that the code runs from the installed package, not the checkout, and
that the first screen lists the bundled articles by title.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import yaml

TIMEOUT_S = 60.0


def write_config(repo: Path, here: Path) -> Path:
    data = yaml.safe_load((repo / "config.yaml").read_text(encoding="utf-8"))
    data.update(corpus=str(repo / "articles"), index=str(here / "index"), tags="tags.yaml")
    path = here / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def first_screen_titles(config: Path) -> None:
    from index.config import load_settings
    from index.library import Library
    from tui.app import DossierApp

    settings = load_settings(config)
    app = DossierApp(settings)  # indexes in the background, as a first start does
    async with app.run_test(size=(120, 40)) as pilot:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            await pilot.pause(0.1)
            titles = [i.title for i in Library(settings).infos.values()]
            text = screen_text(app)
            # the list may cut a long title: its first 30 characters must show
            missing = [t for t in titles if t[:30] not in text]
            if len(titles) == 5 and not missing:
                break
            if time.monotonic() > deadline:
                sys.exit(
                    f"wheel smoke: {len(titles)} articles indexed; not on the first screen: "
                    f"{missing}\n--- screen ---\n{text}"
                )
        await pilot.press("q")


def main() -> None:
    repo = Path(sys.argv[1]).resolve()
    here = Path.cwd().resolve()
    import index
    import tui

    for package in (index, tui):
        where = Path(package.__file__).resolve()
        if where.is_relative_to(repo):
            sys.exit(f"wheel smoke: {package.__name__} imported from the checkout ({where})")
    asyncio.run(first_screen_titles(write_config(repo, here)))
    print("wheel smoke: the installed reader shows the five articles on its first screen")


if __name__ == "__main__":
    main()
