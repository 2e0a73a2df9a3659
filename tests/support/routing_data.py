"""A small synthetic Chinese training set for routing tests: three categories with their own words,
phrased in varied sentences, deterministic."""

from __future__ import annotations

import random

# category code → (lead unit key in the test world, ticket type, phrases)
CLASSES: dict[str, tuple[str, str, list[str]]] = {
    "zwfw.spxl": ("scj", "help", ["营业执照变更", "审批超时", "许可证办理", "材料反复退回", "窗口办事效率低",
                                  "食品经营许可", "企业登记", "名称核准"]),
    "gcjs": ("zjj", "complaint", ["施工许可", "竣工验收", "工程款拖欠", "建筑工地", "消防验收", "施工图审查",
                                  "农民工工资", "质量监督站"]),
    "ydgh": ("zrj", "consultation", ["用地指标", "土地出让", "不动产登记", "规划许可", "厂房用地", "容积率调整",
                                     "土地证", "地块规划"]),
}
FILLER = ["我公司", "企业反映", "希望尽快解决", "已经等了很久", "请有关部门协调", "影响正常经营", "麻烦帮忙",
          "情况如下", "多次沟通无果"]


def samples(n_per_class: int = 20, seed: int = 5) -> list[tuple[str, str, str]]:
    """(category, title, content) triples."""
    rng = random.Random(seed)
    out = []
    for cat, (_lead, _type, words) in CLASSES.items():
        for _ in range(n_per_class):
            picked = rng.sample(words, 3)
            title = f"{picked[0]}的问题{rng.randint(1, 9)}"
            content = "，".join([rng.choice(FILLER), *picked, rng.choice(FILLER)]) + "。"
            out.append((cat, title, content))
    rng.shuffle(out)
    return out


def csv_text(rows: list[tuple[str, str, str]]) -> str:
    lines = ["label,text"]
    lines += [f'{cat},"{title}{content}"' for cat, title, content in rows]
    return "\n".join(lines) + "\n"
