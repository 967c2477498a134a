"""Pictures of the three main screens at 120×40 (pytest-textual-snapshot).

Update after an intended change with `pytest tests/test_snapshots.py --snapshot-update`
and look at the new SVGs before committing them."""

from __future__ import annotations

import pytest
from conftest import app_settings

from tui.app import DossierApp

SIZE = (120, 40)


@pytest.fixture
def app(tmp_path):
    return DossierApp(app_settings(tmp_path), background_index=False)


async def _settle(pilot) -> None:
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_search_screen(snap_compare, app):
    async def run_before(pilot):
        await pilot.press(*'"within reach"')
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_reader_screen(snap_compare, app):
    async def run_before(pilot):
        await pilot.press(*"goodwill", "enter")
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_compare_screen(snap_compare, app):
    async def run_before(pilot):
        pilot.app.open_article("001_1a5c9ff20c0ee09c", 5)
        await pilot.pause()
        await pilot.press("c", *"Within Reach", "enter")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
