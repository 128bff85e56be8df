"""`ipkiosk pinyin`, `ipkiosk pinyin-service` and doctor's pinyin check: real child processes on real librime."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys

import pytest

from kiosk.commands import doctor
from kiosk.ime import rime, service
from kiosk.ime.client import PinyinChild, PinyinServiceError
from tests.helpers import REPO_ROOT

# A child that cannot find librime: the library cannot be uninstalled for a test, so the child's Python sets a
# library name that does not exist before running the real command (the same dlopen failure).
NO_LIBRIME = ("import sys; import kiosk.ime.rime as r; r.LIBRARY_NAME = 'librime-not-installed.so.1'; "
              "from kiosk.cli import main; sys.exit(main(sys.argv[1:]))")


@pytest.fixture
def config_file(tmp_path, data_dir):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    return path


def ipkiosk(config_file, *args, code: str | None = None) -> subprocess.CompletedProcess:
    program = ["-c", code] if code else ["-m", "kiosk.cli"]
    return subprocess.run([sys.executable, *program, *args, "--config", str(config_file)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def test_pinyin_prints_the_whole_phrase_first(config_file):
    out = ipkiosk(config_file, "pinyin", "qingliangjie")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "请谅解" and len(lines) == rime.PAGE_SIZE
    assert out.stderr == ""


def test_pinyin_json_and_limit(config_file):
    out = ipkiosk(config_file, "pinyin", "benzhanjinrixiuxi", "--limit", "3", "--json")
    assert out.returncode == 0, out.stderr
    words = json.loads(out.stdout)
    assert words[0] == "本站今日休息" and len(words) == 3


@pytest.mark.parametrize(("args", "message"), [
    (["pinyin"], "give LETTERS"),
    (["pinyin", "ni hao"], "letters a-z"),
    (["pinyin", "a" * (rime.MAX_INPUT_LETTERS + 1)], "at most"),
    (["pinyin", "nihao", "--limit", "0"], "--limit must be 1 to"),
])
def test_pinyin_usage_errors_are_one_line_and_exit_2(config_file, args, message):
    out = ipkiosk(config_file, *args)
    assert out.returncode == 2
    assert message in out.stderr and len(out.stderr.splitlines()) == 1 and "Traceback" not in out.stderr


def test_deploy_compiles_the_schema_into_the_data_dir(config_file, data_dir, cfg):
    assert doctor._check_pinyin(cfg).status == "warn"  # a fresh data dir: not deployed yet
    out = ipkiosk(config_file, "pinyin", "--deploy")
    assert out.returncode == 0, out.stderr
    assert "schema luna_pinyin_simp deployed in" in out.stdout
    assert rime.is_deployed(data_dir / "rime")
    check = doctor._check_pinyin(cfg)
    assert check.status == "ok" and "deployed in" in check.detail


def test_without_librime_pinyin_says_so_in_one_line(config_file):
    out = ipkiosk(config_file, "pinyin", "nihao", code=NO_LIBRIME)
    assert out.returncode == 1
    assert out.stdout == "" and "Traceback" not in out.stderr
    assert out.stderr.startswith("ipkiosk: pinyin: librime1 is not installed")
    assert "apt-get install librime1" in out.stderr and len(out.stderr.splitlines()) == 1


def test_without_librime_the_service_says_it_is_not_ready(config_file):
    out = ipkiosk(config_file, "pinyin-service", code=NO_LIBRIME)
    assert out.returncode == 1
    ready = json.loads(out.stdout)
    assert ready["ready"] is False and ready["error"]["type"] == "ImeUnavailable"
    assert "librime1 is not installed" in ready["error"]["message"]


def test_doctor_names_what_is_missing(cfg, tmp_path):
    check = doctor._check_pinyin(cfg, library="librime-not-installed.so.1")
    assert check.status == "warn" and "librime1 is not installed" in check.detail
    assert check.remedy.startswith("apt-get install librime1")
    check = doctor._check_pinyin(cfg, shared_dir=tmp_path / "no-rime-data")
    assert check.status == "warn" and "schema data is not" in check.detail and "apt-get install" in check.remedy
    check = doctor._check_pinyin(cfg)
    assert check.status == "warn" and check.remedy == "sudo ipkiosk pinyin --deploy"
    assert list(cfg.data_path.iterdir()) == []  # doctor creates nothing


# ---------------------------------------------------------------- the child process


def test_the_service_types_pages_chooses_and_punctuates(cfg):
    with PinyinChild(cfg) as child:
        assert child.ready["ready"] and child.ready["schema"] == rime.SCHEMA_ID
        assert child.ready["engine"].startswith("librime 1.")
        state = child.call("type", "benzhanjinrixiuxi")
        assert state["candidates"][0] == "本站今日休息" and state["preedit"] == "ben zhan jin ri xiu xi"
        second = child.call("page", rime.PAGE_SIZE)
        assert second["offset"] == rime.PAGE_SIZE and set(second["candidates"]).isdisjoint(state["candidates"])
        assert child.call("select", 0)["commit"] == "本站今日休息"
        child.call("type", "qingliangjie")
        assert child.call("punctuate", "，")["commit"] == "请谅解，"
        child.call("type", "x")
        assert child.call("backspace")["input"] == ""
        assert child.call("candidates", "zhuanli", 2) == ["专利", "篆隶"]
        with pytest.raises(PinyinServiceError) as caught:
            child.call("type", "ni hao")
        assert caught.value.type == "ValueError"
        with pytest.raises(PinyinServiceError) as caught:
            child.call("select", 0)
        assert caught.value.type == "LookupError"
        for bad in (("launch",), ("type", 5), ("select",)):
            with pytest.raises(PinyinServiceError) as caught:
                child.call(*bad)
            assert caught.value.type == "BadRequest"
        assert child.call("reset")["input"] == ""
    assert child.process.returncode == 0  # it ends when its stdin closes


def test_the_service_refuses_lines_that_are_not_requests(cfg):
    with PinyinChild(cfg) as child:
        for line in (b"[1]\n", b"not json\n", b"x" * (service.MAX_LINE_BYTES + 10) + b"\n"):
            child.process.stdin.write(line)
            child.process.stdin.flush()
            reply = json.loads(child._read_line(10))
            assert reply == {"id": None, "error": {"type": "BadRequest", "message": reply["error"]["message"]}}
        assert child.call("candidates", "qingliangjie", 1) == ["请谅解"]  # still serving


def test_a_killed_service_is_an_error_for_the_caller_and_keeps_what_it_learned(cfg):
    child = PinyinChild(cfg)
    chosen = child.call("candidates", "shixiang", 4)[3]
    for _ in range(3):
        words = child.call("type", "shixiang")["candidates"]
        assert child.call("select", words.index(chosen))["commit"] == chosen
    child.call("type", "nihao")
    os.kill(child.process.pid, signal.SIGKILL)
    with pytest.raises(PinyinServiceError, match=r"ended|gone"):
        child.call("select", 0)
    child.close()
    with PinyinChild(cfg) as again:
        assert again.call("candidates", "shixiang", 1) == [chosen]


def test_words_chosen_in_the_service_rise_for_the_cli(cfg, config_file):
    before = json.loads(ipkiosk(config_file, "pinyin", "shixiang", "--json").stdout)
    chosen = before[2]
    with PinyinChild(cfg) as child:
        for _ in range(3):
            words = child.call("type", "shixiang")["candidates"]
            assert child.call("select", words.index(chosen))["commit"] == chosen
    after = json.loads(ipkiosk(config_file, "pinyin", "shixiang", "--json").stdout)
    assert after[0] == chosen and before[0] != chosen
    assert (cfg.data_path / "rime" / "luna_pinyin.userdb").is_dir()


def test_the_ui_never_loads_the_engine():
    # The import contract (pyproject.toml) says it for kiosk.ui; this says it for the process `ipkiosk run` is,
    # which builds the whole command line parser first.
    code = ("import sys, kiosk.cli; kiosk.cli.build_parser(); import kiosk.ui.app, kiosk.ui.data_client; "
            "print(sorted(m for m in sys.modules if m.startswith('kiosk.ime.')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
                         check=True)
    assert out.stdout.strip() == "[]"



def test_the_package_and_the_source_set_up_install_the_same_engine_packages():
    deb = (REPO_ROOT / "packaging" / "build-deb.sh").read_text(encoding="utf-8")
    depends = next(line for line in deb.splitlines() if line.startswith("depends="))
    script = (REPO_ROOT / "packaging" / "system-deps.sh").read_text(encoding="utf-8")
    run_list = re.search(r'^RUN_PKGS="([^"]*)"', script, flags=re.M).group(1)
    for package in rime.DEBIAN_PACKAGES:
        assert f" {package}" in depends, f"build-deb.sh Depends lacks {package}"
        assert package in run_list.split(), f"system-deps.sh run list lacks {package}"


def test_pinyin_beside_the_running_service_says_the_dictionary_is_busy_in_one_line(cfg, config_file):
    with PinyinChild(cfg) as child:
        child.call("type", "ni")
        assert rime.user_dictionary_in_use(service.user_dir(cfg))
        out = ipkiosk(config_file, "pinyin", "qingliangjie", "--limit", "1")
    assert out.returncode == 0 and out.stdout == "请谅解\n"
    assert out.stderr.splitlines() == ["pinyin: the kiosk's pinyin service has the user dictionary open; "
                                       "candidates are shown without the words this station has learned"]
    assert not rime.user_dictionary_in_use(service.user_dir(cfg))


def test_a_fault_in_the_service_is_an_internal_error_and_it_serves_on():
    # The real engine has no fault to trigger: a stand-in whose method raises plays one.
    class FaultyEngine:
        def type(self, letters):
            raise RuntimeError("librime went away")

        def candidates(self, letters, limit=8):
            return ["你好"]

    requests = io.BytesIO(b'{"id": 1, "method": "type", "args": ["ni"]}\n'
                          b'{"id": 2, "method": "candidates", "args": ["nihao"]}\n')
    answers = io.BytesIO()
    service.serve(FaultyEngine(), requests, answers)
    assert [json.loads(line) for line in answers.getvalue().splitlines()] == [
        {"id": 1, "error": {"type": "InternalError", "message": "RuntimeError: librime went away"}},
        {"id": 2, "result": ["你好"]}]
