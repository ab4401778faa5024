"""What the ``bilim`` command says when storage fails or state is damaged: one line, in the user's language,
naming the cause and the state things are left in; the full trace goes to ``$BILIM_HOME/logs/bilim.log``.

``classify`` finds the real cause of an error however deep it is wrapped: an ``OSError`` errno, SQLite's and
DuckDB's own words for a full or failing disk, or — for a step that failed inside a Dagster run, which reaches us
only as serialized error info — the class names and messages along its cause chain. The messages of the verdicts
on returns live in ``pipelines.returns.messages``; these are the command's own.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from datetime import UTC, datetime

from contracts.glossary import words_with_prefix
from contracts.home import Layout

LANGS = ("kk", "ru", "en")

ENOSPC, READONLY, EIO, PERMISSION = "enospc", "readonly", "eio", "permission"
BUSY, LEDGER_DAMAGED, UNEXPECTED = "busy", "ledger_damaged", "unexpected"


class StorageFault(RuntimeError):
    """A write or read failed because of the storage (full, read-only, failing), found under a wrapper."""

    def __init__(self, kind: str, detail: str):
        self.kind = kind
        self.detail = detail
        super().__init__(f"{kind}: {detail}")


_ERRNOS = {
    errno.ENOSPC: ENOSPC, errno.EDQUOT: ENOSPC, errno.EFBIG: ENOSPC,
    errno.EROFS: READONLY, errno.EIO: EIO, errno.EACCES: PERMISSION, errno.EPERM: PERMISSION,
}
# The words libraries use when they do not hand the errno on (SQLite, DuckDB, Polars, Dagster's serialized errors).
_WORDS = [
    (ENOSPC, ("[Errno 28]", "No space left on device", "database or disk is full", "disk is full", "Disk full")),
    (READONLY, ("[Errno 30]", "Read-only file system", "readonly database", "read-only database")),
    (EIO, ("[Errno 5]", "Input/output error", "disk I/O error", "database disk image is malformed")),
    (PERMISSION, ("[Errno 13]", "Permission denied", "[Errno 1] Operation not permitted")),
]


def classify_text(text: str) -> str | None:
    for kind, words in _WORDS:
        if any(w in text for w in words):
            return kind
    return None


def classify(exc: BaseException) -> str | None:
    """The storage fault behind ``exc`` (following ``__cause__`` and ``__context__``), or ``None``."""
    from pipelines.returns.ledger import LedgerDamaged
    from pipelines.warehouse import WriterBusy

    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    texts = []
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, StorageFault):
            return e.kind
        if isinstance(e, LedgerDamaged):
            return LEDGER_DAMAGED
        if isinstance(e, WriterBusy):
            return BUSY
        if isinstance(e, OSError) and e.errno in _ERRNOS:
            return _ERRNOS[e.errno]
        texts.append(f"{type(e).__name__}: {e}")
        todo += [e.__cause__, e.__context__]
    return classify_text("\n".join(texts))


def classify_error_info(info) -> str | None:
    """The same for Dagster's ``SerializableErrorInfo`` (a step failure), walking its cause and context."""
    texts = []
    todo = [info]
    while todo:
        i = todo.pop()
        if i is None:
            continue
        texts.append(f"{i.cls_name}: {i.message}")
        todo += [getattr(i, "cause", None), getattr(i, "context", None)]
    return classify_text("\n".join(texts))


MESSAGES: dict[str, dict[str, str]] = {
    # --- causes ----------------------------------------------------------------------------------------------------
    ENOSPC: {
        "en": "The disk is full (no space left on device).",
        "ru": "Диск заполнен (на устройстве не осталось места).",
        "kk": "Диск толды (құрылғыда бос орын қалмады).",
    },
    READONLY: {
        "en": "The data folder is read-only: nothing can be written to it.",
        "ru": "Папка данных доступна только для чтения: в неё ничего нельзя записать.",
        "kk": "Деректер қалтасы тек оқуға арналған: оған ештеңе жазу мүмкін емес.",
    },
    EIO: {
        "en": "The disk reported an input/output error.",
        "ru": "Диск сообщил об ошибке ввода-вывода.",
        "kk": "Диск енгізу-шығару қатесі туралы хабарлады.",
    },
    PERMISSION: {
        "en": "Permission denied: this user may not write to the data folder.",
        "ru": "Нет прав: этому пользователю запрещено писать в папку данных.",
        "kk": "Рұқсат жоқ: бұл пайдаланушыға деректер қалтасына жазуға болмайды.",
    },
    BUSY: {
        "en": "The warehouse is busy: another build or ingest has held it for too long.",
        "ru": "Хранилище занято: другая сборка или загрузка держит его слишком долго.",
        "kk": "Қойма бос емес: басқа құрастыру немесе жүктеу оны тым ұзақ ұстап тұр.",
    },
    LEDGER_DAMAGED: {
        "en": "The submissions ledger is damaged ({detail}).",
        "ru": "Журнал сданных отчётов повреждён ({detail}).",
        "kk": "Тапсырылған есептер журналы зақымдалған ({detail}).",
    },
    UNEXPECTED: {
        "en": "An unexpected error ({detail}).",
        "ru": "Непредвиденная ошибка ({detail}).",
        "kk": "Күтпеген қате ({detail}).",
    },
    # --- the state things are left in --------------------------------------------------------------------------
    "state_nothing_changed": {
        "en": "Nothing was changed; run the same command again once this is fixed.",
        "ru": "Ничего не изменено; повторите ту же команду, когда это будет устранено.",
        "kk": "Ештеңе өзгерген жоқ; мұны түзеткен соң сол команданы қайта іске қосыңыз.",
    },
    "state_recorded_not_published": {
        "en": "The return is recorded in the ledger but not yet published: run `bilim build` (or the same ingest again) once this is fixed.",
        "ru": "Отчёт записан в журнал, но ещё не опубликован: запустите `bilim build` (или ту же загрузку снова), когда это будет устранено.",
        "kk": "Есеп журналға жазылды, бірақ әлі жарияланған жоқ: мұны түзеткен соң `bilim build` (немесе сол жүктеуді қайта) іске қосыңыз.",
    },
    "state_build_unchanged": {
        "en": "The published data are unchanged (build {build}); run `bilim build` again once this is fixed.",
        "ru": "Опубликованные данные не изменились (сборка {build}); запустите `bilim build` снова, когда это будет устранено.",
        "kk": "Жарияланған деректер өзгерген жоқ ({build} құрастыруы); мұны түзеткен соң `bilim build` қайта іске қосыңыз.",
    },
    "state_ledger_refused": {
        "en": "Nothing was changed: run `bilim doctor` to see each damaged line and how to repair it.",
        "ru": "Ничего не изменено: запустите `bilim doctor`, чтобы увидеть каждую повреждённую строку и как её исправить.",
        "kk": "Ештеңе өзгерген жоқ: әр зақымдалған жолды және оны қалай түзетуді көру үшін `bilim doctor` іске қосыңыз.",
    },
    "build_published": {
        "en": "build {build} published",
        "ru": "сборка {build} опубликована",
        "kk": "{build} құрастыруы жарияланды",
    },
    "already_published": {
        "en": "nothing new to publish: the published build {build} already holds every recorded return",
        "ru": "нечего публиковать заново: опубликованная сборка {build} уже содержит все записанные отчёты",
        "kk": "жаңадан жариялайтын ештеңе жоқ: жарияланған {build} құрастыруында жазылған есептердің бәрі бар",
    },
    "details": {"en": "Details: {log}", "ru": "Подробности: {log}", "kk": "Толығырақ: {log}"},
    # --- notes on stderr -----------------------------------------------------------------------------------------
    "note_lag": {
        "en": "note: the published build does not yet hold everything recorded ({detail}); run `bilim build` to publish it.",
        "ru": "примечание: опубликованная сборка ещё не содержит всего записанного ({detail}); запустите `bilim build`, чтобы опубликовать.",
        "kk": "ескерту: жарияланған құрастыруда жазылғанның бәрі әлі жоқ ({detail}); жариялау үшін `bilim build` іске қосыңыз.",
    },
    "note_fallback": {
        "en": "note: the published pointer marts/CURRENT is damaged ({problem}); showing the newest complete build {build}. Run `bilim build` to publish a new one.",
        "ru": "примечание: указатель marts/CURRENT повреждён ({problem}); показана последняя полная сборка {build}. Запустите `bilim build`, чтобы опубликовать новую.",
        "kk": "ескерту: marts/CURRENT көрсеткіші зақымдалған ({problem}); соңғы толық құрастыру {build} көрсетілді. Жаңасын жариялау үшін `bilim build` іске қосыңыз.",
    },
    "note_no_complete_build": {
        "en": "error: no complete build is published (marts/CURRENT: {problem}): run `bilim build`.",
        "ru": "ошибка: нет ни одной полной опубликованной сборки (marts/CURRENT: {problem}): запустите `bilim build`.",
        "kk": "қате: толық жарияланған құрастыру жоқ (marts/CURRENT: {problem}): `bilim build` іске қосыңыз.",
    },
    "note_warehouse_set_aside": {
        "en": "note: the warehouse file was damaged; it was moved aside to {path} and rebuilt from the archive and the ledger.",
        "ru": "примечание: файл хранилища был повреждён; он перемещён в {path}, хранилище пересобрано из архива и журнала.",
        "kk": "ескерту: қойма файлы зақымдалған еді; ол {path} орнына жылжытылып, қойма мұрағат пен журналдан қайта құрылды.",
    },
    # why marts/CURRENT cannot be followed: the dashboard's words (contracts.glossary), keyed by the cause's token
    **words_with_prefix("build_problem_", strip=True),
}


def lang_of(lang: str | None = None) -> str:
    """The language asked for (``--lang``), else ``$BILIM_LANG``, else English."""
    value = lang or os.environ.get("BILIM_LANG", "en")
    return value if value in LANGS else "en"


def say(key: str, lang: str | None = None, **params) -> str:
    return MESSAGES[key][lang_of(lang)].format(**params)


def log_failure(layout: Layout, exc: BaseException) -> str | None:
    """Append the full trace to the log; the log's path, or ``None`` when it cannot be written (a full disk)."""
    try:
        layout.log_file.parent.mkdir(parents=True, exist_ok=True)
        with layout.log_file.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now(UTC).isoformat(timespec='seconds')} pid {os.getpid()}: {' '.join(sys.argv)}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return str(layout.log_file)
    except OSError:
        return None


def fault_line(exc: BaseException, state_key: str, lang: str | None = None, **state_params) -> str:
    """The one line shown for a failed command: cause, then state."""
    kind = classify(exc)
    if kind is None:
        kind, detail = UNEXPECTED, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    elif kind == LEDGER_DAMAGED:
        detail = str(exc).splitlines()[0][:300]
        state_key = "state_ledger_refused"
    else:
        detail = ""
    return f"error: {say(kind, lang, detail=detail)} {say(state_key, lang, **state_params)}"
