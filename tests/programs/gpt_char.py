"""A character-level GPT, tutorial style: causal self-attention, AdamW with decay groups,
cosine learning rate with warmup, gradient clipping, top-k sampling, a checkpoint round trip.

Weights start from a NumPy seed and batches come from fixed offsets, so the printed losses
are the same on every framework that implements PyTorch's semantics.
"""
import math
import os
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TEXT = (
    "To be, or not to be, that is the question:\n"
    "Whether 'tis nobler in the mind to suffer\n"
    "The slings and arrows of outrageous fortune,\n"
    "Or to take arms against a sea of troubles\n"
    "And by opposing end them. To die, to sleep;\n"
) * 4


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        assert n_embd % n_head == 0
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.n_head = n_head
        self.register_buffer("mask", torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = att @ v
        y2 = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        assert torch.allclose(y, y2, atol=1e-5)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = nn.ModuleDict(dict(c_fc=nn.Linear(n_embd, 4 * n_embd), act=nn.GELU(approximate="tanh"),
                                      c_proj=nn.Linear(4 * n_embd, n_embd)))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        m = self.mlp
        return x + m.c_proj(m.act(m.c_fc(self.ln_2(x))))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer=2, n_head=2, n_embd=32):
        super().__init__()
        self.block_size = block_size
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, n_embd),
            wpe=nn.Embedding(block_size, n_embd),
            h=nn.ModuleList([Block(n_embd, n_head, block_size) for _ in range(n_layer)]),
            ln_f=nn.LayerNorm(n_embd),
        ))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying

    def forward(self, idx, targets=None):
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        return logits, loss

    def configure_optimizers(self, weight_decay, learning_rate, betas):
        params = {n: p for n, p in self.named_parameters() if p.requires_grad}
        decay = [p for n, p in params.items() if p.dim() >= 2]
        nodecay = [p for n, p in params.items() if p.dim() < 2]
        groups = [{"params": decay, "weight_decay": weight_decay}, {"params": nodecay, "weight_decay": 0.0}]
        return torch.optim.AdamW(groups, lr=learning_rate, betas=betas)

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None):
        for _ in range(max_new_tokens):
            idx_cond = idx if idx.size(1) <= self.block_size else idx[:, -self.block_size:]
            logits, _ = self(idx_cond)
            logits = logits[:, -1, :] / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                logits[logits < v[:, [-1]]] = -float("Inf")
            probs = F.softmax(logits, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1)
            idx = torch.cat((idx, idx_next), dim=1)
        return idx


def init_from_numpy(model, seed):
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.zero_()
            elif "ln" in name:
                p.fill_(1.0)
            else:
                p.copy_(torch.from_numpy((rng.standard_normal(tuple(p.shape)) * 0.02).astype(np.float32)))


def main():
    torch.manual_seed(0)
    chars = sorted(set(TEXT))
    stoi = {ch: i for i, ch in enumerate(chars)}
    itos = {i: ch for ch, i in stoi.items()}
    data = torch.tensor([stoi[c] for c in TEXT], dtype=torch.long)
    n = int(0.9 * len(data))
    train_data, val_data = data[:n], data[n:]
    block_size, batch_size, max_iters, warmup, lr_max = 16, 8, 12, 3, 3e-3
    rng = np.random.default_rng(1)

    def get_batch(split):
        d = train_data if split == "train" else val_data
        ix = rng.integers(0, len(d) - block_size, size=batch_size)
        x = torch.stack([d[i:i + block_size] for i in ix])
        y = torch.stack([d[i + 1:i + 1 + block_size] for i in ix])
        return x, y

    model = GPT(len(chars), block_size)
    init_from_numpy(model, 0)
    print("PARAMS", sum(p.numel() for p in model.parameters()))
    optimizer = model.configure_optimizers(0.1, lr_max, (0.9, 0.95))

    def lr_lambda(it):
        if it < warmup:
            return (it + 1) / warmup
        ratio = (it - warmup) / (max_iters - warmup)
        return 0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * ratio))

    sched = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
    first = None
    for it in range(max_iters):
        x, y = get_batch("train")
        _, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        sched.step()
        first = loss.item() if first is None else first
        print(f"LOSS step{it} {loss.item():.6f} norm {norm.item():.6f} lr {sched.get_last_lr()[0]:.6e}")

    model.eval()
    with torch.no_grad():
        x, y = get_batch("val")
        _, vloss = model(x, y)
    print(f"LOSS val {vloss.item():.6f}")
    print("CHECK loss_decreased", loss.item() < first)

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "ckpt.pt")
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "iter": max_iters}, path)
        ckpt = torch.load(path)
        model2 = GPT(len(chars), block_size)
        model2.load_state_dict(ckpt["model"])
        model2.eval()
        opt2 = model2.configure_optimizers(0.1, lr_max, (0.9, 0.95))
        opt2.load_state_dict(ckpt["optimizer"])
        _, vloss2 = model2(x, y)
        print("CHECK checkpoint_same_loss", abs(vloss2.item() - vloss.item()) < 1e-6)
        print("CHECK checkpoint_iter", ckpt["iter"] == max_iters)

    ctx = torch.tensor([[stoi["T"]]], dtype=torch.long)
    out = model.generate(ctx, 20, temperature=0.8, top_k=5)
    text = "".join(itos[int(i)] for i in out[0])
    print("CHECK generate_shape", tuple(out.shape) == (1, 21))
    print("CHECK generate_vocab", all(c in stoi for c in text))
    print("SAMPLE", repr(text), file=sys.stderr)


if __name__ == "__main__":
    main()
