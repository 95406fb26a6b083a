"""Versions of the trained complaint classifier: one row per training run, the model itself on disk."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def models_dir() -> Path:
    return Path(settings.VAR_DIR) / "models"


class ClassifierModel(models.Model):
    """One trained version of a named classifier. Rows are never changed after training: a new run adds a version."""

    name = models.CharField(_("模型名称"), max_length=50)
    version = models.PositiveIntegerField(_("版本"))
    created = models.DateTimeField(_("训练时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("训练人")
    )
    labels = models.JSONField(_("类别"), default=list)
    metrics = models.JSONField(_("评估指标"), default=dict, blank=True)
    trained_from = models.CharField(_("训练数据"), max_length=500)
    n_texts = models.PositiveIntegerField(_("训练文本数"), default=0)

    class Meta:
        verbose_name = _("分类模型")
        verbose_name_plural = _("分类模型")
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="classifier_model_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def directory(self) -> Path:
        return models_dir() / self.name / str(self.version)

    @property
    def file(self) -> Path:
        return self.directory / "model.joblib"
