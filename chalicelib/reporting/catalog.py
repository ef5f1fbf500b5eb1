"""The figures the platform can put in a city's 社区信息共享清单 (manifest ``reporting``): what each counts,
from which collected data, and how it rolls up. A count adds up from community to street to district; a
rate is recomputed at every level from its two counts (never an average of rates)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    id: str
    section: str  # 人口 / 接诉即办 / 居家养老 / 安全 / 公告 / 议事 / 垃圾分类 / 群租
    zh: str
    en: str
    unit: str
    definition: str  # Chinese first: the definition a report prints beside the figure
    count: str | None = None  # the base count it is
    rate: tuple[str, str] | None = None  # numerator, denominator counts
    scale: float = 1.0  # e.g. grams → kilograms

    def value(self, counts: dict[str, float]) -> float | None:
        if self.rate is not None:
            num, den = counts.get(self.rate[0], 0), counts.get(self.rate[1], 0)
            return round(num / den, 4) if den else None
        assert self.count is not None
        return round(counts.get(self.count, 0) * self.scale, 3)


FIGURES: tuple[Figure, ...] = (
    Figure("households", "人口", "已登记户数", "Households registered", "户",
           "本社区已有居民核验通过的住户数（截至报表生成时）", count="households"),
    Figure("residents", "人口", "已核验居民", "Residents verified", "人",
           "本社区核验通过的居民人数（截至报表生成时）", count="residents"),
    Figure("registrations_pending", "人口", "待核验登记", "Registrations waiting", "人",
           "已提交、尚未核验的居民登记（截至报表生成时）", count="registrations_pending"),
    Figure("requests_filed", "接诉即办", "受理诉求", "Requests filed", "件",
           "本月受理的居民诉求（按受理时间）", count="requests_filed"),
    Figure("requests_resolved", "接诉即办", "办结诉求", "Requests resolved", "件",
           "本月受理、已办结的诉求", count="requests_resolved"),
    Figure("response_rate", "接诉即办", "按时响应率", "Responded on time", "%",
           "按时响应数 ÷（已响应数 + 超时未响应数）", rate=("requests_responded_on_time", "requests_response_base")),
    Figure("resolution_rate", "接诉即办", "按时办结率", "Resolved on time", "%",
           "按时办结数 ÷（已办结数 + 超时未办结数）", rate=("requests_resolved_on_time", "requests_resolution_base")),
    Figure("satisfaction_rate", "接诉即办", "满意率", "Satisfaction", "%",
           "评价为满意的诉求 ÷ 已评价的诉求（好差评）", rate=("requests_satisfied", "requests_rated")),
    Figure("care_subjects", "居家养老", "关爱对象", "Care subjects", "人",
           "登记在册的居家养老关爱对象（截至报表生成时）", count="care_subjects"),
    Figure("care_visits", "居家养老", "巡访次数", "Caring visits", "次",
           "本月完成的巡访（电话问候与上门探访）", count="care_visits"),
    Figure("care_visits_on_time_rate", "居家养老", "巡访按时率", "Visits on time", "%",
           "按计划日期前完成的巡访 ÷ 本月巡访次数", rate=("care_visits_on_time", "care_visits")),
    Figure("care_needs", "居家养老", "巡访发现需求", "Needs found on visits", "件",
           "巡访中发现并转为诉求的需求", count="care_needs"),
    Figure("alerts_resolved", "安全", "处置告警", "Alerts handled", "条",
           "本月由工作人员处置关闭的设备告警", count="alerts_resolved"),
    Figure("false_alarm_rate", "安全", "误报率", "False alarms", "%",
           "处置结论为误报的告警 ÷ 处置告警", rate=("alerts_false", "alerts_resolved")),
    Figure("notices_published", "公告", "发布公告", "Notices published", "条",
           "本月在本社区范围内发布的公告和应急广播", count="notices_published"),
    Figure("notice_read_rate", "公告", "公告阅读率", "Notices read (households)", "%",
           "已阅读的住户数 ÷ 应送达的住户数（本月发布的公告）", rate=("notice_households_read", "notice_households")),
    Figure("consultations_started", "议事", "发起协商议事", "Consultations started", "项",
           "本月在本社区发起的协商、投票", count="consultations_started"),
    Figure("sorting_kg", "垃圾分类", "分类投放量", "Waste deposited", "千克",
           "本月智能分类回收箱称重的投放总量", count="sorting_grams", scale=0.001),
    Figure("sorted_share", "垃圾分类", "分类投放占比", "Sorted share", "%",
           "可回收物、厨余垃圾、有害垃圾 ÷ 投放总量", rate=("sorting_sorted_grams", "sorting_grams")),
    Figure("points_earned", "垃圾分类", "发放积分", "Points credited", "分",
           "本月分类投放发放的积分", count="points_earned"),
    Figure("points_redeemed", "垃圾分类", "兑换积分", "Points redeemed", "分",
           "本月在兑换站兑换的积分", count="points_redeemed"),
    Figure("rental_leads_open", "群租", "群租线索（待核实）", "Rental leads to check", "条",
           "门禁数据发现、尚待上门核实的疑似群租户（截至报表生成时）", count="leads_open"),
    Figure("rental_leads_confirmed", "群租", "核实群租", "Group rentals confirmed", "户",
           "上门核实为群租的住户（累计）", count="leads_confirmed"),
)
BY_ID = {f.id: f for f in FIGURES}
