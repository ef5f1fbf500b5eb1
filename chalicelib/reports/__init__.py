"""Reports: the city dashboard (一屏统览 / 领导驾驶舱) read from counters and indexes, never a Scan."""
