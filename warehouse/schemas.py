"""The data contract: every release table's columns, Arrow types and bilingual descriptions.

BI tools read these files directly, so the types are the plain ones every reader understands:
`string` (never large_string or dictionary), float64 measures, int64 years, bool, date32 for
publication dates and UTC microsecond timestamps.

Besides the types, a table declares what `datapackage.json` publishes about its values: the closed
vocabulary (`enum`) of each code column and the foreign keys between tables. Both are data here, so a
new table declares its own: `Column(..., enum=("a", "b"))` for a fixed list, `enum="measure_unit"` for a
vocabulary of the catalog (`VOCABULARIES`, resolved when a release is written), and
`TableSpec(..., foreign_keys=(ForeignKey(("unit",), "measure_units", ("code",)),))`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from catalog.models import PRICE_BASES, QUALIFIERS, SOURCE_KINDS

if TYPE_CHECKING:
    from catalog.loader import Catalog

STR = pa.string()
F64 = pa.float64()
I64 = pa.int64()
BOOL = pa.bool_()
DATE = pa.date32()


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    en: str
    zh: str
    nullable: bool = True
    # the closed vocabulary of a code column: the values themselves, or the name of a catalog vocabulary
    # (VOCABULARIES) resolved when a release is written; published as the field's constraints.enum
    enum: tuple[str, ...] | str | None = None


@dataclass(frozen=True)
class ForeignKey:
    """`fields` of this table hold values of `ref_fields` of table `table` (empty cells are not checked)."""
    fields: tuple[str, ...]
    table: str
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    name: str
    en: str
    zh: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def schema(self) -> pa.Schema:
        """The Arrow schema, with each column's descriptions as field metadata and the table's as schema
        metadata (written into the Parquet files, read back by pyarrow; keys in METADATA_KEYS)."""
        fields = [pa.field(c.name, c.type, nullable=c.nullable,
                           metadata={"description": c.en, "description_zh": c.zh}) for c in self.columns]
        return pa.schema(fields, metadata={"table": self.name, "description": self.en, "description_zh": self.zh,
                                           "primary_key": json.dumps(list(self.key))})

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


C = Column
FK = ForeignKey

# Vocabularies of the code columns. What the catalog holds (indicator codes, units of measure, zones) is
# read from it when a release is written (`vocabularies`); the fixed ones are listed here or in catalog.models.
VOCABULARIES = ("indicator", "measure_unit", "zone_id", "zone_id_or_all")
ALL_ZONES = "ALL"  # indicators.zone_id of the aggregate of a basis's zones
PERIOD_TYPES = ("year", "part_year", "span")
VINTAGE_POLICIES = ("latest", "first_release")
BASES = ("host", "paper2022")
SOURCE_STATUSES = ("ok", "partial", "no_text", "blocked", "not_a_bulletin", "unreadable", "unsupported", "corrupt",
                   "curated")


def vocabularies(cat: Catalog) -> dict[str, tuple[str, ...]]:
    """The catalog's vocabularies that `Column.enum` can name, as they are when a release is written."""
    zones = tuple(sorted(cat.zones))
    return {"indicator": tuple(sorted(cat.indicators)), "measure_unit": tuple(sorted(cat.measure_units)),
            "zone_id": zones, "zone_id_or_all": (*zones, ALL_ZONES)}


def resolve_enum(col: Column, vocab: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A column's closed vocabulary as a list, or None when it has none (KeyError for an unknown name)."""
    if col.enum is None:
        return None
    return list(vocab[col.enum]) if isinstance(col.enum, str) else list(col.enum)

_UNIT_EN = ("the statistical unit: unit:<administrative code> (unit:533102), or zone_scope:<zone_id> for a zone's "
            "own statistical scope (试验区口径)")
_UNIT_ZH = "统计单位标识：unit:<行政区划代码>（unit:533102）；试验区口径为 zone_scope:<zone_id>"
_ADCODE_EN = ("GB/T 2260 administrative division code of the unit (533102), for joins with other datasets; null for a "
              "zone's own scope")
_ADCODE_ZH = "统计单位的行政区划代码（GB/T 2260，如 533102），用于与其他数据关联；试验区口径为空"

_LINEAGE = (
    C("source_id", STR, "sha256 of the archived document, or of the citation of a curated figure",
      "来源标识：存档文件的 sha256，或人工录入数据引文的 sha256", False),
    C("source_kind", STR, "kind of source: bulletin, census_bulletin, yearbook, government_site, work_report, "
      "official_media, news, reference_work, paper, secondary", "来源类型", False, enum=SOURCE_KINDS),
    C("vintage", DATE, "publication date of the source (null when the source does not state it)",
      "来源发布日期（未注明时为空）"),
)

OBSERVATIONS = TableSpec(
    "observations",
    "Every published number: one row per figure per source, all vintages, with lineage",
    "全部已发布数值：每个来源的每个数字一行，含全部版本与出处",
    ("obs_id",),
    (
        C("obs_id", STR, "stable id of the row: obs: and 16 hex digits of the hash of source, locator, indicator, "
          "period and unit", "行标识：obs: 加来源、位置、指标、统计期、计量单位的哈希（16 位十六进制）", False),
        C("unit_code", STR, _UNIT_EN, _UNIT_ZH, False),
        C("adcode", I64, _ADCODE_EN, _ADCODE_ZH),
        C("unit_name", STR, "name of the unit", "统计单位名称"),
        C("period", STR, "2020; 2020-01/2020-07 for part of a year; 2016/2020 for a span", "统计期", False),
        C("year", I64, "last year the period touches", "统计期所在（末）年份", False),
        C("period_type", STR, "year | part_year | span", "统计期类型", False, enum=PERIOD_TYPES),
        C("indicator", STR, "indicator code (indicators_catalog)", "指标代码", False, enum="indicator"),
        C("value", F64, "value in the canonical unit; null when only a rate is given", "数值（规范单位）"),
        C("unit", STR, "unit of measure code (CNY_100M = 亿元, USD_100M = 亿美元, PCT, …)", "计量单位代码", False,
          enum="measure_unit"),
        C("growth_pct", F64, "year-on-year growth stated with the figure, %", "同比增长（%）"),
        C("price_basis", STR, "current | comparable | null", "价格口径", enum=PRICE_BASES),
        C("qualifier", STR, "estimate | preliminary | approximate | lower_bound | cumulative | null", "数值限定",
          enum=QUALIFIERS),
        C("value_raw", STR, "the figure as printed", "原文数值"),
        C("unit_raw", STR, "the unit as printed", "原文单位"),
        *_LINEAGE,
        C("locator", STR, "where in the source: page and character span, table cell, or curated file line",
          "出处位置：页码与字符位置、表格单元格或录入文件行号", False),
        C("extractor_version", STR, "version of the extractor (null for curated figures)", "抽取程序版本"),
        C("origin", STR, "extracted | curated", "数据产生方式", False, enum=("extracted", "curated")),
        C("context", STR, "the sentence or table row the figure was read from", "原文语句或表格行"),
    ),
    foreign_keys=(FK(("indicator",), "indicators_catalog", ("indicator",)),
                  FK(("source_id",), "sources", ("source_id",))),
)

PANEL = TableSpec(
    "panel",
    "One value per series, period, indicator and unit of measure under the vintage policy; zone rows add up "
    "their member units",
    "按版本策略每个序列、统计期、指标、计量单位取一个值；试验区行为成员单位之和",
    ("series_id", "period", "indicator", "unit"),
    (
        C("series_id", STR, "the series: a unit's id (unit:533102, zone_scope:ruili), or zone:<zone_id> for the zone "
          "computed from its host units; the part before the colon is series_kind",
          "序列标识：统计单位标识（unit:533102、zone_scope:ruili），或 zone:<zone_id>（由东道单位汇总）；"
          "冒号前为序列类型",
          False),
        C("series_kind", STR, "unit | zone_scope | zone", "序列类型", False, enum=("unit", "zone_scope", "zone")),
        C("zone_id", STR, "the zone of a zone row, or of a unit that hosts a zone", "所属试验区", enum="zone_id"),
        C("unit_code", STR, "the unit of a unit or zone_scope row (unit:…, zone_scope:…); null for zone rows",
          "统计单位标识（unit:… 或 zone_scope:…）；试验区汇总行为空"),
        C("adcode", I64, "GB/T 2260 administrative division code of a unit row's unit; null for zone and zone_scope "
          "rows",
          "统计单位的行政区划代码（GB/T 2260）；试验区汇总行与试验区口径行为空"),
        C("name_zh", STR, "Chinese name", "中文名称"),
        C("name_en", STR, "English name", "英文名称"),
        C("period", STR, "statistical period", "统计期", False),
        C("year", I64, "last year the period touches", "年份", False),
        C("period_type", STR, "year | part_year | span", "统计期类型", False, enum=PERIOD_TYPES),
        C("indicator", STR, "indicator code", "指标代码", False, enum="indicator"),
        C("value", F64, "value in the unit of measure", "数值"),
        C("unit", STR, "unit of measure code", "计量单位代码", False, enum="measure_unit"),
        C("growth_pct", F64, "year-on-year growth, % (zone rows: weighted by the members' previous-year values)",
          "同比增长（%）"),
        C("price_basis", STR, "current | comparable | null", "价格口径", enum=PRICE_BASES),
        C("qualifier", STR, "qualifier of the chosen figure", "数值限定", enum=QUALIFIERS),
        C("status", STR, "ok | conflict (sources of equal standing disagree; value left empty)",
          "状态：ok 或 conflict（同等级来源数值不一致，数值留空）", False, enum=("ok", "conflict")),
        C("method", STR, "selected | sum_of_members | ratio_of_sums | single_member", "取值方法", False,
          enum=("selected", "sum_of_members", "ratio_of_sums", "single_member")),
        *_LINEAGE,
        C("obs_ids", STR, "observations used (';'-separated obs_id, obs:…)", "所用观测行标识（分号分隔，obs:…）",
          False),
        C("growth_obs_id", STR, "observation the growth rate comes from, when not the value's", "增长率所用观测行"),
        C("n_candidates", I64, "observations competing for this cell", "候选观测数", False),
        C("n_distinct_values", I64, "distinct values among the candidates", "候选中不同数值个数", False),
        C("revised", BOOL, "the chosen value differs from the first release", "是否与首次发布值不同", False),
        C("vintage_policy", STR, "latest | first_release", "版本策略", False, enum=VINTAGE_POLICIES),
    ),
    foreign_keys=(FK(("zone_id",), "zones", ("zone_id",)), FK(("indicator",), "indicators_catalog", ("indicator",)),
                  FK(("growth_obs_id",), "observations", ("obs_id",))),
)

ZONES = TableSpec(
    "zones",
    "The nine zones, the year each was established and its units",
    "九个沿边重点开发开放试验区、设立年份及统计单位",
    ("zone_id",),
    (
        C("zone_id", STR, "zone id", "试验区标识", False),
        C("name_zh", STR, "Chinese name", "中文名称", False),
        C("name_en", STR, "English name", "英文名称", False),
        C("established", I64, "year the zone was approved", "批准设立年份", False),
        C("province", STR, "province", "所在省区", False),
        C("neighbours", STR, "neighbouring countries (';'-separated)", "毗邻国家", False),
        C("host_units", STR, "host statistical units (';'-separated unit ids, unit:…)",
          "东道统计单位（分号分隔，unit:…）", False),
        C("paper_units", STR, "units the 2022 paper uses for the zone (';'-separated unit ids)", "论文所用统计单位"),
        C("zone_scope_unit", STR, "unit id of the zone's own-scope figures (zone_scope:<zone_id>)",
          "试验区口径单位标识（zone_scope:<zone_id>）"),
        C("note", STR, "note", "备注"),
    ),
)

INDICATORS_CATALOG = TableSpec(
    "indicators_catalog",
    "The indicator vocabulary: codes, names, canonical units",
    "指标目录：代码、名称、规范计量单位",
    ("indicator",),
    (
        C("indicator", STR, "indicator code", "指标代码", False),
        C("name_zh", STR, "Chinese name", "中文名称", False),
        C("name_en", STR, "English name", "英文名称", False),
        C("unit", STR, "canonical unit of measure", "规范计量单位", False, enum="measure_unit"),
        C("unit_name_zh", STR, "unit of measure in Chinese", "计量单位中文", False),
        C("unit_name_en", STR, "unit of measure in English", "计量单位英文", False),
        C("alt_units", STR, "other units kept as published (';'-separated)", "按原币种保留的其他单位"),
        C("additive", BOOL, "a zone value is the sum of its member units", "可加总", False),
        C("category", STR, "category", "类别", False),
        C("aliases", STR, "names recognised in documents ('|'-separated)", "文档中识别的名称"),
    ),
)

SOURCES = TableSpec(
    "sources",
    "Every source document and citation: what it is, where it came from, what extraction made of it",
    "全部来源文件与引文：类型、出处及抽取结果",
    ("source_id",),
    (
        C("source_id", STR, "sha256 of the document or of the citation", "来源标识", False),
        C("origin", STR, "archive | curated", "来源方式", False, enum=("archive", "curated")),
        C("source_kind", STR, "kind of source", "来源类型", enum=SOURCE_KINDS),
        C("title", STR, "the document cited: its title (fetched or ingested documents), or the citation as the "
          "curated file gives it (a bracket may name the repost it was read in)",
          "所引文件：文件标题（抓取或导入的文件），或人工录入文件所载引文（括号内可能注明转载处）"),
        C("issuer", STR, "issuing body as the title states it (…人民政府, …市政府, …统计局, …海关, …边检站, …), "
          "or the news organisation a news item's title starts with (人民日报…, Xinhua: …) unless it says it "
          "reproduced the item (…转载); null when the title names none: never inferred from the address",
          "发布机关：仅取自标题所载（如…人民政府、…统计局、…海关），或新闻标题开头所载媒体（如人民日报、新华社），"
          "标明转载者除外；标题未载明时为空，从不据网址推断"),
        C("url", STR, "the address the document was seen at (fetched from or cited), or the local path it was "
          "ingested from; not the publisher unless url_kind is official",
          "所见网址（抓取或引用的地址）或导入时的本地路径；除 url_kind 为 official 外，并非发布机关网站"),
        C("url_kind", STR, "what site the address is: official (a government site), media (a news organisation), "
          "aggregator (collects bulletins), reference (encyclopedia, wiki, academic), repost (an unrelated site "
          "reproducing the text: the document cited is the title's, not the site's); curated citations: from the "
          "curated file; archived documents: official when the host is one of the registry's official hosts, else "
          "null",
          "网址类型：official 政府网站，media 新闻机构，aggregator 公报汇集网站，reference 百科/维基/学术，"
          "repost 无关网站转载（所引文件以标题为准）；人工录入引文取自录入文件；"
          "存档文件的主机属于来源登记的官方主机时为 official，否则为空"),
        C("url_kind_note", STR, "why url_kind is empty (null when it is known)", "网址类型为空的原因（已知时为空）"),
        C("unit_code", STR, "unit the document is about (unit:… or zone_scope:…)", "文件所述统计单位标识"),
        C("adcode", I64, _ADCODE_EN, _ADCODE_ZH),
        C("data_year", I64, "data year", "数据年份"),
        C("vintage", DATE, "publication date (null when the source states none, or only a year or month)",
          "发布日期（未注明或只注明年、月时为空）"),
        C("published", STR, "publication date as the source states it: YYYY, YYYY-MM or YYYY-MM-DD",
          "来源所载发布日期：YYYY、YYYY-MM 或 YYYY-MM-DD"),
        C("retrieved_at", pa.timestamp("us", tz="UTC"), "when the bytes were archived (fetched, or ingested from a "
          "local file); null for curated citations, whose files record where a figure was read, not when",
          "存档时间（抓取或导入）；人工录入引文只记录出处、不记录访问时间，为空"),
        C("retrieved_note", STR, "why retrieved_at is empty, or what it means for an ingested file (null for a "
          "fetched document: it is the fetch time)", "存档时间为空的原因，或导入文件存档时间的含义（抓取文件为空）"),
        C("format", STR, "html | pdf | text | docx | curated", "格式"),
        C("status", STR, "ok | partial | no_text | blocked | not_a_bulletin | unreadable | corrupt | curated",
          "抽取状态", False, enum=SOURCE_STATUSES),
        C("n_observations", I64, "observations taken from it", "抽取观测数", False),
        C("problems", STR, "problems found while reading it (one per line)", "问题记录"),
        C("extractor_version", STR, "extractor version", "抽取程序版本"),
        C("curated_file", STR, "file name of the curated CSV", "人工录入文件名"),
    ),
)

VALIDATION = TableSpec(
    "validation",
    "Every check run on this release: blocking checks must pass for a release to be written",
    "本版本执行的全部校验：阻断性校验必须通过才能发布",
    ("table_name", "check"),
    (
        C("table_name", STR, "table checked", "被校验表", False),
        C("check", STR, "check id", "校验标识", False),
        C("severity", STR, "blocking | warning", "级别", False, enum=("blocking", "warning")),
        C("engine", STR, "great_expectations | rule", "校验引擎", False, enum=("great_expectations", "rule")),
        C("description", STR, "what is checked", "校验内容", False),
        C("success", BOOL, "passed", "是否通过", False),
        C("n_checked", I64, "rows checked", "校验行数", False),
        C("n_failed", I64, "rows failing", "未通过行数", False),
        C("failures", STR, "the offending rows, named (first 20)", "未通过的行（前 20 条）"),
    ),
)

INDICATORS = TableSpec(
    "indicators",
    "The paper's derived indicators per zone, basis and year, each with its method and the panel rows used",
    "论文衍生指标：按试验区、口径、年份，附计算方法与所用面板行",
    ("zone_id", "basis", "year", "indicator"),
    (
        C("zone_id", STR, "zone id, or ALL for the aggregate of the basis's set of zones", "试验区标识（ALL 为合计）",
          False, enum="zone_id_or_all"),
        C("basis", STR, "host: the zone's own host units; paper2022: the units the 2022 paper uses",
          "口径：host 为东道单位；paper2022 为论文所用单位", False, enum=BASES),
        C("year", I64, "year", "年份", False),
        C("indicator", STR, "derived indicator code", "衍生指标代码", False),
        C("value", F64, "value", "数值"),
        C("value_text", STR, "categorical value (dominant_sector: primary | secondary | tertiary)", "分类取值"),
        C("unit", STR, "unit of measure code", "计量单位代码", False, enum="measure_unit"),
        C("base_year", I64, "base year of a growth measure (the establishment year, or 2019 for the COVID shock)",
          "基年"),
        C("method", STR, "how it was computed", "计算方法", False),
        C("vintage_policy", STR, "vintage policy of the panel it came from", "版本策略", False, enum=VINTAGE_POLICIES),
        C("inputs", STR, "panel rows used, ';'-separated series_id/period/indicator/unit "
          "(zone:ruili/2020/gdp/CNY_100M)", "所用面板行（分号分隔：序列/统计期/指标/计量单位）", False),
        C("fx_rate", F64, "yuan per US dollar used to convert a dollar figure (annual average), else null",
          "美元折算汇率（年平均）"),
    ),
)

NOT_COMPUTABLE = TableSpec(
    "not_computable",
    "Derived indicators that could not be computed, with the missing inputs named",
    "无法计算的衍生指标及所缺输入",
    ("zone_id", "basis", "year", "indicator"),
    (
        C("zone_id", STR, "zone id or ALL", "试验区标识", False, enum="zone_id_or_all"),
        C("basis", STR, "host | paper2022", "口径", False, enum=BASES),
        C("year", I64, "year", "年份", False),
        C("indicator", STR, "derived indicator code", "衍生指标代码", False),
        C("missing_inputs", STR, "the panel values that are missing", "缺少的输入", False),
        C("reason", STR, "why, when it is not only missing inputs", "原因"),
    ),
)

# --- dimension tables: the catalog's reference data, in every release so BI tools relate the tables without it ---

UNITS = TableSpec(
    "units",
    "The statistical units: administrative codes, names, level, parent, province, zones, former names",
    "统计单位：行政区划代码、名称、级别、上级、省区、所属试验区、曾用名",
    ("unit_code",),
    (
        C("unit_code", STR, "the unit's id: unit:<administrative division code>, or zone_scope:<zone_id> for a zone's "
          "own statistical scope (observations.unit_code, panel.unit_code and sources.unit_code join here)",
          "统计单位标识：unit:<行政区划代码>，试验区口径为 zone_scope:<zone_id>"
          "（观测表、面板表、来源表的 unit_code 与此关联）",
          False),
        C("adcode", I64, _ADCODE_EN, _ADCODE_ZH),
        C("name_zh", STR, "official Chinese name", "现用中文名称", False),
        C("name_en", STR, "English name", "英文名称", False),
        C("level", STR, "prefecture | county_city | county | district | zone_scope", "级别", False),
        C("parent_code", STR, "unit_code (unit:…) of the unit above it (for a zone scope: the unit it lies in)",
          "上级单位标识（unit:…；试验区口径为其所在单位）"),
        C("province", STR, "province or autonomous region", "所在省区", False),
        C("zone_ids", STR, "zones whose figures cover the unit (';'-separated; for joins use unit_zones, one row per "
          "unit and zone)", "所属试验区（分号分隔；关联请用 unit_zones 表）"),
        C("name_since", I64, "year the present official name (and code) took effect, when known",
          "现用名称（及代码）启用年份"),
        C("former_names", STR, "former names with their years and former codes, ';'-separated, e.g. "
          "东宁县 (code 231024, until 2015)", "曾用名及其使用年份、原代码（分号分隔）"),
        C("short_names", STR, "short names recognised in documents (';'-separated)", "文档中识别的简称（分号分隔）"),
        C("note", STR, "note", "备注"),
    ),
)

UNIT_ZONES = TableSpec(
    "unit_zones",
    "Which units belong to which zone, and how (a bridge table: a unit may belong to more than one zone)",
    "统计单位与试验区的对应关系（桥接表：一个单位可属于多个试验区）",
    ("unit_code", "zone_id"),
    (
        C("unit_code", STR, "unit id (units.unit_code)", "统计单位标识", False),
        C("zone_id", STR, "zone id (zones.zone_id)", "试验区标识", False),
        C("roles", STR, "why the unit belongs to the zone, ';'-separated: host (a host unit: zone rows add these "
          "up), paper (a unit the 2022 paper uses), zone_scope (the zone's own scope), parent (above a host unit), "
          "child (a district or county under one of these)",
          "所属原因（分号分隔）：host 东道单位、paper 论文所用单位、zone_scope 试验区口径、parent 东道单位的上级、"
          "child 上述单位的下辖区县", False),
        C("is_host", BOOL, "the unit is one of the zone's host units", "是否东道单位", False),
    ),
)

MEASURE_UNITS = TableSpec(
    "measure_units",
    "The units of measure: codes used in the unit columns, names, and their size in base units",
    "计量单位：各表 unit 列所用代码、名称及其折合基本单位数",
    ("code",),
    (
        C("code", STR, "unit of measure code (observations.unit, panel.unit, indicators.unit, indicators_catalog.unit "
          "join here)", "计量单位代码（各表 unit 列与此关联）", False),
        C("name_zh", STR, "Chinese name", "中文名称", False),
        C("name_en", STR, "English name", "英文名称", False),
        C("family", STR, "what it measures: cny, usd, persons, tonnes, teu, m3, person_trips, vehicle_trips, count, "
          "pct", "计量类别", False),
        C("base_multiple", I64, "base units (yuan, dollars, persons, …) in one of this unit: CNY_100M = 100000000",
          "折合基本单位数（如 亿元 = 100000000 元）", False),
    ),
)

FX_RATES = TableSpec(
    "fx_rates",
    "Annual average exchange rates used to convert dollar figures into yuan, with their citation",
    "年平均汇率（用于美元数据折算人民币）及其出处",
    ("year", "currency"),
    (
        C("year", I64, "year (panel.year and indicators.year join here)", "年份", False),
        C("currency", STR, "currency converted (USD)", "币种", False),
        C("cny_per_unit", F64, "yuan per unit of the currency (indicators.fx_rate is this value)",
          "每单位外币折合人民币元", False),
        C("basis", STR, "annual average", "口径", False),
        C("source", STR, "citation as recorded in the catalog: publisher: document", "出处（发布机构: 文件）", False),
        C("source_publisher", STR, "publisher of the cited document", "发布机构"),
        C("source_title", STR, "title of the cited document", "文件名称", False),
    ),
)

CHANGES = TableSpec(
    "changes",
    "What changed since the parent release (manifest.json: parent): panel and indicators rows added, removed or "
    "revised, old and new values side by side; in a first release every row is added",
    "相对上一版本（manifest.json 的 parent）的变化：面板表与衍生指标表新增、删除或修订的行，新旧数值并列；"
    "首个版本全部为新增",
    ("table_name", "row_id"),
    (
        C("table_name", STR, "panel | indicators: the table the row belongs to", "所在表", False),
        C("row_id", STR, "the row: panel series_id/period/indicator/unit (as in indicators.inputs); indicators "
          "zone_id/basis/year/indicator", "行标识：面板为 series_id/period/indicator/unit；衍生指标为 "
          "zone_id/basis/year/indicator", False),
        C("change", STR, "added | removed | revised", "变化类型：新增、删除、修订", False),
        C("revised_fields", STR, "what a revision changed, ';'-separated: value, growth_pct, value_text",
          "修订的字段（分号分隔）"),
        C("series_id", STR, "panel series (null for indicators)", "面板序列标识（衍生指标为空）"),
        C("zone_id", STR, "the row's zone_id (null for a unit row of no zone: relate through unit_zones)",
          "所属试验区（不属于任何试验区的单位行为空，可经 unit_zones 关联）"),
        C("basis", STR, "indicators basis: host | paper2022 (null for panel)", "衍生指标口径（面板为空）"),
        C("period", STR, "statistical period (indicators: the year)", "统计期（衍生指标为年份）", False),
        C("year", I64, "year", "年份", False),
        C("indicator", STR, "indicator code", "指标代码", False),
        C("unit", STR, "unit of measure code", "计量单位代码", False),
        C("old_value", F64, "value in the parent release (null: added, or no value)", "上一版本数值"),
        C("new_value", F64, "value in this release (null: removed, or no value)", "本版本数值"),
        C("old_value_text", STR, "categorical value in the parent release (indicators)", "上一版本分类取值"),
        C("new_value_text", STR, "categorical value in this release (indicators)", "本版本分类取值"),
        C("old_growth_pct", F64, "growth rate in the parent release, % (panel)", "上一版本同比增长（%）"),
        C("new_growth_pct", F64, "growth rate in this release, % (panel)", "本版本同比增长（%）"),
        C("old_source_id", STR, "source of the value in the parent release (panel; sources.source_id)",
          "上一版本数值来源标识"),
        C("new_source_id", STR, "source of the value in this release (panel; sources.source_id)", "本版本数值来源标识"),
        C("old_inputs", STR, "what supplied the old row: panel obs_ids (and growth_obs_id), ';'-separated; "
          "indicators inputs", "上一版本所用输入：面板为观测行标识；衍生指标为所用面板行"),
        C("new_inputs", STR, "what supplied the new row: panel obs_ids (and growth_obs_id), ';'-separated; "
          "indicators inputs", "本版本所用输入：面板为观测行标识；衍生指标为所用面板行"),
    ),
)

@dataclass(frozen=True)
class Measure:
    """A value column of zone_year and the one panel or indicators row it is taken from: `panel` (the panel's
    value), `panel_growth` (its growth_pct), `indicators` (the indicator's value), `indicators_text` (value_text)."""

    column: str
    source: str
    indicator: str
    unit: str  # the unit of measure of that row
    en: str
    zh: str


M = Measure
_CNY, _USD = "100 million yuan (亿元)", "100 million US dollars (亿美元)"
ZONE_YEAR_MEASURES: tuple[Measure, ...] = (
    M("gdp_cny_100m", "panel", "gdp", "CNY_100M", f"GDP, {_CNY}, current prices", "地区生产总值（亿元，当年价）"),
    M("gdp_growth_pct", "panel_growth", "gdp", "CNY_100M", "GDP growth on the previous year as published, % "
      "(real, comparable prices)", "地区生产总值比上年增长（%，按可比价格计算，公报所载）"),
    M("va_primary_cny_100m", "panel", "va_primary", "CNY_100M", f"value added of the primary sector, {_CNY}",
      "第一产业增加值（亿元）"),
    M("va_secondary_cny_100m", "panel", "va_secondary", "CNY_100M", f"value added of the secondary sector, {_CNY}",
      "第二产业增加值（亿元）"),
    M("va_tertiary_cny_100m", "panel", "va_tertiary", "CNY_100M", f"value added of the tertiary sector, {_CNY}",
      "第三产业增加值（亿元）"),
    M("gdp_per_capita_cny", "panel", "gdp_per_capita", "CNY", "GDP per capita, yuan (元)", "人均地区生产总值（元）"),
    M("trade_total_cny_100m", "panel", "trade_total", "CNY_100M", f"foreign trade (imports + exports) as published in "
      f"yuan, {_CNY}", "外贸进出口总额（以人民币公布，亿元）"),
    M("trade_total_usd_100m", "panel", "trade_total", "USD_100M", f"foreign trade (imports + exports) as published in "
      f"dollars, {_USD}", "外贸进出口总额（以美元公布，亿美元）"),
    M("exports_cny_100m", "panel", "exports", "CNY_100M", f"exports as published in yuan, {_CNY}", "出口额（亿元）"),
    M("exports_usd_100m", "panel", "exports", "USD_100M", f"exports as published in dollars, {_USD}",
      "出口额（亿美元）"),
    M("imports_cny_100m", "panel", "imports", "CNY_100M", f"imports as published in yuan, {_CNY}", "进口额（亿元）"),
    M("imports_usd_100m", "panel", "imports", "USD_100M", f"imports as published in dollars, {_USD}",
      "进口额（亿美元）"),
    M("fiscal_revenue_cny_100m", "panel", "fiscal_revenue", "CNY_100M", f"general public budget revenue "
      f"(一般公共预算收入), {_CNY}", "一般公共预算收入（亿元）"),
    M("fiscal_expenditure_cny_100m", "panel", "fiscal_expenditure", "CNY_100M", f"general public budget expenditure "
      f"(一般公共预算支出), {_CNY}", "一般公共预算支出（亿元）"),
    M("population_resident_10k_persons", "panel", "population_resident", "10K_PERSONS",
      "resident population at year end, 10 thousand persons (万人)", "年末常住人口（万人）"),
    M("population_registered_10k_persons", "panel", "population_registered", "10K_PERSONS",
      "registered (hukou) population, 10 thousand persons (万人)", "户籍人口（万人）"),
    M("gdp_share_of_zones_pct", "indicators", "gdp_share_of_zones_pct", "PCT",
      "share of the zone in the GDP of the basis's set of zones, %", "占本口径试验区地区生产总值合计的比重（%）"),
    M("gdp_growth_since_establishment_pct", "indicators", "gdp_growth_since_establishment_pct", "PCT",
      "nominal GDP growth since the year the zone was established, % (the paper's method)",
      "设立以来地区生产总值名义增长（%，论文方法）"),
    M("gdp_real_growth_since_establishment_pct", "indicators", "gdp_real_growth_since_establishment_pct", "PCT",
      "real GDP growth since establishment, the official yearly rates chained, %",
      "设立以来地区生产总值实际增长（%，逐年增速连乘）"),
    M("gdp_cagr_since_establishment_pct", "indicators", "gdp_cagr_since_establishment_pct", "PCT",
      "average yearly nominal GDP growth since establishment, %", "设立以来地区生产总值年均名义增长（%）"),
    *(M(f"va_{s}_growth_since_establishment_pct", "indicators", f"va_{s}_growth_since_establishment_pct", "PCT",
        f"nominal growth of {s} value added since establishment, %", f"设立以来{zh}增加值名义增长（%）")
      for s, zh in (("primary", "第一产业"), ("secondary", "第二产业"), ("tertiary", "第三产业"))),
    *(M(f"va_{s}_share_pct", "indicators", f"va_{s}_share_pct", "PCT",
        f"{s} sector's share of the three sectors' value added, %", f"{zh}增加值占三次产业合计的比重（%）")
      for s, zh in (("primary", "第一产业"), ("secondary", "第二产业"), ("tertiary", "第三产业"))),
    M("dominant_sector", "indicators_text", "dominant_sector", "PCT",
      "the sector with the largest value added: primary | secondary | tertiary", "增加值最大的产业"),
    M("fiscal_self_sufficiency_pct", "indicators", "fiscal_self_sufficiency_pct", "PCT",
      "fiscal self-sufficiency: budget revenue / budget expenditure, %", "财政自给率：一般公共预算收入/支出（%）"),
    M("trade_to_gdp_pct", "indicators", "trade_to_gdp_pct", "PCT",
      "foreign trade / GDP, % (dollar trade converted at the year's average rate)",
      "外贸依存度（%，美元按当年平均汇率折算）"),
    M("trade_growth_since_establishment_pct", "indicators", "trade_growth_since_establishment_pct", "PCT",
      "foreign trade growth since establishment in the currency both years are published in, %",
      "设立以来外贸名义增长（%，按两年共同的公布币种）"),
    M("trade_growth_since_establishment_cny_pct", "indicators", "trade_growth_since_establishment_cny_pct", "PCT",
      "foreign trade growth since establishment in yuan (dollars converted at each year's average rate), %",
      "设立以来外贸名义增长（%，折合人民币）"),
    M("covid_shock_gdp_pct", "indicators", "covid_shock_gdp_pct", "PCT", "GDP in 2020 against 2019, % change "
      "(nominal)", "2020 年地区生产总值较 2019 年变化（%，名义）"),
    M("covid_shock_trade_pct", "indicators", "covid_shock_trade_pct", "PCT", "foreign trade in 2020 against 2019, "
      "% change, in the published currency", "2020 年外贸较 2019 年变化（%，按公布币种）"),
)

def _trace(m: Measure) -> str:
    """Where a zone_year column comes from, as its description says it.

    >>> _trace(ZONE_YEAR_MEASURES[0]), _trace(ZONE_YEAR_MEASURES[1]), _trace(ZONE_YEAR_MEASURES[-1])
    ('panel: gdp, CNY_100M', 'panel: gdp, CNY_100M, growth_pct', 'indicators: covid_shock_trade_pct')
    """
    if m.source.startswith("indicators"):
        return f"indicators: {m.indicator}" + (", value_text" if m.source == "indicators_text" else "")
    return f"panel: {m.indicator}, {m.unit}" + (", growth_pct" if m.source == "panel_growth" else "")


ZONE_YEAR = TableSpec(
    "zone_year",
    "Analysis-ready: one row per zone, basis and year with the core figures and the derived measures as columns. "
    "Every value is the panel row (series_id, period = year, indicator, unit) or the indicators row (zone_id, basis, "
    "year, indicator) named in its description; the panel stays the long, audited form",
    "分析用宽表：每个试验区、口径、年份一行，核心指标与衍生指标各占一列；每个数值即面板（序列、年份、指标、计量单位）或"
    "衍生指标表（试验区、口径、年份、指标）中对应的一行，面板为完整、可追溯的长表",
    ("zone_id", "basis", "year"),
    (
        C("zone_id", STR, "zone id (zones)", "试验区标识", False, enum="zone_id"),
        C("basis", STR, "host: the zone's own host units; paper2022: the units the 2022 paper uses (seven zones)",
          "口径：host 为东道单位；paper2022 为论文所用单位（七个试验区）", False, enum=BASES),
        C("year", I64, "year", "年份", False),
        C("name_zh", STR, "Chinese name of the zone", "试验区中文名称", False),
        C("name_en", STR, "English name of the zone", "试验区英文名称", False),
        C("established", I64, "year the zone was approved (the base year of the growth since establishment)",
          "批准设立年份（设立以来增长的基年）", False),
        C("series_id", STR, "the panel series the level and growth columns come from: zone:<zone_id>, or the paper's "
          "unit (unit:450600 for 东兴, paper2022)", "水平值与增速所取的面板序列：zone:<zone_id> 或论文所用单位", False),
        *(C(m.column, STR if m.source == "indicators_text" else F64, f"{m.en} [{_trace(m)}]", f"{m.zh}［{_trace(m)}］")
          for m in ZONE_YEAR_MEASURES),
    ),
    foreign_keys=(FK(("zone_id",), "zones", ("zone_id",)),),
)

TABLES: dict[str, TableSpec] = {t.name: t for t in (
    ZONE_YEAR, OBSERVATIONS, PANEL, INDICATORS, NOT_COMPUTABLE, CHANGES, ZONES, UNITS, UNIT_ZONES, INDICATORS_CATALOG,
    MEASURE_UNITS, FX_RATES, SOURCES, VALIDATION)}


@dataclass(frozen=True)
class Relation:
    """How a BI tool relates two release tables: `table.columns` -> `to_table.to_columns` (many to one)."""

    table: str
    columns: tuple[str, ...]
    to_table: str
    to_columns: tuple[str, ...]
    note: str = ""
    unmatched: tuple[str, ...] = ()  # values of `columns` that by design have no row in `to_table`
    separator: str | None = None  # the column may list several values, separated by this (one column only)


R = Relation
RELATIONS: tuple[Relation, ...] = (
    R("zone_year", ("zone_id",), "zones", ("zone_id",)),
    R("zone_year", ("year",), "fx_rates", ("year",), "the *_usd_100m columns × cny_per_unit (currency USD) are 亿元"),
    R("observations", ("unit_code",), "units", ("unit_code",)),
    R("observations", ("unit",), "measure_units", ("code",)),
    R("observations", ("indicator",), "indicators_catalog", ("indicator",)),
    R("observations", ("source_id",), "sources", ("source_id",)),
    R("panel", ("unit_code",), "units", ("unit_code",), "unit rows; null in zone rows (series_id zone:<zone_id>)"),
    R("panel", ("zone_id",), "zones", ("zone_id",)),
    R("panel", ("unit",), "measure_units", ("code",)),
    R("panel", ("indicator",), "indicators_catalog", ("indicator",)),
    R("panel", ("source_id",), "sources", ("source_id",), "zone rows summed from their members list every "
      "member's source, ';'-separated", separator=";"),
    R("panel", ("year",), "fx_rates", ("year",), "rows in USD_100M: value × cny_per_unit (currency USD) is 亿元"),
    R("indicators", ("zone_id",), "zones", ("zone_id",), "ALL, the aggregate of a basis, has no zones row",
      ("ALL",)),
    R("indicators", ("unit",), "measure_units", ("code",)),
    R("indicators", ("year",), "fx_rates", ("year",), "fx_rate is that year's cny_per_unit (currency USD)"),
    R("not_computable", ("zone_id",), "zones", ("zone_id",), "ALL has no zones row", ("ALL",)),
    R("units", ("parent_code",), "units", ("unit_code",)),
    R("unit_zones", ("unit_code",), "units", ("unit_code",)),
    R("unit_zones", ("zone_id",), "zones", ("zone_id",)),
    R("indicators_catalog", ("unit",), "measure_units", ("code",)),
    R("sources", ("unit_code",), "units", ("unit_code",)),
    R("changes", ("series_id", "period", "indicator", "unit"), "panel", ("series_id", "period", "indicator", "unit"),
      "rows with table_name panel; a removed row is in the parent release's panel, not this one"),
    R("changes", ("zone_id", "basis", "year", "indicator"), "indicators", ("zone_id", "basis", "year", "indicator"),
      "rows with table_name indicators; a removed row is in the parent release's indicators"),
    R("changes", ("new_source_id",), "sources", ("source_id",), "as panel.source_id", separator=";"),
)



def to_arrow(df: pd.DataFrame, spec: TableSpec) -> pa.Table:
    """A frame as an Arrow table of exactly the contract's schema, rows sorted by the key.

    Raises ValueError naming the table and columns when the frame does not fit the contract.
    """
    missing = [c for c in spec.names if c not in df.columns]
    extra = [c for c in df.columns if c not in spec.names]
    if missing or extra:
        raise ValueError(f"{spec.name}: columns do not match the contract (missing {missing}, unexpected {extra})")
    df = df[spec.names]
    if len(df):
        df = df.sort_values(list(spec.key), kind="stable", na_position="first").reset_index(drop=True)
    arrays = []
    for col in spec.columns:
        s = df[col.name]
        if col.type == DATE:
            values = pd.to_datetime(s, errors="raise").dt.date
            arr = pa.array([None if pd.isna(v) else v for v in values], type=DATE)
        elif pa.types.is_timestamp(col.type):
            values = pd.to_datetime(s, utc=True, errors="raise")
            arr = pa.array([None if pd.isna(v) else v.to_pydatetime() for v in values], type=col.type)
        else:  # from_pandas: NaN is missing; Arrow-backed columns convert without a Python object per value
            arr = pa.array(s, type=col.type, from_pandas=True)
        if not col.nullable and arr.null_count:
            raise ValueError(f"{spec.name}.{col.name}: {arr.null_count} empty values in a required column")
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=spec.schema)


def records(df: pd.DataFrame, columns: list[str] | None = None) -> list[dict]:
    """The rows of a frame as dicts with None for every missing value (NaN, NA, NaT).

    Column by column through numpy, which is ~10x faster than `to_dict("records")` on Arrow-backed
    string columns followed by a per-value NA check.

    >>> records(pd.DataFrame({"a": [1.5, float("nan")], "b": ["x", None]}))
    [{'a': 1.5, 'b': 'x'}, {'a': None, 'b': None}]
    """
    names = list(columns) if columns is not None else list(df.columns)
    arrays = [_none_for_missing(df[c]) for c in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*arrays, strict=True)] if names else [{}] * len(df)


def _none_for_missing(s: pd.Series) -> np.ndarray:
    """A column as Python objects with None for NaN, NA and NaT (one vectorised check, not one per value)."""
    values = np.array(s.to_numpy(dtype=object), dtype=object, copy=True)
    missing = pd.isna(values)
    if missing.any():
        values[missing] = None
    return values


def empty_frame(spec: TableSpec) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in spec.names})


CONTRACT_FILE = Path(__file__).resolve().parent / "schema_contract.json"


def contract() -> dict:
    """Every table's columns as {name, type, nullable}: what warehouse/schema_contract.json commits to."""
    return {name: [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in spec.schema]
            for name, spec in TABLES.items()}


if __name__ == "__main__":  # python -m warehouse.schemas: rewrite the committed contract after a deliberate change
    CONTRACT_FILE.write_text(json.dumps(contract(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {CONTRACT_FILE}")
