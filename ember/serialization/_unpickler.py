"""The restricted unpickler: tensors, containers and plain values, and nothing that runs code.

A small pickle interpreter of its own (not :mod:`pickle`'s), so that every opcode's
effect is decided here:

* GLOBAL / STACK_GLOBAL resolve only names in the allow-list
  (:mod:`ember.serialization._allowlist`) or registered with ``add_safe_globals``;
  no module named in the file is ever imported.
* REDUCE / NEWOBJ call only allow-listed callables.
* BUILD sets state only on objects this load created (an ``OrderedDict``, a NumPy
  array or dtype, an instance of a user-registered class), never on a tensor, a dtype,
  a storage type, a function or any other object shared with the rest of the process.
* SETITEM(S) / APPEND(S) / ADDITEMS only fill plain dicts, lists and sets.
* INST, OBJ, EXT1/2/4, PERSID and out-of-band buffers are refused.
* The work a pickle may ask for beyond reading its opcodes (calls on large
  arguments, hashing large or colliding keys) is bounded by a budget proportional to
  its length, so a small file cannot ask for unbounded work.

Every failure raises :class:`~ember.serialization.LoadError` with the cause chained.

>>> import pickle
>>> from ember.serialization._unpickler import Unpickler
>>> Unpickler(pickle.dumps({"a": [1, 2.5, None]}, protocol=2), None).load()
{'a': [1, 2.5, None]}
>>> try:
...     Unpickler(b"cos\\nsystem\\n(S'echo hi'\\ntR.", None).load()
... except pickle.UnpicklingError as e:
...     print(e)
Weights only load failed: unsupported global os.system (only tensors, containers and plain values are allowed)
"""
import codecs
import collections
import struct

from .._backend import np
from ._allowlist import (ALLOWED, CALLABLES, FIXED_COST as _FIXED_COST, NOT_YET, PREFIX, build_ndarray,
                         build_np_dtype, dtype_object)
from ._errors import LoadError, UnsupportedCheckpointError

_I32, _U16, _U32, _Q, _D = (struct.Struct(f) for f in ("<i", "<H", "<I", "<Q", ">d"))
_OPS = {  # opcode byte -> name, for the messages about refused ones
    ord("i"): "INST", ord("o"): "OBJ", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4", ord("P"): "PERSID",
    0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER"}
_OD = collections.OrderedDict
_SIMPLE_KEYS = (str, bytes, bool, type(None))


def _fail(msg):
    raise LoadError(PREFIX + msg)


class _Stop(Exception):
    pass


class Unpickler:
    """Load one pickle from ``data`` (bytes); ``persistent_load(pid)`` supplies storages.

    ``user_globals`` maps ``"module.name"`` to objects the user vouched for
    (see :func:`~ember.serialization.add_safe_globals`). The pickle starts at byte
    ``start`` of ``data`` (bytes or an mmap); ``end`` is where it stopped. ``work``
    bounds the extra work (default 8 units per byte of ``data``).
    """

    def __init__(self, data, persistent_load, user_globals=None, start=0, work=None):
        self.data = data
        self.start = self.end = start
        self.persistent_load = persistent_load
        self.user = user_globals or {}
        self.callables = {id(f): f for f in CALLABLES}
        self.makes_fresh = {id(f) for f, fresh in CALLABLES.items() if fresh}
        for v in self.user.values():
            self.callables[id(v)] = v
            if isinstance(v, type):
                self.makes_fresh.add(id(v))
        self.fresh = {}  # id -> object created in this load that BUILD may fill (kept alive here)
        self.budget = (8 * len(data) if work is None else work) + (1 << 20)
        self.hashes = {}  # hash -> keys seen with it (dict inserts cost that many probes)
        self.tuple_cost = {}  # id -> (tuple, cost of hashing it): hashing a tuple is not cached

    # --- the bound on work ---
    def charge(self, units):
        self.budget -= units
        if self.budget < 0:
            _fail("the pickle asks for more work than its size allows (a decompression or hash-collision bomb?)")

    def _hash_cost(self, k):
        t = type(k)
        if t is int:
            return 1 + (k.bit_length() >> 10)
        if t is tuple:  # hashing a tuple hashes its items every time (not cached)
            got = self.tuple_cost.get(id(k))
            if got is None or got[0] is not k:
                got = self.tuple_cost[id(k)] = (k, 1 + sum(self._hash_cost(x) for x in k))
            return got[1]
        return 1

    def _key_cost(self, k):
        """Hashing ``k`` plus one probe per earlier key with the same hash (crafted int collisions)."""
        self.charge(self._hash_cost(k))  # before hashing: a tuple key costs its whole size
        h = hash(k)
        seen = self.hashes.get(h, 0)
        self.hashes[h] = seen + 1
        return seen

    def charge_keys(self, keys):
        cost = 0
        for k in keys:
            cost += 1 if type(k) is str else self._key_cost(k)
        self.charge(cost)

    # --- globals and calls ---
    def find_class(self, module, name):
        key = (module, name)
        v = ALLOWED.get(key)
        if v is not None:
            return dtype_object(v) if type(v) is str else v
        v = self.user.get(f"{module}.{name}")
        if v is not None:
            return v
        if key in NOT_YET:
            raise UnsupportedCheckpointError(f"ember.load does not support {module}.{name} yet")
        _fail(f"unsupported global {module}.{name} (only tensors, containers and plain values are allowed)")

    def call(self, func, args, kwargs=None):
        f = self.callables.get(id(func))
        if f is not func:
            _fail(f"calling {func!r:.100} is not allowed (only tensor rebuild functions and registered globals)")
        if type(args) is not tuple or kwargs is not None and type(kwargs) is not dict:
            _fail("REDUCE/NEWOBJ arguments must be a tuple")
        cost = 1 + len(args)
        if func not in _FIXED_COST:  # a call that walks its arguments: charge their length
            for a in args:
                t = type(a)
                if t in (list, tuple, dict, set, frozenset, _OD):
                    cost += len(a)
                    if func in (set, frozenset, _OD):
                        self.charge_keys(a)
                elif t in (str, bytes, bytearray):
                    cost += len(a) >> 6
                elif hasattr(a, "shape") and getattr(a, "ndim", 0):
                    cost += a.shape[0]
        self.charge(cost)
        obj = func(*args, **kwargs) if kwargs else func(*args)
        if id(func) in self.makes_fresh:
            self.fresh[id(obj)] = obj
        return obj

    def newobj(self, cls, args, kwargs=None):
        if not isinstance(cls, type) or id(cls) not in self.makes_fresh or self.callables.get(id(cls)) is not cls:
            _fail(f"NEWOBJ of {cls!r:.100} is not allowed")
        if type(args) is not tuple or kwargs is not None and type(kwargs) is not dict:
            _fail("NEWOBJ arguments must be a tuple")
        self.charge(1 + len(args) + len(kwargs or ()))
        obj = cls.__new__(cls, *args, **(kwargs or {}))
        self.fresh[id(obj)] = obj
        return obj

    def build(self, inst, state):
        if self.fresh.get(id(inst)) is not inst:
            _fail(f"BUILD (setting state) on {type(inst).__name__} is not allowed: only objects this load "
                  "created (OrderedDict, NumPy arrays, registered classes) take state")
        t = type(inst)
        if t is np.ndarray:
            self.charge(1 + len(state[4]) >> 6 if type(state) is tuple and len(state) == 5
                        and type(state[4]) is bytes else 1)
            return build_ndarray(inst, state)
        if isinstance(inst, np.dtype):
            return build_np_dtype(inst, state)
        if t is _OD:
            if state is None:
                return
            if type(state) is not dict or any(type(k) is not str for k in state):
                _fail("OrderedDict state must be a dict of str keys")
            self.charge(len(state))
            inst.__dict__.update(state)
            return
        # an instance of a class the user registered
        setstate = getattr(inst, "__setstate__", None)
        if setstate is not None and getattr(t, "__setstate__", None) is not None:
            self.charge(1 + (len(state) if hasattr(state, "__len__") else 0))
            setstate(state)
            return
        slots = None
        if type(state) is tuple and len(state) == 2:
            state, slots = state
        for part in (state, slots):
            if part is not None and (type(part) is not dict or any(type(k) is not str for k in part)):
                _fail(f"state of {t.__name__} must be a dict of str keys")
        if state:
            self.charge(len(state))
            inst.__dict__.update(state)
        if slots:
            self.charge(len(slots))
            for k, v in slots.items():
                object.__setattr__(inst, k, v)

    # --- the interpreter ---
    def load(self):
        """Run the pickle; return the object it describes."""
        try:
            return self._run()
        except LoadError:
            raise
        except (NotImplementedError, RecursionError, MemoryError) as e:
            raise LoadError(f"{PREFIX}{type(e).__name__}: {e}") from e
        except Exception as e:  # noqa: BLE001 - every malformed pickle becomes a LoadError
            raise LoadError(f"{PREFIX}malformed pickle ({type(e).__name__}: {e})") from e

    def _run(self):  # noqa: C901 - one branch per opcode
        data, n = self.data, len(self.data)
        pos = self.start
        stack, metastack, memo = [], [], {}
        push = stack.append
        memo_limit = n + 1

        def take(k):
            nonlocal pos
            if k < 0 or pos + k > n:
                _fail("pickle data was truncated")
            b = data[pos:pos + k]
            pos += k
            return b

        def line():
            nonlocal pos
            end = data.find(b"\n", pos)
            if end < 0:
                _fail("pickle data was truncated")
            b = data[pos:end]
            pos = end + 1
            return b

        def pop_mark():
            nonlocal stack, push
            items = stack
            stack = metastack.pop()
            push = stack.append
            return items

        def put(i):
            if type(i) is not int or not 0 <= i <= memo_limit:
                _fail(f"memo index {i!r} out of range")
            memo[i] = stack[-1]

        while True:
            if pos >= n:
                _fail("pickle data was truncated")
            op = data[pos]
            pos += 1
            if op == 0x71:  # BINPUT
                put(data[pos]); pos += 1  # noqa: E702
            elif op == 0x68:  # BINGET
                push(memo[data[pos]]); pos += 1  # noqa: E702
            elif op == 0x58:  # BINUNICODE
                k = _U32.unpack(take(4))[0]
                push(str(take(k), "utf-8", "surrogatepass"))
            elif op == 0x4B:  # BININT1
                push(data[pos]); pos += 1  # noqa: E702
            elif op == 0x28:  # MARK
                metastack.append(stack)
                stack = []
                push = stack.append
            elif op == 0x85:  # TUPLE1
                stack[-1] = (stack[-1],)
            elif op == 0x86:  # TUPLE2
                stack[-2:] = [(stack[-2], stack[-1])]
            elif op == 0x87:  # TUPLE3
                stack[-3:] = [(stack[-3], stack[-2], stack[-1])]
            elif op == 0x74:  # TUPLE
                t = tuple(pop_mark())
                push(t)
            elif op == 0x52:  # REDUCE
                args = stack.pop()
                stack[-1] = self.call(stack[-1], args)
            elif op == 0x63:  # GLOBAL
                mod = str(line(), "utf-8")
                name = str(line(), "utf-8")
                push(self.find_class(mod, name))
            elif op == 0x51:  # BINPERSID
                if self.persistent_load is None:
                    _fail("persistent id in a plain pickle")
                stack[-1] = self.persistent_load(stack[-1])
            elif op == 0x89:  # NEWFALSE
                push(False)
            elif op == 0x88:  # NEWTRUE
                push(True)
            elif op == 0x29:  # EMPTY_TUPLE
                push(())
            elif op == 0x4E:  # NONE
                push(None)
            elif op == 0x7D:  # EMPTY_DICT
                push({})
            elif op == 0x5D:  # EMPTY_LIST
                push([])
            elif op == 0x75 or op == 0x73:  # SETITEMS, SETITEM
                if op == 0x75:
                    items = pop_mark()
                else:
                    items = stack[-2:]
                    del stack[-2:]
                d = stack[-1]
                if type(d) is not dict and type(d) is not _OD and self.fresh.get(id(d)) is not d \
                        or not isinstance(d, dict):
                    _fail(f"SETITEM on {type(d).__name__} is not allowed (only on dicts)")
                if len(items) % 2:
                    _fail("SETITEMS with an odd number of items")
                keys = items[::2]
                self.charge_keys(keys)
                for i in range(0, len(items), 2):
                    d[items[i]] = items[i + 1]
            elif op == 0x65 or op == 0x61:  # APPENDS, APPEND
                items = pop_mark() if op == 0x65 else [stack.pop()]
                lst = stack[-1]
                if type(lst) is not list and not (isinstance(lst, list) and self.fresh.get(id(lst)) is lst):
                    _fail(f"APPEND on {type(lst).__name__} is not allowed (only on lists)")
                lst.extend(items)
            elif op == 0x94:  # MEMOIZE
                memo[len(memo)] = stack[-1]
            elif op == 0x8C:  # SHORT_BINUNICODE
                k = data[pos]; pos += 1  # noqa: E702
                push(str(take(k), "utf-8", "surrogatepass"))
            elif op == 0x4D:  # BININT2
                push(_U16.unpack(take(2))[0])
            elif op == 0x4A:  # BININT
                push(_I32.unpack(take(4))[0])
            elif op == 0x8A:  # LONG1
                k = data[pos]; pos += 1  # noqa: E702
                push(int.from_bytes(take(k), "little", signed=True))
            elif op == 0x8B:  # LONG4
                k = _I32.unpack(take(4))[0]
                push(int.from_bytes(take(k), "little", signed=True))
            elif op == 0x47:  # BINFLOAT
                push(_D.unpack(take(8))[0])
            elif op == 0x80:  # PROTO
                if data[pos] > 5:
                    _fail(f"unsupported pickle protocol: {data[pos]}")
                pos += 1
            elif op == 0x95:  # FRAME
                k = _Q.unpack(take(8))[0]
                if pos + k > n:
                    _fail("pickle data was truncated (frame)")
            elif op == 0x62:  # BUILD
                state = stack.pop()
                self.build(stack[-1], state)
            elif op == 0x81:  # NEWOBJ
                args = stack.pop()
                stack[-1] = self.newobj(stack[-1], args)
            elif op == 0x92:  # NEWOBJ_EX
                kwargs = stack.pop()
                args = stack.pop()
                stack[-1] = self.newobj(stack[-1], args, kwargs)
            elif op == 0x93:  # STACK_GLOBAL
                name = stack.pop()
                mod = stack.pop()
                if type(name) is not str or type(mod) is not str:
                    _fail("STACK_GLOBAL requires str")
                push(self.find_class(mod, name))
            elif op == 0x72:  # LONG_BINPUT
                put(_U32.unpack(take(4))[0])
            elif op == 0x6A:  # LONG_BINGET
                push(memo[_U32.unpack(take(4))[0]])
            elif op == 0x2E:  # STOP
                if len(stack) != 1 or metastack:
                    _fail("malformed pickle: STOP with a stack of %d items" % len(stack))
                self.end = pos
                return stack[0]
            elif op == 0x30:  # POP
                if stack:
                    stack.pop()
                else:
                    pop_mark()
            elif op == 0x31:  # POP_MARK
                pop_mark()
            elif op == 0x32:  # DUP
                push(stack[-1])
            elif op == 0x6C:  # LIST
                items = pop_mark()  # (pop_mark rebinds push: call it first)
                push(items)
            elif op == 0x64:  # DICT
                items = pop_mark()
                if len(items) % 2:
                    _fail("DICT with an odd number of items")
                self.charge_keys(items[::2])
                push({items[i]: items[i + 1] for i in range(0, len(items), 2)})
            elif op == 0x8F:  # EMPTY_SET
                push(set())
            elif op == 0x90:  # ADDITEMS
                items = pop_mark()
                s = stack[-1]
                if type(s) is not set:
                    _fail(f"ADDITEMS on {type(s).__name__} is not allowed (only on sets)")
                self.charge_keys(items)
                s.update(items)
            elif op == 0x91:  # FROZENSET
                items = pop_mark()
                self.charge_keys(items)
                push(frozenset(items))
            elif op == 0x43:  # SHORT_BINBYTES
                k = data[pos]; pos += 1  # noqa: E702
                push(bytes(take(k)))
            elif op == 0x42:  # BINBYTES
                push(bytes(take(_U32.unpack(take(4))[0])))
            elif op == 0x8E:  # BINBYTES8
                push(bytes(take(_Q.unpack(take(8))[0])))
            elif op == 0x96:  # BYTEARRAY8
                push(bytearray(take(_Q.unpack(take(8))[0])))
            elif op == 0x8D:  # BINUNICODE8
                push(str(take(_Q.unpack(take(8))[0]), "utf-8", "surrogatepass"))
            elif op == 0x55:  # SHORT_BINSTRING (Python 2 str, read as utf-8 text)
                k = data[pos]; pos += 1  # noqa: E702
                push(str(take(k), "utf-8"))
            elif op == 0x54:  # BINSTRING
                k = _I32.unpack(take(4))[0]
                push(str(take(k), "utf-8"))
            elif op == 0x53:  # STRING
                s = line().rstrip()
                if len(s) < 2 or s[:1] != s[-1:] or s[:1] not in (b"'", b'"'):
                    _fail("the STRING opcode argument must be quoted")
                push(str(codecs.escape_decode(s[1:-1])[0], "utf-8"))
            elif op == 0x56:  # UNICODE
                push(str(line(), "raw-unicode-escape"))
            elif op == 0x49:  # INT
                s = line()
                push(False if s == b"00" else True if s == b"01" else int(s))
            elif op == 0x4C:  # LONG
                s = line()
                push(int(s[:-1] if s.endswith(b"L") else s))
            elif op == 0x46:  # FLOAT
                push(float(line()))
            elif op == 0x67:  # GET
                push(memo[int(line())])
            elif op == 0x70:  # PUT
                put(int(line()))
            elif op in _OPS:
                _fail(f"unsupported opcode {_OPS[op]} at byte {pos - 1} "
                      "(only tensors, containers and plain values are allowed)")
            else:
                _fail(f"invalid opcode {op:#04x} at byte {pos - 1}")


def globals_in_pickle(data):
    """The ``"module.name"`` strings of the GLOBAL/STACK_GLOBAL opcodes in ``data`` (read statically).

    >>> import pickle, collections
    >>> from ember.serialization._unpickler import globals_in_pickle
    >>> globals_in_pickle(pickle.dumps(collections.OrderedDict(), protocol=2))
    {'collections.OrderedDict'}
    """
    import pickletools
    out, strings = set(), []
    try:
        for op, arg, _ in pickletools.genops(data):
            if op.name == "GLOBAL":
                out.add(arg.replace(" ", "."))
            elif op.name == "STACK_GLOBAL" and len(strings) >= 2:
                out.add(f"{strings[-2]}.{strings[-1]}")
            elif isinstance(arg, str) and "UNICODE" in op.name:
                strings.append(arg)
    except ValueError as e:
        raise LoadError(f"{PREFIX}malformed pickle: {e}") from e
    return out
