from django.contrib.staticfiles import finders
from django.test import SimpleTestCase

from xiaobao.testing import present


class StaticAssetTests(SimpleTestCase):
    def test_it_serves_echarts_and_the_jilin_map_from_the_pinned_packages(self) -> None:
        # Charts and the mediation and warning maps must work on a closed network: nothing from a CDN.
        for path in ("echarts/echarts.min.js", "echarts/map/jilin.js", "js/charts.js"):
            with self.subTest(path=path):
                self.assertIsNotNone(finders.find(path), f"{path} is not served")

    def test_it_registers_the_map_under_the_name_charts_use_with_every_prefecture(self) -> None:
        with open(present(finders.find("echarts/map/jilin.js")), encoding="utf-8") as f:
            source = f.read()
        self.assertIn("registerMap('吉林'", source)
        for prefecture in (
            "长春市",
            "吉林市",
            "四平市",
            "辽源市",
            "通化市",
            "白山市",
            "松原市",
            "白城市",
            "延边朝鲜族自治州",
        ):
            self.assertIn(prefecture, source)
