"""Just enough of ONNX's file format to rewrite a model's graph (nianbao.engine.readers.scan.folding): its nodes
and float constants read, nodes replaced, tensors added, and every field not named here kept byte for byte.

Why not the `onnx` package: importing it takes 0.6 s (its ml_dtypes extension), which every worker would pay once
more than the rewrite saves on a short scan; the format is protobuf's wire format, stable since 2008, and the fields
read here are ONNX's (onnx/onnx.proto), which keeps its field numbers for good.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5
FLOAT = 1  # TensorProto.DataType.FLOAT

# Field numbers (onnx/onnx.proto)
MODEL_GRAPH = 7
GRAPH_NODE, GRAPH_INITIALIZER, GRAPH_INPUT, GRAPH_OUTPUT = 1, 5, 11, 12
NODE_INPUT, NODE_OUTPUT, NODE_NAME, NODE_OP, NODE_ATTRIBUTE = 1, 2, 3, 4, 5
ATTRIBUTE_NAME, ATTRIBUTE_F, ATTRIBUTE_S, ATTRIBUTE_T, ATTRIBUTE_INTS, ATTRIBUTE_TYPE = 1, 2, 4, 5, 8, 20
ATTRIBUTE_FLOAT = 1  # AttributeProto.AttributeType.FLOAT
TENSOR_DIMS, TENSOR_TYPE, TENSOR_FLOATS, TENSOR_NAME, TENSOR_RAW = 1, 2, 4, 8, 9
VALUE_NAME = 1

Field = tuple[int, int, int | bytes]  # field number, wire type, value (bytes for LENGTH, else an int)


def fields(data: bytes) -> list[Field]:
    """A message's fields in their order. ValueError on anything but a well-formed message."""
    out: list[Field] = []
    pos, end = 0, len(data)
    while pos < end:
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == VARINT:
            value, pos = _varint(data, pos)
        elif wire in (FIXED64, FIXED32):
            size = 8 if wire == FIXED64 else 4
            value, pos = int.from_bytes(data[pos : pos + size], "little"), pos + size
        elif wire == LENGTH:
            size, pos = _varint(data, pos)
            value, pos = data[pos : pos + size], pos + size
        else:
            raise ValueError(f"wire type {wire} is not one ONNX uses")
        if pos > end or number == 0:
            raise ValueError("a truncated or damaged message")
        out.append((number, wire, value))
    return out


def encoded(message: Iterable[Field]) -> bytes:
    parts: list[bytes] = []
    for number, wire, value in message:
        parts.append(_varint_bytes(number << 3 | wire))
        if wire == LENGTH:
            assert isinstance(value, bytes)
            parts += (_varint_bytes(len(value)), value)
        else:
            assert isinstance(value, int)
            size = 8 if wire == FIXED64 else 4
            parts.append(_varint_bytes(value) if wire == VARINT else value.to_bytes(size, "little"))
    return b"".join(parts)


@dataclass
class Node:
    """One node of the graph: its operator, inputs and outputs; its name and attributes kept as they came."""

    op: str
    inputs: list[str]
    outputs: list[str]
    rest: list[Field] = field(default_factory=list)

    @classmethod
    def parse(cls, data: bytes) -> Node:
        node = cls("", [], [])
        for number, wire, value in fields(data):
            if wire == LENGTH and number in (NODE_INPUT, NODE_OUTPUT, NODE_OP):
                assert isinstance(value, bytes)
                text = value.decode()
                if number == NODE_OP:
                    node.op = text
                else:
                    (node.inputs if number == NODE_INPUT else node.outputs).append(text)
            else:
                node.rest.append((number, wire, value))
        return node

    @classmethod
    def make(cls, op: str, inputs: list[str], outputs: list[str], **floats: float) -> Node:
        """A new node in the default domain, named for its output, with float attributes."""
        rest: list[Field] = [(NODE_NAME, LENGTH, f"{outputs[0]}.node".encode())]
        for name, value in floats.items():
            attribute = [(ATTRIBUTE_NAME, LENGTH, name.encode()), (ATTRIBUTE_F, FIXED32, _float_bits(value))]
            rest.append((NODE_ATTRIBUTE, LENGTH, encoded([*attribute, (ATTRIBUTE_TYPE, VARINT, ATTRIBUTE_FLOAT)])))
        return cls(op, inputs, outputs, rest)

    def encode(self) -> bytes:
        named = [(NODE_INPUT, LENGTH, i.encode()) for i in self.inputs]
        named += [(NODE_OUTPUT, LENGTH, o.encode()) for o in self.outputs]
        return encoded([*named, (NODE_OP, LENGTH, self.op.encode()), *self.rest])

    def attribute(self, name: str) -> list[Field] | None:
        """The fields of the attribute called `name`, or None."""
        for number, _, value in self.rest:
            if number == NODE_ATTRIBUTE and isinstance(value, bytes):
                found = fields(value)
                if any(n == ATTRIBUTE_NAME and v == name.encode() for n, _, v in found):
                    return found
        return None

    def ints(self, name: str) -> list[int]:
        """An attribute's list of integers (packed or not); [] when there is none."""
        out: list[int] = []
        for number, wire, value in self.attribute(name) or []:
            if number == ATTRIBUTE_INTS:
                out += _packed(value) if wire == LENGTH else [value]  # type: ignore[list-item]
        return out

    def text(self, name: str) -> str | None:
        for number, _, value in self.attribute(name) or []:
            if number == ATTRIBUTE_S and isinstance(value, bytes):
                return value.decode()
        return None

    def tensor(self, name: str) -> bytes | None:
        for number, _, value in self.attribute(name) or []:
            if number == ATTRIBUTE_T and isinstance(value, bytes):
                return value
        return None


@dataclass
class Graph:
    """A model's graph: its nodes in order, the rest of its fields as they came, and tensors to add."""

    model: list[Field]
    nodes: list[Node]
    rest: list[Field]
    added: dict[str, bytes] = field(default_factory=dict)  # by name

    @classmethod
    def parse(cls, model: bytes) -> Graph:
        top = fields(model)
        graphs = [v for n, w, v in top if n == MODEL_GRAPH and w == LENGTH]
        if len(graphs) != 1:
            raise ValueError("not an ONNX model with one graph")
        nodes: list[Node] = []
        rest: list[Field] = []
        for number, wire, value in fields(graphs[0]):  # type: ignore[arg-type]
            if number == GRAPH_NODE and wire == LENGTH:
                nodes.append(Node.parse(value))  # type: ignore[arg-type]
            else:
                rest.append((number, wire, value))
        return cls(top, nodes, rest)

    def constants(self) -> dict[str, np.ndarray]:
        """Every float tensor the graph holds by name: its initializers and its Constant nodes' values."""
        out: dict[str, np.ndarray] = {}
        for number, _, value in self.rest:
            if number == GRAPH_INITIALIZER and isinstance(value, bytes):
                name, array = _tensor(value)
                if array is not None:
                    out[name] = array
        for node in self.nodes:
            if node.op == "Constant" and len(node.outputs) == 1 and (value := node.tensor("value")) is not None:
                array = _tensor(value)[1]
                if array is not None:
                    out[node.outputs[0]] = array
        return out

    def outputs(self) -> set[str]:
        return {
            v.decode() for n, _, value in self.rest if n == GRAPH_OUTPUT and isinstance(value, bytes)
            for number, _, v in fields(value) if number == VALUE_NAME and isinstance(v, bytes)
        }  # fmt: skip

    def add(self, name: str, array: np.ndarray) -> str:
        """A float tensor added as an initializer called `name`."""
        import numpy as np

        tensor = [(TENSOR_DIMS, VARINT, int(d)) for d in array.shape]
        tensor += [(TENSOR_TYPE, VARINT, FLOAT), (TENSOR_NAME, LENGTH, name.encode())]
        tensor.append((TENSOR_RAW, LENGTH, np.ascontiguousarray(array, dtype="<f4").tobytes()))
        self.added[name] = encoded(tensor)
        return name

    def encode(self) -> bytes:
        graph = [(GRAPH_NODE, LENGTH, node.encode()) for node in self.nodes]
        graph += self.rest + [(GRAPH_INITIALIZER, LENGTH, tensor) for tensor in self.added.values()]
        return encoded((n, w, encoded(graph)) if n == MODEL_GRAPH else (n, w, v) for n, w, v in self.model)


def _tensor(data: bytes) -> tuple[str, np.ndarray | None]:
    """A TensorProto's name and, when it holds float32 values, those values in their shape."""
    import numpy as np

    name, kind, dims, raw, floats = "", 0, [], None, b""
    for number, _, value in fields(data):
        if number == TENSOR_NAME and isinstance(value, bytes):
            name = value.decode()
        elif number == TENSOR_TYPE:
            kind = value
        elif number == TENSOR_DIMS:
            dims += _packed(value) if isinstance(value, bytes) else [value]
        elif number == TENSOR_RAW and isinstance(value, bytes):
            raw = value
        elif number == TENSOR_FLOATS:
            floats += value if isinstance(value, bytes) else value.to_bytes(4, "little")
    if kind != FLOAT:
        return name, None
    values = np.frombuffer(raw if raw is not None else floats, dtype="<f4").astype(np.float32)
    if values.size != int(np.prod(dims, dtype=np.int64)):
        return name, None
    return name, values.reshape(dims)


def _float_bits(value: float) -> int:
    import struct

    return int.from_bytes(struct.pack("<f", value), "little")


def _packed(data: bytes) -> list[int]:
    out, pos = [], 0
    while pos < len(data):
        value, pos = _varint(data, pos)
        out.append(value)
    return out


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("a truncated or damaged number")
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        pos, shift = pos + 1, shift + 7
        if byte < 0x80:
            return value, pos


def _varint_bytes(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)
