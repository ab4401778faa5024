"""Interface texts in Kazakh, Russian and English, and numbers written the way each language writes them.

One glossary (``TEXTS``) for every label, message, axis and legend; the programme's own terms follow the
catalogue's glossary (нысаналы индикатор / целевой индикатор / target indicator, п.т. / п.п. / p.p.).
"""

from __future__ import annotations

LANGS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
DEFAULT_LANG = "kk"

STATUS_ORDER = ["met", "on_track", "at_risk", "off_track", "incomplete", "no_data", "no_target", "national_only"]
STATUS_COLORS = {
    "met": "#1a9850",
    "on_track": "#91cf60",
    "at_risk": "#fdae61",
    "off_track": "#d73027",
    "incomplete": "#9e7cc1",
    "no_data": "#bdbdbd",
    "no_target": "#e0e0e0",
    "national_only": "#c6dbef",
}

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {"kk": "Білім мен ғылымды дамыту бағдарламасының мониторингі", "ru": "Мониторинг программы развития образования и науки", "en": "Education and Science Programme monitor"},
    "language": {"kk": "Тіл", "ru": "Язык", "en": "Language"},
    "page_overview": {"kk": "Шолу", "ru": "Обзор", "en": "Overview"},
    "page_indicator": {"kk": "Индикатор", "ru": "Индикатор", "en": "Indicator"},
    "page_region": {"kk": "Өңір", "ru": "Регион", "en": "Region"},
    "page_quality": {"kk": "Деректер сапасы", "ru": "Качество данных", "en": "Data quality"},
    "page_snapshots": {"kk": "Суреттер (KPI)", "ru": "Снимки KPI", "en": "KPI snapshots"},
    "page_upload": {"kk": "Есепті тапсыру", "ru": "Сдать отчёт", "en": "Submit a return"},
    "page_catalogue": {"kk": "Индикаторлар каталогы", "ru": "Каталог индикаторов", "en": "Indicator catalogue"},
    "catalogue_intro": {
        "kk": "Бағдарламаның (ҚР Үкіметінің 2019 жылғы 27 желтоқсандағы № 988 қаулысы) нысаналы индикаторлары мен нәтижелер көрсеткіштері: 2018 жылғы факт және 2020–2025 жылдарға арналған мақсатты мәндер.",
        "ru": "Целевые индикаторы и показатели результатов программы (постановление Правительства РК № 988 от 27 декабря 2019 года): факт 2018 года и целевые значения на 2020–2025 годы.",
        "en": "Target and result indicators of the programme (Government decree No. 988 of 27 December 2019): the 2018 fact and the targets for 2020–2025.",
    },
    "no_build": {"kk": "Әлі жарияланған деректер жоқ. `bilim build` іске қосыңыз.", "ru": "Опубликованных данных пока нет. Запустите `bilim build`.", "en": "Nothing is published yet. Run `bilim build`."},
    "build_fallback": {
        "kk": "Жарияланған деректердің көрсеткіші (marts/CURRENT) зақымдалған: {problem}. Соңғы толық құрастыру {build} көрсетілді. Әкімші `bilim build` іске қоссын.",
        "ru": "Указатель опубликованных данных (marts/CURRENT) повреждён: {problem}. Показана последняя полная сборка {build}. Администратору нужно запустить `bilim build`.",
        "en": "The pointer to the published data (marts/CURRENT) is damaged: {problem}. Showing the newest complete build {build}. An administrator should run `bilim build`.",
    },
    "no_complete_build": {
        "kk": "Толық жарияланған құрастыру жоқ (marts/CURRENT: {problem}). Әкімші `bilim build` іске қоссын.",
        "ru": "Нет ни одной полной опубликованной сборки (marts/CURRENT: {problem}). Администратору нужно запустить `bilim build`.",
        "en": "No complete published build is left (marts/CURRENT: {problem}). An administrator should run `bilim build`.",
    },
    "build_problem_unreadable_pointer": {"kk": "онда құрастыру идентификаторы жоқ", "ru": "в нём нет идентификатора сборки", "en": "it holds no build id"},
    "build_problem_no_such_build": {"kk": "ол жоқ құрастыруды көрсетеді", "ru": "он указывает на несуществующую сборку", "en": "it names a build that does not exist"},
    "build_problem_missing_files": {"kk": "көрсетілген құрастырудың файлы жоқ", "ru": "в указанной сборке не хватает файла", "en": "a file of the build it names is missing"},
    "build_problem_no_pointer": {"kk": "ол жоқ", "ru": "он отсутствует", "en": "it is missing"},
    "synthetic_banner": {
        "kk": "Назар аударыңыз: көрсетілген өңірлік деректер — демонстрациялық (синтетикалық) деректер, нақты есептер емес. Тек республикалық PISA, ҒЗТКЖ және жалақы көрсеткіштері жарияланған дереккөздерден алынған.",
        "ru": "Внимание: региональные данные — демонстрационные (синтетические), а не реальные отчёты. Только республиканские показатели PISA, НИОКР и зарплаты взяты из опубликованных источников.",
        "en": "Note: the regional figures shown are synthetic demo data, not real returns. Only the national PISA, R&D and wage figures come from published sources.",
    },
    "build": {"kk": "Жинақ", "ru": "Сборка", "en": "Build"},
    "series_count": {"kk": "Қатарлар саны", "ru": "Число рядов", "en": "Series"},
    "year": {"kk": "Жыл", "ru": "Год", "en": "Year"},
    "region": {"kk": "Өңір", "ru": "Регион", "en": "Region"},
    "indicator": {"kk": "Индикатор", "ru": "Индикатор", "en": "Indicator"},
    "settlement": {"kk": "Елді мекен", "ru": "Местность", "en": "Settlement"},
    "settlement_total": {"kk": "Барлығы", "ru": "Всего", "en": "Total"},
    "settlement_urban": {"kk": "Қала", "ru": "Город", "en": "Urban"},
    "settlement_rural": {"kk": "Ауыл", "ru": "Село", "en": "Rural"},
    "national": {"kk": "Қазақстан Республикасы", "ru": "Республика Казахстан", "en": "Kazakhstan"},
    "goal": {"kk": "Мақсат", "ru": "Цель", "en": "Goal"},
    "task": {"kk": "Міндет", "ru": "Задача", "en": "Task"},
    "level_target": {"kk": "Нысаналы индикатор", "ru": "Целевой индикатор", "en": "Target indicator"},
    "level_result": {"kk": "Нәтиже көрсеткіші", "ru": "Показатель результата", "en": "Result indicator"},
    "target_indicators": {"kk": "Нысаналы индикаторлар", "ru": "Целевые индикаторы", "en": "Target indicators"},
    "result_indicators": {"kk": "Нәтижелер көрсеткіштері", "ru": "Показатели результатов", "en": "Result indicators"},
    "col_code": {"kk": "Код", "ru": "Код", "en": "Code"},
    "col_name": {"kk": "Атауы", "ru": "Наименование", "en": "Name"},
    "col_level": {"kk": "Түрі", "ru": "Тип", "en": "Level"},
    "col_unit": {"kk": "Өлш. бірл.", "ru": "Ед. изм.", "en": "Unit"},
    "col_direction": {"kk": "Бағыт", "ru": "Направление", "en": "Direction"},
    "col_reporting": {"kk": "Кім есеп береді", "ru": "Кто отчитывается", "en": "Reported by"},
    "col_baseline": {"kk": "2018 факт", "ru": "Факт 2018", "en": "2018 fact"},
    "col_actual": {"kk": "Нақты", "ru": "Факт", "en": "Actual"},
    "col_target": {"kk": "Мақсат", "ru": "План", "en": "Target"},
    "col_gap": {"kk": "Айырма", "ru": "Отставание", "en": "Gap"},
    "col_status": {"kk": "Күйі", "ru": "Статус", "en": "Status"},
    "col_pace": {"kk": "Қарқын", "ru": "Темп", "en": "Pace"},
    "col_verdict": {"kk": "Бағдарлама қорытындысы", "ru": "Итог программы", "en": "End of programme"},
    "col_urban": {"kk": "Қала", "ru": "Город", "en": "Urban"},
    "col_rural": {"kk": "Ауыл", "ru": "Село", "en": "Rural"},
    "col_parity": {"kk": "Паритет индексі (ауыл/қала)", "ru": "Индекс паритета (село/город)", "en": "Parity index (rural/urban)"},
    "col_gap_ur": {"kk": "Қала − ауыл", "ru": "Город − село", "en": "Urban − rural"},
    "col_source": {"kk": "Дереккөз", "ru": "Источник", "en": "Source"},
    "col_file": {"kk": "Файл", "ru": "Файл", "en": "File"},
    "col_cell": {"kk": "Ұяшық", "ru": "Ячейка", "en": "Cell"},
    "col_received": {"kk": "Қабылданды", "ru": "Принят", "en": "Accepted"},
    "col_who": {"kk": "Кім тапсырды", "ru": "Кто сдал", "en": "Submitted by"},
    "col_values": {"kk": "Мәндер", "ru": "Значений", "en": "Values"},
    "col_current": {"kk": "Қолданыста", "ru": "Действует", "en": "Current"},
    "direction_up": {"kk": "өсуі керек", "ru": "должен расти", "en": "should rise"},
    "direction_down": {"kk": "төмендеуі керек", "ru": "должен снижаться", "en": "should fall"},
    "reporting_regional": {"kk": "өңірлер", "ru": "регионы", "en": "regions"},
    "reporting_national": {"kk": "республика", "ru": "республика", "en": "national"},
    "unit_percent": {"kk": "%", "ru": "%", "en": "%"},
    "unit_score": {"kk": "балл", "ru": "балл", "en": "points"},
    "unit_count": {"kk": "бірлік", "ru": "ед.", "en": "count"},
    "unit_rank": {"kk": "орын", "ru": "место", "en": "rank"},
    "unit_index": {"kk": "индекс", "ru": "индекс", "en": "index"},
    "gap_unit_percent": {"kk": "п.т.", "ru": "п.п.", "en": "p.p."},
    "status_met": {"kk": "орындалды", "ru": "выполнен", "en": "met"},
    "status_on_track": {"kk": "жоспар бойынша", "ru": "в графике", "en": "on track"},
    "status_at_risk": {"kk": "тәуекел бар", "ru": "под угрозой", "en": "at risk"},
    "status_off_track": {"kk": "артта қалу", "ru": "отставание", "en": "off track"},
    "status_no_data": {"kk": "дерек жоқ", "ru": "нет данных", "en": "no data"},
    "status_no_target": {"kk": "мақсат жоқ", "ru": "нет плана", "en": "no target"},
    "status_national_only": {"kk": "тек республикалық", "ru": "только республиканский", "en": "national only"},
    "status_incomplete": {"kk": "толық емес", "ru": "неполные данные", "en": "incomplete"},
    "pace_met": {"kk": "қол жеткізілді", "ru": "достигнут", "en": "met"},
    "pace_on_track": {"kk": "қарқын жеткілікті", "ru": "темп достаточен", "en": "on track"},
    "pace_acceleration_needed": {"kk": "жеделдету керек", "ru": "нужно ускорение", "en": "acceleration needed"},
    "pace_limited": {"kk": "шектеулі ілгерілеу", "ru": "ограниченный прогресс", "en": "limited progress"},
    "pace_deterioration": {"kk": "нашарлау", "ru": "ухудшение", "en": "deterioration"},
    "pace_insufficient_data": {"kk": "дерек жеткіліксіз", "ru": "недостаточно данных", "en": "too few data"},
    "verdict_met": {"kk": "орындалды", "ru": "выполнен", "en": "met"},
    "verdict_missed": {"kk": "орындалмады", "ru": "не выполнен", "en": "missed"},
    "verdict_no_data": {"kk": "дерек жоқ", "ru": "нет данных", "en": "no data"},
    "parity_parity": {"kk": "паритет", "ru": "паритет", "en": "parity"},
    "parity_rural_behind": {"kk": "ауыл артта", "ru": "село отстаёт", "en": "villages behind"},
    "parity_urban_behind": {"kk": "қала артта", "ru": "город отстаёт", "en": "cities behind"},
    "parity_n/a": {"kk": "қолданылмайды", "ru": "неприменимо", "en": "n/a"},
    "overview_intro": {
        "kk": "Таңдалған жылғы республикалық мәндер: нақты мән мен мақсат, айырма (индикатордың өлшем бірлігінде) және күйі.",
        "ru": "Республиканские значения за выбранный год: факт и план, отставание (в единицах индикатора) и статус.",
        "en": "National values for the chosen year: actual against target, the gap (in the indicator's unit) and the status.",
    },
    "status_grid": {"kk": "Өңірлер бойынша күй", "ru": "Статус по регионам", "en": "Status by region"},
    "missed_most": {"kk": "Ең көп артта қалған нысаналы индикатор", "ru": "Целевой индикатор с наибольшим отставанием", "en": "Most-missed target indicator"},
    "furthest_behind": {"kk": "Ең артта қалған өңір", "ru": "Самый отстающий регион", "en": "Region furthest behind"},
    "trajectory": {"kk": "Траектория: факт, мақсат, 2018 базасы", "ru": "Траектория: факт, план, база 2018", "en": "Trajectory: actual, target, 2018 baseline"},
    "series_actual": {"kk": "Нақты", "ru": "Факт", "en": "Actual"},
    "series_target": {"kk": "Мақсат", "ru": "План", "en": "Target"},
    "series_baseline": {"kk": "2018 базасы", "ru": "База 2018", "en": "2018 baseline"},
    "ranked_by_gap": {"kk": "Өңірлер айырма бойынша", "ru": "Регионы по отставанию", "en": "Regions ranked by gap"},
    "urban_vs_rural": {"kk": "Қала мен ауыл", "ru": "Город и село", "en": "Urban and rural"},
    "map_title": {"kk": "Өңірлер картасы (айырма)", "ru": "Карта регионов (отставание)", "en": "Regions map (gap)"},
    "table": {"kk": "Кесте", "ru": "Таблица", "en": "Table"},
    "download_csv": {"kk": "CSV жүктеу", "ru": "Скачать CSV", "en": "Download CSV"},
    "download_xlsx": {"kk": "Excel жүктеу", "ru": "Скачать Excel", "en": "Download Excel"},
    "returns_history": {"kk": "Тапсырылған есептер", "ru": "Сданные отчёты", "en": "Returns submitted"},
    "provenance": {"kk": "Сан қайдан алынды", "ru": "Откуда взято число", "en": "Where a number came from"},
    "completeness": {"kk": "Есептердің толықтығы мен уақтылығы", "ru": "Полнота и своевременность отчётов", "en": "Completeness and timeliness of returns"},
    "q_on_time": {"kk": "уақтылы", "ru": "вовремя", "en": "on time"},
    "q_late": {"kk": "кешікті", "ru": "с опозданием", "en": "late"},
    "q_missing": {"kk": "жоқ", "ru": "нет", "en": "missing"},
    "q_partial": {"kk": "толық емес", "ru": "неполный", "en": "partial"},
    "revisions": {"kk": "Түзетулер", "ru": "Исправления", "en": "Revisions"},
    "warnings_at_ingest": {"kk": "Қабылдау кезіндегі ескертулер", "ru": "Предупреждения при приёме", "en": "Warnings at ingest"},
    "snapshots_list": {"kk": "KPI суреттері", "ru": "Снимки KPI", "en": "KPI snapshots"},
    "compare": {"kk": "Салыстыру", "ru": "Сравнить", "en": "Compare"},
    "no_snapshots": {"kk": "Әлі сурет жоқ. `bilim snapshot` іске қосыңыз.", "ru": "Снимков пока нет. Запустите `bilim snapshot`.", "en": "No snapshots yet. Run `bilim snapshot`."},
    "changes": {"kk": "Өзгерістер", "ru": "Изменения", "en": "Changes"},
    "upload_intro": {
        "kk": "Өңірді және жылды таңдаңыз, үлгіні жүктеп алыңыз, Excel-де толтырып, осында жүктеңіз. Файл тексеріледі; қате болса, қай ұяшықта екенін көресіз.",
        "ru": "Выберите регион и год, скачайте шаблон, заполните его в Excel и загрузите здесь. Файл будет проверен; при ошибке вы увидите, в какой ячейке.",
        "en": "Choose the region and year, download the template, fill it in Excel and upload it here. The file is checked; if something is wrong you see which cell.",
    },
    "download_template": {"kk": "Үлгіні жүктеп алу", "ru": "Скачать шаблон", "en": "Download the template"},
    "upload_file": {"kk": "Толтырылған файл (.xlsx)", "ru": "Заполненный файл (.xlsx)", "en": "Filled file (.xlsx)"},
    "check": {"kk": "Тексеру", "ru": "Проверить", "en": "Check"},
    "submit": {"kk": "Тапсыру", "ru": "Сдать", "en": "Submit"},
    "verdict_accepted": {"kk": "Файл тексерістен өтті.", "ru": "Файл прошёл проверку.", "en": "The file passed the checks."},
    "verdict_rejected": {"kk": "Файл қабылданбады. Төмендегі ұяшықтарды түзетіп, қайта жүктеңіз.", "ru": "Файл не принят. Исправьте ячейки ниже и загрузите снова.", "en": "The file was not accepted. Correct the cells below and upload it again."},
    "submitted": {"kk": "Есеп тапсырылды және тексерушінің қарауын күтуде: ол қабылданғанда ғана ресми көрсеткіштерге кіреді.", "ru": "Отчёт сдан и ожидает проверки: в официальные показатели он войдёт только после принятия проверяющим.", "en": "The return was submitted and awaits review: it counts in the official figures only once a reviewer accepts it."},
    "already_submitted": {"kk": "Бұл файл бұрын тапсырылған.", "ru": "Этот файл уже был сдан.", "en": "This file was already submitted."},
    "errors": {"kk": "Қателер", "ru": "Ошибки", "en": "Errors"},
    "warnings": {"kk": "Ескертулер", "ru": "Предупреждения", "en": "Warnings"},
    "download_annotated": {"kk": "Белгіленген ұяшықтары бар көшірмені жүктеу", "ru": "Скачать копию с отмеченными ячейками", "en": "Download a copy with the cells marked"},
    "too_large": {"kk": "Файл тым үлкен (шегі {limit} МБ).", "ru": "Файл слишком большой (предел {limit} МБ).", "en": "The file is too large (limit {limit} MB)."},
    "values_of_expected": {"kk": "{values} мән / күтілгені {expected}", "ru": "{values} значений из {expected} ожидаемых", "en": "{values} values of {expected} expected"},

    # --- sign-in, grants, review, audit -------------------------------------------------------------------------
    "auth_not_configured": {"kk": "Жүйеге кіру бапталмаған ({problem}), сондықтан бақылау тақтасы ашылмайды. Әкімші `bilim auth init` іске қосуы керек (README: «Connecting your identity provider»).", "ru": "Вход в систему не настроен ({problem}), поэтому панель не открывается. Администратору нужно выполнить `bilim auth init` (README: «Connecting your identity provider»).", "en": "Sign-in is not configured ({problem}), so the dashboard does not open. An administrator must run `bilim auth init` (README: \"Connecting your identity provider\")."},
    "landing_intro": {"kk": "Білім және ғылымды дамытудың 2020–2025 жылдарға арналған мемлекеттік бағдарламасының көрсеткіштері: нысаналы мәндер мен өңірлердің есептері. Жалғастыру үшін жүйеге кіріңіз.", "ru": "Показатели Государственной программы развития образования и науки на 2020–2025 годы: целевые значения и отчёты регионов. Чтобы продолжить, войдите в систему.", "en": "The indicators of the State Programme for the Development of Education and Science 2020–2025: its targets and the regions' returns. Sign in to continue."},
    "demo_sign_in": {"kk": "ДЕМО-КІРУ: жергілікті сынақ сәйкестендіру провайдері, демо есептік жазбалар. Өндірісте министрліктің өз провайдері қолданылады.", "ru": "ДЕМО-ВХОД: локальный тестовый провайдер удостоверений, демонстрационные учётные записи. В работе используется собственный провайдер министерства.", "en": "DEMO SIGN-IN: a local test identity provider with demo accounts. In production the ministry's own provider is used."},
    "sign_in": {"kk": "Жүйеге кіру", "ru": "Войти", "en": "Sign in"},
    "sign_out": {"kk": "Шығу", "ru": "Выйти", "en": "Sign out"},
    "no_access_title": {"kk": "Қолжетімділік жоқ", "ru": "Нет доступа", "en": "No access"},
    "no_access": {"kk": "Сіз жүйеге кірдіңіз ({user}), бірақ бұл бетке рұқсатыңыз жоқ. Әкімшіден рұқсат сұраңыз.", "ru": "Вы вошли в систему ({user}), но у вас нет доступа к этой странице. Попросите администратора выдать доступ.", "en": "You are signed in ({user}) but have no access to this page. Ask an administrator for a grant."},
    "role_officer": {"kk": "өңір маманы", "ru": "специалист региона", "en": "regional officer"},
    "role_reviewer": {"kk": "тексеруші", "ru": "проверяющий", "en": "reviewer"},
    "role_planner": {"kk": "жоспарлаушы", "ru": "планировщик", "en": "planner"},
    "role_admin": {"kk": "әкімші", "ru": "администратор", "en": "administrator"},
    "include_pending": {"kk": "Тексеруді күтетін есептерді қосу", "ru": "Включить отчёты, ожидающие проверки", "en": "Include returns awaiting review"},
    "include_pending_help": {"kk": "Ресми емес: тексерушілер әлі қабылдамаған мәндер белгіленіп көрсетіледі.", "ru": "Не официально: значения, ещё не принятые проверяющим, показываются с пометкой.", "en": "Not official: values no reviewer has accepted yet are shown, marked."},
    "pending_banner": {"kk": "Тексеруді күтетін есептер қосылған: бұл ресми көрсеткіштер емес. «Тексеру күйі» бағаны әр жолды белгілейді.", "ru": "Включены отчёты, ожидающие проверки: это не официальные показатели. Столбец «Статус проверки» отмечает каждую строку.", "en": "Returns awaiting review are included: these are not the official figures. The \"Review state\" column marks each row."},
    "page_review": {"kk": "Тексеру", "ru": "Проверка", "en": "Review"},
    "page_audit": {"kk": "Аудит журналы", "ru": "Журнал аудита", "en": "Audit log"},
    "col_review_state": {"kk": "Тексеру күйі", "ru": "Статус проверки", "en": "Review state"},
    "review_state_submitted": {"kk": "тексеруді күтуде", "ru": "ожидает проверки", "en": "awaiting review"},
    "review_state_accepted": {"kk": "қабылданды", "ru": "принят", "en": "accepted"},
    "review_state_returned": {"kk": "түзетуге қайтарылды", "ru": "возвращён на доработку", "en": "returned for correction"},
    "review_state_reopened": {"kk": "қайта ашылды, тексеруді күтуде", "ru": "открыт заново, ожидает проверки", "en": "reopened, awaiting review"},
    "review_state_superseded": {"kk": "жаңа файлмен ауыстырылды", "ru": "заменён новым файлом", "en": "replaced by a newer file"},
    "review_state_includes_pending": {"kk": "тексеруді күтетін есептерді қамтиды", "ru": "включает отчёты, ожидающие проверки", "en": "includes returns awaiting review"},
    "your_return_state": {"kk": "{region}, {year} жылғы есеп: {state}", "ru": "Отчёт {region} за {year} год: {state}", "en": "Return of {region} for {year}: {state}"},
    "reviewer_reason": {"kk": "Тексерушінің себебі ({who}, {when}): {reason}", "ru": "Причина, указанная проверяющим ({who}, {when}): {reason}", "en": "The reviewer's reason ({who}, {when}): {reason}"},
    "col_reason": {"kk": "Себебі", "ru": "Причина", "en": "Reason"},
    "col_settlement": {"kk": "Елді мекен түрі", "ru": "Тип местности", "en": "Settlement"},
    "col_before": {"kk": "Қабылданған мән", "ru": "Принятое значение", "en": "Accepted value"},
    "col_after": {"kk": "Жаңа мән", "ru": "Новое значение", "en": "New value"},
    "col_gap_before": {"kk": "Алшақтық (қазір)", "ru": "Разрыв (сейчас)", "en": "Gap (now)"},
    "col_gap_after": {"kk": "Алшақтық (қабылданса)", "ru": "Разрыв (если принять)", "en": "Gap (if accepted)"},
    "col_status_before": {"kk": "Мәртебе (қазір)", "ru": "Статус (сейчас)", "en": "Status (now)"},
    "col_status_after": {"kk": "Мәртебе (қабылданса)", "ru": "Статус (если принять)", "en": "Status (if accepted)"},
    "col_when": {"kk": "Уақыты (Алматы)", "ru": "Время (Алматы)", "en": "When (Almaty time)"},
    "col_user_id": {"kk": "Пайдаланушы идентификаторы", "ru": "Идентификатор пользователя", "en": "User id"},
    "col_submission": {"kk": "Тапсыру", "ru": "Сдача", "en": "Submission"},
    "col_file_hash": {"kk": "Файл хэші", "ru": "Хэш файла", "en": "File hash"},
    "col_detail": {"kk": "Толығырақ", "ru": "Подробности", "en": "Details"},
    "review_intro": {"kk": "Тексеруді күтетін есептер: {n}. Ескертулері көбі бірінші.", "ru": "Отчётов, ожидающих проверки: {n}. Сначала — с наибольшим числом предупреждений.", "en": "Returns awaiting review: {n}. Those with the most warnings come first."},
    "review_nothing": {"kk": "Тексеруді күтетін есеп жоқ.", "ru": "Нет отчётов, ожидающих проверки.", "en": "No return awaits review."},
    "review_item": {"kk": "{place}, {year}: {state} · ескертулер {warnings} · {values}/{expected} мән", "ru": "{place}, {year}: {state} · предупреждений {warnings} · {values}/{expected} значений", "en": "{place}, {year}: {state} · {warnings} warnings · {values}/{expected} values"},
    "review_submitted_by": {"kk": "Тапсырған: {who}, {when} (Алматы уақыты), файл: {file}", "ru": "Сдал: {who}, {when} (время Алматы), файл: {file}", "en": "Submitted by {who} on {when} (Almaty time), file {file}"},
    "review_value_changes": {"kk": "Қабылданған есеппен салыстырғанда өзгеретін мәндер: {n}", "ru": "Значения, которые меняются по сравнению с принятым отчётом: {n}", "en": "Values that change against the accepted return: {n}"},
    "review_gap_changes": {"kk": "Алшақтықтар мен мәртебелер қалай өзгереді (барлығы)", "ru": "Как изменятся разрывы и статусы (всего)", "en": "How the gaps and statuses change (totals)"},
    "review_accept": {"kk": "Қабылдау", "ru": "Принять", "en": "Accept"},
    "review_return": {"kk": "Түзетуге қайтару", "ru": "Вернуть на доработку", "en": "Return for correction"},
    "review_reason_label": {"kk": "Қайтару себебі (маман көреді)", "ru": "Причина возврата (увидит специалист)", "en": "Reason for returning it (the officer sees it)"},
    "review_reason_required": {"kk": "Себебін жазыңыз.", "ru": "Укажите причину.", "en": "Write the reason."},
    "review_accepted": {"kk": "{place}, {year}: қабылданды, ресми көрсеткіштер жаңартылды.", "ru": "{place}, {year}: принят, официальные показатели обновлены.", "en": "{place}, {year}: accepted; the official figures are updated."},
    "review_returned": {"kk": "{place}, {year}: себебімен маманға қайтарылды.", "ru": "{place}, {year}: возвращён специалисту с указанием причины.", "en": "{place}, {year}: returned to the officer with the reason."},
    "review_accepted_list": {"kk": "Қаралған есептер", "ru": "Рассмотренные отчёты", "en": "Reviewed returns"},
    "audit_broken": {"kk": "Аудит журналының тізбегі бұзылған: {where}. Оған дейінгі {n} жазба тексерілді.", "ru": "Цепочка журнала аудита нарушена: {where}. Записей до неё проверено: {n}.", "en": "The audit log's chain is broken: {where}. {n} entries before it verify."},
    "audit_intact": {"kk": "Аудит журналының хэш тізбегі бүтін: {n} жазба.", "ru": "Хэш-цепочка журнала аудита цела: {n} записей.", "en": "The audit log's hash chain is intact: {n} entries."},
    "audit_user": {"kk": "Пайдаланушы", "ru": "Пользователь", "en": "User"},
    "audit_action": {"kk": "Әрекет", "ru": "Действие", "en": "Action"},
    "audit_since": {"kk": "Басталу күні", "ru": "С даты", "en": "Since"},
    "your_region": {"kk": "Сіздің өңіріңіз", "ru": "Ваш регион", "en": "Your region"},
    "no_return_yet": {"kk": "{region}, {year} жылғы есеп әлі тапсырылмаған.", "ru": "Отчёт {region} за {year} год ещё не сдан.", "en": "No return of {region} for {year} has been submitted yet."},
}


def t(key: str, lang: str, **params: object) -> str:
    """The text for ``key`` in ``lang``."""
    text = TEXTS[key][lang]
    return text.format(**params) if params else text


def format_number(value: float | None, lang: str, decimals: int = 1) -> str:
    """``94,7`` and ``11 578`` (non-breaking space) in Kazakh and Russian; ``94.7`` and ``11,578`` in English."""
    if value is None or value != value:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang in ("kk", "ru"):
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def format_percent(value: float | None, lang: str, decimals: int = 1) -> str:
    """``94,7 %`` in Kazakh and Russian, ``94.7%`` in English."""
    if value is None or value != value:
        return "–"
    return f"{format_number(value, lang, decimals)}\u00a0%" if lang in ("kk", "ru") else f"{format_number(value, lang, decimals)}%"


def plotly_separators(lang: str) -> str:
    """Plotly's ``separators`` (decimal, thousands) for the language."""
    return ", " if lang in ("kk", "ru") else ".,"
