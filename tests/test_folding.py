"""The recogniser's model rewritten to fewer passes (nianbao.engine.readers.scan.folding) reads what the model as
shipped reads: on real report lines, and on a small model of our own that holds each rewrite's pattern, padded and
unpadded convolutions both."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from nianbao.engine.readers.scan import onnx_wire as wire
from nianbao.engine.readers.scan import recogniser
from nianbao.engine.readers.scan.folding import folded
from nianbao.engine.readers.scan.settings import SETTINGS, tuning
from nianbao.engine.readers.scan.tesseract import Deadline

np = pytest.importorskip("numpy")
ort = pytest.importorskip("onnxruntime")

FIXTURES = Path(__file__).parent / "fixtures"
REAL = Path(__file__).parent.parent.parent / "shared" / "corpus" / "real"
L, V = wire.LENGTH, wire.VARINT


def _session(model: bytes):
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _value(name: str, channels: int) -> bytes:
    """A ValueInfoProto: a float tensor of shape (N, channels, H, W)."""
    dims = [wire.encoded([(2, L, b"n")]), wire.encoded([(1, V, channels)]), wire.encoded([(2, L, b"h")])]
    dims.append(wire.encoded([(2, L, b"w")]))
    shape = wire.encoded([(1, L, d) for d in dims])
    tensor = wire.encoded([(1, V, wire.FLOAT), (2, L, shape)])
    return wire.encoded([(1, L, name.encode()), (2, L, wire.encoded([(1, L, tensor)]))])


def _conv(x: str, w: str, b: str, out: str, pads: int) -> wire.Node:
    ints = wire.encoded([(wire.ATTRIBUTE_NAME, L, b"pads"), *[(wire.ATTRIBUTE_INTS, V, pads)] * 4, (20, V, 7)])
    return wire.Node("Conv", [x, w, b], [out], [(wire.NODE_ATTRIBUTE, L, ints)])


def _affine(graph: wire.Graph, x: str, out: str, scale: float, shift: float) -> list[wire.Node]:
    """x·scale + shift, as Paddle exports a learnable affine block (the scalar first in the Mul)."""
    s, t = graph.add(f"{out}.s", np.array([scale], np.float32)), graph.add(f"{out}.t", np.array([shift], np.float32))
    return [wire.Node("Mul", [s, x], [f"{out}.m"]), wire.Node("Add", [f"{out}.m", t], [out])]


def _hard_swish(graph: wire.Graph, x: str, out: str) -> list[wire.Node]:
    """x · clip(x + 3, 0, 6) / 6, in the four steps Paddle exports."""
    three, six = graph.add(f"{out}.3", np.array([3.0], np.float32)), graph.add(f"{out}.6", np.array([6.0], np.float32))
    low, high = graph.add(f"{out}.lo", np.array(0.0, np.float32)), graph.add(f"{out}.hi", np.array(6.0, np.float32))
    return [
        wire.Node("Add", [x, three], [f"{out}.a"]),
        wire.Node("Clip", [f"{out}.a", low, high], [f"{out}.c"]),
        wire.Node("Mul", [x, f"{out}.c"], [f"{out}.m"]),
        wire.Node("Div", [f"{out}.m", six], [out]),
    ]


def _small_model(rng) -> bytes:
    """conv → affine → hard-swish → affine → padded 3×3 conv → affine → hard-swish → affine → 1×1 conv: each
    rewrite's pattern once, in a model of our own (opset 12, as the recogniser's)."""
    graph = wire.Graph([], [], [])
    nodes: list[wire.Node] = []

    def conv(x: str, out: str, cin: int, cout: int, k: int, group: int = 1) -> None:
        w = graph.add(f"{out}.w", rng.normal(size=(cout, cin // group, k, k)).astype(np.float32))
        b = graph.add(f"{out}.b", rng.normal(size=cout).astype(np.float32))
        node = _conv(x, w, b, out, (k - 1) // 2)
        if group > 1:
            node.rest.append((wire.NODE_ATTRIBUTE, L, wire.encoded([(1, L, b"group"), (3, V, group), (20, V, 2)])))
        nodes.append(node)

    conv("x", "c1", 3, 8, 3)
    nodes += _affine(graph, "c1", "a1", 1.7, 0.4)
    nodes += _hard_swish(graph, "a1", "h1")
    nodes += _affine(graph, "h1", "b1", 0.3, -0.25)
    conv("b1", "c2", 8, 8, 3, group=8)  # depthwise and padded: the shift stays as one addition
    nodes += _affine(graph, "c2", "a2", 2.2, -1.1)
    nodes += _hard_swish(graph, "a2", "h2")
    nodes += _affine(graph, "h2", "b2", 0.6, 0.8)
    conv("b2", "y", 8, 4, 1)  # 1×1: the shift goes into its bias
    graph.nodes = nodes
    graph.rest += [(wire.GRAPH_INPUT, L, _value("x", 3)), (wire.GRAPH_OUTPUT, L, _value("y", 4))]
    graph.rest += [(wire.GRAPH_INITIALIZER, L, t) for t in graph.added.values()]
    graph.added = {}
    opset = wire.encoded([(1, L, b""), (2, V, 12)])
    graph.model = [(1, V, 8), (8, L, opset), (wire.MODEL_GRAPH, L, b"")]
    return graph.encode()


def test_each_rewrite_keeps_the_arithmetic_padded_or_not():
    rng = np.random.default_rng(7)
    model = _small_model(rng)
    rewritten = folded(model)
    before = [n.op for n in wire.Graph.parse(model).nodes]
    after = [n.op for n in wire.Graph.parse(rewritten).nodes]
    # two affines into convolutions, two hard-swishes to HardSigmoid·x, one affine into the 1×1's bias, one kept
    # as a single addition before the padded depthwise convolution
    assert before.count("Mul") == 6 and before.count("Add") == 6 and "HardSigmoid" not in before
    assert after.count("HardSigmoid") == 2 and after.count("Clip") == 0 and after.count("Div") == 0
    assert after.count("Add") == 1 and after.count("Mul") == 2 and after.count("Conv") == 3
    x = rng.uniform(-1, 1, size=(2, 3, 9, 13)).astype(np.float32)
    want, got = _session(model).run(None, {"x": x})[0], _session(rewritten).run(None, {"x": x})[0]
    assert want.shape == got.shape == (2, 4, 9, 13)
    assert np.allclose(want, got, rtol=1e-5, atol=1e-5)


def test_a_model_that_is_not_onnx_is_left_as_it_is():
    for junk in (b"", b"\xff\xff\xff", b"not a model at all", bytes(range(256))):
        assert folded(junk) == junk
    with pytest.raises(ValueError):
        wire.fields(b"\x0a\x05abc")  # a length past the end


def test_fields_come_back_byte_for_byte():
    message = [(1, V, 300), (2, L, "标签".encode()), (3, wire.FIXED32, 0x3F800000), (4, wire.FIXED64, 2**40), (1, V, 0)]
    assert wire.fields(wire.encoded(message)) == message


@pytest.mark.skipif(not recogniser.available(), reason="the ocr extra's recogniser is not installed")
def test_the_rewritten_recogniser_reads_real_lines_as_the_shipped_one():
    import pypdfium2 as pdfium
    from nianbao.engine.readers.scan.textlines import crop, text_lines

    pages = [(FIXTURES / "2021-qinghe.pdf", 0)]
    pages += [(pdf, 1) for pdf in sorted(REAL.glob("*.pdf"))[:2]]  # real layouts, where the corpus is at hand
    lines = []
    for pdf, number in pages:
        document = pdfium.PdfDocument(pdf.read_bytes())
        try:
            image = document[number].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
        finally:
            document.close()
        lines += [crop(image, line)[0] for line in text_lines(image, 200)]
    assert len(lines) >= 30
    shipped = replace(SETTINGS, lines=replace(SETTINGS.lines, folded=False))
    with tuning(shipped):
        want = recogniser.read_lines(lines, Deadline(300))
    got = recogniser.read_lines(lines, Deadline(300))
    assert recogniser._session("ch_PP-OCRv4_rec_infer.onnx", True) is not recogniser._session(
        "ch_PP-OCRv4_rec_infer.onnx", False
    )
    assert sum(len(line.text) for line in want) > 500
    worst = 0.0
    for a, b in zip(want, got, strict=True):
        assert a.text == b.text and a.centres == b.centres
        worst = max(worst, *(abs(p - q) for p, q in zip(a.confidences, b.confidences, strict=True)), 0.0)
    assert worst < 1e-3  # measured: 1.5e-4, on a character read at 0.84
