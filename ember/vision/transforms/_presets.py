"""The inference preprocessing presets that ``weights.transforms()`` returns."""
import ember
from ... import nn
from . import functional as F
from .functional import InterpolationMode

__all__ = ["ImageClassification", "SemanticSegmentation", "VideoClassification"]


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


class SemanticSegmentation(nn.Module):
    """Resize (the short side to ``resize_size``, when given), scale to [0, 1] and normalize: the
    semantic segmentation preset. Accepts a PIL image or a ``(..., C, H, W)`` tensor.

    >>> from ember.vision.transforms._presets import SemanticSegmentation
    >>> SemanticSegmentation(resize_size=4)(ember.zeros(3, 8, 6, dtype=ember.uint8)).shape
    torch.Size([3, 5, 4])
    """

    def __init__(self, *, resize_size, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.resize_size = [resize_size] if resize_size is not None else None
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img):
        if isinstance(self.resize_size, list):
            img = F.resize(img, self.resize_size, interpolation=self.interpolation, antialias=self.antialias)
        if not isinstance(img, ember.Tensor):
            img = F.pil_to_tensor(img)
        img = F.convert_image_dtype(img, ember.float)
        return F.normalize(img, mean=self.mean, std=self.std)

    def __repr__(self):
        return (f"{self.__class__.__name__}(\n    resize_size={self.resize_size}\n    mean={self.mean}"
                f"\n    std={self.std}\n    interpolation={self.interpolation}\n)")

    def describe(self):
        """A one-paragraph description of the preprocessing.

        >>> from ember.vision.transforms._presets import SemanticSegmentation
        >>> "520" in SemanticSegmentation(resize_size=520).describe()
        True
        """
        return (f"Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image tensors. The images "
                f"are resized to ``resize_size={self.resize_size}`` using ``interpolation={self.interpolation}``. "
                f"The values are rescaled to ``[0.0, 1.0]`` and normalized with ``mean={self.mean}`` and "
                f"``std={self.std}``.")


class VideoClassification(nn.Module):
    """Per frame: resize (no antialiasing), center-crop, scale to [0, 1] and normalize; then permute
    ``(..., T, C, H, W)`` to ``(..., C, T, H, W)``: the video classification preset.

    >>> from ember.vision.transforms._presets import VideoClassification
    >>> t = VideoClassification(crop_size=(4, 4), resize_size=(6, 8))
    >>> t(ember.zeros(2, 5, 3, 10, 12, dtype=ember.uint8)).shape
    torch.Size([2, 3, 5, 4, 4])
    """

    def __init__(self, *, crop_size, resize_size, mean=(0.43216, 0.394666, 0.37645),
                 std=(0.22803, 0.22145, 0.216989), interpolation=InterpolationMode.BILINEAR):
        super().__init__()
        self.crop_size = list(crop_size)
        self.resize_size = list(resize_size)
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation

    def forward(self, vid):
        squeeze = vid.ndim < 5
        if squeeze:
            vid = vid.unsqueeze(dim=0)
        n, t, c, h, w = vid.shape
        vid = vid.reshape(-1, c, h, w)
        # antialias stays off, as the published video weights were trained without it
        vid = F.resize(vid, self.resize_size, interpolation=self.interpolation, antialias=False)
        vid = F.center_crop(vid, self.crop_size)
        vid = F.convert_image_dtype(vid, ember.float)
        vid = F.normalize(vid, mean=self.mean, std=self.std)
        vid = vid.reshape(n, t, c, *self.crop_size).permute(0, 2, 1, 3, 4)
        return vid.squeeze(dim=0) if squeeze else vid

    def __repr__(self):
        return (f"{self.__class__.__name__}(\n    crop_size={self.crop_size}\n    resize_size={self.resize_size}"
                f"\n    mean={self.mean}\n    std={self.std}\n    interpolation={self.interpolation}\n)")

    def describe(self):
        """A one-paragraph description of the preprocessing.

        >>> from ember.vision.transforms._presets import VideoClassification
        >>> "permuted" in VideoClassification(crop_size=(112, 112), resize_size=(128, 171)).describe()
        True
        """
        return (f"Accepts batched ``(B, T, C, H, W)`` and single ``(T, C, H, W)`` video frame tensors. The frames "
                f"are resized to ``resize_size={self.resize_size}`` using ``interpolation={self.interpolation}``, "
                f"followed by a center crop of ``crop_size={self.crop_size}``. The values are rescaled to "
                f"``[0.0, 1.0]`` and normalized with ``mean={self.mean}`` and ``std={self.std}``; the output "
                "dimensions are permuted to ``(..., C, T, H, W)``.")
