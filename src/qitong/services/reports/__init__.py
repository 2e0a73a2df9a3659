"""Reports (issue 6): the monthly bulletin (月度通报) and the quarterly "企业问题解决"数智分析报告,
as PDF and Excel. `generate_scheduled_reports(ctx)` is the worker's step: it makes last month's and
last quarter's reports once each (a unique (report, period) row)."""

from qitong.services.reports.build import (
    build_monthly,
    build_quarterly,
    generate,
    generate_scheduled_reports,
    report_file,
)

__all__ = ["build_monthly", "build_quarterly", "generate", "generate_scheduled_reports", "report_file"]
