"""Operations as data: the metrics the code emits, the dashboards and alarms that read them."""
