"""Every metric the platform publishes in its own namespace: name, unit, the dimension sets it is
published with, and what it means. ``chalicelib/observability.emit`` decides the sets; this page
writes them down for the dashboards and alarms, and ``tests/unit/test_ops_catalog.py`` checks
both ways: every widget reads a metric listed here with a set listed here, and every metric
listed here is published by the code with exactly those sets."""

from __future__ import annotations

from dataclasses import dataclass

NAMESPACE = "SmartCommunityCloud"
SERVICE = "community-cloud"

Dims = tuple[str, ...]
# The sets observability.emit writes (``service`` is in every one).
CITY: tuple[Dims, ...] = (("service", "tenant"), ("service",))
CITY_BY_SEVERITY: tuple[Dims, ...] = (("service", "severity", "tenant"), ("service", "tenant"),
                                      ("service", "severity"), ("service",))
CITY_BY_CHANNEL: tuple[Dims, ...] = (("channel", "service", "tenant"), ("service", "tenant"),
                                     ("channel", "service"), ("service",))
CITY_AND_ROUTE: tuple[Dims, ...] = (*CITY, ("route", "service"))
PLATFORM_ONLY: tuple[Dims, ...] = (("service",),)  # emit(None, …): nothing names a city
FUNCTION: tuple[Dims, ...] = (("function_name", "service"),)


@dataclass(frozen=True)
class MetricDef:
    name: str
    unit: str
    dims: tuple[Dims, ...]
    zh: str
    en: str
    emitted_by: str


def _m(name: str, unit: str, dims: tuple[Dims, ...], zh: str, en: str, by: str) -> MetricDef:
    return MetricDef(name, unit, dims, zh, en, by)


METRICS: dict[str, MetricDef] = {m.name: m for m in (
    _m("ApiRequests", "Count", CITY_AND_ROUTE, "API 请求数", "API requests", "app.py middleware"),
    _m("Api4xx", "Count", CITY_AND_ROUTE, "API 4xx 响应", "API 4xx answers", "app.py middleware"),
    _m("Api5xx", "Count", CITY_AND_ROUTE, "API 5xx 响应", "API 5xx answers", "app.py middleware"),
    _m("ApiLatency", "Milliseconds", CITY_AND_ROUTE, "API 延迟", "API latency", "app.py middleware"),
    _m("ColdStart", "Count", FUNCTION, "冷启动", "cold starts", "every Lambda entry point"),
    _m("TelemetryMessages", "Count", CITY, "遥测消息", "telemetry messages", "telemetry handler"),
    _m("TelemetryReadings", "Count", CITY, "遥测读数", "telemetry readings", "telemetry handler"),
    _m("TelemetryBadMessages", "Count", CITY, "无法解析的消息", "bad telemetry messages", "telemetry handler"),
    _m("TelemetryRejected", "Count", CITY, "被拒读数", "rejected readings", "telemetry handler"),
    _m("TelemetryLag", "Milliseconds", CITY, "遥测延迟", "telemetry lag", "telemetry handler"),
    _m("TelemetryStateConflicts", "Count", CITY, "设备状态并发冲突（已重算）",
       "device state writes lost to a concurrent batch (re-run)", "telemetry handler"),
    _m("AlertTransitions", "Count", CITY, "告警状态变化", "alert transitions", "telemetry handler"),
    _m("AlertsRaised", "Count", CITY_BY_SEVERITY, "新告警", "alerts raised", "telemetry handler, absence sweep"),
    _m("AbsenceAlertsRaised", "Count", CITY, "未出门/未用电/离线告警", "absence alerts raised", "absence sweep"),
    _m("AbsenceDevicesChecked", "Count", CITY, "到期核查设备", "devices whose absence due date came up, checked",
       "absence sweep"),
    _m("AbsenceSweepMinutes", "Count", CITY, "巡检覆盖分钟数", "minutes of due lists read a run (1 when keeping up)",
       "absence sweep"),
    _m("AlertsEscalated", "Count", CITY_BY_SEVERITY, "告警升级", "alerts escalated", "escalation sweep"),
    _m("AlertsOpen", "Count", CITY_BY_SEVERITY, "未关闭告警", "open alerts", "city health job"),
    _m("CriticalUnacknowledged", "Count", CITY, "超时未确认的紧急告警", "critical alerts unacknowledged past "
       "their window", "city health job"),
    _m("AlertsResolved", "Count", CITY, "人工结案告警", "alerts closed by a person", "alert resolve"),
    _m("AlertsFalseAlarm", "Count", CITY, "误报", "alerts closed as false alarms", "alert resolve"),
    _m("NotificationsSent", "Count", CITY_BY_CHANNEL, "告警短信/电话已发出", "alert SMS and calls sent",
       "notification sender"),
    _m("NotificationsFailed", "Count", CITY_BY_CHANNEL, "告警短信/电话失败", "alert SMS and calls the provider refused",
       "notification sender"),
    _m("NotificationsDelivered", "Count", CITY_BY_CHANNEL, "告警短信已送达、电话已接听", "alert SMS the carrier "
       "delivered (SNS delivery status), calls answered (End User Messaging events)", "delivery receipts"),
    _m("NotificationsUndelivered", "Count", CITY_BY_CHANNEL, "告警短信未送达、电话未接", "alert SMS sent but not "
       "delivered, calls busy or unanswered", "delivery receipts"),
    _m("ReceiptsUnmatched", "Count", PLATFORM_ONLY, "无法对应的短信/电话回执", "SMS delivery status lines and call "
       "status events that match no alert SMS or call", "delivery receipts"),
    _m("NotificationsSkipped", "Count", CITY, "未发送（关闭、免打扰、无号码、超额）",
       "alert SMS and calls not sent: channel off, quiet hours, no number, quota", "notification sender"),
    _m("NotificationQuotaReached", "Count", CITY_BY_CHANNEL, "本月短信/电话额度用完",
       "SMS or calls not sent: the city's monthly quota is used up", "notification sender"),
    _m("NotificationLatency", "Milliseconds", CITY, "告警到发出的时间", "from an alert's raise or escalation to its "
       "SMS or call", "notification sender"),
    _m("NotificationsNotQueued", "Count", CITY, "通知任务未能入队", "alert notification jobs that could not be "
       "queued", "alert routing"),
    _m("DevicesOnline", "Count", CITY, "在线设备", "devices online", "city health job"),
    _m("DevicesTotal", "Count", CITY, "设备总数", "devices", "city health job"),
    _m("DashboardDevicesCounted", "Count", CITY, "一屏统览现场清点设备", "dashboards that counted every community's "
       "devices themselves: the city health job's census older than 10 minutes or missing a community",
       "city dashboard"),
    _m("ServiceRequestsOverdue", "Count", CITY, "超期诉求", "overdue service requests", "city health job"),
    _m("ServiceRequestsFiled", "Count", CITY, "新诉求", "service requests filed", "request filing"),
    _m("EmergencyRequestsFiled", "Count", CITY, "紧急诉求", "emergency requests filed (燃气泄漏, 电梯困人 …)",
       "request filing"),
    _m("EmergencyDispatchFailed", "Count", CITY, "紧急诉求未能派发告警", "emergency requests filed whose alert (push "
       "and SMS to the grid's staff) could not be raised", "request filing"),
    _m("PhotosUploaded", "Count", CITY, "诉求照片", "photos attached to service requests", "request filing"),
    _m("PhotoRejected", "Count", CITY, "被拒照片", "photo keys refused: another city's, missing, too large, "
       "not an image", "request filing"),
    _m("BroadcastsPublished", "Count", CITY, "应急广播", "emergency broadcasts", "notice publishing"),
    _m("BroadcastDeliveries", "Count", CITY, "广播送达户数", "broadcast households", "notice publishing"),
    _m("BroadcastReads", "Count", CITY, "广播已读户数", "broadcast households read", "notice reading"),
    _m("SortingDeposits", "Count", CITY, "分类投放", "deposits at sorting bins recorded (credited or not)",
       "event handler (deposits)"),
    _m("SortingGrams", "Count", CITY, "投放重量（克）", "grams weighed by the sorting bins",
       "event handler (deposits)"),
    _m("SortingDepositsUnmatched", "Count", CITY, "未绑定卡的投放", "deposits whose card or phone is bound to no "
       "household", "event handler (deposits)"),
    _m("SortingDepositsDuplicate", "Count", CITY, "重复上报的投放", "deposits reported again (credited once)",
       "event handler (deposits)"),
    _m("SortingDepositsRefused", "Count", CITY, "被拒投放", "deposit events refused: not a sorting bin, unreadable, "
       "in the future", "event handler (deposits)"),
    _m("PointsCredited", "Count", CITY, "发放积分", "sorting points credited", "event handler (deposits)"),
    _m("PointsRedeemed", "Count", CITY, "兑换积分", "sorting points redeemed for goods", "points redemption"),
    _m("PointsRedemptions", "Count", CITY, "兑换次数", "redemptions (receipts)", "points redemption"),
    _m("CareVisits", "Count", CITY, "巡访关爱", "caring visits recorded (phone and home)", "caring visits"),
    _m("CareVisitsNotReached", "Count", CITY, "巡访未联系上", "caring visits that reached nobody", "caring visits"),
    _m("CareVisitNeedsFiled", "Count", CITY, "巡访发现需求转工单", "needs found on visits filed as service requests",
       "caring visits"),
    _m("CareVisitsEscalated", "Count", CITY, "巡访逾期告警", "visits overdue by a whole interval raised as alerts",
       "overdue-visit sweep"),
    _m("CareVisitsByVisitors", "Count", CITY, "巡访人员自报巡访", "caring visits recorded by care visitors "
       "(social workers, volunteers, doctors) themselves", "caring visits"),
    _m("CareVisitorsAssigned", "Count", CITY, "分配巡访人员", "care visitors newly assigned to care subjects",
       "care visitor assignment"),
    _m("AccessPassages", "Count", CITY, "门禁通行", "entrance passages counted into households' weeks",
       "telemetry handler (passages)"),
    _m("AccessPassagesUnmatched", "Count", CITY, "未登记卡通行", "passages of cards bound to no household",
       "telemetry handler (passages)"),
    _m("AccessPassagesRefused", "Count", CITY, "被拒通行记录", "passages refused: unreadable, not an entrance "
       "controller, in the future, over a week old", "telemetry handler (passages)"),
    _m("RentalLeadsRaised", "Count", CITY, "新增群租线索", "疑似群租 leads opened (or reopened)",
       "telemetry handler (passages)"),
    _m("RentalLeadsMerged", "Count", CITY, "合并的线索", "a new week or reason merged into an existing lead",
       "telemetry handler (passages)"),
    _m("RentalLeadsConfirmed", "Count", CITY, "核实群租", "leads confirmed after a visit", "rental leads"),
    _m("RentalLeadsDismissed", "Count", CITY, "排除的线索", "leads dismissed with a reason", "rental leads"),
    _m("ReportFiles", "Count", CITY, "一表通下载", "monthly reports downloaded (XLSX or CSV)", "one-table reporting"),
    _m("ReportSubmissions", "Count", CITY, "一表通报送", "community reports submitted (locked)",
       "one-table reporting"),
    _m("ReportsArchived", "Count", CITY, "一表通归档", "monthly reports archived by the monthly job",
       "one-table reporting"),
    _m("ImportsStarted", "Count", CITY, "导入开始", "spreadsheet imports started", "spreadsheet imports"),
    _m("ImportRows", "Count", CITY, "导入读取行数", "rows read from imported spreadsheets", "spreadsheet imports"),
    _m("ImportsRefused", "Count", CITY, "导入被退回", "imports refused whole (problems in rows, or an unreadable "
       "file): nothing written", "spreadsheet imports"),
    _m("ImportProblems", "Count", CITY, "导入问题数", "problems found in imported rows", "spreadsheet imports"),
    _m("ImportsDone", "Count", CITY, "导入完成", "spreadsheet imports applied", "spreadsheet imports"),
    _m("ImportChanges", "Count", CITY, "导入写入", "nodes created, updated or retired by imports",
       "spreadsheet imports"),
    _m("ImportSeconds", "Seconds", CITY, "导入耗时", "an import's time from reading to the last chunk",
       "spreadsheet imports"),
    _m("PersonalDataReveals", "Count", CITY, "查看居民完整信息", "personal data revealed to staff (each logged)",
       "personal data"),
    _m("AccessLogExports", "Count", CITY, "导出查看记录", "access log exports", "personal data"),
    _m("PersonalDataExports", "Count", CITY, "居民导出本人信息", "residents' exports of their data", "personal data"),
    _m("AccountsClosed", "Count", CITY, "居民注销账号", "resident accounts closed", "personal data"),
    _m("QuotaRefused", "Count", CITY, "配额拒绝", "writes refused by a quota", "devices, residents, manifests"),
    _m("ApiThrottled", "Count", CITY, "API 限流", "API requests throttled (429)", "API rate limiter"),
    _m("TelemetryDropped", "Count", CITY, "超额丢弃的消息", "telemetry messages dropped over the quota",
       "telemetry handler"),
    # the local device gateway and rules bridge (infra/local/bridge.py); in AWS, IoT Core's own
    # Publish-In.Throttle / rule Failure metrics say the same
    _m("DeviceMessagesThrottled", "Count", CITY, "设备消息限流", "device messages over the per-connection rate",
       "local device gateway"),
    _m("DeviceMessagesRefused", "Count", CITY, "设备消息被拒（证书无效）", "device messages refused: certificate "
       "not active or not the thing's", "local device gateway"),
    _m("DeviceMessagesDeadLettered", "Count", CITY, "设备消息转入死信", "device messages dead-lettered (too large, "
       "unreadable, undeliverable)", "local rules bridge"),
)}

# AWS's own metrics the dashboards read: namespace → metric → its dimension names.
AWS_METRICS: dict[str, dict[str, Dims]] = {
    "AWS/Lambda": {n: ("FunctionName",) for n in ("Invocations", "Errors", "Throttles", "Duration",
                                                   "ConcurrentExecutions")},
    "AWS/SQS": {n: ("QueueName",) for n in ("ApproximateNumberOfMessagesVisible",
                                            "ApproximateAgeOfOldestMessage")},
    "AWS/IoT": {"TopicMatch": ("RuleName",), "Failure": ("ActionType", "RuleName"),
                "Publish-In.Throttle": ("Protocol",)},
    "AWS/DynamoDB": {"ConsumedReadCapacityUnits": ("TableName",), "ConsumedWriteCapacityUnits": ("TableName",),
                     "ReadThrottleEvents": ("TableName",), "WriteThrottleEvents": ("TableName",),
                     "SystemErrors": ("Operation", "TableName")},
    "AWS/Usage": {"CallCount": ("Class", "Resource", "Service", "Type")},
}
