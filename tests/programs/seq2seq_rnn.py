"""A seq2seq tutorial: an LSTM encoder over padded, packed sequences and a GRU decoder with
teacher forcing learn to reverse digit strings; greedy decoding at the end.

Weights come from a NumPy seed, data is deterministic, so losses match across frameworks.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

PAD, SOS, EOS, VOCAB = 0, 1, 2, 8  # digits 3..7


class Encoder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, hidden, padding_idx=PAD)
        self.lstm = nn.LSTM(hidden, hidden, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hidden, hidden)

    def forward(self, src, lengths):
        packed = pack_padded_sequence(self.embedding(src), lengths, batch_first=True, enforce_sorted=False)
        out, (h, c) = self.lstm(packed)
        out, out_lengths = pad_packed_sequence(out, batch_first=True)
        assert out_lengths.tolist() == lengths.tolist()
        return out, torch.tanh(self.bridge(torch.cat([h[0], h[1]], dim=1))).unsqueeze(0)


class Decoder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, VOCAB)

    def forward(self, tokens, hidden):
        output, hidden = self.gru(torch.relu(self.embedding(tokens)), hidden)
        return self.out(output), hidden


def make_batch(rng, n):
    lengths = rng.integers(2, 6, size=n)
    srcs = [torch.from_numpy(rng.integers(3, VOCAB, size=k)) for k in lengths]
    tgts = [torch.cat([s.flip(0), torch.tensor([EOS])]) for s in srcs]
    src = pad_sequence(srcs, batch_first=True, padding_value=PAD)
    tgt = pad_sequence(tgts, batch_first=True, padding_value=PAD)
    return src, torch.as_tensor(lengths), tgt


def init_from_numpy(module, seed):
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.from_numpy(rng.uniform(-0.3, 0.3, size=tuple(p.shape)).astype(np.float32)))


def main():
    hidden = 24
    enc, dec = Encoder(hidden), Decoder(hidden)
    init_from_numpy(enc, 0)
    init_from_numpy(dec, 1)
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=0.01)
    crit = nn.CrossEntropyLoss(ignore_index=PAD)
    rng = np.random.default_rng(2)
    first = None
    for step in range(30):
        src, lengths, tgt = make_batch(rng, 16)
        _, h = enc(src, lengths)
        dec_in = torch.cat([torch.full((tgt.size(0), 1), SOS, dtype=torch.long), tgt[:, :-1]], dim=1)
        logits, _ = dec(dec_in, h)
        loss = crit(logits.reshape(-1, VOCAB), tgt.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_value_(params, 1.0)
        opt.step()
        first = loss.item() if first is None else first
        if step % 5 == 0:
            print(f"LOSS step{step} {loss.item():.6f}")
    print("CHECK loss_decreased", loss.item() < first)

    with torch.no_grad():
        src, lengths, tgt = make_batch(np.random.default_rng(3), 8)
        _, h = enc(src, lengths)
        tok = torch.full((src.size(0), 1), SOS, dtype=torch.long)
        outs = []
        for _ in range(tgt.size(1)):
            logits, h = dec(tok, h)
            tok = logits.argmax(-1)
            outs.append(tok)
        pred = torch.cat(outs, dim=1)
        mask = tgt != PAD
        acc = (pred[mask] == tgt[mask]).float().mean().item()
    print(f"LOSS greedy_token_accuracy {acc:.6f}")
    cell = nn.LSTMCell(4, 5)
    init_from_numpy(cell, 4)
    hx = cx = torch.zeros(2, 5)
    for t in range(3):
        hx, cx = cell(torch.ones(2, 4) * t, (hx, cx))
    print(f"LOSS lstmcell {hx.sum().item():.6f} {cx.sum().item():.6f}")


if __name__ == "__main__":
    main()
