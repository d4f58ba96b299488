"""``torch.distributed._composable``: composable distributed APIs (only ``fsdp`` names in ember).

>>> from ember.distributed._composable import fsdp
>>> fsdp.fully_shard is ember.distributed.fsdp.fully_shard
True
"""
