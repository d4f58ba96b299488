"""The transform classes of ``torchvision.transforms``; each calls ``transforms.functional``.

Random transforms draw from ember's default generator, so ``ember.manual_seed`` makes
them reproducible (the numbers differ from PyTorch's for the same seed).

>>> from ember.vision.transforms.transforms import *
>>> from ember.vision import transforms as T
>>> t = T.Compose([T.ConvertImageDtype(ember.float32), T.Normalize([0.5], [0.5])])
>>> t(ember.full((1, 2, 2), 255, dtype=ember.uint8)).flatten().tolist()
[1.0, 1.0, 1.0, 1.0]
"""
import math
import numbers

from ..._backend import np

import ember
from ember import nn
from ember._random import rng
from . import functional as F
from .functional import InterpolationMode
from .image import _mode

__all__ = ["Compose", "ToTensor", "PILToTensor", "ConvertImageDtype", "ToPILImage", "Normalize",
           "Resize", "CenterCrop", "Pad", "Lambda", "RandomApply", "RandomCrop",
           "RandomHorizontalFlip", "RandomVerticalFlip", "RandomResizedCrop", "ColorJitter",
           "RandomRotation", "Grayscale", "RandomGrayscale"]


def _rand():
    return float(rng().random())


def _randint(low, high):
    return int(rng().integers(low, high))


def _uniform(a, b):
    return float(rng().uniform(a, b))


def _interp(interpolation):
    """Accept PIL's integer constants as torchvision does, storing an InterpolationMode."""
    return interpolation if isinstance(interpolation, InterpolationMode) else InterpolationMode(_mode(interpolation))


def _setup_size(size, msg="Please provide only two dimensions (h, w) for size."):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(msg)
    return tuple(size)


class Compose:
    """Apply transforms in order.

    >>> from ember.vision.transforms.transforms import *
    >>> Compose([lambda x: x + 1, lambda x: x * 2])(3)
    8
    """

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{type(self).__name__}({body}\n)"


class ToTensor:
    """PIL image or HWC ndarray -> CHW tensor; uint8 scaled to [0, 1].

    >>> from ember.vision.transforms.transforms import *
    >>> ToTensor()(np.zeros((4, 5, 3), np.uint8)).shape
    torch.Size([3, 4, 5])
    """

    def __call__(self, pic):
        return F.to_tensor(pic)

    def __repr__(self):
        return f"{type(self).__name__}()"


class PILToTensor:
    """PIL image -> CHW tensor of the same dtype, without scaling.

    >>> from ember.vision.transforms.transforms import *
    >>> PILToTensor()
    PILToTensor()
    """

    def __call__(self, pic):
        return F.pil_to_tensor(pic)

    def __repr__(self):
        return f"{type(self).__name__}()"


class ToPILImage:
    """Tensor or ndarray -> PIL image.

    >>> from ember.vision.transforms.transforms import *
    >>> ToPILImage()
    ToPILImage()
    """

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self):
        return f"{type(self).__name__}()" if self.mode is None else f"{type(self).__name__}(mode={self.mode})"


class ConvertImageDtype(nn.Module):
    """Convert an image tensor's dtype, rescaling its values.

    >>> from ember.vision.transforms.transforms import *
    >>> ConvertImageDtype(ember.float32)(ember.tensor([255], dtype=ember.uint8)).tolist()
    [1.0]
    """

    def __init__(self, dtype):
        super().__init__()
        self.dtype = dtype

    def forward(self, image):
        return F.convert_image_dtype(image, self.dtype)


class Normalize(nn.Module):
    """``(x - mean) / std`` per channel.

    >>> from ember.vision.transforms.transforms import *
    >>> Normalize((0.5,), (0.25,))(ember.ones(1, 1, 2)).tolist()
    [[[2.0, 2.0]]]
    """

    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean, self.std, self.inplace = mean, std, inplace

    def forward(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self):
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


class Resize(nn.Module):
    """Resize to ``size``: (h, w), or an int for the smaller edge (see ``functional.resize``).

    >>> from ember.vision.transforms.transforms import *
    >>> Resize((2, 3))(ember.zeros(1, 4, 4)).shape
    torch.Size([1, 2, 3])
    """

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
        super().__init__()
        if not isinstance(size, (int, list, tuple)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, (list, tuple)) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size, self.interpolation, self.max_size, self.antialias = size, _interp(interpolation), max_size, antialias

    def forward(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self):
        return (f"{type(self).__name__}(size={self.size}, interpolation={self.interpolation.value}, "
                f"max_size={self.max_size}, antialias={self.antialias})")


class CenterCrop(nn.Module):
    """Crop the center to ``size`` ((h, w) or int).

    >>> from ember.vision.transforms.transforms import *
    >>> CenterCrop(2)(ember.zeros(3, 4, 4)).shape
    torch.Size([3, 2, 2])
    """

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size)

    def forward(self, img):
        return F.center_crop(img, self.size)

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size})"


class Pad(nn.Module):
    """Pad the borders (see ``functional.pad``).

    >>> from ember.vision.transforms.transforms import *
    >>> Pad(1)(ember.zeros(1, 2, 2)).shape
    torch.Size([1, 4, 4])
    """

    def __init__(self, padding, fill=0, padding_mode="constant"):
        super().__init__()
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def forward(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self):
        return f"{type(self).__name__}(padding={self.padding}, fill={self.fill}, padding_mode={self.padding_mode})"


class Lambda:
    """Wrap a function as a transform.

    >>> from ember.vision.transforms.transforms import *
    >>> Lambda(lambda x: x * 2)(3)
    6
    """

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f"{type(self).__name__}()"


class RandomApply(nn.Module):
    """Apply a list of transforms with probability ``p``.

    >>> from ember.vision.transforms.transforms import *
    >>> RandomApply([lambda x: x + 1], p=1.0)(1)
    2
    """

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms, self.p = transforms, p

    def forward(self, img):
        if self.p < _rand():
            return img
        for t in self.transforms:
            img = t(img)
        return img


class RandomCrop(nn.Module):
    """Crop at a random location, after optional ``padding`` / ``pad_if_needed``.

    >>> from ember.vision.transforms.transforms import *
    >>> RandomCrop(2, padding=1)(ember.zeros(3, 4, 4)).shape
    torch.Size([3, 2, 2])
    """

    @staticmethod
    def get_params(img, output_size):
        """Random ``(i, j, h, w)`` for a crop of ``output_size``.

        >>> from ember.vision.transforms.transforms import *
        >>> RandomCrop.get_params(ember.zeros(1, 4, 4), (4, 4))
        (0, 0, 4, 4)
        """
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size {(h, w)}")
        if w == tw and h == th:
            return 0, 0, h, w
        return _randint(0, h - th + 1), _randint(0, w - tw + 1), th, tw

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        super().__init__()
        self.size = _setup_size(size)
        self.padding, self.pad_if_needed, self.fill, self.padding_mode = padding, pad_if_needed, fill, padding_mode

    def forward(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, h, w = F.get_dimensions(img)
        if self.pad_if_needed and w < self.size[1]:
            img = F.pad(img, [self.size[1] - w, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and h < self.size[0]:
            img = F.pad(img, [0, self.size[0] - h], self.fill, self.padding_mode)
        i, j, h, w = self.get_params(img, self.size)
        return F.crop(img, i, j, h, w)

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size}, padding={self.padding})"


class RandomHorizontalFlip(nn.Module):
    """Flip left-right with probability ``p``.

    >>> from ember.vision.transforms.transforms import *
    >>> RandomHorizontalFlip(p=1.0)(ember.tensor([[[1, 2]]])).tolist()
    [[[2, 1]]]
    """

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        return F.hflip(img) if _rand() < self.p else img

    def __repr__(self):
        return f"{type(self).__name__}(p={self.p})"


class RandomVerticalFlip(nn.Module):
    """Flip top-bottom with probability ``p``.

    >>> from ember.vision.transforms.transforms import *
    >>> RandomVerticalFlip(p=1.0)(ember.tensor([[[1], [2]]])).tolist()
    [[[2], [1]]]
    """

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        return F.vflip(img) if _rand() < self.p else img

    def __repr__(self):
        return f"{type(self).__name__}(p={self.p})"


class RandomResizedCrop(nn.Module):
    """Crop a random area/aspect-ratio box and resize it to ``size``.

    >>> from ember.vision.transforms.transforms import *
    >>> RandomResizedCrop(4)(ember.zeros(3, 10, 12)).shape
    torch.Size([3, 4, 4])
    """

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.size = _setup_size(size)
        self.scale, self.ratio, self.interpolation, self.antialias = scale, ratio, _interp(interpolation), antialias

    @staticmethod
    def get_params(img, scale, ratio):
        """Random ``(i, j, h, w)``: 10 tries at a valid box, then a center crop clipped to ``ratio``.

        >>> from ember.vision.transforms.transforms import *
        >>> RandomResizedCrop.get_params(ember.zeros(1, 4, 4), (1.0, 1.0), (1.0, 1.0))
        (0, 0, 4, 4)
        """
        _, height, width = F.get_dimensions(img)
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            target_area = area * _uniform(scale[0], scale[1])
            aspect = math.exp(_uniform(log_ratio[0], log_ratio[1]))
            w = int(round(math.sqrt(target_area * aspect)))
            h = int(round(math.sqrt(target_area / aspect)))
            if 0 < w <= width and 0 < h <= height:
                return _randint(0, height - h + 1), _randint(0, width - w + 1), h, w
        in_ratio = width / height
        if in_ratio < min(ratio):
            w, h = width, int(round(width / min(ratio)))
        elif in_ratio > max(ratio):
            h, w = height, int(round(height * max(ratio)))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def forward(self, img):
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, i, j, h, w, self.size, self.interpolation, antialias=self.antialias)


class ColorJitter(nn.Module):
    """Randomly change brightness, contrast, saturation and hue, in a random order.

    >>> from ember.vision.transforms.transforms import *
    >>> ColorJitter(brightness=0.5)(ember.full((3, 2, 2), 0.5)).shape
    torch.Size([3, 2, 2])
    """

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        super().__init__()
        self.brightness = self._check_input(brightness, "brightness")
        self.contrast = self._check_input(contrast, "contrast")
        self.saturation = self._check_input(saturation, "saturation")
        self.hue = self._check_input(hue, "hue", center=0, bound=(-0.5, 0.5), clip_first_on_zero=False)

    @staticmethod
    def _check_input(value, name, center=1, bound=(0, float("inf")), clip_first_on_zero=True):
        if isinstance(value, numbers.Number):
            if value < 0:
                raise ValueError(f"If {name} is a single number, it must be non negative.")
            value = [center - float(value), center + float(value)]
            if clip_first_on_zero:
                value[0] = max(value[0], 0.0)
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            value = [float(value[0]), float(value[1])]
        else:
            raise TypeError(f"{name} should be a single number or a list/tuple with length 2.")
        if not bound[0] <= value[0] <= value[1] <= bound[1]:
            raise ValueError(f"{name} values should be between {bound}, but got {value}.")
        if value[0] == value[1] == center:
            return None
        return tuple(value)

    @staticmethod
    def get_params(brightness, contrast, saturation, hue):
        """A random order of the four adjustments and their factors (None where disabled).

        >>> from ember.vision.transforms.transforms import *
        >>> order, b, c, s, h = ColorJitter.get_params((1.0, 1.0), None, None, None)
        >>> sorted(order.tolist()), b, c
        ([0, 1, 2, 3], 1.0, None)
        """
        fn_idx = ember.from_numpy(rng().permutation(4).astype(np.int64))
        b = None if brightness is None else _uniform(brightness[0], brightness[1])
        c = None if contrast is None else _uniform(contrast[0], contrast[1])
        s = None if saturation is None else _uniform(saturation[0], saturation[1])
        h = None if hue is None else _uniform(hue[0], hue[1])
        return fn_idx, b, c, s, h

    def forward(self, img):
        fn_idx, b, c, s, h = self.get_params(self.brightness, self.contrast, self.saturation, self.hue)
        for fn_id in fn_idx.tolist():
            if fn_id == 0 and b is not None:
                img = F.adjust_brightness(img, b)
            elif fn_id == 1 and c is not None:
                img = F.adjust_contrast(img, c)
            elif fn_id == 2 and s is not None:
                img = F.adjust_saturation(img, s)
            elif fn_id == 3 and h is not None:
                img = F.adjust_hue(img, h)
        return img

    def __repr__(self):
        return (f"{type(self).__name__}(brightness={self.brightness}, contrast={self.contrast}, "
                f"saturation={self.saturation}, hue={self.hue})")


class RandomRotation(nn.Module):
    """Rotate by a random angle in ``degrees`` (a number d means (-d, d)).

    >>> from ember.vision.transforms.transforms import *
    >>> RandomRotation(10)(ember.zeros(1, 3, 3)).shape
    torch.Size([1, 3, 3])
    """

    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=0):
        super().__init__()
        if isinstance(degrees, numbers.Number):
            if degrees < 0:
                raise ValueError("If degrees is a single number, it must be positive.")
            degrees = (-degrees, degrees)
        self.degrees = [float(d) for d in degrees]
        self.interpolation, self.expand, self.center, self.fill = _interp(interpolation), expand, center, fill

    @staticmethod
    def get_params(degrees):
        """A random angle in ``degrees``.

        >>> from ember.vision.transforms.transforms import *
        >>> RandomRotation.get_params([5.0, 5.0])
        5.0
        """
        return _uniform(float(degrees[0]), float(degrees[1]))

    def forward(self, img):
        fill = self.fill
        if ember.is_tensor(img) and isinstance(fill, (int, float)):
            fill = [float(fill)] * F.get_dimensions(img)[0]
        return F.rotate(img, self.get_params(self.degrees), self.interpolation, self.expand, self.center, fill)


class Grayscale(nn.Module):
    """Convert to grayscale with 1 or 3 output channels.

    >>> from ember.vision.transforms.transforms import *
    >>> Grayscale(3)(ember.zeros(3, 2, 2)).shape
    torch.Size([3, 2, 2])
    """

    def __init__(self, num_output_channels=1):
        super().__init__()
        self.num_output_channels = num_output_channels

    def forward(self, img):
        return F.rgb_to_grayscale(img, self.num_output_channels)

    def __repr__(self):
        return f"{type(self).__name__}(num_output_channels={self.num_output_channels})"


class RandomGrayscale(nn.Module):
    """Grayscale (keeping the channel count) with probability ``p``.

    >>> from ember.vision.transforms.transforms import *
    >>> RandomGrayscale(p=1.0)(ember.zeros(3, 2, 2)).shape
    torch.Size([3, 2, 2])
    """

    def __init__(self, p=0.1):
        super().__init__()
        self.p = p

    def forward(self, img):
        c = F.get_dimensions(img)[0]
        return F.rgb_to_grayscale(img, c) if _rand() < self.p else img
