"""Phrasing banks: templates for every figure, trap and filler, as data.

Syntax (see engine.py): an optional leading "[TAGS CONDS]" with class codes (A1…C17), feature words
(f:…) and conditions (y>=2015, k=news, lvl=county, money=亿元, cur=亿美元, port=1, par=1, prov=内蒙古);
placeholders {NAME} and {op:key}. Full-width punctuation is used throughout; a document style may turn
it into ASCII afterwards (as stored scraped pages do).
"""

from __future__ import annotations

from .engine import bank, tpl

# ---------------------------------------------------------------------------------------------------
# accounting qualifiers that open a GDP sentence: (template, qualifier for every figure of the sentence)
QUAL = [
    (tpl("初步核算"), "preliminary"),
    (tpl("初步核算"), "preliminary"),
    (tpl("初步测算"), "preliminary"),
    (tpl("据初步核算反馈"), "preliminary"),
    (tpl("据初步核算"), "preliminary"),
    (tpl("根据地区生产总值统一核算结果"), None),
    (tpl("[par=1] 经{P}统计局统一核算"), None),
    (tpl("按照统一核算结果"), None),
    (tpl("[par=1] 据{P}统计局反馈"), None),
    (tpl("经测算"), None),
    (tpl("[aut=1] 经自治区审定"), None),
    (tpl("[par=1] 经{P}统计局统一核算并审定"), None),
]
QUAL_PRELIM = [q for q in QUAL if q[1] == "preliminary"]

# ----- GDP -----------------------------------------------------------------------------------------
GDP = bank(
    "{Q}，全年{全}实现地区生产总值（GDP）{v:gdp}，按可比价格计算，比上年{g:gdp}。",
    "{Q}，{Y}年{全}实现地区生产总值{v:gdp}，比上年{g:gdp}。",
    "{Q}，全年{全}地区生产总值{v:gdp}，比上年{g:gdp}（按可比价格计算）。",
    "{Q}，{全}生产总值完成{v:gdp}，按可比价计算，{g:gdp}。",
    "{Q}，全年{全}实现GDP{v:gdp}，按不变价格计算，{g:gdp}。",
    "{Q}，地区生产总值全年完成{v:gdp}，按可比价格计算，比上年同期{g:gdp}。",
    "{Q}，全年{全}实现地区生产总值{v:gdp}（按当年价格计算），比上年{g:gdp}（按{Yp}年不变价格计算，下同）。",
    "{Y}年，{U}经济总量达到{v:gdp}，同比{g:gdp}。",
    "{Q}，{Y}年{全}完成生产总值（GDP）{v:gdp}，比上年{g:gdp}（可比价）。",
    "全{级}地区生产总值（GDP）达到{v:gdp}，扣除价格因素，比去年{g:gdp}。",
    "{Q}，全年实现地区生产总值{v:gdp}，同比{g:gdp}（按不变价计算）。",
    "[f:footnote] {Q}，全年{全}实现地区生产总值[1]（GDP）{v:gdp}，按可比价格计算，比上年{g:gdp}。",
    "[f:footnote] {Q}，全年{全}地区生产总值（GDP）[2]{v:gdp}，比上年{g:gdp}。",
    "[B11] {Q}，全年{全}地区生产总值{v:gdp}，名义增长{gn:gdp}，扣除价格因素实际{g:gdp}。",
    "[B11] {Q}，全年{全}地区生产总值{v:gdp}，按现价计算增长{gn:gdp}，按可比价格计算增长{r:gdp}。",
    "[C15] {Q}，全年{全}地区生产总值比上年{g:gdp}，总量达到{v:gdp}。",
    "[C15] {Q}，全年{全}实现地区生产总值{v:gdp}，比增{r:gdp}。",
    "[C15] {Q}，全年{全}地区生产总值（GDP）{v:gdp}，同比增{r:gdp}。",
    "[f:two_year y=2021] {Q}，全年{全}实现地区生产总值{v:gdp}，按可比价格计算，比上年{g:gdp}，两年平均增长{g2:gdp}。",
    "[f:two_year y=2021] {Q}，全年{全}生产总值（GDP）{v:gdp}，比上年{g:gdp}；与{Yp2}年相比，两年平均增长{g2:gdp}。",
    "[f:old_name y<2016] {Q}，全年{全}国内生产总值{v:gdp}，按可比价格计算，比上年{g:gdp}。",
    "[f:increment] {Q}，全年{全}实现地区生产总值{v:gdp}，比上年增加{v:gdp_inc}，按可比价格计算，增长{r:gdp}。",
    "[f:rank par=1] {Q}，{Y}年{全}生产总值（GDP）{v:gdp}，比上年{g:gdp}，总量居{PW}第{RANK}位，增速居{PW}第{RANK2}位。",
    "[B10 f:subunit_inline lvl=county] {Q}，全年{全}实现地区生产总值{v:gdp}，比上年{g:gdp}，其中{CH0}{v:subin_gdp}。",
    "[f:approx money=亿元] {Y}年，{U}地区生产总值约{ap:gdp}，同比{g:gdp}。",
    "[f:approx money=亿元] 全年{全}实现地区生产总值{ap:gdp}左右，比上年{g:gdp}。",
    "[f:threshold money=亿元] {Q}，全年{全}地区生产总值突破{v:gdp_thr}，达到{v:gdp}，比上年{g:gdp}。",
    "[B13 money=亿元] 全年{全}地区生产总值突破{lb:gdp}大关，按可比价格计算，比上年{g:gdp}。",
    "[B13 money=亿元] 全年{全}地区生产总值迈上{lb:gdp}台阶，比上年{g:gdp}。",
    "[B13 money=亿元] 全年{全}经济总量跨越{lb:gdp}，同比{g:gdp}。",
    "[f:growth_only] {Q}，按不变价计算，全年{全}生产总值比上年{g:gdp}。",
    "[f:growth_only] {Q}，全年{全}地区生产总值比上年增长（按可比口径计算）{r:gdp}。",
    "[f:ytd_cumulative] {Q}，全年累计实现生产总值{v:gdp}，比上年{g:gdp}。",
    "[C16] {Q}，全年{全}实现地区生产总值（GDP{v:gdp}，按可比价格计算，比上年{g:gdp}。",
    "[C16] {Q}，全年{全}实现地区生产总值(GDp){v:gdp}，比上年{g:gdp}。",
)
# the previous year's final revision, placed next to the headline (a must_not)
GDP_PREV = bank(
    "[f:revision] 最终核实{Yp}年{全}生产总值现价总量为{v:gdp_prev}。",
    "[f:revision] 经最终核实，{Yp}年{全}地区生产总值为{v:gdp_prev}。",
)
SECTORS = bank(
    "其中，第一产业增加值{v:va1}，增长{r:va1}；第二产业增加值{v:va2}，增长{r:va2}；第三产业增加值{v:va3}，增长{r:va3}。",
    "分产业看，第一产业增加值{v:va1}，比上年{g:va1}；第二产业增加值{v:va2}，{g:va2}；第三产业增加值{v:va3}，{g:va3}。",
    "按产业分，第一产业实现增加值{v:va1}，同比{g:va1}；第二产业实现增加值{v:va2}，同比{g:va2}；第三产业实现增加值{v:va3}，同比{g:va3}。",
    "在地区生产总值中，第一产业完成增加值{v:va1}，同比{g:va1}；第二产业完成增加值{v:va2}，同比{g:va2}；第三产业完成增加值{v:va3}，同比{g:va3}。",
    "[C15] 第一、二、三产业增加值分别为{n:va1}、{n:va2}、{v:va3}，分别增长{r:va1}、{r:va2}和{r:va3}。",
    "[C15] 其中第一产业增加值{v:va1}，第二产业增加值{v:va2}，第三产业增加值{v:va3}，分别增长{r:va1}、{r:va2}和{r:va3}。",
    "[C15] 第一产业、第二产业、第三产业增加值分别增长{r:va1}、{r:va2}、{r:va3}，分别达到{n:va1}、{n:va2}和{v:va3}。",
    "[C15] 第一产业增加值{v:va1}，同比增{r:va1}；第二产业增加值{v:va2}，同比增{r:va2}；第三产业增加值{v:va3}，同比增{r:va3}。",
    "[C14] 分产业看，第一产业增长{r:va1}，实现增加值{v:va1}；第二产业增长{r:va2}，实现增加值{v:va2}；第三产业增长{r:va3}，实现增加值{v:va3}。",
    "[C14] 其中，第一产业{v:va1}，同比增长{r:va1}；第二产业{v:va2}，同比增长{r:va2}；第三产业{v:va3}，同比增长{r:va3}。",
    "[C16] 其中，第一产业增加值{v:va1}，增长{r:va1}；第二产增加值{v:va2}，增长{r:va2}；第三产业增加值{v:va3}，增长{r:va3}。",
    "[C16] 其中，第一产业增加值{v:va1}，增长{r:va1}；第二产业增加值{v:va2}，增长{r:va2}；第三产业加值{v:va3}，增长{r:va3}。",
    "[f:growth_only] 其中：第一产业增加值增长{r:va1}；第二产业增加值增长{r:va2}；第三产业增加值增长{r:va3}。",
    "[f:industry_inside] 其中，第一产业增加值{v:va1}，增长{r:va1}；第二产业增加值{v:va2}，增长{r:va2}，其中工业增加值{v:vai}，增长{r:vai}，建筑业增加值{v:constr}，增长{x:1-12}；第三产业增加值{v:va3}，增长{r:va3}。",
)
SUBAGG = bank(
    "[B9 f:subaggregate] 全年民营经济增加值{v:pe}，比上年增长{x:2-9}，占地区生产总值的比重为{x:40-70}。其中，第一产业增加值{v:pe1}，第二产业增加值{v:pe2}，第三产业增加值{v:pe3}。",
    "[B9 f:subaggregate] 全年非公有制经济实现增加值{v:pe}，增长{x:2-9}。其中，第一产业增加值{v:pe1}；第二产业增加值{v:pe2}；第三产业增加值{v:pe3}。",
)
STRUCTURE = bank(
    "三次产业结构为{s:st1}{SEP}{s:st2}{SEP}{s:st3}。",
    "三次产业结构比例为{s:st1}{SEP}{s:st2}{SEP}{s:st3}。",
    "三次产业比例为{s:st1}{SEP}{s:st2}{SEP}{s:st3}。",
    "三次产业结构由上年的{s:st1p}{SEP}{s:st2p}{SEP}{s:st3p}调整为{s:st1}{SEP}{s:st2}{SEP}{s:st3}。",
    "三次产业比例由{Yp}年的{s:st1p}{SEP}{s:st2p}{SEP}{s:st3p}优化为{s:st1}{SEP}{s:st2}{SEP}{s:st3}。",
    "[B12] 三次产业结构调整为{s:st1}{SEP}{s:st2}{SEP}{s:st3}，第三产业比重比上年{ud:pp_st3}{v:pp_st3}。",
    "[f:struct_pct] 三次产业结构为{s:st1}%{SEP}{s:st2}%{SEP}{s:st3}%。",
    "[f:mixed_sep] 三次产业结构为{s:st1}:{s:st2}∶{s:st3}。",
    "三次产业结构由上年的{s:st1p}{SEP}{s:st2p}{SEP}{s:st3p}调整为，{s:st1}{SEP}{s:st2}{SEP}{s:st3}。",
    "[f:struct_list] 第一、二、三产业增加值占地区生产总值的比重分别为{s:st1}%、{s:st2}%和{s:st3}%。",
    "[f:struct_list] 第一产业增加值占地区生产总值的比重为{s:st1}%，第二产业增加值比重为{s:st2}%，第三产业增加值比重为{s:st3}%。",
)
CONTRIB = bank(
    "[B12] 第一、二、三产业对经济增长的贡献率分别为{v:ct1}、{v:ct2}和{v:ct3}，分别拉动经济增长{n:pl1}、{n:pl2}和{v:pl3}。",
    "[B12] 三次产业对经济增长的贡献率分别为{v:ct1}、{v:ct2}、{v:ct3}。",
    "[B12] 三次产业可比价贡献率分别是{n:ct1}:{n:ct2}:{n:ct3}。",
)
PERCAP = bank(
    "按常住人口计算，全年人均地区生产总值{v:gdppc}，比上年{g:gdppc}。",
    "人均地区生产总值{v:gdppc}，比上年{g:gdppc}。",
    "按常住人口计算，全{级}人均地区生产总值为{v:gdppc}。",
    "人均生产总值达到{v:gdppc}。",
    "人均GDP达到{v:gdppc}，比上年{g:gdppc}。",
    "[C16] 全年人均地区生产总值(人均GDP{v:gdppc}，增长{r:gdppc}。",
    "[C16] 全年人均地区生产总值（人均GDP{v:gdppc}，比上年{g:gdppc}。",
    "[f:usd] 人均地区生产总值{v:gdppc}，增长{r:gdppc}，按年平均汇率折算为{v:gdppc_usd}。",
    "[f:usd] 按常住人口计算，人均地区生产总值达到{v:gdppc}，按{Y}年平均汇率计算为{v:gdppc_usd}。",
    "[f:footnote] 现价人均地区生产总值[3]{v:gdppc}，同比{g:gdppc}。",
    "[f:increment] 全年人均地区生产总值达{v:gdppc}，比去年新增{v:gdppc_inc}，增长{r:gdppc}。",
)
PERCAP_TRAP = bank("[f:hukou_percap] 按户籍人口计算，人均地区生产总值{v:gdppc_h}。")

# ----- industry, investment, retail ------------------------------------------------------------------
INDUSTRY = bank(
    "全年{全}全部工业增加值{v:vai}，比上年{g:vai}。",
    "全年实现工业增加值{v:vai}，增长{r:vai}。其中，规模以上工业增加值{v:vai_gs}，增长{ga:vai}。",
    "全部工业增加值比上年{g:vai}，规模以上工业增加值增长{ga:vai}。",
    "全年全部工业增加值{v:vai}，同比增{r:vai}。",
)
INDUSTRY_TRAP = bank(
    "全年规模以上工业增加值{v:vai_gs}，比上年增长{x:1-12}。",
    "全年建筑业增加值{v:constr}，比上年增长{x:1-12}。",
    "规模以上工业增加值比上年增长{x:1-12}，其中重工业增长{x:1-12}，轻工业增长{x:1-12}。",
)
AGRI_TRAP = bank(
    "全年农林牧渔业增加值{v:agri}，按可比价格计算，比上年增长{x:1-6}。",
    "全年实现农林牧渔业增加值{v:agri}，增长{x:1-6}。",
)
SERVICE_TRAP = bank(
    "全年金融业增加值{v:fin}，比上年增长{x:1-9}。",
)
FAI = bank(
    "全年{全}固定资产投资比上年{g:fai}。",
    "全年全社会固定资产投资{v:fai}，比上年{g:fai}。",
    "全年固定资产投资（不含农户）比上年{g:fai}。",
    "全年完成固定资产投资{v:fai}，同比增{r:fai}。",
    "[C15] 全年固定资产投资比增{r:fai}。",
    "全年{全}固定资产投资增长{r:fai}，增速比上年{ud:fai}{xn:0.5-6}个百分点。",
    "全年完成全社会固定资产投资{v:fai}，比上年{g:fai}。其中，工业投资{v:fai_ind}，增长{x:1-20}；房地产开发投资{v:fai_re}，增长{x:1-15}。",
    "[B13 money=亿元] 全年固定资产投资超过{lb:fai}，增长{r:fai}。",
)
FILL_FAI = bank(
    "全年新开工项目{xn:30-300}个，其中亿元以上项目{xn:10-60}个。",
    "全年施工项目{xn:100-600}个，比上年增加{xn:10-50}个。",
)
FAI_TRAP = bank(
    "全年房地产开发投资{v:fai_re}，比上年增长{x:1-15}。",
    "全年工业投资{v:fai_ind}，增长{x:1-20}；民间投资增长{x:1-15}。",
)
RETAIL = bank(
    "全年{全}社会消费品零售总额{v:retail}，比上年{g:retail}。",
    "[C16] 全年实现社会消费品零售额{v:retail}，增长{r:retail}。",
    "全年社会消费品零售总额{v:retail}，同比{g:retail}。按经营地统计，城镇消费品零售额{v:ret_u}，增长{x:1-12}；乡村消费品零售额{v:ret_r}，增长{x:1-12}。",
    "[C15] 全社会消费品零售总额达{v:retail}，比增{r:retail}。",
    "全年社会消费品零售总额{v:retail}，与上年持平{z:retail}。",
    "[f:approx money=亿元] 全年社会消费品零售总额近{apc:retail}，增长{r:retail}。",
    "[B13 money=亿元] 全年社会消费品零售总额达{lb:retail}以上，增长{r:retail}。",
)
RETAIL_TRAP = bank("全年限额以上单位消费品零售额{v:ret_lim}，比上年增长{x:1-12}。")

# ----- trade, ports, customs, zones -------------------------------------------------------------------
TRADE = bank(
    "全年{全}外贸进出口总额{v:trade}，比上年{g:trade}。其中，出口{v:exp}，{g:exp}；进口{v:imp}，{g:imp}。",
    "[C14] 全年进出口总值{v:trade}，同比{g:trade}，其中出口总额{v:exp}，进口总额{v:imp}。",
    "[C15] 全年外贸进出口、出口、进口分别完成{n:trade}、{n:exp}、{v:imp}，分别增长{r:trade}、{r:exp}和{r:imp}。",
    "[C15] 全年外贸进出口总额比上年{g:trade}，达到{v:trade}。其中出口{v:exp}，进口{v:imp}，分别增长{r:exp}和{r:imp}。",
    "{全}外贸进出口总值{v:trade}，增速较同期持平{z:trade}。其中，出口{v:exp}，{g:exp}；进口{v:imp}，{g:imp}。",
    "[f:usd_cny cur=亿美元] 全年外贸进出口总额{v:trade}（折合人民币{v:trade_cny}），比上年{g:trade}。其中，出口{v:exp}，进口{v:imp}。",
    "[f:usd_cny cur=亿美元] {Y}年{U}外贸进出口总额{v:trade}（人民币{v:trade_cny}），其中出口{v:exp}，进口{v:imp}。",
    "[f:transit] 全年外贸进出口总额{v:trade}（含转口贸易{v:transit}），比上年{g:trade}。",
    "全年进出口贸易总额{v:trade}，同比{g:trade}。其中，出口总额{v:exp}，同比{g:exp}；进口总额{v:imp}，同比{g:imp}。",
    "[C14] 全年外贸出口总额{v:exp}，比上年{g:exp}；进口总额{v:imp}，{g:imp}。",
    "[f:approx cur=亿元] 全年外贸进出口总额{ap:trade}左右，比上年{g:trade}。",
    "[f:approx cur=亿元] 全年外贸进出口总额约{ap:trade}，同比{g:trade}。",
    "[B13 cur=亿元] 全年外贸进出口总额逾{lb:trade}，比上年{g:trade}。",
    "[f:multiple] 全年外贸进出口总额{v:trade}，比上年{gx:trade}。其中，出口{v:exp}，进口{v:imp}。",
)
TRADE_PARTNER = bank(
    "[f:partner] 其中，对{PARTNER}进出口{v:asean}，增长{x:1-30}。",
    "[f:partner] 全年对{PARTNER}进出口贸易总额{v:asean}，其中出口增长{x:1-30}。",
)
BMT = bank(
    "全年边民互市贸易额{v:bmt}，比上年{g:bmt}。",
    "全年边民互市贸易进出口{v:bmt}，增长{r:bmt}。",
    "[C15] 全年互市贸易进出口额完成{v:bmt}，同比增{r:bmt}。",
    "[f:multiple] 全年边民互市贸易额{v:bmt}，是上年的{gm:bmt}倍。",
    "[B9] {HS}全年边民互市贸易额{v:bmt}，比上年{g:bmt}，其中出口{v:hs_exp}、进口{v:hs_imp}。",
)
BMT_TRAP = bank("[f:small_trade] 以边境小额贸易方式进出口{v:bst}，增长{x:1-30}。")
CUSTOMS = bank(
    "[B9] {CU}关区进出口总额{v:cdt}，比上年{g:cdt}，其中出口{v:cdt_exp}、进口{v:cdt_imp}。",
    "[B9] 全年{CU}关区外贸进出口总值{v:cdt}，同比{g:cdt}。其中，进口{v:cdt_imp}，出口{v:cdt_exp}。",
    "[B9] 据{CU}统计，全年{CU}关区实现进出口{v:cdt}，增长{r:cdt}。其中，出口{v:cdt_exp}，增长{x:1-30}；进口{v:cdt_imp}，增长{x:1-30}。",
    "全年{CU}监管进出口总值{v:cdt}，同比{g:cdt}。",
)
PORT = bank(
    "[B9] 全年{PORT}进出口货值{v:ptv}，比上年{g:ptv}，其中出口{v:ptv_exp}、进口{v:ptv_imp}。",
    "全年{PORT}进出口货值{v:ptv}，同比{g:ptv}。",
)
CARGO = bank(
    "全年{PORT}进出口货运量{v:cargo}，比上年{g:cargo}。",
    "全年{PORT}过货量完成{v:cargo}，同比{g:cargo}。",
    "[B9] {PORT}全年进出口货运量{v:cargo}，增长{r:cargo}，其中进口{v:cargo_imp}。",
    "[f:rail] 全年{PORT}过货量{v:cargo}，增长{r:cargo}。其中，铁路口岸过货量{v:cargo_rail}，公路口岸过货量{v:cargo_road}。",
    "全年口岸进出境货运量达{v:cargo}。",
    "全年{PORT}进出口货运量{v:cargo}，同比增加{r:cargo}。",
)
FILL_TRADE = bank(
    "全年新增外贸备案企业{xn:10-90}家，跨境电商业态加快发展。",
    "全年实际利用外资{xn:1-9}千万美元。",
)
TRAINS = bank(
    "全年经{PORT}进出境中欧班列{xn:1000-5000}列，同比增长{x:1-30}。",
    "全年{PORT}出入境人员{xn:10-300}万人次，出入境车辆{xn:5-60}万辆次。",
)
ZONES = bank(
    "[B9] {ZB}全年实现进出口总额{v:zb_tr}，其中出口{v:zb_exp}，进口{v:zb_imp}。",
    "[B9] {ZK}完成外贸进出口{v:zk_tr}，占全{级}的{x:20-60}，其中进口{v:zk_imp}。",
    "[B9] {ZS}实现地区生产总值{v:zs_gdp}，比上年增长{x:2-10}；外贸进出口总额{v:zs_tr}，其中出口{v:zs_exp}。",
    "[B9] {ZK}全年实现进出口贸易额{v:zk_tr}，同比增长{x:1-30}，其中出口{v:zk_exp}。",
)

# ----- fiscal -------------------------------------------------------------------------------------------
# labels of fiscal_revenue / fiscal_expenditure: (template, tags recorded when used)
FRL = bank(
    "[y>=2015] 一般公共预算收入",
    "[y>=2015] 一般公共预算收入",
    "[C14 y>=2015] 地方一般公共预算收入",
    "[C14 y>=2015] 地方级一般公共预算收入",
    "[C14] 一般预算收入",
    "[C14 y<2016] 公共财政预算收入",
    "[C14 y<2016] 地方公共财政收入",
    "[y<2016] 地方公共财政预算收入",
    "[C14 y<2015] 地方财政一般预算收入",
)
FEL = bank(
    "[y>=2015] 一般公共预算支出",
    "[y>=2015] 一般公共预算支出",
    "[y>=2015] 地方一般公共预算支出",
    "[y<2016] 公共财政预算支出",
    "[C14] 一般预算支出",
)
FISCAL = bank(
    "全年{全}{FRL}{v:fr}，比上年{g:fr}，其中税收收入{v:tax}，增长{x:1-15}。",
    "全年完成{FRL}{v:fr}，同比{g:fr}。",
    "[B11] 全年{FRL}{v:fr}，自然口径增长{r:fr}，同口径增长{ga:fr}。",
    "[B11 y>=2016] 全年{FRL}{v:fr}，增长{r:fr}，扣除减税降费因素后同口径增长{ga:fr}。",
    "[B11 y>=2022] 全年{FRL}{v:fr}，增长{r:fr}；扣除留抵退税因素后增长{ga:fr}。",
    "全年财政总收入{v:frt}，比上年{g:frt}；其中{FRL}{v:fr}，{g:fr}。",
    "全年{全}财政收入{v:frt}，比上年{g:frt}，其中{FRL}{v:fr}，增长{r:fr}。财政收入占地区生产总值的比重为{x:5-15}。",
    "[f:upper] 全{级}财政总收入达到{v:frt}，增长{r:frt}。其中：上划中央收入{v:frt_c}；{FRL}{v:fr}，增长{r:fr}。",
    "全年{FRL}{v:fr}，增幅与上年持平{z:fr}。",
    "[B13 money=亿元] 全年财政总收入跨越{lb:frt}，{FRL}{v:fr}，增长{r:fr}。",
    "[f:threshold money=亿元] 全年财政收入跨越{v:frt_thr}，累计完成{v:frt}，同比{g:frt}；{FRL}完成{v:fr}。",
)
FISCAL_TOTAL = bank(
    "全口径财政收入完成{v:frt}，增长{r:frt}。",
    "全年财政总收入{v:frt}，同比{g:frt}。",
)
EXPEND = bank(
    "全年{FEL}{v:fe}，比上年{g:fe}。其中，教育支出{v:edu}，增长{x:1-15}；社会保障和就业支出{v:soc}，增长{x:1-15}。",
    "全年{FEL}{v:fe}，同比增{r:fe}。",
    "{FEL}{v:fe}，增长{r:fe}，其中民生支出{v:fe_ms}，占财政支出的{x:70-86}。",
    "全年{FEL}{v:fe}，比上年{g:fe}。",
)

# ----- incomes ------------------------------------------------------------------------------------------
INCOME_PAIR = bank(
    "全年全体居民人均可支配收入{v:inc_all}，比上年增长{x:3-9}。按常住地分，城镇常住居民人均可支配收入{v:ui}，增长{r:ui}；农村常住居民人均可支配收入{v:ri}，增长{r:ri}。",
    "[C15] 城镇常住居民和农村常住居民人均可支配收入分别增长{r:ui}和{r:ri}，达到{n:ui}元和{n:ri}元。",
    "[C15] 城乡居民人均可支配收入分别达到{n:ui}元和{n:ri}元，分别增长{r:ui}和{r:ri}。",
    "[C15] 城镇、农村常住居民人均可支配收入分别为{n:ui}元、{n:ri}元，同比分别增长{r:ui}、{r:ri}。",
    "[C15] 城镇居民人均可支配收入{v:ui}，比增{r:ui}；农民人均可支配收入{v:ri}，比增{r:ri}。",
)
INCOME_UI = bank(
    "城镇常住居民人均可支配收入{v:ui}，比上年{g:ui}。",
    "[B11] 城镇常住居民人均可支配收入{v:ui}，名义增长{gn:ui}，扣除价格因素实际增长{r:ui}。",
    "全年城镇居民人均可支配收入{v:ui}，增长{r:ui}。",
)
INCOME_RI = bank(
    "农村常住居民人均可支配收入{v:ri}，比上年{g:ri}。",
    "[B11] 农村常住居民人均可支配收入{v:ri}，比上年名义增长{gn:ri}，扣除价格因素，实际增长{r:ri}。",
    "[prov=内蒙古] 农村牧区常住居民人均可支配收入{v:ri}，比上年{g:ri}。",
    "农村居民人均可支配收入{v:ri}，同比{g:ri}。",
)
INCOME_TRAP = bank(
    "城镇常住居民人均消费支出{v:uc}，增长{x:2-9}。",
    "[y<2014] 农民人均纯收入{v:rni}，增长{x:5-12}。",
    "[par=1] 城镇居民人均可支配收入高于{PW}平均水平{v:ui_diff}。",
)

# ----- population ----------------------------------------------------------------------------------------
POP = bank(
    "年末{全}常住人口{v:pop}，比上年末{ud2:pop_inc}{v:pop_inc}。",
    "年末常住人口{v:pop}，其中城镇常住人口{v:pop_u}，常住人口城镇化率为{x:40-75}，比上年末提高{xn:0.3-1.5}个百分点。",
    "[C14] 年末常住总人口{v:pop}。",
    "[C14] {Y}年末全{级}常住总人口为{v:pop}。",
    "[C14] 年末常住总人口{v:pop}，比上年末{ud2:pop_inc}{v:pop_inc}。",
    "[f:footnote] 年末常住人口[3]{v:pop}。",
    "{Y}年末全{级}常住人口为{v:pop}。",
)
POPR = bank(
    "年末户籍人口{v:popr}，比上年末{ud2:popr_inc}{v:popr_inc}。",
    "年末{全}户籍总人口{v:popr}。",
    "年末户籍总人口为{v:popr}，其中城镇人口{v:popr_u}，乡村人口{v:popr_r}。",
)
POP_RATES = bank(
    "[B12] 全年出生人口{v:births}，人口出生率为{v:br}；死亡人口{v:deaths}，人口死亡率为{v:dr}；人口自然增长率为{v:nr}。",
    "[B12] 全年人口出生率和死亡率分别为{n:br}‰和{v:dr}，人口自然增长率为{v:nr}。",
    "[B12] 全{级}人口密度为{v:density}。",
    "[B12] 全{级}人均预期寿命达到{v:life}。",
)

# ----- sub-unit breakdowns (B10) -------------------------------------------------------------------------
SUBUNIT_HEAD = bank(
    "[B10 lvl=prefecture] 分县（市、区）看，",
    "[B10 lvl=prefecture] 从各县（市、区）看，",
    "[B10 lvl=county] 分乡镇看，",
)
SUBUNIT_ITEM = bank(
    "{NAME}地区生产总值{v:KEY}，增长{x:1-9}",
    "{NAME}实现地区生产总值{v:KEY}，比上年增长{x:1-9}",
    "{NAME}完成生产总值{v:KEY}",
)

# ----- work reports ---------------------------------------------------------------------------------------
WR_ITEMS = {  # one clause per indicator group for the past-year review; joined with ；
    "gdp": bank(
        "地区生产总值完成{v:gdp}，增长{r:gdp}",
        "实现地区生产总值{v:gdp}，同比{g:gdp}",
        "生产总值{v:gdp}、增长{r:gdp}",
        "[B13 money=亿元] 地区生产总值突破{lb:gdp}，增长{r:gdp}",
        "[B13 money=亿元] 地区生产总值迈上{lb:gdp}台阶，增长{r:gdp}",
        "地区生产总值增长{r:gdp}",
    ),
    "fr": bank(
        "{FRL}{v:fr}，增长{r:fr}",
        "{FRL}完成{v:fr}，同比{g:fr}",
        "[B11] {FRL}{v:fr}，增长{r:fr}（剔除减税降费因素，同口径增长{ga:fr}）",
    ),
    "fai": bank(
        "固定资产投资增长{r:fai}", "全社会固定资产投资{v:fai}，增长{r:fai}", "[B13 money=亿元] 固定资产投资突破{lb:fai}"
    ),
    "retail": bank("社会消费品零售总额{v:retail}，增长{r:retail}", "社会消费品零售总额增长{r:retail}"),
    "trade": bank(
        "外贸进出口总额{v:trade}，增长{r:trade}",
        "外贸进出口总额增长{r:trade}",
        "[cur=亿美元] 外贸进出口总额{v:trade}，同比{g:trade}",
    ),
    "income": bank(
        "[C15] 城乡居民人均可支配收入分别达到{n:ui}元和{n:ri}元，分别增长{r:ui}和{r:ri}",
        "[C15] 城镇、农村常住居民人均可支配收入分别增长{r:ui}、{r:ri}",
        "城镇常住居民人均可支配收入{v:ui}，增长{r:ui}；农村常住居民人均可支配收入{v:ri}，增长{r:ri}",
    ),
    "cargo": bank("{PORT}过货量{v:cargo}，增长{r:cargo}", "{PORT}进出口货运量达到{v:cargo}"),
    "bmt": bank("边民互市贸易额{v:bmt}，增长{r:bmt}"),
}
WR_PAIR = bank(  # grouped growths (C15)
    "[C15 money=亿元] 地区生产总值、{FRL}分别达到{n:gdp}亿元、{n:fr}亿元，分别比增{r:gdp}和{r:fr}",
)
WR_PREFIX = [  # (template, qualifier)
    (tpl("预计全年"), "estimate"),
    (tpl("预计全{级}"), "estimate"),
    (tpl("全年"), None),
    (tpl("一年来，全{级}"), None),
    (tpl("据统计，{Y}年，全{级}"), None),
    (tpl("初步统计，全{级}"), None),
]
WR_FIVE = bank(
    "[B7] 五年来，{全}{FRL}累计完成{v:fr_cum}，固定资产投资累计完成{v:fai_cum}，外贸进出口总额累计{v:trade_cum}。",
    "[B7] 过去五年，{全}地区生产总值由{Y0}年的{v:gdp0}增加到{Y}年的{v:gdp}，年均增长{x:5-9}。",
    "[B7] 城乡居民人均可支配收入分别由{Y0}年的{n:ui0}元、{n:ri0}元增加到{Y}年的{n:ui}元、{n:ri}元，年均分别增长{x:5-8}和{x:6-10}。",
    "[B7] 三次产业结构由{Y0}年的{s:st1b}{SEP}{s:st2b}{SEP}{s:st3b}调整为{s:st1}{SEP}{s:st2}{SEP}{s:st3}。",
    "[B7] 五年累计完成固定资产投资{v:fai_cum}，年均增长{x:3-12}，是上一个五年的{xn:1.3-2.2}倍。",
    "[B7] 预计{全}生产总值从{Y0}年的{v:gdp0}增长到{Y}年的{v:gdp}，年均增长{x:5-9}。",
    "[B7] 全部工业增加值从{Y0}年的{v:vai0}增长到{Y}年的{v:vai}，年均增长{x:3-12}。",
)
WR_TARGET = bank(
    "[B7] {Y1}年{全}经济社会发展的主要预期目标是：地区生产总值增长{x:5-8}左右；{FRL}增长{x:4-8}；固定资产投资增长{x:6-12}以上；社会消费品零售总额增长{x:6-10}；城乡居民人均可支配收入分别增长{x:5-8}和{x:6-9}。",
    "[B7] 今年全{级}经济社会发展的主要预期目标是：地区生产总值增长{x:5-8}以上，{FRL}增长{x:4-8}，外贸进出口总额力争达到{v:trade_tgt}。",
    "[B7] {Y1}年的主要目标是：力争地区生产总值突破{v:gdp_tgt}，{FRL}达到{v:fr_tgt}，城乡居民收入增长与经济增长基本同步。",
)
WR_DETAIL = bank(
    "全年实施重点项目{xn:40-200}个，完成投资{v:proj}。",
    "新增市场主体{xn:1000-9000}户，新增城镇就业{xn:1000-8000}人。",
    "全年引进项目{xn:20-90}个，到位资金{xn:10-80}亿元。",
)

# ----- news ------------------------------------------------------------------------------------------------
NEWS_HEADLINES = bank(
    "{S}：开放型经济迈出新步伐",
    "向北开放看{S}",
    "{S}口岸：“国门”经济活力足",
    "{S}经济运行稳中向好",
    "沿边开放结硕果 {S}发展势头强劲",
    "{S}：边贸“活”起来 群众“富”起来",
    "数读{S}：高质量发展答卷亮眼",
    "{S}外贸进出口逆势上扬",
    "小城大开放——{S}的“口岸经济”观察",
)
NEWS_PART_HEADLINES = bank(
    "{PERIOD}{S}外贸进出口同比增长{r:trade_h}",
    "{PERIOD} 我{级}经济实现稳中有进",
    "{S}经济运行{PERIOD}延续恢复态势",
    "{PERIOD} {S}口岸货运量稳步回升",
)
NEWS_LEAD = bank(
    "记者从{U}统计局获悉，{Y}年，{U}经济运行总体平稳、稳中有进。",
    "本报讯（记者 {REPORTER}）{Y}年以来，{U}坚持稳中求进工作总基调，主要经济指标好于预期。",
    "新华社{PROVCITY}{M}月{D}日电（记者{REPORTER}）{Y}年，地处祖国北疆的{U}，口岸经济持续回暖。",
    "中新网{PROVCITY}{M}月{D}日电（记者 {REPORTER}）{Y}年，{U}外贸和口岸经济持续回暖。",
    "去年，{U}上下凝心聚力，经济社会发展取得新成效。",
)
NEWS_ANNUAL_EXTRA = bank(
    "[f:anniversary money=亿元] {U}地区生产总值由{YZ}年的{v:gdp0}增长到{Y}年的{v:gdp}，{gx:gdp}，年均增长{x:5-12}。",
    "[cur=亿元] {Y}年，{U}外贸进出口总额{v:trade}（人民币，下同），同比{g:trade}。其中，出口{v:exp}，进口{v:imp}。",
    "[f:product] {Y}年，{U}出口机电产品{v:mech}，增长{x:2-30}；民营企业进出口{v:private}，占全{级}外贸总额的{x:40-80}。",
)
NEWS_QUOTE = bank(
    "“我们将继续用好沿边开放政策，推动口岸经济高质量发展。”{U}商务局负责人介绍说。",
    "“今年以来，口岸通关效率明显提升，企业获得感不断增强。”{U}口岸办相关负责人表示。",
    "该负责人表示，下一步将着力稳外贸、扩内需，推动经济持续向好。",
)
NEWS_TRAP = bank(
    "[par=1] 据了解，同期{P}全{PL}外贸进出口总额{v:ptrade}。",
    "与此同时，相邻的{SIB0}实现外贸进出口{v:sib0_trade}。",
    "[f:since] 自{YZ}年获批设立试验区以来，{U}外贸进出口总额年均增长{x:5-20}，是设立之初的{xn:1.5-4.5}倍。",
)
PERIOD_WORDS = {  # months -> spellings
    3: ["一季度", "第一季度", "1—3月", "1-3月"],
    6: ["上半年", "1—6月", "1-6月份", "今年上半年"],
    7: ["1—7月", "前7个月", "1至7月", "前七个月", "1~7月", "截至7月底"],
    9: ["前三季度", "1—9月", "1至9月份"],
    10: ["1—10月", "前10个月"],
    11: ["1—11月", "前11个月"],
}
NEWS_PART = bank(
    "{PERIOD}，{U}外贸进出口总额{v:trade}，同比{g:trade}。其中，出口{v:exp}，进口{v:imp}。",
    "据{CU}统计，{PERIOD}，{U}实现外贸进出口{v:trade}，同比{g:trade}。",
    "{PERIOD}，{PORT}进出口货运量达{v:cargo}，同比{g:cargo}。",
    "{PERIOD}，全{级}社会消费品零售总额{v:retail}，同比{g:retail}。",
    "{PERIOD}，全{级}固定资产投资同比{g:fai}。",
    "{PERIOD}，{CU}关区实现进出口{v:cdt}，比去年同期{g:cdt}。其中，出口{v:cdt_exp}，进口{v:cdt_imp}。",
    "据初步核算，{PERIOD}全{级}实现生产总值{v:gdp}，按可比价格计算，同比{g:gdp}。",
    "{PERIOD}，全{级}边民互市贸易额{v:bmt}，同比{g:bmt}。",
    "[B9] 据{CU}统计，{PERIOD}{PROVS}实现对外贸易进出口总值{v:prov_trade}，同比增长{x:1-20}。其中，{U}实现外贸进出口总值{v:trade}，较去年同期（下同）{g:trade}。",
    "[f:bare_yi money=亿元] {PERIOD}，全{级}完成生产总值{vy:gdp}，增长{r:gdp}。",
    "[f:product] {PERIOD}，{U}出口机电产品{v:mech}，同比增长{x:2-30}。",
)
NEWS_PART_TRAP = bank(
    "其中，{MONTH}当月，全{级}外贸进出口{v:month_trade}，同比增长{x:1-30}。",
    "截至{M2}月{D2}日，{PORT}累计验放进出境货物{v:cargo_cut}。",
)

# ----- filler (no indicator of LABELLING.md) ------------------------------------------------------------------
PREAMBLE = bank(
    "{Y}年，面对复杂严峻的外部环境和艰巨繁重的改革发展稳定任务，{U}坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念，全{级}经济运行总体平稳、稳中有进，社会大局和谐稳定。",
    "{Y}年，在{PARTY}的坚强领导下，全{级}上下团结奋进、攻坚克难，扎实做好稳增长、促改革、调结构、惠民生、防风险各项工作，经济社会持续健康发展。",
    "{Y}年，{U}深入推进沿边开放，口岸功能不断完善，产业转型步伐加快，民生保障持续改善，全{级}经济社会发展取得新成效。",
    "一年来，全{级}上下坚持以人民为中心的发展思想，统筹发展和安全，各项事业取得新进展。",
)
PREAMBLE_NOYEAR = bank(
    "过去一年，在{PARTY}的坚强领导下，全{级}上下团结奋进，经济社会保持平稳健康发展。",
    "全{级}上下认真贯彻落实各项决策部署，经济运行稳中有进，民生福祉持续增进。",
)
FILL_AGRI = bank(
    "全年粮食播种面积{xn:10-90}万亩，粮食总产量{xn:5-60}万吨，比上年增长{x:0.5-6}。",
    "全年肉类总产量{xn:1-9}万吨，牛奶产量{xn:1-30}万吨。年末牲畜存栏{xn:10-90}万头（只）。",
    "全年造林面积{xn:1-9}万亩，森林覆盖率达到{x:20-70}。",
)
FILL_IND = bank(
    "全年规模以上工业企业实现营业收入{xn:20-300}亿元，利润总额{xn:1-30}亿元。",
    "全年全社会用电量{xn:5-90}亿千瓦时，其中工业用电量增长{x:1-12}。",
    "年末全{级}规模以上工业企业{xn:20-200}户。",
)
FILL_SERV = bank(
    "全年接待国内外游客{xn:100-2000}万人次，实现旅游总收入{xn:10-300}亿元。",
    "全年完成货物运输量{xn:500-5000}万吨，旅客运输量{xn:100-900}万人。",
    "年末金融机构本外币各项存款余额{xn:100-900}亿元，各项贷款余额{xn:80-800}亿元。",
    "全年邮政业务总量{xn:1-9}亿元，电信业务总量{xn:3-30}亿元。",
)
FILL_SOCIAL = bank(
    "年末全{级}共有各级各类学校{xn:50-300}所，在校学生{xn:2-30}万人。",
    "年末全{级}共有医疗卫生机构{xn:100-900}个，卫生技术人员{xn:1000-9000}人。",
    "全年城镇新增就业{xn:1000-9000}人，城镇登记失业率为{x:1.5-4}。",
    "全年空气质量优良天数比例为{x:85-99}，细颗粒物（PM2.5）平均浓度为{xn:10-40}微克/立方米。",
)
FILL_PRICES = bank(
    "全年居民消费价格比上年上涨{x:0.5-3}，其中食品烟酒价格上涨{x:0.5-5}。",
)
NOTES = bank(
    "注：1.本公报中数据均为初步统计数，部分数据因四舍五入的原因，存在总计与分项合计不等的情况。",
    "2.地区生产总值、三次产业及相关行业增加值绝对数按现价计算，增长速度按不变价格计算。",
    "[1]地区生产总值、各产业增加值绝对数按现价计算，增长速度按可比价格计算。",
    "资料来源：本公报中财政数据来自{U}财政局，进出口数据来自{CU}，其他数据来自{U}统计局。",
)

# ----- census bulletins ------------------------------------------------------------------------------------
CENSUS_TITLES = bank(
    "[y=2020] {U}第七次全国人口普查公报（第一号）",
    "[y=2020] {U}第七次全国人口普查主要数据公报",
    "[y=2010] {U}2010年第六次全国人口普查主要数据公报",
)

# ----- misc -----------------------------------------------------------------------------------------------
PINYIN = {
    "统": "tǒng",
    "计": "jì",
    "公": "gōng",
    "报": "bào",
    "国": "guó",
    "民": "mín",
    "经": "jīng",
    "济": "jì",
    "社": "shè",
    "会": "huì",
    "发": "fā",
    "展": "zhǎn",
    "地": "dì",
    "区": "qū",
    "生": "shēng",
    "产": "chǎn",
    "总": "zǒng",
    "值": "zhí",
    "业": "yè",
    "增": "zēng",
    "长": "zhǎng",
    "结": "jié",
    "构": "gòu",
    "实": "shí",
    "现": "xiàn",
    "达": "dá",
    "到": "dào",
    "进": "jìn",
    "出": "chū",
    "口": "kǒu",
    "财": "cái",
    "政": "zhèng",
    "收": "shōu",
    "预": "yù",
    "算": "suàn",
    "完": "wán",
    "成": "chéng",
    "比": "bǐ",
    "降": "jiàng",
    "常": "cháng",
    "住": "zhù",
    "城": "chéng",
    "镇": "zhèn",
    "农": "nóng",
    "村": "cūn",
    "居": "jū",
    "支": "zhī",
    "配": "pèi",
    "零": "líng",
    "售": "shòu",
    "额": "é",
    "投": "tóu",
    "资": "zī",
    "固": "gù",
    "定": "dìng",
    "费": "fèi",
    "工": "gōng",
    "作": "zuò",
    "府": "fǔ",
    "核": "hé",
    "初": "chū",
    "步": "bù",
    "全": "quán",
    "年": "nián",
}
