"""Layers, one family per file."""
from .module import Module
from .container import Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict
from .linear import Identity, Linear
from .activation import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .pooling import (MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, AdaptiveAvgPool1d,
                      AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool2d,
                      MaxUnpool1d, MaxUnpool2d)
from .normalization import (BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d,
                            InstanceNorm3d, LayerNorm, GroupNorm, LocalResponseNorm)
from .dropout import Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout
from .sparse import Embedding
from .flatten import Flatten, Unflatten
from .linear import Bilinear
from .distance import CosineSimilarity, PairwiseDistance
from .pixelshuffle import PixelShuffle, PixelUnshuffle
from .upsampling import Upsample, UpsamplingNearest2d, UpsamplingBilinear2d
from .padding import *  # noqa: F401,F403  (the 15 padding layers)
from .fold import Unfold, Fold
from .rnn import RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell
from .attention import MultiheadAttention
from .transformer import (TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder,
                          TransformerDecoder, Transformer)
from .loss_margin import (MultiMarginLoss, MultiLabelMarginLoss, TripletMarginWithDistanceLoss, CTCLoss)
from .loss import NLLLoss2d
from .pooling_fractional_lp import (LPPool1d, LPPool2d, LPPool3d, FractionalMaxPool2d, FractionalMaxPool3d)
from .pooling import AdaptiveMaxPool3d, MaxUnpool3d
from .embedding_bag import EmbeddingBag
from .adaptive_softmax import AdaptiveLogSoftmaxWithLoss
from .normalization import RMSNorm
from .channelshuffle import ChannelShuffle
from .linear import LazyLinear
from .conv import (LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d,
                   LazyConvTranspose3d)
from .batchnorm import LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d
from .instancenorm import LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d
from .container import Container
from . import (activation, adaptive, batchnorm, channelshuffle, container, conv, distance, dropout,  # noqa: F401
               flatten, fold, instancenorm, lazy, linear, loss, module, normalization, padding, pixelshuffle,
               pooling, rnn, sparse, transformer, upsampling, utils)
from .loss_linear_ce import LinearCrossEntropyLoss
from .linear_cross_entropy_options import LinearCrossEntropyOptions
from . import linear_cross_entropy_options  # noqa: F401
from .sync_batchnorm import SyncBatchNorm
from . import sync_batchnorm  # noqa: F401
from .normalization import CrossMapLRN2d
