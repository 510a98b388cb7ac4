"""Splink beside SatuPintu in `npm run bench:matching`: the same CSV in, cluster ids out.

Usage: python splink_run.py KIND IN.csv [IN2.csv] OUT.csv
  KIND  febrl-dedup | febrl-link | persons-dedup

The configuration is what a competent Splink user would write from Splink's own comparison
library and its documented workflow: term-frequency adjusted names, Splink's date-of-birth
comparison, several blocking rules, u by random sampling, m by EM sessions on two blocking rules,
connected components at a match probability of 0.9 (0.5 for FEBRL, as its tutorials do). The KK
is a household number, so it only blocks (a comparison on it merges parents, children and twins:
precision 0.56 on eval-3k when it was one). The
persons data gets the cleaning a user would do in SQL: lower case, punctuation stripped, a first
and a last name token, the district and birth year derived. Prints one JSON line: seconds and
peak memory (RSS) of this process.
"""

import json
import resource
import sys
import time

import splink.comparison_library as cl
import splink.comparison_level_library as cll
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def febrl_settings(link_type):
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.8]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("state"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "surname"),
            block_on("postcode", "given_name"),
            block_on("street_number", "substr(address_1, 1, 4)"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def persons_settings():
    region = cl.CustomComparison(
        output_column_name="village",
        comparison_levels=[
            cll.NullLevel("village"),
            cll.ExactMatchLevel("village"),
            cll.ExactMatchLevel("district"),
            cll.ExactMatchLevel("regency"),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.DamerauLevenshteinAtThresholds("nik", [1, 2]),
            cl.NameComparison("name").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("last_name", [0.92, 0.85]).configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("birth_date", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.ExactMatch("sex"),
            region,
        ],
        blocking_rules_to_generate_predictions=[
            block_on("nik"),
            block_on("kk"),
            block_on("birth_date", "district"),
            block_on("first_name", "birth_date"),
            block_on("first_name", "birth_year", "district"),
            block_on("last_name", "birth_year", "district"),
        ],
        retain_intermediate_calculation_columns=False,
    )


PERSONS_CLEAN = """
select unique_id,
       nullif(nik, '') as nik,
       nullif(trim(regexp_replace(lower(name), '[^a-z ]', ' ', 'g')), '') as name,
       nullif(split_part(trim(regexp_replace(lower(name), '[^a-z ]', ' ', 'g')), ' ', 1), '') as first_name,
       nullif(list_last(string_split(trim(regexp_replace(lower(name), '[^a-z ]', ' ', 'g')), ' ')), '') as last_name,
       nullif(birth_date, '') as birth_date,
       substr(birth_date, 1, 4) as birth_year,
       nullif(sex, '') as sex,
       nullif(village, '') as village,
       substr(village, 1, 8) as district,
       substr(village, 1, 5) as regency,
       nullif(kk, '') as kk
  from read_csv('{path}', all_varchar = true, header = true, delim = ',', quote = '"', escape = '"')
"""

FEBRL_CLEAN = """
select * replace (trim(date_of_birth) as date_of_birth)
  from read_csv('{path}', all_varchar = true, header = true, delim = ',', quote = '"', escape = '"')
"""


def main():
    kind = sys.argv[1]
    inputs = sys.argv[2:-1]
    out = sys.argv[-1]
    started = time.time()
    db = DuckDBAPI()
    con = db._con
    tables = []
    for i, path in enumerate(inputs):
        sql = (PERSONS_CLEAN if kind == "persons-dedup" else FEBRL_CLEAN).format(path=path)
        con.execute(f"create table input_{i} as {sql}")
        tables.append(db.register(f"input_{i}"))
    if kind == "persons-dedup":
        settings = persons_settings()
        threshold = 0.9
        training = [block_on("nik"), block_on("name", "birth_date")]
    else:
        settings = febrl_settings("link_only" if kind == "febrl-link" else "dedupe_only")
        threshold = 0.5
        training = [block_on("date_of_birth"), block_on("soc_sec_id")]
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nik", "birth_date")] if kind == "persons-dedup" else [block_on("soc_sec_id", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in training:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    con.execute(f"copy (select unique_id, cluster_id from {clusters.physical_name}) to '{out}' (header, delimiter ',')")
    seconds = time.time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(seconds, 2), "peakRssMiB": round(peak)}))


if __name__ == "__main__":
    main()
