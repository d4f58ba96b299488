"""The inference preprocessing presets that ``weights.transforms()`` returns."""
import ember
from ... import nn
from . import functional as F
from .functional import InterpolationMode

__all__ = ["ImageClassification"]


class ImageClassification(nn.Module):
    """Resize, center-crop, scale to [0, 1] and normalize: the ImageNet classification preset.

    Accepts a PIL image or a ``(..., C, H, W)`` tensor.

    >>> from ember.vision.transforms._presets import ImageClassification
    >>> t = ImageClassification(crop_size=4, resize_size=6)
    >>> t(ember.zeros(3, 8, 8, dtype=ember.uint8)).shape
    torch.Size([3, 4, 4])
    """

    def __init__(self, *, crop_size, resize_size=256, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img):
        img = F.resize(img, self.resize_size, interpolation=self.interpolation, antialias=self.antialias)
        img = F.center_crop(img, self.crop_size)
        if not isinstance(img, ember.Tensor):
            img = F.pil_to_tensor(img)
        img = F.convert_image_dtype(img, ember.float)
        return F.normalize(img, mean=self.mean, std=self.std)

    def __repr__(self):
        return (f"{self.__class__.__name__}(\n    crop_size={self.crop_size}\n    resize_size={self.resize_size}"
                f"\n    mean={self.mean}\n    std={self.std}\n    interpolation={self.interpolation}\n)")

    def describe(self):
        """A one-paragraph description of the preprocessing.

        >>> from ember.vision.transforms._presets import ImageClassification
        >>> "center" in ImageClassification(crop_size=224).describe()
        True
        """
        return (f"Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image tensors. The images "
                f"are resized to ``resize_size={self.resize_size}`` using ``interpolation={self.interpolation}``, "
                f"followed by a center crop of ``crop_size={self.crop_size}``. The values are rescaled to "
                f"``[0.0, 1.0]`` and normalized with ``mean={self.mean}`` and ``std={self.std}``.")
