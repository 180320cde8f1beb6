"""The command line's refusals say what happened in Chinese and what to do (issue 13 item 8), and long work
shows its steps with the elapsed time (issue 13 "progress on long work")."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Packed
from zc_review.i18n import t

EXE = Path(sys.executable).parent / "zc-review"
#: The English of the checks' diagnostics and of the operating system: never on a user's screen.
ENGLISH = re.compile(r"result bundle:|package:|FORMAT member|BadZipFile|No such file|Is a directory|Traceback|"
                     r"Error\b|error:")


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ZC_REVIEW_HOME": str(home), "ZC_REVIEW_I18N_STRICT": "1", "COLUMNS": "200"}
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env, timeout=300)


def _flat(text: str) -> str:
    return "".join(text.split())


def test_open_on_a_folder_says_so_and_names_the_package_inside(demo: Packed, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    shutil.copy(demo.package, folder / "session.zcp")
    done = _run("open", str(folder), home=tmp_path / "home")  # the unlock screen would wait for input here
    assert done.returncode == 2
    assert done.stderr.strip() == t("package_is_folder", path=str(folder), example=str(folder / "session.zcp"))


def test_verify_without_keys_says_where_they_are_and_that_keygen_cannot_help(demo_bundles: tuple[Path, Path],
                                                                           tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = _run("office", "verify", str(demo_bundles[1]), home=home)
    assert done.returncode == 2
    err = _flat(done.stderr)
    assert _flat(str(home / "office-keys")) in err and "--keys" in err  # where they were looked for, how to say
    assert "不要为此执行officekeygen" in err and "新生成的密钥永远无法核验已有的结果包" in err
    assert "请先执行" not in err  # the old advice: make new keys
    assert not ENGLISH.search(done.stderr + done.stdout)


def test_trust_add_on_a_missing_file_says_it_is_missing(tmp_path: Path) -> None:
    done = _run("trust", "add", str(tmp_path / "root-cert.pem"), home=tmp_path / "home")
    assert done.returncode == 2
    assert "找不到根证书文件" in done.stderr and "文件或目录不存在" in done.stderr
    assert "PEM 格式" not in done.stderr and not ENGLISH.search(done.stderr)


@pytest.mark.parametrize("what", ["damaged", "package"])
def test_a_file_that_is_not_a_good_bundle_is_refused_in_chinese(demo: Packed, demo_bundles: tuple[Path, Path],
                                                                tmp_path: Path, what: str) -> None:
    if what == "damaged":
        data = bytearray(demo_bundles[1].read_bytes())
        data[len(data) // 2] ^= 0x01
        path = tmp_path / "bad.zcb"
        path.write_bytes(bytes(data))
    else:  # the package given where the bundle belongs: "result bundle: FORMAT member is not a result bundle"
        path = demo.package
    for command in ("verify", "import"):
        done = _run("office", command, str(path), "--keys", str(demo.keys), "--db", f"sqlite:///{tmp_path / 'a.db'}",
                    home=tmp_path / "home") if command == "import" else \
            _run("office", command, str(path), "--keys", str(demo.keys), home=tmp_path / "home")
        assert done.returncode == 2, done.stderr
        assert t("cli.detail_failed") in _flat(done.stdout) or _flat(t("cli.detail_failed")) in _flat(done.stdout)
        assert not ENGLISH.search(done.stdout + done.stderr), done.stdout + done.stderr
    detailed = _run("office", "verify", str(path), "--keys", str(demo.keys), "--details", home=tmp_path / "home")
    assert "技术细节：" in detailed.stdout and "result bundle" in detailed.stdout  # for technical support, on request


def test_a_damaged_package_on_the_command_line_is_not_a_wrong_secret(demo: Packed, tmp_path: Path) -> None:
    from zc_review.service.office import trust_add

    home = tmp_path / "home"
    trust_add(demo.keys / "root-cert.pem", home)
    data = bytearray(demo.package.read_bytes())
    data[len(data) // 3] ^= 0x01
    bad = tmp_path / "bad.zcp"
    bad.write_bytes(bytes(data))
    script = tmp_path / "script.json"
    script.write_text(json.dumps({**demo.script, "actions": demo.script["actions"][:1]}, ensure_ascii=False), "utf-8")
    done = _run("run-script", str(bad), str(script), "--secrets", str(demo.secrets_path), home=home)
    assert done.returncode == 2
    assert t("package_not_genuine") in done.stderr and t("unlock_failed") not in done.stderr


def test_verify_and_unlock_show_their_steps_with_elapsed_time(demo: Packed, demo_bundles: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    from zc_review.service.office import trust_add

    done = _run("office", "verify", str(demo_bundles[1]), "--keys", str(demo.keys), home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert re.search(r"✓ 核验结果包 .*（\d+\.\d 秒）", done.stderr), done.stderr
    assert "✓" not in done.stdout  # the steps go to stderr: stdout keeps the report
    home = tmp_path / "home2"
    trust_add(demo.keys / "root-cert.pem", home)
    script = tmp_path / "script.json"
    script.write_text(json.dumps({**demo.script, "actions": demo.script["actions"][:1]}, ensure_ascii=False), "utf-8")
    done = _run("run-script", str(demo.package), str(script), "--secrets", str(demo.secrets_path), "--out",
                str(tmp_path / "out"), home=home)
    assert done.returncode == 0, done.stderr
    steps = re.findall(r"✓ (第 \d/5 步)", done.stderr)
    assert steps == [f"第 {i}/5 步" for i in range(1, 6)], done.stderr  # signature, both derivations, payload, db


def test_pack_shows_its_step_with_elapsed_time(office_keys: Path, tmp_path: Path) -> None:
    import shutil

    from tests.conftest import ROOT

    keys = tmp_path / "keys"  # a private copy: an official pack into the shared keys would supersede the demo's
    shutil.copytree(office_keys, keys)  # package in the run's register of issued packages
    done = _run("office", "pack", str(ROOT / "data/demo"), "--out", str(tmp_path / "s.zcp"), "--keys", str(keys),
                "--fast-kdf", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert re.search(r"✓ 校验 .*data/demo 并制作评审包.*（\d+\.\d 秒）", done.stderr), done.stderr
    assert "✓" not in done.stdout and "已制作会议文件包" in done.stdout
