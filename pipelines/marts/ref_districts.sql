-- ref_districts: one row per district (аудан), city of regional significance or city district and validity period,
-- with its 9-digit KATO code and names. Filled from data/raw/regions/districts.csv by build.py.
select kato9, region_code, district_type, name_kk, name_ru, name_en, valid_from, valid_to, notes
from _ref_districts
