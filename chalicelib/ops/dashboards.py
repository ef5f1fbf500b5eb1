"""The dashboards as data: the platform's (in the template) and each city's (put at onboarding).
Every series reads a metric of ``catalog.py``; ``render.py`` turns these into CloudWatch bodies
and the ops screen draws the same definitions from GetMetricData."""

from __future__ import annotations

from chalicelib.ops.model import CITY_TENANT, Dashboard, Series, Widget
from iot.rules import RULES

# The template's logical ids of the Lambda functions (Chalice's names for app.py's handlers).
FUNCTIONS = ("APIHandler", "JwtAuth", "HandleTelemetry", "HandleEvents", "EscalateAlerts", "SweepAbsence",
             "CloseResolvedRequests", "CityHealth", "PreprovisionHook", "SendNotifications", "SmsReceipts",
             "CallReceipts", "RunImports")
QUEUE, DLQ, TABLE = "cc-telemetry", "cc-telemetry-dlq", "${AppTable}"
NOTIFY_QUEUE, NOTIFY_DLQ = "cc-notifications", "cc-notifications-dlq"
IMPORT_QUEUE, IMPORT_DLQ = "cc-imports", "cc-imports-dlq"
CHANNELS = (("sms", "短信", "SMS"), ("voice", "电话", "calls"), ("push", "推送", "pushes"))
SEVERITIES = (("critical", "紧急", "critical"), ("warning", "警告", "warning"), ("info", "提示", "info"))


def _lambda(metric: str, stat: str = "Sum") -> tuple[Series, ...]:
    return tuple(Series(metric, f, f, stat, (("FunctionName", f"${{{f}}}"),), "AWS/Lambda") for f in FUNCTIONS)


def _ours(metric: str, zh: str, en: str, stat: str = "Sum", city: bool = False, **dims: str) -> Series:
    tenant = (("tenant", CITY_TENANT),) if city else ()
    return Series(metric, zh, en, stat, tenant + tuple(dims.items()))


def _gateway(city: bool) -> Widget:
    """Device messages the gateway did not let through (locally: infra/local/bridge.py)."""
    series: tuple[Series, ...] = (_ours("DeviceMessagesRefused", "证书无效被拒", "refused: certificate", city=city),
              _ours("DeviceMessagesThrottled", "超速限流", "over the rate limit", city=city),
              _ours("DeviceMessagesDeadLettered", "转入死信", "dead-lettered", city=city))
    if not city:  # what IoT Core itself counts when it throttles publishes
        series += (Series("Publish-In.Throttle", "IoT Core 限流", "IoT Core throttled", "Sum",
                          (("Protocol", "MQTT"),), "AWS/IoT"),)
    return Widget("device-gateway", "设备消息：被拒、限流、死信", "device messages refused, throttled, dead-lettered",
                  "Count", series, period=300)


def _api(city: bool) -> tuple[Widget, ...]:
    return (
        Widget("api-requests", "API 请求与错误", "API requests and errors", "Count", (
            _ours("ApiRequests", "请求", "requests", city=city), _ours("Api4xx", "4xx", "4xx", city=city),
            _ours("Api5xx", "5xx", "5xx", city=city))),
        Widget("api-latency", "API 延迟", "API latency", "Milliseconds", tuple(
            _ours("ApiLatency", p, p, p, city=city) for p in ("p50", "p95", "p99"))),
    )


def _telemetry(city: bool) -> tuple[Widget, ...]:
    return (
        Widget("readings", "遥测读数与消息", "telemetry readings and messages", "Count", (
            _ours("TelemetryReadings", "读数", "readings", city=city),
            _ours("TelemetryMessages", "消息", "messages", city=city),
            _ours("TelemetryBadMessages", "无法解析", "bad messages", city=city),
            _ours("TelemetryRejected", "被拒读数", "rejected readings", city=city))),
        Widget("telemetry-lag", "遥测延迟", "telemetry lag", "Milliseconds", (
            _ours("TelemetryLag", "p99", "p99", "p99", city=city),
            _ours("TelemetryLag", "最大", "max", "Maximum", city=city))),
        Widget("state-conflicts", "设备状态并发冲突", "device state conflicts", "Count", (
            _ours("TelemetryStateConflicts", "冲突后重算", "re-run after a conflict", city=city),), period=300),
        Widget("absence-sweep", "未出门/离线巡检", "absence sweep", "Count", (
            _ours("AbsenceDevicesChecked", "核查设备", "devices checked", city=city),
            _ours("AbsenceSweepMinutes", "覆盖分钟（落后时大于1）", "minutes read (over 1: catching up)", "Maximum",
                  city=city),
            _ours("AbsenceAlertsRaised", "未出门/离线告警", "absence alerts raised", city=city)), period=300),
    )


def _alerts(city: bool) -> tuple[Widget, ...]:
    return (
        Widget("alerts-raised", "新告警（按级别）", "alerts raised by severity", "Count", tuple(
            _ours("AlertsRaised", zh, en, city=city, severity=s) for s, zh, en in SEVERITIES)),
        Widget("alerts-escalated", "告警升级（按级别）与状态变化", "alerts escalated by severity, transitions",
               "Count", (
            *(_ours("AlertsEscalated", zh, en, city=city, severity=s) for s, zh, en in SEVERITIES),
            _ours("AlertTransitions", "状态变化", "transitions", city=city))),
    )


def _notifications(city: bool) -> tuple[Widget, ...]:
    return (
        Widget("notifications", "告警短信、电话与推送", "alert SMS, calls and pushes", "Count", (
            *(_ours("NotificationsSent", f"{zh}已发", f"{en} sent", city=city, channel=c) for c, zh, en in CHANNELS),
            *(_ours("NotificationsFailed", f"{zh}失败", f"{en} failed", city=city, channel=c)
              for c, zh, en in CHANNELS),
            *(_ours("NotificationsDelivered", f"{zh}已送达/接听", f"{en} delivered or answered", city=city, channel=c)
              for c, zh, en in CHANNELS[:2]),
            *(_ours("NotificationsUndelivered", f"{zh}未送达/未接", f"{en} not delivered or unanswered", city=city,
                    channel=c) for c, zh, en in CHANNELS[:2]),
            _ours("NotificationsSkipped", "未发送", "not sent", city=city),
            _ours("NotificationsNotQueued", "未能入队", "not queued", city=city),
            _ours("NotificationQuotaReached", "超出月度额度", "over the monthly quota", city=city),
            *(() if city else (_ours("ReceiptsUnmatched", "无法对应的回执", "receipts matching no SMS or call"),))),
            period=300),
        Widget("notification-latency", "告警到短信/电话", "alert to SMS or call", "Milliseconds", (
            _ours("NotificationLatency", "p95", "p95", "p95", city=city),
            _ours("NotificationLatency", "最大", "max", "Maximum", city=city)), period=300),
    )


def platform() -> Dashboard:
    return Dashboard("cc-platform", "平台运行总览", "Platform operations", (
        *_api(city=False),
        Widget("api-latency-by-route", "各接口 p99 延迟", "p99 latency by route", "Milliseconds", (
            Series("ApiLatency", "p99", "p99", "p99", search_by="route"),), period=300),
        Widget("api-5xx-by-route", "各接口 5xx", "5xx by route", "Count", (
            Series("Api5xx", "5xx", "5xx", search_by="route"),), period=300),
        Widget("lambda-invocations", "函数调用", "Lambda invocations", "Count", _lambda("Invocations"), period=300),
        Widget("lambda-errors", "函数错误", "Lambda errors", "Count", _lambda("Errors"), period=300),
        Widget("lambda-throttles", "函数限流", "Lambda throttles", "Count", _lambda("Throttles"), period=300),
        Widget("lambda-duration", "函数耗时 p99", "Lambda duration p99", "Milliseconds",
               _lambda("Duration", "p99"), period=300),
        Widget("lambda-concurrency", "并发执行", "concurrent executions", "Count",
               _lambda("ConcurrentExecutions", "Maximum"), period=300),
        Widget("cold-starts", "冷启动", "cold starts", "Count", (
            Series("ColdStart", "冷启动", "cold starts", search_by="function_name"),), period=300),
        Widget("queues", "遥测、通知与导入队列", "telemetry, notification and import queues", "Count", tuple(
            Series("ApproximateNumberOfMessagesVisible", zh, en, "Maximum", (("QueueName", q),), "AWS/SQS")
            for q, zh, en in ((QUEUE, "遥测队列深度", "telemetry queue depth"),
                              (DLQ, "遥测死信", "telemetry dead letters"),
                              (NOTIFY_QUEUE, "通知队列深度", "notification queue depth"),
                              (NOTIFY_DLQ, "通知死信", "notification dead letters"),
                              (IMPORT_QUEUE, "导入队列深度", "import queue depth"),
                              (IMPORT_DLQ, "导入死信", "import dead letters")))),
        Widget("queue-age", "最旧消息等待", "age of oldest message", "Seconds", (
            Series("ApproximateAgeOfOldestMessage", "遥测队列", "telemetry queue", "Maximum",
                   (("QueueName", QUEUE),), "AWS/SQS"),)),
        Widget("iot-rules", "IoT 规则命中与失败", "IoT rule matches and action failures", "Count", tuple(
            s for r in RULES for s in (
                Series("TopicMatch", f"{r.name} 命中", f"{r.name} matches", "Sum", (("RuleName", r.name),),
                       "AWS/IoT"),
                Series("Failure", f"{r.name} 失败", f"{r.name} failures", "Sum",
                       (("ActionType", "SQS" if r.target == "queue" else "Lambda"), ("RuleName", r.name)),
                       "AWS/IoT")))),
        _gateway(city=False),
        *_telemetry(city=False),
        *_alerts(city=False),
        *_notifications(city=False),
        Widget("dynamodb-capacity", "DynamoDB 消耗容量", "DynamoDB consumed capacity", "Count", (
            Series("ConsumedReadCapacityUnits", "读", "read", "Sum", (("TableName", TABLE),), "AWS/DynamoDB"),
            Series("ConsumedWriteCapacityUnits", "写", "write", "Sum", (("TableName", TABLE),), "AWS/DynamoDB"))),
        Widget("dynamodb-errors", "DynamoDB 限流与系统错误", "DynamoDB throttles and system errors", "Count", (
            Series("ReadThrottleEvents", "读限流", "read throttles", "Sum", (("TableName", TABLE),), "AWS/DynamoDB"),
            Series("WriteThrottleEvents", "写限流", "write throttles", "Sum", (("TableName", TABLE),),
                   "AWS/DynamoDB"),
            Series("SystemErrors", "系统错误", "system errors", "Sum", (("TableName", TABLE),), "AWS/DynamoDB",
                   search_by="Operation"))),
        Widget("kms", "KMS 调用", "KMS calls", "Count", tuple(
            Series("CallCount", op, op, "Sum", (("Class", "None"), ("Resource", op), ("Service", "KMS"),
                                                 ("Type", "API")), "AWS/Usage")
            for op in ("GenerateDataKey", "Decrypt", "Encrypt")), period=300),
        Widget("requests-by-city", "各城市请求", "API requests by city", "Count", (
            Series("ApiRequests", "请求", "requests", search_by="tenant"),), period=300),
        Widget("readings-by-city", "各城市读数", "readings by city", "Count", (
            Series("TelemetryReadings", "读数", "readings", search_by="tenant"),), period=300),
        Widget("throttled-by-city", "各城市限流与丢弃", "throttled and dropped by city", "Count", (
            Series("ApiThrottled", "API 限流", "API throttled", search_by="tenant"),
            Series("TelemetryDropped", "丢弃消息", "telemetry dropped", search_by="tenant")), period=300),
    ))


def city(tenant_id: str, name_zh: str, name_en: str) -> Dashboard:
    """A city's dashboard: every series carries ``tenant`` = the city."""
    return Dashboard(f"cc-city-{tenant_id}", f"{name_zh} · 运行监控", f"{name_en} · operations", (
        *_api(city=True),
        *_telemetry(city=True),
        _gateway(city=True),
        Widget("devices", "设备在线", "devices online", "Count", (
            _ours("DevicesOnline", "在线", "online", "Maximum", city=True),
            _ours("DevicesTotal", "总数", "total", "Maximum", city=True)), period=300),
        Widget("dashboard-census", "一屏统览：现场清点设备（普查过期）", "city dashboard: devices counted on the spot "
               "(census stale)", "Count", (
                   _ours("DashboardDevicesCounted", "现场清点", "counted on the spot", city=True),), period=300),
        Widget("alerts-open", "未关闭告警（按级别）", "open alerts by severity", "Count", tuple(
            _ours("AlertsOpen", zh, en, "Maximum", city=True, severity=s) for s, zh, en in SEVERITIES), period=300),
        Widget("critical-unacknowledged", "超时未确认的紧急告警", "critical alerts unacknowledged in time", "Count", (
            _ours("CriticalUnacknowledged", "超时未确认", "unacknowledged", "Maximum", city=True),), period=300),
        *_alerts(city=True),
        *_notifications(city=True),
        Widget("service-requests", "诉求：新增、超期与紧急", "service requests: filed, overdue, emergencies", "Count", (
            _ours("ServiceRequestsFiled", "新增", "filed", city=True),
            _ours("ServiceRequestsOverdue", "超期", "overdue", "Maximum", city=True),
            _ours("EmergencyRequestsFiled", "紧急求助", "emergencies filed", city=True),
            _ours("EmergencyDispatchFailed", "紧急未能派发", "emergencies not dispatched", city=True)), period=300),
        Widget("quotas", "配额：拒绝、限流与丢弃", "quotas: refusals, throttling, drops", "Count", (
            _ours("QuotaRefused", "配额拒绝", "refused", city=True), _ours("ApiThrottled", "API 限流", "throttled",
                                                                       city=True),
            _ours("TelemetryDropped", "丢弃消息", "dropped", city=True)), period=300),
        Widget("photos-broadcasts", "照片与应急广播", "photos and emergency broadcasts", "Count", (
            _ours("PhotosUploaded", "诉求照片", "request photos", city=True),
            _ours("PhotoRejected", "被拒照片", "photos refused", city=True),
            _ours("BroadcastsPublished", "应急广播", "broadcasts", city=True)), period=3600),
        Widget("sorting-points", "垃圾分类积分：投放与兑换", "sorting points: deposits and redemptions", "Count", (
            _ours("SortingDeposits", "投放", "deposits", city=True),
            _ours("SortingDepositsUnmatched", "未绑定卡", "unmatched", city=True),
            _ours("SortingDepositsRefused", "被拒", "refused", city=True),
            _ours("SortingDepositsDuplicate", "重复上报", "repeated", city=True),
            _ours("PointsCredited", "发放积分", "points credited", city=True),
            _ours("PointsRedeemed", "兑换积分", "points redeemed", city=True),
            _ours("PointsRedemptions", "兑换次数", "redemptions", city=True)), period=3600),
        Widget("sorting-weight", "分类投放重量（克）", "weight deposited (grams)", "Count", (
            _ours("SortingGrams", "重量", "grams", city=True),), period=3600),
        Widget("care-visits", "巡访关爱", "caring visits", "Count", (
            _ours("CareVisits", "巡访", "visits", city=True),
            _ours("CareVisitsNotReached", "未联系上", "not reached", city=True),
            _ours("CareVisitNeedsFiled", "需求转工单", "needs filed", city=True),
            _ours("CareVisitsEscalated", "逾期告警", "overdue alerts", city=True),
            _ours("CareVisitsByVisitors", "巡访人员自报", "by care visitors", city=True),
            _ours("CareVisitorsAssigned", "分配巡访人员", "visitors assigned", city=True)), period=3600),
        Widget("rental-leads", "门禁通行与群租线索", "entrance passages and group-rental leads", "Count", (
            _ours("AccessPassages", "通行", "passages", city=True),
            _ours("AccessPassagesUnmatched", "未登记卡", "unregistered cards", city=True),
            _ours("AccessPassagesRefused", "被拒", "refused", city=True),
            _ours("RentalLeadsRaised", "新增线索", "leads raised", city=True),
            _ours("RentalLeadsMerged", "合并", "merged", city=True),
            _ours("RentalLeadsConfirmed", "核实群租", "confirmed", city=True),
            _ours("RentalLeadsDismissed", "排除", "dismissed", city=True)), period=3600),
        Widget("reporting", "一表通：报送与下载", "one-table reporting: submissions and downloads", "Count", (
            _ours("ReportSubmissions", "社区报送", "submitted", city=True),
            _ours("ReportFiles", "下载", "downloads", city=True),
            _ours("ReportsArchived", "月度归档", "archived", city=True)), period=86400),
        Widget("imports", "区划导入：行数、问题与写入", "spreadsheet imports: rows, problems, writes", "Count", (
            _ours("ImportRows", "读取行", "rows read", city=True),
            _ours("ImportProblems", "问题", "problems", city=True),
            _ours("ImportChanges", "写入", "written", city=True),
            _ours("ImportsRefused", "被退回", "refused", city=True),
            _ours("ImportsStarted", "开始", "started", city=True),
            _ours("ImportsDone", "完成", "done", city=True)), period=3600),
        Widget("import-time", "区划导入耗时（最长）", "spreadsheet import time (longest)", "Seconds", (
            _ours("ImportSeconds", "耗时", "time", "Maximum", city=True),), period=3600),
        Widget("personal-data", "个人信息：查看、导出与注销", "personal data: reveals, exports, closures", "Count", (
            _ours("PersonalDataReveals", "工作人员查看", "revealed to staff", city=True),
            _ours("AccessLogExports", "导出查看记录", "access log exported", city=True),
            _ours("PersonalDataExports", "居民导出", "residents' exports", city=True),
            _ours("AccountsClosed", "注销账号", "accounts closed", city=True)), period=3600),
        Widget("false-alarm-rate", "误报率（人工结案中）", "false alarm rate (of alerts closed by a person)",
               "Percent", (
            Series("AlertsFalseAlarm", "误报率", "false alarm rate", "Sum", (("tenant", CITY_TENANT),),
                   ratio_of=("AlertsFalseAlarm", "AlertsResolved")),), period=86400, view="singleValue"),
        Widget("broadcast-read-rate", "应急广播已读率", "emergency broadcast read rate", "Percent", (
            Series("BroadcastReads", "已读率", "read rate", "Sum", (("tenant", CITY_TENANT),),
                   ratio_of=("BroadcastReads", "BroadcastDeliveries")),), period=86400, view="singleValue"),
    ), tenant_id=tenant_id)
