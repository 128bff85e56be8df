"""librime, the pinyin engine behind the kiosk's on-screen keyboard, through its C API (ctypes).

Debian packages librime1 (the engine, BSD-licensed) and its schema data (rime-data-luna-pinyin,
rime-prelude, rime-essay) but no Python binding; this module is that binding, small and limited to
what the keyboard needs. The kiosk types with the simplified-character schema ``luna_pinyin_simp``::

    engine = RimeEngine(cfg.data_path / "rime")
    engine.candidates("qingliangjie", 3)        → ["请谅解", "轻量级", "清凉剂"]
    engine.type("benzhan"); engine.select(0)     → State(commit="本站", …)

Data: the schemas come from the Debian data dir (SHARED_DATA_DIR, read-only) and are "deployed"
(compiled) into the user data dir, ``<data_dir>/rime`` of the kiosk, which also holds the user
dictionary (``luna_pinyin.userdb``): every committed word is remembered there, so the words a station
writes often rise in the list. Deploying takes a fraction of a second with Debian's prebuilt tables
and is skipped when the user data dir is current (librime compares modification times); it runs at
the first use, or at install with `ipkiosk pinyin --deploy`.

librime keeps its state per process (one set of data dirs, one log set-up), so a process holds at
most one open RimeEngine. The kiosk runs it in a child process (`ipkiosk pinyin-service`,
kiosk/ime/service.py): the UI process never loads the library.

The struct layouts and function order follow librime 1.8.5's rime_api.h. ``RimeApi.data_size`` says
how much of the function table a library provides; a library too old for a function used here is
refused as ImeUnavailable rather than called through a missing pointer.
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kiosk.core.durable import private_dir
from kiosk.ime import MAX_INPUT_LETTERS, MAX_LIMIT, PAGE_SIZE

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

LIBRARY_NAME = "librime.so.1"
SHARED_DATA_DIR = Path("/usr/share/rime-data")
SCHEMA_ID = "luna_pinyin_simp"
# What a technician installs for the engine (the .deb depends on them). rime-essay is the word-frequency
# list: without it librime rebuilds the dictionary with none and offers 轻辆鵖 for qingliangjie. rime-prelude
# holds default.yaml (the key bindings and punctuation the schema imports), which the kiosk's patch amends.
DEBIAN_PACKAGES = ("librime1", "rime-data-luna-pinyin", "rime-prelude", "rime-essay")
# The kiosk's own patch of librime's default.yaml: deploy only the schema the keyboard uses (the
# default list names schemas Debian ships in other packages, each an error at every deployment).
DEFAULT_CUSTOM_NAME = "default.custom.yaml"
DEFAULT_CUSTOM_YAML = f"""\
# Written by ipkiosk: the on-screen keyboard's pinyin schema. Rewritten when it differs.
patch:
  schema_list:
    - schema: {SCHEMA_ID}
"""
# The user dictionary of the schema's dictionary (luna_pinyin), a LevelDB directory in the user data dir.
USER_DICTIONARY = "luna_pinyin.userdb"

INPUT_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz'")

# The keyboard's Chinese punctuation, and the ASCII key of a hardware keyboard that gives each.
# The straight double quote opens and closes in turn, as on a desktop input method.
PUNCTUATION = "，。：；？！、“”（）"
ASCII_PUNCTUATION = {",": "，", ".": "。", ":": "：", ";": "；", "?": "？", "!": "！", "\\": "、",
                     "(": "（", ")": "）"}
ASCII_QUOTE = '"'

# X11 keysyms librime's process_key takes (rime/key_table.h).
XK_BACKSPACE = 0xFF08
LOG_LEVEL_ERROR, LOG_LEVEL_FATAL = 2, 3  # glog's levels: 0 INFO, 1 WARNING, 2 ERROR, 3 FATAL


class ImeUnavailable(RuntimeError):
    """The engine cannot run here: librime or its schema data is not installed, or it fails to start."""


# ---------------------------------------------------------------- rime_api.h (librime 1.8.5)

Bool = ctypes.c_int
SessionId = ctypes.c_size_t  # uintptr_t


class RimeTraits(ctypes.Structure):
    _fields_ = [
        ("data_size", ctypes.c_int),
        ("shared_data_dir", ctypes.c_char_p),
        ("user_data_dir", ctypes.c_char_p),
        ("distribution_name", ctypes.c_char_p),
        ("distribution_code_name", ctypes.c_char_p),
        ("distribution_version", ctypes.c_char_p),
        ("app_name", ctypes.c_char_p),
        ("modules", ctypes.c_void_p),
        ("min_log_level", ctypes.c_int),
        ("log_dir", ctypes.c_char_p),
        ("prebuilt_data_dir", ctypes.c_char_p),
        ("staging_dir", ctypes.c_char_p),
    ]


class RimeComposition(ctypes.Structure):
    _fields_ = [("length", ctypes.c_int), ("cursor_pos", ctypes.c_int), ("sel_start", ctypes.c_int),
                ("sel_end", ctypes.c_int), ("preedit", ctypes.c_char_p)]


class RimeCandidate(ctypes.Structure):
    _fields_ = [("text", ctypes.c_char_p), ("comment", ctypes.c_char_p), ("reserved", ctypes.c_void_p)]


class RimeMenu(ctypes.Structure):
    _fields_ = [("page_size", ctypes.c_int), ("page_no", ctypes.c_int), ("is_last_page", Bool),
                ("highlighted_candidate_index", ctypes.c_int), ("num_candidates", ctypes.c_int),
                ("candidates", ctypes.POINTER(RimeCandidate)), ("select_keys", ctypes.c_char_p)]


class RimeCommit(ctypes.Structure):
    _fields_ = [("data_size", ctypes.c_int), ("text", ctypes.c_char_p)]


class RimeContext(ctypes.Structure):
    _fields_ = [("data_size", ctypes.c_int), ("composition", RimeComposition), ("menu", RimeMenu),
                ("commit_text_preview", ctypes.c_char_p), ("select_labels", ctypes.c_void_p)]


class RimeCandidateListIterator(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_void_p), ("index", ctypes.c_int), ("candidate", RimeCandidate)]


def _fn(restype, *argtypes):
    return ctypes.CFUNCTYPE(restype, *argtypes)


_TRAITS_P = ctypes.POINTER(RimeTraits)
_ITER_P = ctypes.POINTER(RimeCandidateListIterator)
_UNUSED = ctypes.c_void_p  # a function of the table this module never calls: only its slot matters

# RimeApi's function table in order, up to the last function used here.
_API_FUNCTIONS: list[tuple[str, type]] = [
    ("setup", _fn(None, _TRAITS_P)),
    ("set_notification_handler", _UNUSED),
    ("initialize", _fn(None, _TRAITS_P)),
    ("finalize", _fn(None)),
    ("start_maintenance", _fn(Bool, Bool)),
    ("is_maintenance_mode", _UNUSED),
    ("join_maintenance_thread", _fn(None)),
    ("deployer_initialize", _UNUSED),
    ("prebuild", _UNUSED),
    ("deploy", _UNUSED),
    ("deploy_schema", _UNUSED),
    ("deploy_config_file", _UNUSED),
    ("sync_user_data", _UNUSED),
    ("create_session", _fn(SessionId)),
    ("find_session", _UNUSED),
    ("destroy_session", _fn(Bool, SessionId)),
    ("cleanup_stale_sessions", _UNUSED),
    ("cleanup_all_sessions", _UNUSED),
    ("process_key", _fn(Bool, SessionId, ctypes.c_int, ctypes.c_int)),
    ("commit_composition", _fn(Bool, SessionId)),
    ("clear_composition", _fn(None, SessionId)),
    ("get_commit", _fn(Bool, SessionId, ctypes.POINTER(RimeCommit))),
    ("free_commit", _fn(Bool, ctypes.POINTER(RimeCommit))),
    ("get_context", _fn(Bool, SessionId, ctypes.POINTER(RimeContext))),
    ("free_context", _fn(Bool, ctypes.POINTER(RimeContext))),
    ("get_status", _UNUSED),
    ("free_status", _UNUSED),
    ("set_option", _UNUSED),
    ("get_option", _UNUSED),
    ("set_property", _UNUSED),
    ("get_property", _UNUSED),
    ("get_schema_list", _UNUSED),
    ("free_schema_list", _UNUSED),
    ("get_current_schema", _UNUSED),
    ("select_schema", _fn(Bool, SessionId, ctypes.c_char_p)),
    ("schema_open", _UNUSED),
    ("config_open", _UNUSED),
    ("config_close", _UNUSED),
    ("config_get_bool", _UNUSED),
    ("config_get_int", _UNUSED),
    ("config_get_double", _UNUSED),
    ("config_get_string", _UNUSED),
    ("config_get_cstring", _UNUSED),
    ("config_update_signature", _UNUSED),
    ("config_begin_map", _UNUSED),
    ("config_next", _UNUSED),
    ("config_end", _UNUSED),
    ("simulate_key_sequence", _fn(Bool, SessionId, ctypes.c_char_p)),
    ("register_module", _UNUSED),
    ("find_module", _UNUSED),
    ("run_task", _UNUSED),
    ("get_shared_data_dir", _UNUSED),
    ("get_user_data_dir", _UNUSED),
    ("get_sync_dir", _UNUSED),
    ("get_user_id", _UNUSED),
    ("get_user_data_sync_dir", _UNUSED),
    ("config_init", _UNUSED),
    ("config_load_string", _UNUSED),
    ("config_set_bool", _UNUSED),
    ("config_set_int", _UNUSED),
    ("config_set_double", _UNUSED),
    ("config_set_string", _UNUSED),
    ("config_get_item", _UNUSED),
    ("config_set_item", _UNUSED),
    ("config_clear", _UNUSED),
    ("config_create_list", _UNUSED),
    ("config_create_map", _UNUSED),
    ("config_list_size", _UNUSED),
    ("config_begin_list", _UNUSED),
    ("get_input", _fn(ctypes.c_char_p, SessionId)),
    ("get_caret_pos", _UNUSED),
    ("select_candidate", _fn(Bool, SessionId, ctypes.c_size_t)),
    ("get_version", _fn(ctypes.c_char_p)),
    ("set_caret_pos", _UNUSED),
    ("select_candidate_on_current_page", _UNUSED),
    ("candidate_list_begin", _UNUSED),
    ("candidate_list_next", _fn(Bool, _ITER_P)),
    ("candidate_list_end", _fn(None, _ITER_P)),
    ("user_config_open", _UNUSED),
    ("candidate_list_from_index", _fn(Bool, SessionId, _ITER_P, ctypes.c_int)),
]


class RimeApi(ctypes.Structure):
    _fields_ = [("data_size", ctypes.c_int), *_API_FUNCTIONS]


def _struct_init(struct: ctypes.Structure) -> ctypes.Structure:
    """RIME_STRUCT_INIT: data_size is the size of what follows it, so librime knows which fields we have."""
    struct.data_size = ctypes.sizeof(struct) - ctypes.sizeof(ctypes.c_int)
    return struct


def load_api(library: str | None = None) -> RimeApi:
    """librime's function table (``rime_get_api()``); ImeUnavailable when the library is missing or too old.
    LIBRARY defaults to LIBRARY_NAME as it is when called."""
    library = library or LIBRARY_NAME
    try:
        lib = ctypes.CDLL(library)
    except OSError as exc:
        raise ImeUnavailable(f"librime1 is not installed ({exc}); "
                             f"install it with: apt-get install {' '.join(DEBIAN_PACKAGES)}") from None
    try:
        get_api = lib.rime_get_api
    except AttributeError:  # a librime before 1.0 (no function table)
        raise ImeUnavailable(f"{library} is too old: the kiosk needs librime 1.8 or later") from None
    get_api.restype = ctypes.POINTER(RimeApi)
    get_api.argtypes = []
    api = get_api().contents
    needed = RimeApi.candidate_list_from_index.offset + ctypes.sizeof(ctypes.c_void_p)
    if ctypes.sizeof(ctypes.c_int) + api.data_size < needed:
        raise ImeUnavailable(f"{library} is too old: its API table has {api.data_size} bytes, "
                             f"the kiosk needs librime 1.8 or later")
    # The library stays loaded as long as the table is used: keep it referenced from the table.
    api._library = lib
    return api


def library_version(library: str | None = None) -> str:
    """librime's version ("1.8.5"); ImeUnavailable when it is not installed."""
    return load_api(library).get_version().decode()


def missing_data(shared_dir: Path | None = None, schema: str = SCHEMA_ID) -> list[str]:
    """The files of SHARED_DIR (default SHARED_DATA_DIR) the schema needs that are not there (empty when its
    data is installed)."""
    shared_dir = shared_dir or SHARED_DATA_DIR
    wanted = [f"{schema}.schema.yaml", "luna_pinyin.dict.yaml", "default.yaml", "essay.txt"]
    return [name for name in wanted if not (shared_dir / name).is_file()]


def user_dictionary_in_use(user_dir: Path) -> bool:
    """Whether another process (the kiosk's pinyin service) has the user dictionary open: LevelDB holds an fcntl
    lock on its LOCK file while open, and a second engine then runs without the dictionary."""
    lock = user_dir / USER_DICTIONARY / "LOCK"
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def is_deployed(user_dir: Path, schema: str = SCHEMA_ID) -> bool:
    """Whether the schema has been compiled into USER_DIR (by a first use or `ipkiosk pinyin --deploy`)."""
    build = user_dir / "build"
    return (build / f"{schema}.schema.yaml").is_file() and (build / f"{schema}.prism.bin").is_file()


# ---------------------------------------------------------------- the engine


@dataclass
class State:
    """What the keyboard shows after an action: the letters typed, the pre-edit line, one page of candidates
    (best first, from OFFSET; MORE when another page follows) and COMMIT, the text the action produced."""

    input: str = ""
    preedit: str = ""
    candidates: list[str] = field(default_factory=list)
    offset: int = 0
    more: bool = False
    commit: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


# librime's setup (its log set-up among it) may run once per process; initialize/finalize may repeat.
_setup_done = False
_open_engine: RimeEngine | None = None


class RimeEngine:
    """One librime session on the kiosk's pinyin schema (see the module docstring). Close it when done."""

    def __init__(self, user_dir: Path, *, shared_dir: Path | None = None, schema: str = SCHEMA_ID,
                 log_dir: Path | None = None, log_level: int = LOG_LEVEL_ERROR, library: str | None = None,
                 full_check: bool = False, page_size: int = PAGE_SIZE):
        global _setup_done, _open_engine
        shared_dir = shared_dir or SHARED_DATA_DIR
        if _open_engine is not None:
            raise RuntimeError("librime is already open in this process (one engine per process)")
        missing = missing_data(shared_dir, schema)
        api = load_api(library)
        if missing:
            raise ImeUnavailable(f"the pinyin schema data is not installed ({shared_dir}: no {', '.join(missing)}); "
                                 f"install it with: apt-get install {' '.join(DEBIAN_PACKAGES)}")
        self._api = api
        self.user_dir = Path(user_dir)
        self.schema = schema
        self.page_size = page_size
        self.version = api.get_version().decode()
        self._quote_open = False
        # Private like the rest of the data dir: the user dictionary is what the station has written.
        private_dir(self.user_dir)
        custom = self.user_dir / DEFAULT_CUSTOM_NAME
        if not custom.is_file() or custom.read_text(encoding="utf-8") != DEFAULT_CUSTOM_YAML:
            custom.write_text(DEFAULT_CUSTOM_YAML, encoding="utf-8")

        # The strings must outlive the calls: librime keeps the pointers of setup's traits.
        self._traits = _struct_init(RimeTraits())
        self._traits.shared_data_dir = str(shared_dir).encode()
        self._traits.user_data_dir = str(self.user_dir).encode()
        self._traits.distribution_name = b"ipkiosk"
        self._traits.distribution_code_name = b"ipkiosk"
        self._traits.distribution_version = b"1"
        self._traits.app_name = b"rime.ipkiosk"
        # Errors only (LOG_LEVEL), into the kiosk's log dir (glog writes a file only when there is something to say).
        # Both count for the first engine of a process: librime sets its log up once (setup).
        self._traits.min_log_level = log_level
        if log_dir is not None:
            private_dir(log_dir)
            self._traits.log_dir = str(log_dir).encode()
        if not _setup_done:
            api.setup(ctypes.byref(self._traits))
            _setup_done = True
        api.initialize(ctypes.byref(self._traits))
        try:
            # Deploys when the user dir is new or the shared data changed (FULL_CHECK: always compare).
            self.deployed_now = bool(api.start_maintenance(int(full_check)))
            api.join_maintenance_thread()
            self._session = api.create_session()
            if not self._session:
                raise ImeUnavailable("librime could not create an input session")
            if not api.select_schema(self._session, schema.encode()):
                raise ImeUnavailable(f"librime could not load the {schema} schema from {self.user_dir} "
                                     f"(deployment failed; see the rime log in {log_dir or 'the log dir'})")
        except BaseException:
            api.finalize()
            raise
        _open_engine = self
        if not is_deployed(self.user_dir, schema):
            log.warning("librime loaded %s but %s/build has no compiled copy of it", schema, self.user_dir)

    def close(self) -> None:
        """End the session and librime (the user dictionary is written as words are committed)."""
        global _open_engine
        if _open_engine is self:
            self._api.destroy_session(self._session)
            self._api.finalize()
            _open_engine = None

    def __enter__(self) -> RimeEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ actions (each answers a State)

    def type(self, letters: str) -> State:
        """Append LETTERS (a–z, ' between syllables) to the input. ValueError for anything else or too many."""
        letters = letters.lower()
        bad = set(letters) - INPUT_LETTERS
        if bad:
            raise ValueError(f"pinyin input takes letters a-z and ' only, not {''.join(sorted(bad))!r}")
        if len(self.input) + len(letters) > MAX_INPUT_LETTERS:
            raise ValueError(f"pinyin input is at most {MAX_INPUT_LETTERS} letters; choose a candidate first")
        if letters:
            self._api.simulate_key_sequence(self._session, letters.encode())
        return self.state()

    def backspace(self) -> State:
        """Remove the last letter of the input, or undo the last partial choice (librime's BackSpace)."""
        self._api.process_key(self._session, XK_BACKSPACE, 0)
        return self.state()

    def select(self, index: int) -> State:
        """Choose candidate INDEX (counted from the best, across pages). A candidate covering only the start of
        the input leaves the rest to choose next; COMMIT is the text once the whole input is chosen."""
        if index < 0:
            raise ValueError(f"candidate index must be 0 or more, got {index}")
        if not self.input:
            raise LookupError("nothing typed: no candidate to choose")
        if not self._api.select_candidate(self._session, index):
            raise LookupError(f"no candidate {index} for {self.input!r}")
        return self.state()

    def enter(self) -> State:
        """Commit the letters as typed (the keyboard's Enter while composing: an English word, an abbreviation)."""
        raw = self.input
        self._api.clear_composition(self._session)
        return self.state(commit=self._take_commit() + raw)

    def punctuate(self, mark: str) -> State:
        """Type a punctuation mark: one of PUNCTUATION, or a hardware keyboard's ASCII key for one.

        While composing, the best candidate is committed first, then the mark (as desktop input methods do)."""
        if mark == ASCII_QUOTE:
            mark = "”" if self._quote_open else "“"
        mark = ASCII_PUNCTUATION.get(mark, mark)
        if len(mark) != 1 or mark not in PUNCTUATION:
            raise ValueError(f"not a keyboard punctuation mark: {mark!r} (one of {PUNCTUATION})")
        if mark in "“”":
            self._quote_open = mark == "“"
        if self.input:
            self._api.commit_composition(self._session)
        return self.state(commit=self._take_commit() + mark)

    def reset(self) -> State:
        """Drop the input and any partial choice (the keyboard closed, the field changed)."""
        self._api.clear_composition(self._session)
        self._take_commit()
        self._quote_open = False
        return self.state()

    def page(self, offset: int) -> State:
        """The state with the candidates from OFFSET (a multiple of the page size: the keyboard's paging)."""
        if offset < 0:
            raise ValueError(f"offset must be 0 or more, got {offset}")
        return self.state(offset=offset)

    def candidates(self, letters: str, limit: int = PAGE_SIZE) -> list[str]:
        """The best LIMIT candidates for LETTERS typed from scratch (the input is reset before and after)."""
        self.reset()
        try:
            self.type(letters)
            return self._candidate_texts(0, limit)[0]
        finally:
            self.reset()

    # ------------------------------------------------------------ reading librime

    @property
    def input(self) -> str:
        raw = self._api.get_input(self._session)
        return raw.decode() if raw else ""

    def state(self, offset: int = 0, commit: str = "") -> State:
        texts, more = self._candidate_texts(offset, self.page_size)
        commit = commit or self._take_commit()
        return State(input=self.input, preedit=self._preedit(), candidates=texts, offset=offset, more=more,
                     commit=commit)

    def _preedit(self) -> str:
        context = _struct_init(RimeContext())
        if not self._api.get_context(self._session, ctypes.byref(context)):
            return ""
        try:
            preedit = context.composition.preedit
            return preedit.decode() if preedit else ""
        finally:
            self._api.free_context(ctypes.byref(context))

    def _candidate_texts(self, offset: int, limit: int) -> tuple[list[str], bool]:
        """Up to LIMIT candidate texts from OFFSET, and whether more follow."""
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be 1 to {MAX_LIMIT}, got {limit}")
        texts: list[str] = []
        iterator = RimeCandidateListIterator()
        if not self._api.candidate_list_from_index(self._session, ctypes.byref(iterator), offset):
            return texts, False
        try:
            more = False
            while self._api.candidate_list_next(ctypes.byref(iterator)):
                if len(texts) == limit:
                    more = True
                    break
                texts.append(iterator.candidate.text.decode())
            return texts, more
        finally:
            self._api.candidate_list_end(ctypes.byref(iterator))

    def _take_commit(self) -> str:
        commit = _struct_init(RimeCommit())
        if not self._api.get_commit(self._session, ctypes.byref(commit)):
            return ""
        try:
            return commit.text.decode() if commit.text else ""
        finally:
            self._api.free_commit(ctypes.byref(commit))
