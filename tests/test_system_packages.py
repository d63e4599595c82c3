"""One list of system packages (tools/system-packages.txt) covers what Qt's xcb platform
loads, and the script `make run`, `make test` and .ci/run call installs from it or names the
exact command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from session_player.launch import platform_check

ROOT = Path(__file__).resolve().parents[1]
LIST = ROOT / "tools" / "system-packages.txt"
SCRIPT = ROOT / "tools" / "install-system-deps.sh"
# glibc: the Python interpreter itself needs it, so every machine that runs us has it.
GLIBC = re.compile(r"^(libc|libm|libdl|libpthread|librt|ld-linux[-\w]*|linux-vdso)\.so")


def listed(group: str) -> dict[str, str]:
    """soname or command -> package, for one group of the list."""
    proofs: dict[str, str] = {}
    for line in LIST.read_text().splitlines():
        fields = line.split()
        if fields and not fields[0].startswith("#") and fields[0] == group:
            for proof in fields[2:]:
                proofs[proof] = fields[1]
    return proofs


def libqxcb() -> Path:
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not sys.platform.startswith("linux") or not plugin.exists() or not shutil.which("ldd"):
        pytest.skip("needs Linux, PySide6's xcb plugin and ldd")
    return plugin


def system_libraries_of(plugin: Path) -> set[str]:
    """Every library ldd resolves (or cannot find) for the plugin, outside PySide6's own."""
    out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True)
    qt_folder = str(plugin.parents[2])
    names = set()
    for line in out.stdout.splitlines():
        match = re.match(r"\s*(\S+)\s+=>\s+(\S+)", line)
        if match and (match.group(2) == "not" or not match.group(2).startswith(qt_folder)):
            names.add(match.group(1))
    return {name for name in names if not GLIBC.match(name)}


def test_the_qt_group_lists_every_library_the_xcb_plugin_loads():
    needed = system_libraries_of(libqxcb())
    assert "libxcb-icccm.so.4" in needed and "libxcb-keysyms.so.1" in needed  # issue 10/21
    assert needed - set(listed("qt")) == set()


def test_the_launch_check_names_the_same_packages_as_the_list():
    """The app's own check (at launch) and the installer agree library by library."""
    from_list = {so.partition(".so")[0][3:]: pkg for so, pkg in listed("qt").items()}
    assert from_list == platform_check.XCB_LIBRARIES


def test_the_suite_group_holds_the_tools_the_tests_use():
    suite = set(listed("suite").values())
    for package in ("xvfb", "openbox", "xdotool", "x11-xserver-utils", "imagemagick"):
        assert package in suite
    for package in ("xserver-xorg-video-dummy", "pulseaudio", "pulseaudio-utils"):
        assert package in suite
    assert "poppler-utils" in suite


def test_make_and_ci_install_from_the_list():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    test = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "tools/install-system-deps.sh qt" in run
    assert "tools/install-system-deps.sh qt suite" in test
    assert "tools/install-system-deps.sh base qt suite" in (ROOT / ".ci" / "run").read_text()
    # Debian's python3 has venv but not ensurepip: the venv is made only after "base".
    setup = makefile.split("\n$(STAMP):", 1)[1].split("\n\n", 1)[0]
    assert setup.index("install-system-deps.sh base") < setup.index("-m venv")
    assert listed("base") == {"python3:ensurepip": "python3-venv"}


def _script(tmp_path: Path, lines: str, path_dirs: list[str]) -> subprocess.CompletedProcess:
    own_list = tmp_path / "packages.txt"
    own_list.write_text(lines)
    env = {
        "PATH": os.pathsep.join(path_dirs),
        "SESSION_PLAYER_SYSTEM_PACKAGES": str(own_list),
        "LANG": "C",
    }
    bash = shutil.which("bash")
    return subprocess.run(
        [bash, str(SCRIPT), "qt"], capture_output=True, text=True, env=env, timeout=60
    )


def _bin_without_apt(tmp_path: Path) -> str:
    """A PATH with the script's tools but no apt-get: a machine it cannot install on."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("uname", "grep", "sed", "id", "cat", "dirname", "ldconfig"):
        found = shutil.which(tool) or shutil.which(tool, path="/sbin:/usr/sbin")
        if found:
            (folder / tool).symlink_to(found)
    (folder / "python3").symlink_to(sys.executable)
    return str(folder)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the script is for Linux")
def test_nothing_is_installed_when_everything_is_there(tmp_path):
    present_lib = "libc.so.6"
    done = _script(
        tmp_path,
        f"qt libc6 {present_lib} / python3:os\nsuite none-such-package none-such-command\n",
        [_bin_without_apt(tmp_path)],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the script is for Linux")
def test_a_machine_it_cannot_install_on_gets_the_exact_command(tmp_path):
    done = _script(
        tmp_path,
        "# a comment\nqt libc6 libc.so.6\nqt libnone-such1 libnone-such.so.1\n"
        "qt none-such-tool none-such-command\nqt python3-none-such python3:none_such_module\n",
        [_bin_without_apt(tmp_path)],
    )
    assert done.returncode == 1
    wanted = "libnone-such1 none-such-tool python3-none-such"
    assert f"    sudo apt-get install -y {wanted}\n" in done.stderr


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("setpriv"),
    reason="runs the script as another user: needs root and setpriv",
)
def test_a_user_without_sudo_gets_the_exact_command_and_nothing_runs():
    """Not root and no passwordless sudo (user nobody): apt-get is never tried."""
    import tempfile

    # pytest's own folders are root's only: the list goes where nobody can read it.
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        own_list = Path(folder) / "packages.txt"
        own_list.write_text("qt libnone-such1 libnone-such.so.1\n")
        own_list.chmod(0o644)
        env = dict(os.environ, SESSION_PLAYER_SYSTEM_PACKAGES=str(own_list), LANG="C")
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        done = subprocess.run(
            [*nobody, "bash", str(SCRIPT), "qt"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    assert done.returncode == 1
    assert "    sudo apt-get install -y libnone-such1\n" in done.stderr
    assert "Installing" not in done.stdout
