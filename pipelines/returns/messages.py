"""Verdict messages in Kazakh, Russian and English, one entry per rule code.

A message names the cell as the officer sees it (``data!E14``), what was found and what was expected. Parameters
never carry personal data: a rule about an identifier says where it is, never what it is.
"""

from __future__ import annotations

import re

from contracts.glossary import WORDS

LANGS = ("kk", "ru", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # --- the file ------------------------------------------------------------------------------------------------
    "F_TOO_LARGE": {
        "en": "The file is {size_mb} MB; the limit is {limit_mb} MB. A return is a few hundred rows: remove pictures and other sheets.",
        "ru": "Размер файла {size_mb} МБ, допустимо не более {limit_mb} МБ. Отчёт — это несколько сотен строк: удалите рисунки и лишние листы.",
        "kk": "Файл көлемі {size_mb} МБ, рұқсат етілгені {limit_mb} МБ-тан аспауы тиіс. Есеп бірнеше жүз жолдан тұрады: суреттер мен артық парақтарды алып тастаңыз.",
    },
    "F_EMPTY_FILE": {
        "en": "The file is empty.",
        "ru": "Файл пустой.",
        "kk": "Файл бос.",
    },
    "F_NOT_SPREADSHEET": {
        "en": "This is not an Excel workbook (.xlsx) or a CSV file. Save the return as .xlsx.",
        "ru": "Это не книга Excel (.xlsx) и не файл CSV. Сохраните отчёт в формате .xlsx.",
        "kk": "Бұл Excel кітабы (.xlsx) немесе CSV файлы емес. Есепті .xlsx форматында сақтаңыз.",
    },
    "F_OLD_XLS": {
        "en": "This is an old-format Excel file (.xls). Open it in Excel and save it as .xlsx.",
        "ru": "Это файл Excel старого формата (.xls). Откройте его в Excel и сохраните как .xlsx.",
        "kk": "Бұл ескі форматтағы Excel файлы (.xls). Оны Excel-де ашып, .xlsx ретінде сақтаңыз.",
    },
    "F_ENCRYPTED": {
        "en": "The workbook is password-protected (encrypted). Remove the password to open and save it again.",
        "ru": "Книга защищена паролем (зашифрована). Снимите пароль на открытие и сохраните файл снова.",
        "kk": "Кітап құпиясөзбен қорғалған (шифрланған). Ашуға арналған құпиясөзді алып тастап, файлды қайта сақтаңыз.",
    },
    "F_MACROS": {
        "en": "{cell}: the workbook contains macros (VBA). Returns must not contain macros: save it as a plain .xlsx workbook.",
        "ru": "{cell}: книга содержит макросы (VBA). Отчёт не должен содержать макросов: сохраните его как обычную книгу .xlsx.",
        "kk": "{cell}: кітапта макростар (VBA) бар. Есепте макрос болмауы керек: оны қарапайым .xlsx кітабы ретінде сақтаңыз.",
    },
    "F_XLM_MACROS": {
        "en": "{cell}: the workbook contains an Excel 4.0 macro sheet ({part}). Returns must not contain macros: delete that sheet and save the file as a plain .xlsx workbook.",
        "ru": "{cell}: книга содержит лист макросов Excel 4.0 ({part}). Отчёт не должен содержать макросов: удалите этот лист и сохраните файл как обычную книгу .xlsx.",
        "kk": "{cell}: кітапта Excel 4.0 макрос парағы бар ({part}). Есепте макрос болмауы керек: сол парақты жойып, файлды қарапайым .xlsx кітабы ретінде сақтаңыз.",
    },
    "F_ACTIVEX": {
        "en": "{cell}: the workbook contains ActiveX controls ({part}). Returns must not contain controls: remove them and save the file as a plain .xlsx workbook.",
        "ru": "{cell}: книга содержит элементы управления ActiveX ({part}). В отчёте не должно быть элементов управления: удалите их и сохраните файл как обычную книгу .xlsx.",
        "kk": "{cell}: кітапта ActiveX басқару элементтері бар ({part}). Есепте басқару элементтері болмауы керек: оларды алып тастап, файлды қарапайым .xlsx кітабы ретінде сақтаңыз.",
    },
    "F_OLE_OBJECT": {
        "en": "{cell}: the workbook contains an embedded object ({part}). Returns must not contain embedded files or objects: delete it and save the file again.",
        "ru": "{cell}: книга содержит внедрённый объект ({part}). В отчёте не должно быть внедрённых файлов и объектов: удалите его и сохраните файл снова.",
        "kk": "{cell}: кітапта ендірілген нысан бар ({part}). Есепте ендірілген файлдар мен нысандар болмауы керек: оны жойып, файлды қайта сақтаңыз.",
    },
    "F_EXTERNAL_LINK": {
        "en": "{cell}: the workbook links to another file ({part}). A return must hold its own numbers: break the links (Data → Edit Links → Break Link) and save it again.",
        "ru": "{cell}: книга ссылается на другой файл ({part}). Отчёт должен содержать собственные числа: разорвите связи (Данные → Изменить связи → Разорвать связь) и сохраните файл снова.",
        "kk": "{cell}: кітап басқа файлға сілтейді ({part}). Есепте өз сандары болуы керек: байланыстарды үзіп (Деректер → Байланыстарды өзгерту → Байланысты үзу), файлды қайта сақтаңыз.",
    },
    "F_DDE": {
        "en": "{cell}: the workbook holds a DDE link that starts another program ({part}). Such links are refused: remove it and save the file as a plain .xlsx workbook.",
        "ru": "{cell}: книга содержит связь DDE, запускающую другую программу ({part}). Такие связи не принимаются: удалите её и сохраните файл как обычную книгу .xlsx.",
        "kk": "{cell}: кітапта басқа бағдарламаны іске қосатын DDE байланысы бар ({part}). Мұндай байланыстар қабылданбайды: оны алып тастап, файлды қарапайым .xlsx кітабы ретінде сақтаңыз.",
    },
    "F_ZIP_BOMB": {
        "en": "The workbook would expand to {expanded_mb} MB when opened (limit {limit_mb} MB, or more than {ratio}× compression). It was not opened.",
        "ru": "При открытии книга развернулась бы до {expanded_mb} МБ (предел {limit_mb} МБ или сжатие более чем в {ratio} раз). Файл не открывался.",
        "kk": "Ашқан кезде кітап {expanded_mb} МБ-қа дейін ұлғаяр еді (шегі {limit_mb} МБ немесе {ratio} еседен артық сығылу). Файл ашылған жоқ.",
    },
    "F_SHEET_TOO_LARGE": {
        "en": "A sheet of the workbook holds {expanded_mb} MB of cells (limit {limit_mb} MB for a template), mostly formatted empty rows. A return is a few hundred rows: delete the empty formatted rows and columns below and beside the data, or use the template.",
        "ru": "Лист книги содержит {expanded_mb} МБ ячеек (для шаблона допустимо не более {limit_mb} МБ), в основном пустые отформатированные строки. Отчёт — это несколько сотен строк: удалите пустые отформатированные строки и столбцы под данными и рядом с ними или используйте шаблон.",
        "kk": "Кітап парағында {expanded_mb} МБ ұяшық бар (үлгі үшін {limit_mb} МБ-тан аспауы тиіс), негізінен пішімделген бос жолдар. Есеп бірнеше жүз жолдан тұрады: деректердің астындағы және жанындағы пішімделген бос жолдар мен бағандарды жойыңыз немесе үлгіні пайдаланыңыз.",
    },
    "F_CORRUPT": {
        "en": "The workbook cannot be read (damaged or not really .xlsx). Open it in Excel and save it again.",
        "ru": "Книгу невозможно прочитать (повреждена или это не .xlsx). Откройте её в Excel и сохраните заново.",
        "kk": "Кітапты оқу мүмкін емес (зақымдалған немесе шын мәнінде .xlsx емес). Оны Excel-де ашып, қайта сақтаңыз.",
    },
    "F_ENCODING": {
        "en": "The CSV file is not readable text in UTF-8 or Windows-1251.",
        "ru": "Файл CSV не является текстом в кодировке UTF-8 или Windows-1251.",
        "kk": "CSV файлы UTF-8 немесе Windows-1251 кодтауындағы мәтін емес.",
    },
    "F_LETTERS_LOST": {
        "en": "Line {line}: Kazakh letters were lost and replaced by '?' when the file was saved. Save it again as 'CSV UTF-8' or send the .xlsx.",
        "ru": "Строка {line}: при сохранении казахские буквы потеряны и заменены на «?». Сохраните файл как «CSV UTF-8» или отправьте .xlsx.",
        "kk": "{line}-жол: файлды сақтаған кезде қазақ әріптері жоғалып, «?» белгісімен ауыстырылған. Файлды «CSV UTF-8» ретінде қайта сақтаңыз немесе .xlsx жіберіңіз.",
    },
    "F_NO_DATA_SHEET": {
        "en": "No sheet has the header row {keys}. Use the template and do not change its third row.",
        "ru": "Ни на одном листе нет строки заголовков {keys}. Используйте шаблон и не меняйте его третью строку.",
        "kk": "Ешбір парақта {keys} тақырып жолы жоқ. Үлгіні пайдаланыңыз және оның үшінші жолын өзгертпеңіз.",
    },
    "F_MANY_DATA_SHEETS": {
        "en": "Sheets {sheets} each have the header row: keep one data sheet per file.",
        "ru": "Строка заголовков есть на нескольких листах ({sheets}): в файле должен быть один лист данных.",
        "kk": "Тақырып жолы бірнеше парақта бар ({sheets}): бір файлда бір деректер парағы болуы керек.",
    },
    "F_NO_ROWS": {
        "en": "The file has the header row but no data rows: there is nothing to record.",
        "ru": "В файле есть строка заголовков, но нет ни одной строки с данными: учитывать нечего.",
        "kk": "Файлда тақырып жолы бар, бірақ деректер жолы жоқ: тіркейтін ештеңе жоқ.",
    },
    "W_SHEET_RENAMED": {
        "en": "Sheet '{found}' was read as the '{expected}' sheet of the template (it was renamed).",
        "ru": "Лист «{found}» прочитан как лист «{expected}» шаблона (он был переименован).",
        "kk": "«{found}» парағы үлгінің «{expected}» парағы ретінде оқылды (ол қайта аталған).",
    },
    "F_MISSING_COLUMN": {
        "en": "The header row has no column '{key}'.",
        "ru": "В строке заголовков нет столбца «{key}».",
        "kk": "Тақырып жолында «{key}» бағаны жоқ.",
    },
    "F_NO_META": {
        "en": "No 'meta' sheet with region_code, year and template_version in columns A and B.",
        "ru": "Нет листа «meta» с region_code, year и template_version в столбцах A и B.",
        "kk": "A және B бағандарында region_code, year және template_version бар «meta» парағы жоқ.",
    },
    "F_META_MISSING": {
        "en": "{cell}: '{key}' is empty; expected {expected}.",
        "ru": "{cell}: «{key}» не заполнено; ожидается {expected}.",
        "kk": "{cell}: «{key}» толтырылмаған; {expected} күтіледі.",
    },
    "F_UNKNOWN_VERSION": {
        "en": "{cell}: template version '{found}' is not known; expected one of {expected}. Download the current template.",
        "ru": "{cell}: версия шаблона «{found}» неизвестна; ожидается одна из {expected}. Скачайте действующий шаблон.",
        "kk": "{cell}: «{found}» үлгі нұсқасы белгісіз; {expected} нұсқаларының бірі күтіледі. Қолданыстағы үлгіні жүктеп алыңыз.",
    },
    "F_VERSION_YEAR": {
        "en": "{cell}: template version '{found}' does not serve the year {year}.",
        "ru": "{cell}: версия шаблона «{found}» не предназначена для {year} года.",
        "kk": "{cell}: «{found}» үлгі нұсқасы {year} жылға арналмаған.",
    },
    "F_BAD_REGION": {
        "en": "{cell}: '{found}' is not a region code; expected KZ-NN (e.g. KZ-75) or KZ for the national return.",
        "ru": "{cell}: «{found}» не является кодом региона; ожидается KZ-NN (например, KZ-75) или KZ для республиканского отчёта.",
        "kk": "{cell}: «{found}» өңір коды емес; KZ-NN (мысалы, KZ-75) немесе республикалық есеп үшін KZ күтіледі.",
    },
    "F_REGION_NOT_IN_YEAR": {
        "en": "{cell}: region {found} did not exist in {year} (it existed {period}).",
        "ru": "{cell}: региона {found} в {year} году не существовало (период: {period}).",
        "kk": "{cell}: {found} өңірі {year} жылы болған жоқ (кезеңі: {period}).",
    },
    "F_REGION_MISMATCH": {
        "en": "{cell}: this file is the return of {found}, but you are submitting for {expected}.",
        "ru": "{cell}: это отчёт региона {found}, а вы сдаёте отчёт за {expected}.",
        "kk": "{cell}: бұл {found} өңірінің есебі, ал сіз {expected} үшін тапсырып отырсыз.",
    },
    "F_RETURN_LOCKED": {
        "en": "The return of {region} for {year} was accepted by a reviewer on {accepted_at} and is locked: a new file is refused until a reviewer or an administrator reopens it, with a reason.",
        "ru": "Отчёт {region} за {year} год принят проверяющим {accepted_at} и закрыт: новый файл не принимается, пока проверяющий или администратор не откроет его заново с указанием причины.",
        "kk": "{region} өңірінің {year} жылғы есебін тексеруші {accepted_at} қабылдады және ол жабық: тексеруші немесе әкімші себебін көрсетіп қайта ашпайынша жаңа файл қабылданбайды.",
    },
    "F_PAST_DEADLINE": {
        "en": "Returns for {year} were due by {deadline} ({source}); a late return of {region} needs an administrator's exception, which is recorded.",
        "ru": "Отчёты за {year} год нужно было сдать до {deadline} ({source}); для сдачи отчёта {region} после срока нужно исключение, которое даёт администратор; оно записывается в журнал.",
        "kk": "{year} жылғы есептерді {deadline} дейін тапсыру керек еді ({source}); {region} есебін мерзімнен кеш тапсыру үшін әкімшінің рұқсаты қажет, ол журналға жазылады.",
    },
    "F_BAD_YEAR": {
        "en": "{cell}: '{found}' is not a year of the programme; expected {first}–{last}.",
        "ru": "{cell}: «{found}» не является годом программы; ожидается {first}–{last}.",
        "kk": "{cell}: «{found}» бағдарлама жылы емес; {first}–{last} күтіледі.",
    },
    "F_YEAR_MISMATCH": {
        "en": "{cell}: this file is for {found}, but you are submitting for {expected}.",
        "ru": "{cell}: этот файл за {found} год, а вы сдаёте отчёт за {expected} год.",
        "kk": "{cell}: бұл файл {found} жылға арналған, ал сіз {expected} жылға тапсырып отырсыз.",
    },
    "F_PERSONAL_DATA": {
        "en": "{cell}: this cell holds a personal identification number (ИИН). A return must contain only totals. The file was rejected and not kept anywhere; remove the personal data and upload again.",
        "ru": "{cell}: в ячейке индивидуальный идентификационный номер (ИИН). Отчёт должен содержать только итоговые числа. Файл отклонён и нигде не сохранён; удалите персональные данные и загрузите снова.",
        "kk": "{cell}: ұяшықта жеке сәйкестендіру нөмірі (ЖСН) бар. Есепте тек жиынтық сандар болуы керек. Файл қабылданбады және еш жерде сақталмады; дербес деректерді алып тастап, қайта жүктеңіз.",
    },
    "F_NAME_COLUMN": {
        "en": "{cell}: this column is labelled as personal data (names, ИИН or dates of birth). A return must contain only totals. The file was rejected and not kept anywhere.",
        "ru": "{cell}: столбец подписан как персональные данные (ФИО, ИИН или даты рождения). Отчёт должен содержать только итоговые числа. Файл отклонён и нигде не сохранён.",
        "kk": "{cell}: баған дербес деректер ретінде белгіленген (аты-жөні, ЖСН немесе туған күні). Есепте тек жиынтық сандар болуы керек. Файл қабылданбады және еш жерде сақталмады.",
    },
    "F_PERSON_NAME": {
        "en": "{cell}: this cell holds a person's name (surname, first name, patronymic). A return must contain only totals, with no names of pupils, teachers or staff. The file was rejected and not kept anywhere; remove the names and upload again.",
        "ru": "{cell}: в ячейке имя человека (фамилия, имя, отчество). Отчёт должен содержать только итоговые числа, без ФИО учащихся, педагогов или сотрудников. Файл отклонён и нигде не сохранён; удалите ФИО и загрузите снова.",
        "kk": "{cell}: ұяшықта адамның аты-жөні (тегі, аты, әкесінің аты) бар. Есепте оқушылардың, педагогтардың немесе қызметкерлердің аты-жөнінсіз тек жиынтық сандар болуы керек. Файл қабылданбады және еш жерде сақталмады; аты-жөнді алып тастап, қайта жүктеңіз.",
    },
    "R_BIN": {
        "en": "{cell}: an unexpected identifier (a 12-digit company number, БСН) where a total was expected.",
        "ru": "{cell}: неожиданный идентификатор (12-значный БИН организации) там, где ожидается итоговое число.",
        "kk": "{cell}: жиынтық сан күтілген жерде күтпеген сәйкестендіргіш (12 таңбалы БСН).",
    },
    # --- an indicator set's return (DESIGN §9) ------------------------------------------------------------------------
    "F_UNKNOWN_SET": {
        "en": "{cell}: '{found}' is not an indicator set; expected one of {known}. Download the template of your set again.",
        "ru": "{cell}: «{found}» не является набором показателей; ожидается один из: {known}. Скачайте шаблон своего набора заново.",
        "kk": "{cell}: «{found}» көрсеткіштер жиынтығы емес; мыналардың бірі күтіледі: {known}. Өз жиынтығыңыздың үлгісін қайта жүктеп алыңыз.",
    },
    "F_SET_MISMATCH": {
        "en": "{cell}: this file is a return of «{found}», but you are handling returns of «{expected}».",
        "ru": "{cell}: этот файл — отчёт по набору «{found}», а вы работаете с отчётами по набору «{expected}».",
        "kk": "{cell}: бұл файл — «{found}» жиынтығының есебі, ал сіз «{expected}» жиынтығының есептерімен жұмыс істеп отырсыз.",
    },
    "F_SET_UNIT_KIND": {
        "en": "{cell}: «{set}» is reported by another kind of unit: expected {key}, but the file gives {found}. Download the template of your unit.",
        "ru": "{cell}: по набору «{set}» отчитывается другой вид организации: ожидается {key}, а в файле указан {found}. Скачайте шаблон для своей организации.",
        "kk": "{cell}: «{set}» жиынтығы бойынша басқа түрдегі бірлік есеп береді: {key} күтіледі, ал файлда {found} көрсетілген. Өз бірлігіңіздің үлгісін жүктеп алыңыз.",
    },
    "F_SET_BAD_REGION": {
        "en": "{cell}: '{found}' is not a region code; «{set}» is reported by regions (KZ-NN, e.g. KZ-75).",
        "ru": "{cell}: «{found}» не является кодом региона; по набору «{set}» отчитываются регионы (KZ-NN, например, KZ-75).",
        "kk": "{cell}: «{found}» өңір коды емес; «{set}» жиынтығы бойынша өңірлер есеп береді (KZ-NN, мысалы, KZ-75).",
    },
    "F_UNKNOWN_INSTITUTION": {
        "en": "{cell}: '{found}' is not in the registry of institutions of «{set}». Download the template of your institution.",
        "ru": "{cell}: «{found}» нет в реестре организаций набора «{set}». Скачайте шаблон своей организации.",
        "kk": "{cell}: «{found}» «{set}» жиынтығы ұйымдарының тізілімінде жоқ. Өз ұйымыңыздың үлгісін жүктеп алыңыз.",
    },
    "F_SET_BAD_YEAR": {
        "en": "{cell}: '{found}' is not a year of «{set}»; expected {span}.",
        "ru": "{cell}: «{found}» не является годом набора «{set}»; ожидается {span}.",
        "kk": "{cell}: «{found}» — «{set}» жиынтығының жылы емес; {span} күтіледі.",
    },
    "F_BAD_RETURN_KIND": {
        "en": "{cell}: '{found}' is not a kind of return; expected {expected}.",
        "ru": "{cell}: «{found}» — неизвестный вид отчёта; ожидается {expected}.",
        "kk": "{cell}: «{found}» — белгісіз есеп түрі; {expected} күтіледі.",
    },
    "F_BAD_AS_OF": {
        "en": "{cell}: '{found}' is not a date; expected the date the figures stand at (YYYY-MM-DD).",
        "ru": "{cell}: «{found}» не является датой; ожидается дата, на которую приведены данные (ГГГГ-ММ-ДД).",
        "kk": "{cell}: «{found}» күн емес; деректер берілген күн күтіледі (ЖЖЖЖ-АА-КК).",
    },
    "F_AS_OF_OUTSIDE": {
        "en": "{cell}: the return is dated {found}, outside «{set}» ({start} – {end}); a campaign return is dated inside the campaign.",
        "ru": "{cell}: отчёт датирован {found}, вне сроков «{set}» ({start} – {end}); отчёт по акции датируется днём в пределах акции.",
        "kk": "{cell}: есеп {found} күнімен көрсетілген, бұл «{set}» мерзімінен тыс ({start} – {end}); акция есебінің күні акция мерзімінің ішінде болуы керек.",
    },
    "F_FINAL_AS_OF": {
        "en": "{cell}: a final return stands at the campaign's last day {end}, not {found}; for an earlier date send an interim return.",
        "ru": "{cell}: итоговый отчёт составляется на последний день акции {end}, а не на {found}; на более раннюю дату сдайте промежуточный отчёт.",
        "kk": "{cell}: қорытынды есеп акцияның соңғы күніне ({end}) жасалады, {found} күніне емес; ертерек күнге аралық есеп тапсырыңыз.",
    },
    "F_PLAN_FIELD": {
        "en": "{cell}: this holds a field of a pupil's individual prevention plan (name, birth date, ИИН or address). A return carries totals only; such data never enters the system. The file was rejected and not kept anywhere.",
        "ru": "{cell}: здесь поле индивидуального плана профилактической работы с обучающимся (ФИО, дата рождения, ИИН или адрес). Отчёт содержит только итоговые числа; такие данные в систему не вносятся. Файл отклонён и нигде не сохранён.",
        "kk": "{cell}: мұнда білім алушымен профилактикалық жеке жұмыс жоспарының өрісі бар (аты-жөні, туған күні, ЖСН немесе мекенжайы). Есепте тек жиынтық сандар болады; мұндай деректер жүйеге енгізілмейді. Файл қабылданбады және еш жерде сақталмады.",
    },
    "F_NO_VALUES": {
        "en": "{cell}: the file holds no values. If there is really nothing to report for this year, type 'yes' in nothing_to_report on the meta sheet; otherwise fill in the data sheet.",
        "ru": "{cell}: в файле нет ни одного значения. Если за этот год действительно нечего представить, укажите «yes» (да) в поле nothing_to_report на листе meta; иначе заполните лист data.",
        "kk": "{cell}: файлда бірде-бір мән жоқ. Егер осы жылға шынымен ұсынатын ештеңе болмаса, meta парағындағы nothing_to_report өрісіне «yes» (иә) деп жазыңыз; әйтпесе data парағын толтырыңыз.",
    },
    "F_NOTHING_TO_REPORT_WITH_VALUES": {
        "en": "{cell}: nothing_to_report says 'yes', but the file holds {count} values. Set it to 'no' or remove the values.",
        "ru": "{cell}: в поле nothing_to_report указано «yes», но в файле {count} значений. Укажите «no» или удалите значения.",
        "kk": "{cell}: nothing_to_report өрісінде «yes» деп көрсетілген, бірақ файлда {count} мән бар. «no» деп көрсетіңіз немесе мәндерді алып тастаңыз.",
    },
    "F_BAD_NOTHING_TO_REPORT": {
        "en": "{cell}: '{found}' is not an answer for nothing_to_report; expected yes or no.",
        "ru": "{cell}: «{found}» — недопустимый ответ для nothing_to_report; ожидается yes (да) или no (нет).",
        "kk": "{cell}: «{found}» — nothing_to_report үшін жарамсыз жауап; yes (иә) немесе no (жоқ) күтіледі.",
    },
    "W_EMPTY_RETURN": {
        "en": "The return has no values and declares that there is nothing to report: it is recorded as 'nothing reported'.",
        "ru": "В отчёте нет значений, и в нём указано, что представлять нечего: он учтён как «ничего не представлено».",
        "kk": "Есепте мәндер жоқ және ұсынатын ештеңе жоқ екені көрсетілген: ол «ештеңе ұсынылмады» ретінде тіркелді.",
    },
    # --- rows ------------------------------------------------------------------------------------------------------
    "R_UNKNOWN_INDICATOR": {
        "en": "{cell}: '{found}' is not an indicator code of the programme.",
        "ru": "{cell}: «{found}» не является кодом индикатора программы.",
        "kk": "{cell}: «{found}» бағдарлама индикаторының коды емес.",
    },
    "R_SET_UNKNOWN_INDICATOR": {
        "en": "{cell}: '{found}' is not an indicator code of «{set}».",
        "ru": "{cell}: «{found}» не является кодом показателя набора «{set}».",
        "kk": "{cell}: «{found}» — «{set}» жиынтығы көрсеткішінің коды емес.",
    },
    "R_BAD_FLAG": {
        "en": "{cell}: '{found}' for {indicator}: expected yes or no (as in the drop-down).",
        "ru": "{cell}: «{found}» для {indicator}: ожидается «да» или «нет» (как в выпадающем списке).",
        "kk": "{cell}: {indicator} үшін «{found}»: «иә» немесе «жоқ» күтіледі (ашылмалы тізімдегідей).",
    },
    "R_NEGATIVE_AMOUNT": {
        "en": "{cell}: {found} is negative for {indicator}; expected an amount in tenge of 0 or more.",
        "ru": "{cell}: {found} — отрицательная сумма для {indicator}; ожидается 0 тенге или больше.",
        "kk": "{cell}: {found} — {indicator} үшін теріс сома; 0 теңге немесе одан көп күтіледі.",
    },
    "R_NOT_WHOLE": {
        "en": "{cell}: {found} is not a whole number for {indicator}; expected a count (0, 1, 2, …).",
        "ru": "{cell}: {found} — не целое число для {indicator}; ожидается количество (0, 1, 2, …).",
        "kk": "{cell}: {found} — {indicator} үшін бүтін сан емес; сан күтіледі (0, 1, 2, …).",
    },
    "R_NOT_REPORTABLE": {
        "en": "{cell}: indicator {found} is not reported by {region} ({reason}).",
        "ru": "{cell}: индикатор {found} не представляется регионом {region} ({reason}).",
        "kk": "{cell}: {found} индикаторын {region} ұсынбайды ({reason}).",
    },
    "R_NOT_HELD": {
        "en": "{cell}: {found} is an international assessment with no cycle held in {year}.",
        "ru": "{cell}: {found} — международное исследование, в {year} году цикл не проводился.",
        "kk": "{cell}: {found} — халықаралық зерттеу, {year} жылы оның циклі өткізілмеген.",
    },
    "R_SETTLEMENT": {
        "en": "{cell}: '{found}' is not a settlement; expected total, urban or rural (Барлығы/Всего, Қала/Город, Ауыл/Село).",
        "ru": "{cell}: «{found}» — неизвестный тип местности; ожидается Всего, Город или Село.",
        "kk": "{cell}: «{found}» — белгісіз елді мекен түрі; Барлығы, Қала немесе Ауыл күтіледі.",
    },
    "R_SETTLEMENT_NOT_SPLIT": {
        "en": "{cell}: {found} is reported for the total only; expected no {settlement} row.",
        "ru": "{cell}: {found} представляется только в целом (всего); строка «{settlement}» не ожидается.",
        "kk": "{cell}: {found} тек барлығы бойынша ұсынылады; «{settlement}» жолы күтілмейді.",
    },
    "R_CITY_RURAL": {
        "en": "{cell}: {region} is a city of republican significance, wholly urban: it has no {settlement} rows.",
        "ru": "{cell}: {region} — город республиканского значения, полностью городской: строки «{settlement}» в нём нет.",
        "kk": "{cell}: {region} — республикалық маңызы бар қала, толығымен қалалық: онда «{settlement}» жолы жоқ.",
    },
    "R_NOT_A_NUMBER": {
        "en": "{cell}: '{found}' is not a number; expected a number (decimal comma or point), or leave it blank.",
        "ru": "{cell}: «{found}» не является числом; ожидается число (с запятой или точкой) либо пустая ячейка.",
        "kk": "{cell}: «{found}» сан емес; сан (үтір немесе нүкте арқылы) немесе бос ұяшық күтіледі.",
    },
    "R_FORMULA_NO_VALUE": {
        "en": "{cell}: the formula has no saved result. Open the file in Excel, let it calculate, and save it.",
        "ru": "{cell}: у формулы нет сохранённого результата. Откройте файл в Excel, дождитесь пересчёта и сохраните.",
        "kk": "{cell}: формуланың сақталған нәтижесі жоқ. Файлды Excel-де ашып, есептелуін күтіп, сақтаңыз.",
    },
    "R_MERGED": {
        "en": "{cell}: merged cells {range} cover several number cells; expected one number per cell.",
        "ru": "{cell}: объединённые ячейки {range} занимают несколько числовых ячеек; ожидается одно число в каждой ячейке.",
        "kk": "{cell}: біріктірілген {range} ұяшықтары бірнеше сандық ұяшықты алады; әр ұяшықта бір сан күтіледі.",
    },
    "R_HARD_BOUNDS": {
        "en": "{cell}: {found} is impossible for {indicator}; expected {low}–{high} {unit}.",
        "ru": "{cell}: значение {found} невозможно для {indicator}; ожидается {low}–{high} {unit}.",
        "kk": "{cell}: {found} мәні {indicator} үшін мүмкін емес; {low}–{high} {unit} күтіледі.",
    },
    "R_NUMERATOR_GT_DENOMINATOR": {
        "en": "{cell}: the numerator {found} of {indicator} is larger than the denominator {denominator}; for a share it cannot be.",
        "ru": "{cell}: числитель {found} для {indicator} больше знаменателя {denominator}; для доли это невозможно.",
        "kk": "{cell}: {indicator} үшін алым {found} бөлімнен {denominator} үлкен; үлес үшін бұл мүмкін емес.",
    },
    "R_DENOMINATOR_ZERO": {
        "en": "{cell}: the denominator of {indicator} is {found}; expected a count greater than 0.",
        "ru": "{cell}: знаменатель для {indicator} равен {found}; ожидается число больше 0.",
        "kk": "{cell}: {indicator} үшін бөлім {found} санына тең; 0-ден үлкен сан күтіледі.",
    },
    "R_NEGATIVE_COUNT": {
        "en": "{cell}: {found} is negative for {indicator}; expected a count of 0 or more.",
        "ru": "{cell}: {found} — отрицательное число для {indicator}; ожидается 0 или больше.",
        "kk": "{cell}: {found} — {indicator} үшін теріс сан; 0 немесе одан көп күтіледі.",
    },
    "R_HALF_RATE": {
        "en": "{cell}: the {missing} of {indicator} is empty, but the {found} is given ({given}); expected both the numerator and the denominator.",
        "ru": "{cell}: не указан {missing} для {indicator}, хотя указан {found} ({given}); ожидаются и числитель, и знаменатель.",
        "kk": "{cell}: {indicator} үшін {missing} көрсетілмеген, ал {found} көрсетілген ({given}); алым да, бөлім де күтіледі.",
    },
    "R_RATE_PARTS_MISSING": {
        "en": "{cell}: only the value is given for {indicator}; expected the numerator and the denominator (the rate is computed from them).",
        "ru": "{cell}: для {indicator} указано только значение; ожидаются числитель и знаменатель (доля вычисляется из них).",
        "kk": "{cell}: {indicator} үшін тек мән көрсетілген; алым мен бөлім күтіледі (үлес солар арқылы есептеледі).",
    },
    "R_VALUE_MISMATCH": {
        "en": "{cell}: the value {found} of {indicator} does not agree with numerator/denominator = {computed}; correct one of the three.",
        "ru": "{cell}: значение {found} для {indicator} не совпадает с числитель/знаменатель = {computed}; исправьте одно из трёх чисел.",
        "kk": "{cell}: {indicator} үшін {found} мәні алым/бөлім = {computed} нәтижесімен сәйкес келмейді; үш санның бірін түзетіңіз.",
    },
    "R_DUPLICATE": {
        "en": "{cell}: {indicator} ({settlement}) appears again; it was already given in row {first_row}.",
        "ru": "{cell}: {indicator} ({settlement}) указан повторно; он уже есть в строке {first_row}.",
        "kk": "{cell}: {indicator} ({settlement}) қайталанған; ол {first_row}-жолда бар.",
    },
    "R_NO_VALUE": {
        "en": "{cell}: the row for {indicator} ({settlement}) has a comment or parts but no number.",
        "ru": "{cell}: в строке {indicator} ({settlement}) нет числа.",
        "kk": "{cell}: {indicator} ({settlement}) жолында сан жоқ.",
    },
    # --- across rows -----------------------------------------------------------------------------------------------
    "X_URBAN_RURAL_SUM": {
        "en": "{cell}: for {indicator}, urban {urban} + rural {rural} = {sum}, but the total {part} is {total}; expected them to add up.",
        "ru": "{cell}: для {indicator} город {urban} + село {rural} = {sum}, а {part} «всего» равен {total}; ожидается, что они сойдутся.",
        "kk": "{cell}: {indicator} бойынша қала {urban} + ауыл {rural} = {sum}, ал барлығы бойынша {part} {total}; олардың қосындысы тең болуы керек.",
    },
    "X_TOTAL_NOT_BETWEEN": {
        "en": "{cell}: the total {total} of {indicator} is not between urban {urban} and rural {rural}.",
        "ru": "{cell}: значение «всего» {total} для {indicator} не лежит между городом {urban} и селом {rural}.",
        "kk": "{cell}: {indicator} үшін барлығы {total} мәні қала {urban} мен ауыл {rural} арасында емес.",
    },
    "X_SET_RULE": {
        "en": "{cell}: {message} ({left} {op} {right}; {settlement}).",
        "ru": "{cell}: {message} ({left} {op} {right}; {settlement}).",
        "kk": "{cell}: {message} ({left} {op} {right}; {settlement}).",
    },
    # --- warnings --------------------------------------------------------------------------------------------------
    "W_PLAUSIBLE": {
        "en": "{cell}: {found} is unusual for {indicator} (usually {low}–{high} {unit}); check it.",
        "ru": "{cell}: {found} — необычное значение для {indicator} (обычно {low}–{high} {unit}); проверьте.",
        "kk": "{cell}: {found} — {indicator} үшін әдеттен тыс мән (әдетте {low}–{high} {unit}); тексеріңіз.",
    },
    "W_FRACTION_FOR_PERCENT": {
        "en": "{cell}: {found} for {indicator} looks like a fraction typed for a percentage (did you mean {percent} %?).",
        "ru": "{cell}: {found} для {indicator} похоже на долю вместо процента (возможно, имелось в виду {percent} %?).",
        "kk": "{cell}: {indicator} үшін {found} пайыздың орнына бөлшек сияқты (мүмкін, {percent} % болар?).",
    },
    "W_FRACTION_BESIDE_PARTS": {
        "en": "{cell}: the value {found} looks like a fraction typed for a percentage: numerator/denominator give {computed} %. Read as {computed} % (the computed rate is what counts); type {computed} in the value cell to confirm.",
        "ru": "{cell}: значение {found_dc} похоже на долю вместо процента: числитель/знаменатель дают {computed_dc} %. Принято как {computed_dc} % (учитывается рассчитанная доля); чтобы подтвердить, укажите в ячейке значения {computed_dc}.",
        "kk": "{cell}: {found_dc} мәні пайыздың орнына бөлшек сияқты: алым/бөлім {computed_dc} % береді. {computed_dc} % ретінде қабылданды (есептелген үлес ескеріледі); растау үшін мән ұяшығына {computed_dc} деп жазыңыз.",
    },
    "W_OVERLAP_SUMMED": {
        "en": "{cell}: {indicator} ({settlement}) is {total}, exactly the sum of its categories {categories} (rows {rows}). The categories overlap (one person can be in several), so they are never summed: give the number of distinct persons, each counted once.",
        "ru": "{cell}: {indicator} ({settlement}) равно {total} — ровно сумме категорий {categories} (строки {rows}). Категории пересекаются (один человек может входить в несколько), поэтому их не суммируют: укажите число человек без повторного счёта, каждого один раз.",
        "kk": "{cell}: {indicator} ({settlement}) {total} санына тең — дәл санаттардың қосындысы {categories} (жолдар {rows}). Санаттар қиылысады (бір адам бірнеше санатта болуы мүмкін), сондықтан оларды қоспайды: әр адамды бір рет санап, қайталанбайтын санын көрсетіңіз.",
    },
    "W_JUMP": {
        "en": "{cell}: {found} against {previous} in {previous_year}: an unusual change for {indicator}; check it.",
        "ru": "{cell}: {found} против {previous} в {previous_year} году — необычное изменение для {indicator}; проверьте.",
        "kk": "{cell}: {previous_year} жылғы {previous} мәнімен салыстырғанда {found} — {indicator} үшін әдеттен тыс өзгеріс; тексеріңіз.",
    },
    "W_MISSING_ROWS": {
        "en": "{count} expected rows have no value (e.g. {examples}); without them the return counts as incomplete.",
        "ru": "В {count} ожидаемых строках нет значения (например, {examples}); без них отчёт считается неполным.",
        "kk": "Күтілген {count} жолда мән жоқ (мысалы, {examples}); оларсыз есеп толық емес болып саналады.",
    },
    "W_DROPPED_ROWS": {
        "en": "{count} values of the return this one replaces are not in it (e.g. {examples}); they will no longer count.",
        "ru": "В этом отчёте нет {count} значений из отчёта, который он заменяет (например, {examples}); они больше не будут учитываться.",
        "kk": "Бұл есепте ол алмастыратын есептегі {count} мән жоқ (мысалы, {examples}); олар бұдан былай есептелмейді.",
    },
    "W_HIDDEN_ROW": {
        "en": "{cell}: row {row} is hidden but holds values; they were read.",
        "ru": "{cell}: строка {row} скрыта, но содержит значения; они прочитаны.",
        "kk": "{cell}: {row}-жол жасырылған, бірақ мәндері бар; олар оқылды.",
    },
    "W_IDENTICAL": {
        "en": "This exact file was already accepted on {accepted_at}; nothing changed.",
        "ru": "Точно такой же файл уже принят {accepted_at}; ничего не изменилось.",
        "kk": "Дәл осындай файл {accepted_at} қабылданған; ештеңе өзгерген жоқ.",
    },
}


# Words for the parts of a rate and for the settlements: a parameter holding one of these tokens is written in the
# message's language ("указан numerator" was English inside Russian).
PART_WORDS = {
    "numerator": {"kk": "алым", "ru": "числитель", "en": "numerator"},
    "denominator": {"kk": "бөлім", "ru": "знаменатель", "en": "denominator"},
}
PART_KEYS = ("found", "missing", "part")
SETTLEMENT_KEYS = ("settlement",)
# Parameters that hold a number: written with a decimal comma in Kazakh and Russian, as the officer's Excel shows it.
NUMBER_KEYS = (
    "found", "low", "high", "denominator", "computed", "urban", "rural", "sum", "total", "previous", "percent", "given",
    "left", "right",
)
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:\s?%)?$")  # 85.3, or a percent-formatted cell's 85.3 %


def indicator_param(row: dict) -> dict[str, str]:
    """The indicator as the officer knows it, per language: ``«name» (code)``; the code alone where the catalogue
    row has no name in that language. ``row`` holds ``indicator_code`` and ``name_kk``/``name_ru``/``name_en``."""
    code = row["indicator_code"]
    return {lang: (f"«{row.get(f'name_{lang}')}» ({code})" if row.get(f"name_{lang}") else code) for lang in LANGS}


def unit_param(unit: str | None) -> dict[str, str]:
    """A bound's unit per language: ``%``, ``балл``/``points``; nothing for counts, ranks and indices."""
    words = {"percent": ("%", "%", "%"), "score": ("балл", "балл", "points")}.get(unit or "", ("", "", ""))
    return dict(zip(("kk", "ru", "en"), words, strict=True))


def rate_param(rate: str, numerator: object, denominator: object) -> dict[str, str]:
    """A rate computed from its parts, per language, quoting the parts as their cells show them:
    ``120,5 (числитель 130 / знаменатель 108)``."""
    def comma(v: object) -> str:
        return str(v).strip().replace(".", ",")

    return {
        lang: f"{comma(rate) if lang != 'en' else rate} ({PART_WORDS['numerator'][lang]} "
        f"{comma(numerator) if lang != 'en' else numerator} / {PART_WORDS['denominator'][lang]} "
        f"{comma(denominator) if lang != 'en' else denominator})"
        for lang in LANGS
    }


def localized(key: str, value: object, lang: str) -> object:
    """One message parameter in ``lang``: a per-language dict gives its entry; a part or settlement token its word;
    a number its decimal comma in Kazakh and Russian."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return value.get(lang, "")
    if key in PART_KEYS and value in PART_WORDS:
        return PART_WORDS[value][lang]
    if key in SETTLEMENT_KEYS and isinstance(value, str) and f"settlement_{value}" in WORDS:
        return WORDS[f"settlement_{value}"][lang]
    if lang in ("kk", "ru") and key in NUMBER_KEYS and not isinstance(value, bool):
        text = str(value).strip()
        if _NUMBER.match(text):
            return text.replace(".", ",")
    return value


def render(code: str, lang: str, params: dict) -> str:
    """The message for ``code`` in ``lang`` with ``params`` filled in, each in that language (``localized``)."""
    template = MESSAGES[code][lang]
    if code[0] not in "RXW":  # file-level findings quote what the file holds (a template version "2019.1"), as is
        values = {k: (v.get(lang, "") if isinstance(v, dict) else ("" if v is None else v)) for k, v in params.items()}
    else:
        values = {k: localized(k, v, lang) for k, v in params.items()}
    return template.format_map(_Blank(values))


class _Blank(dict):
    """Message parameters where one a caller did not give reads as blank, never a KeyError."""

    def __missing__(self, key: str) -> str:
        return ""
