"""One side of the Hugging Face parity runs: ``python hf_side.py MODE WORKDIR``.

Modes (each runs in its own process; the ``ember-*`` modes install ``ember.compat`` before
anything imports torch or transformers, so ``import torch`` inside transformers is ember):

* ``torch-build``: build tiny random models with real PyTorch, save each as safetensors
  (``save_pretrained``) and as ``pytorch_model.bin`` (``torch.save`` of the state dict),
  then run them (forward, greedy generate, one AdamW step) and save the results.
* ``ember-run``: load every torch-saved model with ``from_pretrained`` on ember and run it;
  then build the same architectures on ember, save them both ways and run them.
* ``torch-check``: load every ember-saved model with ``from_pretrained`` on PyTorch and run it.

Results are ``.npz`` files under WORKDIR; tests/transformers/test_hf_models.py compares them.
"""
import os
import sys

MODE, WORK = sys.argv[1], sys.argv[2]
if MODE.startswith("ember"):
    from ember import compat
    compat.install()

import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402

transformers.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()

_NO_DROPOUT = dict(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
KINDS = {
    "bert": ("BertModel", "BertConfig", dict(_NO_DROPOUT)),
    "bert_cls": ("BertForSequenceClassification", "BertConfig", dict(_NO_DROPOUT, num_labels=3)),
    "bert_mlm": ("BertForMaskedLM", "BertConfig", dict(_NO_DROPOUT)),
    "gpt2": ("GPT2LMHeadModel", "GPT2Config",
             dict(n_embd=32, n_layer=2, n_head=4, n_positions=64, resid_pdrop=0.0, embd_pdrop=0.0,
                  attn_pdrop=0.0, bos_token_id=0, eos_token_id=1, pad_token_id=1)),
    "llama": ("LlamaForCausalLM", "LlamaConfig",
              dict(intermediate_size=37, num_key_value_heads=2, bos_token_id=0, eos_token_id=1,
                   pad_token_id=1)),
    "distilbert": ("DistilBertModel", "DistilBertConfig",
                   dict(dim=32, n_layers=2, n_heads=4, hidden_dim=37, dropout=0.0, attention_dropout=0.0)),
}
_COMMON = dict(vocab_size=99, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37,
               max_position_embeddings=64)
GENERATES = ("gpt2", "llama")


def build(kind, seed=0):
    """A fresh tiny random model of ``kind`` (eval mode)."""
    cls_name, cfg_name, extra = KINDS[kind]
    kw = dict(_COMMON)
    kw.update(extra)
    if kind == "distilbert":
        for k in ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size"):
            kw.pop(k)
    torch.manual_seed(seed)
    config = getattr(transformers, cfg_name)(**kw)
    return getattr(transformers, cls_name)(config).eval()


def inputs(kind):
    """Fixed token ids (batch 2, length 7) and an attention mask with padding in row 1."""
    rng = np.random.default_rng(0)
    ids = rng.integers(2, 99, size=(2, 7))
    mask = np.ones_like(ids)
    if kind not in GENERATES:
        mask[1, 5:] = 0
    return torch.tensor(ids), torch.tensor(mask)


def save(model, path, fmt):
    if fmt == "st":
        model.save_pretrained(path)
    else:
        os.makedirs(path, exist_ok=True)
        model.config.save_pretrained(path)
        torch.save(model.state_dict(), os.path.join(path, "pytorch_model.bin"))


def run(model, kind):
    """Forward outputs, greedy tokens, and one AdamW step's loss, gradients and new weights."""
    ids, mask = inputs(kind)
    res = {}
    model.eval()
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
    for i, h in enumerate(out.hidden_states):
        res[f"hidden{i}"] = h.numpy()
    if getattr(out, "logits", None) is not None:
        res["logits"] = out.logits.numpy()
    else:
        res["last_hidden_state"] = out.last_hidden_state.numpy()
    if kind in GENERATES:
        res["greedy"] = model.generate(ids, attention_mask=mask, max_new_tokens=6, do_sample=False).numpy()
        res["top_k1"] = model.generate(ids, attention_mask=mask, max_new_tokens=4, do_sample=True,
                                       top_k=1).numpy()
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    if kind == "bert_cls":
        out = model(input_ids=ids, attention_mask=mask, labels=torch.tensor([0, 2]))
        loss = out.loss
    elif kind in ("bert_mlm", "gpt2", "llama"):
        out = model(input_ids=ids, attention_mask=mask, labels=ids)
        loss = out.loss
    else:
        out = model(input_ids=ids, attention_mask=mask)
        loss = (out.last_hidden_state ** 2).mean()
    loss.backward()
    res["loss"] = np.array(loss.item())
    for name, p in model.named_parameters():
        if p.grad is not None:
            res["grad." + name] = p.grad.numpy().copy()
    opt.step()
    for name, p in model.named_parameters():
        res["step." + name] = p.detach().numpy().copy()
    model.eval()
    return res


def main():
    if MODE == "torch-build":
        for kind in KINDS:
            model = build(kind)
            for fmt in ("st", "bin"):
                save(model, os.path.join(WORK, "torch", kind, fmt), fmt)
            np.savez(os.path.join(WORK, "torch", kind, "ref.npz"), **run(model, kind))
    elif MODE == "ember-run":
        for kind in KINDS:
            cls = getattr(transformers, KINDS[kind][0])
            for fmt in ("st", "bin"):
                model = cls.from_pretrained(os.path.join(WORK, "torch", kind, fmt))
                np.savez(os.path.join(WORK, "torch", kind, f"ember_{fmt}.npz"), **run(model, kind))
            model = build(kind, seed=1)     # (seed 0 would give torch's own weights: ember's generator is torch's)
            for fmt in ("st", "bin"):
                save(model, os.path.join(WORK, "ember", kind, fmt), fmt)
            np.savez(os.path.join(WORK, "ember", kind, "ref.npz"), **run(model, kind))
    elif MODE == "torch-check":
        for kind in KINDS:
            cls = getattr(transformers, KINDS[kind][0])
            for fmt in ("st", "bin"):
                model = cls.from_pretrained(os.path.join(WORK, "ember", kind, fmt))
                np.savez(os.path.join(WORK, "ember", kind, f"torch_{fmt}.npz"), **run(model, kind))
    else:
        raise SystemExit(f"unknown mode {MODE!r}")
    print("done", MODE, torch.__name__)


if __name__ == "__main__":
    main()
