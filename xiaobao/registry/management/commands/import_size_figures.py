"""Import institutions' yearly size figures (customers, outlets, deposits) from a CSV or XLSX file."""

from xiaobao.registry.importing import size_figures_import
from xiaobao.registry.management.commands.import_penalties import Command as ImportCommand


class Command(ImportCommand):
    help = "导入机构规模数据（个人客户数、营业网点数、存款余额），按机构与年度匹配，重复导入只更新有变化的行。"
    importer = staticmethod(size_figures_import)
    by_required = False
