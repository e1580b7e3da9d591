"""Candidates as Spark joins and aggregations, the same as Index.candidates finds them.

- A key's weight is index.key_weight(kind, entries under the key), from the list side.
- Each query key group adds, per entry, the weight of its best key the entry has.
- Keys under more than MAX_POSTING entries, and keys of the kinds in ONLY_ADDS (the country),
  find nothing; a common name word ("n:") or a country ("c:") still adds
  its weight to the entries found otherwise that have it.
- Weights are rounded to WEIGHT_DIGITS, kept from MIN_CANDIDATE_WEIGHT, and the best ``limit``
  per query and list go on, ties to the earlier list position.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from subtier.core.screen.index import (
    ADDS_WHEN_COMMON,
    MAX_POSTING,
    MIN_CANDIDATE_WEIGHT,
    ONLY_ADDS,
    WEIGHT_DIGITS,
    key_weight,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def keyed_list(spark: SparkSession, entry_keys: DataFrame) -> DataFrame:
    """(list_no, key, position, size, weight, common) for every key of every list entry.

    The weights are worked out in Python from the distinct (kind, size) pairs, a few thousand
    at most, so that they are the very floats the local engine adds.
    """
    from pyspark.sql import functions as fn

    sizes = entry_keys.groupBy("list_no", "key").agg(fn.count("*").alias("size"))
    sizes = sizes.withColumn("kind", fn.substring("key", 1, 1))
    pairs = sizes.select("kind", "size").distinct().collect()
    weights = spark.createDataFrame(
        [(kind, size, key_weight(kind, size)) for kind, size in pairs],
        "kind string, size long, weight double",
    )
    info = sizes.join(fn.broadcast(weights), ["kind", "size"])
    return entry_keys.join(info, ["list_no", "key"]).withColumn(
        "common",
        (fn.col("size") > MAX_POSTING) | fn.substring("key", 1, 1).isin(*sorted(ONLY_ADDS)),
    )


def candidates(hits: DataFrame, keyed: DataFrame, limit: int, small: bool) -> DataFrame:
    """(ordinal, list_no, position, crank) for the best ``limit`` candidates per query and list.

    ``hits`` holds each query key the lists have: (ordinal, grp, key, list_no, size, weight,
    common); it is read twice, so the caller keeps it.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as fn

    regular_keys = keyed.where(~fn.col("common")).select("list_no", "key", "position")
    common_keys = keyed.where(fn.col("common")).select("list_no", "key", "position")
    if small:
        regular_keys, common_keys = fn.broadcast(regular_keys), fn.broadcast(common_keys)
    found = (
        hits.where(~fn.col("common"))
        .select("ordinal", "grp", "list_no", "key", "weight")
        .join(regular_keys, ["list_no", "key"])
        .groupBy("ordinal", "list_no", "grp", "position")
        .agg(fn.max("weight").alias("weight"))
        .groupBy("ordinal", "list_no", "position")
        .agg(fn.sum("weight").alias("weight"))
    )
    adds = fn.substring("key", 1, 1).isin(*sorted(ADDS_WHEN_COMMON))
    common_words = hits.where(fn.col("common") & adds).select(
        "ordinal", "list_no", "key", fn.col("weight").alias("extra")
    )
    extra = (
        found.select("ordinal", "list_no", "position")
        .join(common_words, ["ordinal", "list_no"])
        .join(common_keys, ["list_no", "key", "position"])
        .groupBy("ordinal", "list_no", "position")
        .agg(fn.sum("extra").alias("extra"))
    )
    total = found.join(extra, ["ordinal", "list_no", "position"], "left").select(
        "ordinal",
        "list_no",
        "position",
        fn.round(fn.col("weight") + fn.coalesce(fn.col("extra"), fn.lit(0.0)), WEIGHT_DIGITS).alias(
            "weight"
        ),
    )
    best = Window.partitionBy("ordinal", "list_no").orderBy(
        fn.col("weight").desc(), fn.col("position")
    )
    return (
        total.where(fn.col("weight") >= MIN_CANDIDATE_WEIGHT)
        .withColumn("crank", fn.row_number().over(best))
        .where(fn.col("crank") <= limit)
        .select("ordinal", "list_no", "position", "crank")
    )
