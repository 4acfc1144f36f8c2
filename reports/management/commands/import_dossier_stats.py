from reports.services import dossier_stats_import

from .import_sipas import Command as SipasCommand


class Command(SipasCommand):
    help = (
        "Nhập thống kê hồ sơ TTHC theo đơn vị từ CSV/XLSX: "
        "unit_code,received,early,on_time,late,pending."
    )
    service = staticmethod(dossier_stats_import)
