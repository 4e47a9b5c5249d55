"""The recogniser's model rewritten to do the same arithmetic in fewer passes over its images.

PP-OCRv4's recogniser (PP-LCNetV3) puts a learnable scale and shift (two scalars) after each convolution and after
each activation, and Paddle exported its hard-swish as four operations (x + 3, clipped to 0–6, times x, over 6). Each
is a pass over the whole feature map, and together they took 38 % of the model's time against the convolutions'
43 % (ONNX Runtime's profile). Three rewrites, each exact algebra, remove most of them:

1. a scale and shift right after a convolution go into its weights and bias: s·(W∗x + b) + t = (sW)∗x + (sb + t);
2. the four-step hard-swish becomes x · HardSigmoid(x) (α = 1/6, β = ½), which is the same function;
3. a scale and shift right before convolutions go into their weights: W∗(s·h + t) = (sW)∗(h + t/s). The shift goes
   into the bias, (sW)∗h + t·ΣW, only where no convolution pads its input: a padded border holds 0, not t. Elsewhere
   one addition of t/s is kept.

What is left reads each line to the same characters at the same places, confidences within 2e-4, on real report
lines (tests/test_folding.py), in 77–83 % of the time at the recogniser's height (docs/benchmarks.md). Each rewrite
applies only where the pattern is exactly there (scalars, one consumer, no graph output in between); a model of
another shape is left as it is, and one that cannot be parsed is run unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nianbao.engine.readers.scan.onnx_wire import Graph, Node

if TYPE_CHECKING:
    import numpy as np


def folded(model: bytes) -> bytes:
    """The model with the rewrites above made; the model as it is when none applies or it cannot be parsed."""
    try:
        graph = Graph.parse(model)
        made = _Folding(graph).run()
    except MemoryError:
        raise  # the file's own limit, as everywhere
    except Exception:  # a model of a shape not foreseen: run as shipped, which reads the same
        return model
    return graph.encode() if made else model


class _Folding:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.constants = graph.constants()
        self.kept = graph.outputs()
        self.made = 0

    def run(self) -> int:
        for rewrite in (self._into_convolutions, self._hard_swish, self._before_convolutions):
            self._index()
            rewrite()
            self.graph.nodes = [n for n in self.graph.nodes if id(n) not in self.gone]
        read = {i for n in self.graph.nodes for i in n.inputs} | self.kept
        # the constants folded away (ONNX Runtime would drop them too, with a warning each)
        self.graph.nodes = [n for n in self.graph.nodes if n.op != "Constant" or any(o in read for o in n.outputs)]
        self.graph.added = {name: tensor for name, tensor in self.graph.added.items() if name in read}
        return self.made

    def _index(self) -> None:
        self.producer = {o: n for n in self.graph.nodes for o in n.outputs}
        self.consumers: dict[str, list[Node]] = {}
        for node in self.graph.nodes:
            for name in node.inputs:
                self.consumers.setdefault(name, []).append(node)
        self.gone: set[int] = set()

    def _into_convolutions(self) -> None:
        for conv in [n for n in self.graph.nodes if n.op == "Conv"]:
            weights = self._weights(conv)
            mul = self._only(conv.outputs[0], "Mul")
            add = self._only(mul.outputs[0], "Add") if mul else None
            if weights is None or mul is None or add is None:
                continue
            scale, shift = self._scalar(mul, conv.outputs[0]), self._scalar(add, mul.outputs[0])
            if scale is None or shift is None:
                continue
            w, b = weights
            name = add.outputs[0]
            conv.inputs[1:] = [self._add(f"{name}.w", w * scale), self._add(f"{name}.b", b * scale + shift)]
            conv.outputs[0] = add.outputs[0]  # its readers read the convolution itself now
            self.gone |= {id(mul), id(add)}
            self.made += 1

    def _hard_swish(self) -> None:
        for div in [n for n in self.graph.nodes if n.op == "Div"]:
            times = self.producer.get(div.inputs[0])
            if times is None or times.op != "Mul" or self._constant(div.inputs[1]) != 6.0:
                continue
            clips = [self.producer[i] for i in times.inputs if i in self.producer]
            clip = next((n for n in clips if n.op == "Clip"), None)
            plus = self.producer.get(clip.inputs[0]) if clip else None
            if clip is None or plus is None or plus.op != "Add" or len(clip.inputs) != 3:
                continue
            x = next((i for i in plus.inputs if i not in self.constants), None)
            if (
                x is None
                or sorted(times.inputs) != sorted([x, clip.outputs[0]])
                or self._scalar(plus, x) != 3.0
                or (self._constant(clip.inputs[1]), self._constant(clip.inputs[2])) != (0.0, 6.0)
                or any(self._only(n.outputs[0]) is None for n in (plus, clip, times))
            ):
                continue
            gate = f"{div.outputs[0]}.gate"
            at = next(i for i, n in enumerate(self.graph.nodes) if n is div)
            self.graph.nodes[at : at + 1] = [
                Node.make("HardSigmoid", [x], [gate], alpha=1 / 6, beta=0.5),
                Node.make("Mul", [x, gate], [div.outputs[0]]),
            ]
            self.gone |= {id(plus), id(clip), id(times)}
            self.made += 1

    def _before_convolutions(self) -> None:
        for mul in [n for n in self.graph.nodes if n.op == "Mul"]:
            h = next((i for i in mul.inputs if i not in self.constants), None)
            add = self._only(mul.outputs[0], "Add")
            if h is None or add is None or h in self.kept:
                continue
            scale, shift = self._scalar(mul, h), self._scalar(add, mul.outputs[0])
            convs = self.consumers.get(add.outputs[0], [])
            if not scale or shift is None or not convs or add.outputs[0] in self.kept:
                continue
            if any(c.op != "Conv" or c.inputs[0] != add.outputs[0] or self._weights(c) is None for c in convs):
                continue
            unpadded = all(not any(c.ints("pads")) and c.text("auto_pad") in (None, "NOTSET", "VALID") for c in convs)
            for conv in convs:
                w, b = self._weights(conv)  # type: ignore[misc]
                conv.inputs[1] = self._add(f"{conv.outputs[0]}.in.w", w * scale)
                if unpadded:
                    bias = self._add(f"{conv.outputs[0]}.in.b", b + shift * w.sum(axis=tuple(range(1, w.ndim))))
                    conv.inputs[:] = [h, conv.inputs[1], bias]
            if unpadded:
                self.gone |= {id(mul), id(add)}
            else:  # the shift stays, divided by the scale
                shifted = self._add(f"{add.outputs[0]}.shift", self.constants[self._other(add, mul.outputs[0])] / scale)
                add.inputs = [h, shifted]
                self.gone.add(id(mul))
            self.made += 1

    def _only(self, name: str, op: str | None = None) -> Node | None:
        """The one node that reads `name` (of operator `op`), when nothing else does and it is no graph output."""
        readers = self.consumers.get(name, [])
        if len(readers) != 1 or name in self.kept or (op is not None and readers[0].op != op):
            return None
        return readers[0]

    def _constant(self, name: str) -> float | None:
        value = self.constants.get(name)
        return float(value.reshape(-1)[0]) if value is not None and value.size == 1 else None

    def _other(self, node: Node, name: str) -> str:
        return node.inputs[1] if node.inputs[0] == name else node.inputs[0]

    def _scalar(self, node: Node, name: str) -> float | None:
        """The scalar constant a two-input node combines `name` with, or None."""
        if len(node.inputs) != 2 or name not in node.inputs:
            return None
        return self._constant(self._other(node, name))

    def _weights(self, conv: Node) -> tuple[np.ndarray, np.ndarray] | None:
        """A convolution's weights and bias (zeros when it has none), when both are constants."""
        import numpy as np

        w = self.constants.get(conv.inputs[1]) if len(conv.inputs) > 1 else None
        if w is None or w.ndim < 3:
            return None
        b = self.constants.get(conv.inputs[2]) if len(conv.inputs) > 2 else np.zeros(w.shape[0], np.float32)
        return (w, b) if b is not None and b.shape == (w.shape[0],) else None

    def _add(self, name: str, array: np.ndarray) -> str:
        self.constants[name] = array
        return self.graph.add(name, array)
