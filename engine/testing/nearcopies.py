"""Many reports with their own section 五, and a planted group of near-copies among them (NB503 at scale).

Each report's section 五 is a few hundred random common characters of its own; `planted` reports share one text,
each with about one character in a hundred changed (Jaccard similarity of their five-character pieces ≈ 0.9 to one
another), and come from different organs. Built by copying one generated report, so ten thousand take seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from nianbao.engine.model import Report, SectionKey
from nianbao.engine.testing.samples import SampleSpec, make_report

# Common characters, so that texts look like Chinese prose to the rules, yet share almost no five-character piece.
_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
    "收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信"
    "马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
    "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存"
    "候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
)


@dataclass
class Planted:
    reports: list[Report]
    copies: set[int]  # indices of the planted near-copies


def _text(rng: random.Random, length: int = 300) -> str:
    return "".join(rng.choice(_CHARS) for _ in range(length))


def _mutate(text: str, rng: random.Random, share: float = 0.01) -> str:
    chars = list(text)
    for i in rng.sample(range(len(chars)), max(1, int(len(chars) * share))):
        chars[i] = rng.choice(_CHARS)
    return "".join(chars)


def planted_batch(count: int, planted: int = 50, seed: int = 11) -> Planted:
    rng = random.Random(seed)
    base = make_report(SampleSpec("青禾市测试局", 2024, seed=seed))
    shared = _text(rng)
    copies = set(rng.sample(range(count), planted))
    reports = []
    for i in range(count):
        report = base.model_copy(deep=True)
        report.agency = f"青禾市第{i}局"
        report.source.path = f"{i:06d}.txt"
        report.section(SectionKey.problems).text = _mutate(shared, rng) if i in copies else _text(rng)
        report.section(SectionKey.overview).text = _text(rng)
        reports.append(report)
    return Planted(reports, copies)
