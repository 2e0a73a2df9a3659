"""Demo knowledge entries: common questions of businesses in a county and the answers the center would
give, written for this demo (fictional county 象湖县; numbers and time limits are illustrative)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from qitong.db.models import Category
from qitong.services.auth import Principal
from qitong.services.context import Context
from qitong.services.knowledge import KnowledgeInput, create_entry


@dataclass(frozen=True)
class Seed:
    category: str
    question: str
    answer: str
    source: str
    keywords: tuple[str, ...]
    # days from today the entry took effect (negative: in the past) and, if set, stops being in force
    starts: int = -365
    ends: int | None = None
    published: bool = True


SEEDS: tuple[Seed, ...] = (
    Seed("gov_service.license", "新办一家企业需要多长时间？营业执照在哪里办理？",
         "在县政务服务中心“企业开办”专窗或省政务服务网线上办理。材料齐全的，营业执照、公章刻制、发票申领、"
         "社保和医保登记一次提交、一个工作日内办结，公章由县财政承担首套费用，不收取任何费用。",
         "县企业开办“一件事”工作方案", ("开公司", "注册公司", "企业开办", "办执照", "成立公司")),
    Seed("gov_service.license", "营业执照的经营范围或地址要变更，怎么办理？",
         "登录省政务服务网“企业变更登记”或到市场监管窗口办理，提交变更登记申请书、股东会决议和新住所证明。"
         "材料齐全当场或一个工作日内办结；跨县迁移的，迁出地与迁入地线上衔接，不需要企业来回跑。",
         "县市场监督管理局", ("变更执照", "改经营范围", "换地址", "迁址")),
    Seed("gov_service.tax", "小规模纳税人现在增值税怎么交，有没有减免？",
         "月销售额不超过 10 万元（按季度申报的季度销售额不超过 30 万元）的小规模纳税人免征增值税；"
         "适用 3% 征收率的应税销售收入减按 1% 征收。可在电子税务局直接申报，优惠系统自动带出。",
         "县税务局（以现行财税政策公告为准）", ("交税", "免税", "小规模", "增值税优惠", "报税")),
    Seed("gov_service.tax", "企业发票额度不够用，怎么申请提高？",
         "全面数字化电子发票按“授信额度”管理，税务系统根据纳税信用和经营情况自动调整。额度不足时可在电子税务局"
         "“发票额度调整申请”模块提出，税务机关一般在 1 个工作日内审核。",
         "县税务局", ("开票额度", "发票不够", "数电票", "授信额度")),
    Seed("factor.labour", "企业招用应届高校毕业生，能享受哪些补贴？",
         "招用毕业年度或离校 2 年内未就业的高校毕业生，签订 1 年以上劳动合同并缴纳社会保险的，"
         "可申请一次性吸纳就业补贴和社会保险补贴。登录人社公共服务平台提交申请，人社部门审核后按季度拨付。",
         "县人力资源和社会保障局", ("招大学生", "招人补贴", "吸纳就业补贴", "社保补贴", "招聘")),
    Seed("factor.labour", "企业想办一场招聘会或者在线发布招聘信息，找哪个部门？",
         "县人力资源市场每周三举办综合招聘会，企业可免费申请展位；也可在“就业在线”平台免费发布岗位，"
         "人社部门可协助组织专场招聘和校企对接。",
         "县人力资源和社会保障局", ("招工难", "招聘会", "缺工", "用工")),
    Seed("factor.labour", "企业社保缴费基数怎么确定？可以申请缓缴吗？",
         "缴费基数按职工上年度月平均工资确定，低于全省口径社平工资 60% 的按 60% 计，高于 300% 的按 300% 计。"
         "生产经营出现暂时困难的企业，可按当年政策向社保经办机构申请阶段性缓缴，缓缴期间不影响职工待遇。",
         "县社会保险事业管理中心", ("社保", "五险", "社保基数", "缓缴社保", "养老保险")),
    Seed("factor.land", "企业扩建厂房需要新增工业用地，流程是怎样的？",
         "先向所在镇（街道）和县自然资源部门了解地块规划条件，项目经发改部门备案后，工业用地以“标准地”方式"
         "公开出让，出让公告明确亩均投资、税收和能耗等指标。摘牌后签订出让合同即可同步办理不动产权证。",
         "县自然资源和规划局", ("拿地", "用地指标", "标准地", "厂房扩建", "工业用地")),
    Seed("factor.power", "新建厂房接入电网需要办理哪些手续？多久能通电？",
         "通过“网上国网”或供电营业厅申请，低压小微企业接电实行“三零”服务（零上门、零审批、零投资），"
         "一般 5 个工作日内装表接电；高压用户由客户经理上门对接，外线工程涉及的占道、掘路许可由政府部门并联审批。",
         "县供电公司", ("通电", "报装", "接电", "用电申请", "电力增容")),
    Seed("factor.power", "企业用电负荷不够，想申请增容怎么办？",
         "向供电营业厅或“网上国网”提交增容申请，附用电设备清单。客户经理 2 个工作日内现场勘查并答复供电方案，"
         "高压增容的工程费用政策按现行文件执行。",
         "县供电公司", ("增容", "电不够用", "变压器", "负荷")),
    Seed("factor.finance", "小微企业资金周转困难，有哪些贷款渠道？",
         "可申请县政策性融资担保公司担保的“助企贷”，担保费率不高于 1%；首贷、信用贷可通过地方金融服务平台"
         "一次提交多家银行。符合条件的个体工商户和小微企业还可申请创业担保贷款并享受贴息。",
         "县金融工作中心", ("借钱", "融资难", "贷款", "担保", "资金周转", "贴息")),
    Seed("policy.subsidy", "惠企政策的补助资金怎么申领，要不要自己去申请？",
         "县惠企政策统一在“政策直达”平台发布。已纳入“免申即享”清单的政策，系统根据企业数据自动比对，"
         "符合条件的直接兑付到企业账户；其他政策在平台在线申报，材料不重复提交。",
         "县经济和信息化局", ("补助", "奖补", "兑现", "免申即享", "政策资金")),
    Seed("policy.innovation", "怎样认定高新技术企业？认定后有什么优惠？",
         "企业可在每年申报期内通过高企认定管理工作网提交申请，需满足研发费用占比、高新技术产品收入占比、"
         "科技人员占比和知识产权等条件。认定后企业所得税减按 15% 征收，县里另有一次性奖励。",
         "县科学技术局", ("高企", "高新认定", "科技企业", "研发费用")),
    Seed("gov_service.construction_permit", "厂房建设的施工许可证要多久能办下来？",
         "工业类一般项目实行“拿地即开工”：土地出让阶段提前完成方案审查，摘牌后施工许可与工程规划许可并联办理，"
         "材料齐全的 3 个工作日内发证。",
         "县住房和城乡建设局", ("施工许可", "开工", "建设审批", "报建")),
    Seed("enforcement.inspection", "一个月内多个部门来企业检查，企业可以怎么反映？",
         "县里推行“综合查一次”和“入企扫码”：行政检查须事先登记，检查人员入企时扫企业码登记。"
         "同一企业同一事项原则上一年只查一次。企业认为检查过多的，可通过本平台“涉企检查”类提交诉求，由司法部门督办。",
         "县司法局（行政执法协调监督）", ("检查太多", "多头检查", "重复检查", "扫码入企")),
    # an announcement that is no longer in force: the search must not offer it
    Seed("policy.subsidy", "2025 年度稳岗返还怎么申请？",
         "2025 年度稳岗返还已于 2025 年 12 月 31 日结束申报，资金已拨付到位。",
         "县人力资源和社会保障局", ("稳岗返还", "稳岗补贴"), starts=-420, ends=-60),
    # a draft still being checked: not searchable until published
    Seed("factor.water", "企业新装工业用水水表要多久？",
         "（草稿，待供水公司确认时限）", "县供水公司", ("装水表", "用水报装"), published=False),
)


def load_knowledge(ctx: Context, by: Principal) -> int:
    """The demo entries, published unless a seed says otherwise (a category the deployment lacks is left
    out); returns how many were written."""
    day = ctx.clock.now().astimezone(ctx.policy.tz).date()
    with ctx.sessions() as s:
        known = set(s.scalars(select(Category.code)))
    for seed in SEEDS:
        create_entry(ctx, by, KnowledgeInput(
            question=seed.question, answer=seed.answer, source=seed.source,
            category=seed.category if seed.category in known else None,
            keywords=list(seed.keywords), effective_from=day + timedelta(days=seed.starts),
            effective_to=day + timedelta(days=seed.ends) if seed.ends is not None else None,
        ), publish=seed.published)
    return len(SEEDS)


__all__ = ["SEEDS", "Seed", "load_knowledge"]
