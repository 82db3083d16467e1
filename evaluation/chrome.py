"""Page chromes: portal menus, breadcrumbs, year-index lines, region-select widgets, 相关公报 lists,
prev/next links, click counters, ICP lines, reprint-site and newspaper furniture.

Each function returns a list of chrome blocks {"t": "chrome", "text": line, "role": …}. Chrome never
contains a figure of an indicator; it does contain years, sibling units' names and other numbers.
"""

from __future__ import annotations

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "建国志强海涛春燕晓明丽华文军振兴永红秀英德明宏伟国庆立新玉兰亚军卫东子涵思远"


def person(rng) -> str:
    g = "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
    return rng.choice(SURNAMES) + g


def _digits(rng, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def pub_date(rng, year: int, months: tuple[int, int] = (2, 9)) -> tuple[int, int, int]:
    return year, rng.randint(*months), rng.randint(1, 28)


def _c(text: str, role: str = "chrome") -> dict:
    return {"t": "chrome", "text": text, "role": role}


def year_index(rng, upto: int) -> str:
    start = upto - rng.randint(10, 14)
    years = list(range(start, upto + 1))
    style = rng.randrange(3)
    if style == 0:
        return "统计公报年度索引: " + " ".join(str(y) for y in years) + " [ 统计公报分省总索引 ]"
    if style == 1:
        return "统计公报：" + " ".join(f"{y}年" for y in reversed(years))
    return " | ".join(f"{y}年统计公报" for y in reversed(years[-8:]))


def region_select(rng, unit) -> list[dict]:
    sibs = list(unit.siblings or unit.children)
    rng.shuffle(sibs)
    head = rng.choice(["选择区域：>>", "选择区域:>>>", "地区选择：", "切换地区："])
    line = " ".join([*sibs[:8], unit.name] if rng.random() < 0.5 else [unit.name, *sibs[:8]])
    out = [_c(head, "region")]
    if unit.parent:
        out.append(_c(f"{unit.prov_short} > {unit.parent} >", "region"))
    out.append(_c(line, "region"))
    return out


def portal_top(
    rng, unit, year_pub: tuple[int, int, int], data_year: int | None, section: str = "统计公报"
) -> list[dict]:
    _y, _m, _d = year_pub
    out = [
        _c(f"| {unit.name}人民政府门户网站 | 繁体版 | 移动版 | 无障碍阅读 | 长者助手"),
        _c(f"首页  政务公开  政务服务  互动交流  走进{unit.short}  数据发布"),
        _c(f"当前位置：首页 > 政务公开 > 统计信息 > {section}", "breadcrumb"),
    ]
    if data_year and rng.random() < 0.6:
        out.append(_c(year_index(rng, data_year + rng.randint(0, 2)), "year_index"))
    if rng.random() < 0.5:
        out += region_select(rng, unit)
    return out


def tjcn_top(rng, unit, data_year: int) -> list[dict]:
    last = data_year + rng.randint(0, 3)
    ys = " ".join(str(v) for v in range(last - 14, last + 1))
    return [
        _c("加入收藏 | 会员中心"),
        _c(f"统计年鉴年度索引: {ys} [ 统计年鉴分省、行业总索引 ]", "year_index"),
        _c(f"统计公报年度索引: {ys} [ 统计公报分省总索引 ]", "year_index"),
        _c("站内搜索: 高级搜索"),
        _c(f"您当前的位置:首页 > 统计公报 > {unit.prov_short}", "breadcrumb"),
    ]


def meta_line(rng, unit, pub: tuple[int, int, int], source: str | None = None) -> dict:
    y, m, d = pub
    src = source or f"{unit.name}统计局"
    style = rng.randrange(4)
    if style == 0:
        return _c(
            f"发布时间：{y}-{m:02d}-{d:02d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}  来源：{src}  "
            f"浏览次数：{rng.randint(30, 9000)}次  【字体：大 中 小】【打印】【关闭】",
            "meta",
        )
    if style == 1:
        return _c(
            f"时间:{y}-{m:02d}-{d:02d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} "
            f"来源:{src} 作者: 点击:{rng.randint(30, 9000)}次",
            "meta",
        )
    if style == 2:
        return _c(
            f"文章来源：{src} 发布时间：{y}-{m:02d}-{d:02d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d} "
            f"浏览量：{rng.randint(0, 5000)}次 打印 关闭 【字体：",
            "meta",
        )
    return _c(f"{y}年{m}月{d}日  来源：{src}  【字号：大 中 小】  阅读：{rng.randint(30, 9000)}", "meta")


def related_list(rng, unit, data_year: int, kind: str = "bulletin") -> list[dict]:
    out = [_c(rng.choice(["相关公报：", "相关链接", "相关文章", "推荐阅读"]), "related")]
    items = [
        f"{data_year - 1}年{unit.name}国民经济和社会发展统计公报",
        f"{data_year - 2}年{unit.name}国民经济和社会发展统计公报",
    ]
    for s in list(unit.siblings or unit.children)[:3]:
        items.append(f"{data_year}年{s}国民经济和社会发展统计公报")
    if unit.parent:
        items.append(f"{unit.parent}{data_year}年国民经济和社会发展统计公报")
    if kind == "work_report":
        items.append(f"{data_year}年{unit.name}政府工作报告")
    rng.shuffle(items)
    out += [_c("· " + it, "related") for it in items[: rng.randint(3, 6)]]
    return out


def prev_next(rng, unit, data_year: int) -> list[dict]:
    prev = f"上一篇：{data_year - 1}年{unit.name}国民经济和社会发展统计公报"
    nxt = rng.choice(
        [
            f"下一篇：关于开展{data_year + 1}年统计执法检查的通知",
            f"下一篇：{unit.name}{data_year + 1}年1-3月主要经济指标",
            f"下一篇：{data_year}年{unit.name}统计年鉴",
        ]
    )
    return [_c(prev, "prevnext"), _c(nxt, "prevnext")]


def footer(rng, unit) -> list[dict]:
    ab = unit.prov_abbr
    out = [
        _c(f"主办单位：{unit.name}人民政府办公室  承办单位：{unit.name}大数据中心"),
        _c(
            f"{ab}ICP备{_digits(rng, 8)}号-{rng.randint(1, 3)}  {ab}公网安备 {_digits(rng, 14)}号  "
            f"网站标识码：{_digits(rng, 10)}",
            "icp",
        ),
    ]
    if rng.random() < 0.5:
        out.insert(0, _c("分享到：微信 微博 QQ空间    【纠错】 【责任编辑：" + person(rng) + "】"))
    if rng.random() < 0.4:
        out.append(_c("返回顶部  政府网站找错  适老化无障碍服务"))
    return out


def news_top(rng, unit, pub: tuple[int, int, int], paper: str) -> list[dict]:
    y, m, d = pub
    style = rng.randrange(3)
    if style == 0:
        return [
            _c(f"人民网>>地方>>{unit.prov_short}", "breadcrumb"),
            _c(f"{y}年{m:02d}月{d:02d}日{rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}  来源：{paper}", "meta"),
        ]
    if style == 1:
        return [
            _c("电子报阅读机"),
            _c(f"{y}-{m:02d}-{d:02d}"),
            _c(f"当前报纸名称：{paper}"),
            _c(f"版面：第A{rng.randint(1, 8):02d}版：要闻  上一篇  下一篇", "meta"),
        ]
    return [
        _c(f"当前位置：首页 >> 新闻中心 >> {unit.prov_short}新闻 >> 正文", "breadcrumb"),
        _c(f"发布时间：{y}-{m:02d}-{d:02d}  来源：{paper}  字号：大 中 小", "meta"),
    ]


def news_bottom(rng) -> list[dict]:
    out = [_c(f"（完） 【编辑：{person(rng)}】")]
    if rng.random() < 0.6:
        out += [
            _c("相关新闻", "related"),
            _c("· 边境口岸通关便利化水平持续提升", "related"),
            _c("· 多地出台稳外贸新举措", "related"),
        ]
    out.append(_c("分享让更多人看到  返回顶部"))
    return out


def reprint_top(rng, pub: tuple[int, int, int]) -> list[dict]:
    y, m, d = pub
    if rng.random() < 0.5:
        return [
            _c("会员登录  新用户注册 退出"),
            _c("公文搜网 - 蓝秘书公文之家"),
            _c("您现在的位置是: 首页 > 专题材料 > 政府报告", "breadcrumb"),
            _c(
                f"公文搜 {y + rng.randint(0, 2)}-{m:02d}-{d:02d} {rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}:"
                f"{rng.randint(0, 59):02d} 政府报告",
                "meta",
            ),
        ]
    return [
        _c("文库 实用文档 报告/总结"),
        _c(
            f"工作报告 报告 政府工作报告 DOCX {rng.randint(8, 40)}页 下载{rng.randint(0, 9)} "
            f"浏览{rng.randint(10, 999)} 收藏0 点赞0 评分- 免费文档",
            "meta",
        ),
        _c(
            f"温馨提示：当前文档最多只能预览 {rng.randint(2, 5)} 页，"
            f"若文档总页数超出了 {rng.randint(2, 5)} 页，请下载原文档以浏览全部内容。"
        ),
    ]
