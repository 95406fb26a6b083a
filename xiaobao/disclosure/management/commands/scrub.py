"""Read text on standard input, write it as it would be published: an operator's check of the scrubber."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiaobao.lib.scrub import scrub_text


class Command(BaseCommand):
    help = "从标准输入读取文本，输出去除个人信息后的文本（与公开投诉内容的处理相同）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", action="append", default=[], help="投诉人本人的姓名（可多次给出）")

    def handle(self, *args: Any, name: list[str], **options: Any) -> None:
        for line in sys.stdin:
            self.stdout.write(scrub_text(line.rstrip("\n"), names=name))
