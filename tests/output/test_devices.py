"""Device names from SDL's real drivers, and the remembered choice."""

import json

import platformdirs
import pytest

from session_player.output.devices import (
    DeviceChoiceStore,
    default_settings_path,
    preferred_device,
)

LIST_DEVICES = """
from session_player.output.devices import list_output_devices, audio_driver_name
done(names=list_output_devices(), driver=audio_driver_name())
"""


@pytest.mark.parametrize("driver", ["dummy", "disk"])
def test_lists_the_drivers_output_devices_by_name(sdl, driver):
    result = sdl(LIST_DEVICES, driver=driver)
    assert result["driver"] == driver
    # Both drivers offer SDL's single default device, under this name.
    assert result["names"] == ["System audio output device"]


def test_no_audio_driver_means_no_devices_and_an_absent_device_not_a_crash(sdl):
    result = sdl(
        """
        from session_player.output.devices import list_output_devices, audio_driver_name
        from session_player.output.sink import AudioSink
        names, driver = list_output_devices(), audio_driver_name()
        sink = AudioSink(lambda n: np.zeros((n, 2), np.float32), on_alert=on_alert)
        sink.start()
        state = sink.state.value
        sink.close()
        done(names=names, driver=driver, state=state)
        """,
        driver="no-such-driver",
    )
    assert result["names"] == [] and result["driver"] is None
    assert result["state"] == "device_absent"
    assert [kind for _, kind, _ in result["alerts"]] == ["device_absent"]


def test_remembers_the_choice(tmp_path):
    store = DeviceChoiceStore(tmp_path / "config" / "output.json")
    assert store.load() is None
    store.save("USB Headset")
    assert DeviceChoiceStore(store.path).load() == "USB Headset"
    assert json.loads(store.path.read_text()) == {"device_name": "USB Headset"}
    store.save(None)
    assert store.load() is None
    assert [p.name for p in store.path.parent.iterdir()] == ["output.json"]  # no temp left


def test_an_unreadable_choice_is_ignored(tmp_path):
    path = tmp_path / "output.json"
    for junk in ("{torn", "[]", '{"device_name": 3}', ""):
        path.write_text(junk)
        assert DeviceChoiceStore(path).load() is None


def test_an_explicit_device_wins_over_the_remembered_one(tmp_path):
    store = DeviceChoiceStore(tmp_path / "output.json")
    store.save("Headphones")
    assert preferred_device(None, store) == "Headphones"
    assert preferred_device("Speakers", store) == "Speakers"


def test_default_path_is_the_user_config_folder():
    path = default_settings_path()
    assert path.name == "output.json"
    assert str(path.parent) == platformdirs.user_config_dir("session-player")
