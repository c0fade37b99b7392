"""Narratives for the demo and the benchmark: four sentences drawn from a pool of
things a branch reports, so that two branches' answers differ the way real ones do, and
copies (one sentence changed) can be planted on purpose."""

import random

SENTENCES = [
    "召开支部党员大会{n}次、支委会{m}次，研究部署本季度党建重点工作",
    "围绕学习贯彻党的二十届三中全会精神组织集中学习{n}次",
    "党员撰写心得体会{m}篇，青年理论学习小组开展交流研讨",
    "开展我为群众办实事主题党日活动，走访联系困难群众{n}户",
    "到结对社区开展政策宣讲，发放宣传资料{m}余份",
    "组织党员赴革命纪念馆重温入党誓词，接受红色教育",
    "结合处室业务开展营商环境专题调研，形成调研报告{n}篇",
    "梳理岗位廉政风险点{m}个，逐项落实防控措施",
    "开展廉政警示教育，组织观看警示教育片并交流体会",
    "按月足额收缴党费，及时公示党费收缴使用情况",
    "完成发展对象培养考察{n}名，严格履行发展程序",
    "组织生活会查摆问题{m}条，建立整改台账逐项销号",
    "支部书记围绕作风建设讲专题党课，党员参学率达到百分之九十以上",
    "精简文件会议，季度内发文数量同比下降百分之{m}",
    "深入企业和基层走访{n}次，收集意见建议{m}条并推动解决",
    "开展志愿服务活动，组织党员清理小区环境、维护交通秩序",
    "联合社区开展反诈宣传，覆盖群众{m}余人",
    "推进党建与业务融合，围绕重点项目设立党员先锋岗{n}个",
    "开展主题党日，邀请先进典型讲述奋斗故事",
    "落实谈心谈话制度，支委与党员谈心谈话{m}人次",
    "完善支部工作制度{n}项，规范三会一课记录",
    "组织党员参加在线学习平台学习，人均学时{m}学时",
    "开展读书分享会，推荐党史学习书目{n}本",
    "对照上级巡察反馈意见，制定整改措施{m}条",
    "组织党员参加无偿献血、结对帮扶等公益活动",
    "以窗口服务为抓手，推行一次办好服务，办件满意率持续提高",
    "围绕优化营商环境开展大走访，帮助企业解决实际困难{n}件",
    "开展支部标准化规范化建设自查，补齐短板{m}项",
    "组织观看纪录片并开展专题研讨，形成研讨材料{n}份",
    "加强意识形态工作，开展形势政策教育{n}次",
    "推动党员亮身份、亮承诺，公开承诺事项{m}项",
    "开展作风建设专项整治，查找突出问题{n}个并立行立改",
    "组织支部委员参加培训{n}人次，提升履职能力",
    "与驻地单位开展联学共建，共同举办活动{n}场",
    "建立党员积分管理台账，季度评议党员{m}名",
    "开展调查研究，围绕群众急难愁盼问题提出建议{m}条",
]


# When and with whom: the same kind of activity reads differently from branch to branch.
SETTINGS = [
    "{month}月上旬",
    "{month}月中旬",
    "{month}月下旬",
    "{month}月{day}日",
    "结合{topic}",
    "围绕{topic}",
    "按照机关党委部署",
    "在支委会研究的基础上",
    "由支部书记带头",
    "联合{partner}",
]
TOPICS = [
    "年度重点工作",
    "优化营商环境",
    "作风建设年活动",
    "为基层减负",
    "乡村振兴帮扶",
    "安全生产大检查",
    "民生实事项目",
    "数字机关建设",
    "法治机关建设",
    "节约型机关建设",
]
PARTNERS = [
    "结对社区党委",
    "驻地企业党支部",
    "兄弟处室党支部",
    "对口帮扶村党支部",
    "离退休干部党支部",
    "共建学校党支部",
]


def _sentence(rng: random.Random, template: str) -> str:
    setting = rng.choice(SETTINGS).format(
        month=rng.randint(1, 12),
        day=rng.randint(1, 28),
        topic=rng.choice(TOPICS),
        partner=rng.choice(PARTNERS),
    )
    return setting + "，" + template.format(n=rng.randint(1, 9), m=rng.randint(10, 99))


def narrative(rng: random.Random, sentences: int = 4) -> str:
    return "。".join(_sentence(rng, t) for t in rng.sample(SENTENCES, sentences)) + "。"


def one_sentence_changed(rng: random.Random, text: str) -> str:
    parts = [p for p in text.split("。") if p]
    parts[rng.randrange(len(parts))] = _sentence(rng, rng.choice(SENTENCES))
    return "。".join(parts) + "。"
