import tempfile
from pathlib import Path
from typing import Any, cast

from django.test import override_settings

from xiaobao.classifier.models import ClassifierModel
from xiaobao.classifier.tests import test_training
from xiaobao.demo.classifier import classifier_seed
from xiaobao.testing import BaseTestCase


@override_settings(VAR_DIR=Path(tempfile.mkdtemp(prefix="demo-classifier-tests-")))
class DemoClassifierTests(BaseTestCase):
    def file_and_accept(self) -> None:
        """The accepted and withdrawn complaints the training tests use (imported by module, so the
        training tests are not collected here a second time)."""
        test_training.PlatformTrainingTests.file_and_accept(cast(Any, self))

    def test_it_trains_the_demo_model_once(self) -> None:
        self.file_and_accept()
        self.assertIsNotNone(classifier_seed())
        self.assertIsNone(classifier_seed())
        self.assertEqual(ClassifierModel.objects.count(), 1)

    def test_it_lets_the_demo_start_without_accepted_complaints(self) -> None:
        said = classifier_seed()
        self.assertFalse(ClassifierModel.objects.exists())
        self.assertIn("classifier not trained", said or "")
