"""Demo content: the county's 职责清单 (one entry per leaf category, its units from `content.CATEGORIES`,
with keywords for the classifier's cold start and a legal basis), and a few published typical cases.
Our own wording, written for the demo."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from qitong.db.models import Department, Rating, Ticket
from qitong.demo import content
from qitong.domain.tickets.lifecycle import Status
from qitong.services.auth import Principal
from qitong.services.cases import propose_case, publish_case
from qitong.services.context import Context
from qitong.services.routing.responsibility import EntryIn, create_entry

KEYWORDS: dict[str, tuple[str, ...]] = {
    "major_project.preparation": ("立项", "可研", "环评", "能评", "前期手续", "项目备案"),
    "major_project.land_clearance": ("征地", "拆迁", "青苗", "补偿款", "阻工", "政策处理"),
    "major_project.construction": ("施工进度", "工期", "开工", "停工", "工地", "建设推进"),
    "major_project.investment": ("招商", "签约", "落地", "投资协议", "引进项目"),
    "gov_service.approval": ("审批", "办理时限", "窗口", "材料", "跑腿", "一网通办"),
    "gov_service.license": ("营业执照", "许可证", "经营范围", "变更登记", "证照", "注销"),
    "gov_service.tax": ("发票", "退税", "留抵", "纳税", "税务", "社保费"),
    "gov_service.construction_permit": ("施工许可", "竣工验收", "规划许可", "图审", "消防验收"),
    "enforcement.inspection": ("检查", "多头检查", "重复检查", "扫码入企", "执法检查"),
    "enforcement.penalty": ("罚款", "处罚", "罚单", "首违不罚", "行政处罚"),
    "enforcement.safety": ("安全生产", "消防", "隐患", "危化品", "应急"),
    "enforcement.environment": ("环保", "排污", "废水", "废气", "噪声", "环评整改"),
    "policy.subsidy": ("补助", "奖励", "兑现", "奖补资金", "专项资金", "补贴"),
    "policy.consultation": ("政策咨询", "申报条件", "政策解读", "怎么申报"),
    "policy.innovation": ("高新技术", "研发", "科技型", "专利", "创新"),
    "policy.trade": ("出口", "外贸", "报关", "订单", "展会", "跨境"),
    "factor.land": ("用地", "土地", "出让", "土地证", "用地指标"),
    "factor.power": ("用电", "停电", "电力", "报装", "变压器", "电费", "接电"),
    "factor.water": ("用水", "停水", "水压", "供水", "管网"),
    "factor.labour": ("用工", "招工", "招聘", "工人", "技工", "劳动合同"),
    "factor.finance": ("贷款", "融资", "银行", "担保", "授信", "续贷"),
    "other.legal": ("合同纠纷", "法律咨询", "律师", "仲裁", "欠款"),
    "other.public_security": ("治安", "盗窃", "强买强卖", "闹事", "报警"),
    "other.transport": ("道路", "物流", "货车", "通行", "限行", "运输"),
    "other.agriculture": ("种植", "养殖", "农机", "合作社", "农产品", "大棚"),
    "other.misc": (),
}

_BASIS = {
    "major_project": "《政府投资条例》；县重大项目推进工作机制",
    "gov_service": "《优化营商环境条例》；县政务服务事项清单",
    "enforcement": "《中华人民共和国行政处罚法》；县涉企行政检查事项清单",
    "policy": "县惠企政策清单及兑现办法",
    "factor": "《优化营商环境条例》；县要素保障工作机制",
    "other": "《优化营商环境条例》",
}

CASE_LESSONS = (
    "主办单位当天联系企业、协办单位同步会商，一周内办结，可作为同类问题的办理参照。",
    "中心分派时即明确协办单位及其职责，避免了推诿，企业对结果和过程均表示满意。",
    "属地与主管部门联合上门，现场协调解决，形成了可复制的处置流程。",
)


def load_responsibility(ctx: Context, by: Principal, effective_from: date) -> int:
    """One entry per leaf category, in force from `effective_from`: the units the demo's categories
    name (a town-assisted category leaves its town to the dispatcher), keywords and a legal basis."""
    with ctx.sessions() as s:
        units = {code: i for code, i in s.execute(select(Department.code, Department.id))}
    n = 0
    for c in content.LEAF_CATEGORIES:
        if c.lead_unit not in units:
            continue
        create_entry(ctx, by, EntryIn(
            category_code=c.code, lead_unit_id=units[c.lead_unit],
            co_unit_ids=[units[u] for u in c.co_units if u in units],
            legal_basis=_BASIS.get(c.code.partition(".")[0], ""), keywords=list(KEYWORDS.get(c.code, ())),
            effective_from=effective_from, note="演示数据"))
        n += 1
    return n


def publish_cases(ctx: Context, proposer: Principal, reviewer: Principal, limit: int = 3) -> int:
    """The first closed tickets rated 满意 or better on both counts, in different categories, proposed by the
    center and published by another reviewer, as the 案例库 asks."""
    with ctx.sessions() as s:
        rows = s.execute(
            select(Ticket.id, Ticket.category).join(Rating, Rating.ticket_id == Ticket.id)
            .where(Ticket.status == Status.closed, Rating.result >= 4, Rating.process >= 4)
            .order_by(Ticket.id)).all()
    picked: dict[str | None, int] = {}
    for tid, category in rows:
        picked.setdefault(category, tid)
    for i, tid in enumerate(list(picked.values())[:limit]):
        case = propose_case(ctx, proposer, tid, CASE_LESSONS[i % len(CASE_LESSONS)])
        publish_case(ctx, reviewer, int(case["id"]))
    return min(limit, len(picked))
