"""BlazePose's landmark network as a PyTorch module, read from its ``.tflite`` file (route 2).

:class:`TFLiteNet` walks the operators of a TFLite flatbuffer (subgraph 0) and runs each
with torch, the constant tensors becoming ``torch.nn.Parameter``s in float32. It supports
exactly the operators BlazePose's landmark network (``pose_landmarks_detector.tflite`` of
``pose_landmarker_full.task``) is made of: CONV_2D, DEPTHWISE_CONV_2D, ADD, PAD,
RESIZE_BILINEAR (half-pixel centres), RESHAPE, MAX_POOL_2D, LOGISTIC and DEQUANTIZE (its
weights are stored as float16). Any other operator, or option it does not implement, raises
``NotImplementedError`` naming it, so a port never silently differs.

Layouts: TFLite is NHWC; inside the module every 4-D tensor is NCHW (torch's), and the
outputs are given back in TFLite's shapes and layout. Weights: CONV_2D ``[O, kh, kw, I]``
-> ``[O, I, kh, kw]``; DEPTHWISE_CONV_2D ``[1, kh, kw, O]`` -> ``[O, 1, kh, kw]``.
Padding "SAME" is TensorFlow's (the extra row/column after, not before: the usual pitfall
of stride-2 ports), applied explicitly.

:func:`write_tflite` puts a module's (trained) parameters back into a copy of the
flatbuffer, each in its own buffer, in the stored type (float16): the file stays the same
network for LiteRT and MediaPipe, with new weights.

The equivalence check against the LiteRT interpreter is ``check_port.py``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import tflite
import torch
import torch.nn.functional as F

_OPS = {v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")}
_NP_TYPES = {tflite.TensorType.FLOAT32: np.float32, tflite.TensorType.FLOAT16: np.float16,
             tflite.TensorType.INT32: np.int32}


def _options(op, cls):
    table = op.BuiltinOptions()
    out = cls()
    out.Init(table.Bytes, table.Pos)
    return out


def _activation(x: torch.Tensor, code: int) -> torch.Tensor:
    A = tflite.ActivationFunctionType
    if code == A.NONE:
        return x
    if code == A.RELU:
        return F.relu(x)
    if code == A.RELU6:
        return F.hardtanh(x, 0.0, 6.0)
    if code == A.RELU_N1_TO_1:
        return F.hardtanh(x, -1.0, 1.0)
    if code == A.TANH:
        return torch.tanh(x)
    raise NotImplementedError(f"fused activation {code}")


def _same_pad(size: int, kernel: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """TensorFlow's SAME padding of one axis: (before, after), the odd pixel after."""
    effective = (kernel - 1) * dilation + 1
    total = max((math.ceil(size / stride) - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def _pad_for(x: torch.Tensor, padding: int, kh: int, kw: int, sh: int, sw: int,
             dh: int = 1, dw: int = 1, value: float = 0.0) -> torch.Tensor:
    if padding == tflite.Padding.VALID:
        return x
    top, bottom = _same_pad(x.shape[2], kh, sh, dh)
    left, right = _same_pad(x.shape[3], kw, sw, dw)
    if top == bottom == left == right == 0:
        return x
    return F.pad(x, (left, right, top, bottom), value=value)


class TFLiteNet(torch.nn.Module):
    """A TFLite float model (subgraph 0) run by torch; see the module docstring.

    Parameters
    ----------
    path
        The ``.tflite`` file.

    Attributes
    ----------
    inputs, outputs
        Names of the model's input and output tensors (TFLite's order).
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self._bytes = self.path.read_bytes()
        model = tflite.Model.GetRootAsModel(self._bytes, 0)
        graph = model.Subgraphs(0)
        codes = [model.OperatorCodes(i) for i in range(model.OperatorCodesLength())]
        self.names: dict[int, str] = {}
        self.shapes: dict[int, tuple[int, ...]] = {}
        self.params = torch.nn.ParameterDict()
        self.constants: dict[int, np.ndarray] = {}
        self.buffer_of: dict[int, int] = {}
        for t in range(graph.TensorsLength()):
            tensor = graph.Tensors(t)
            self.names[t] = tensor.Name().decode()
            self.shapes[t] = tuple(int(s) for s in tensor.ShapeAsNumpy()) \
                if tensor.ShapeLength() else ()
            buffer = model.Buffers(tensor.Buffer())
            if buffer.DataLength():
                dtype = _NP_TYPES[tensor.Type()]
                value = np.frombuffer(buffer.DataAsNumpy().tobytes(), dtype).reshape(
                    self.shapes[t])
                self.buffer_of[t] = tensor.Buffer()
                if dtype == np.int32:
                    self.constants[t] = value
                else:
                    self.params[str(t)] = torch.nn.Parameter(
                        torch.from_numpy(value.astype(np.float32)))
        self.input_ids = [int(i) for i in graph.InputsAsNumpy()]
        self.output_ids = [int(i) for i in graph.OutputsAsNumpy()]
        self.inputs = [self.names[i] for i in self.input_ids]
        self.outputs = [self.names[i] for i in self.output_ids]
        self.ops: list[tuple[str, list[int], list[int], object]] = []
        for i in range(graph.OperatorsLength()):
            op = graph.Operators(i)
            code = codes[op.OpcodeIndex()]
            name = _OPS[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())]
            ins = [int(k) for k in op.InputsAsNumpy()]
            outs = [int(k) for k in op.OutputsAsNumpy()]
            self.ops.append((name, ins, outs, self._parse_options(name, op)))
        self._dequantized = {outs[0]: ins[0] for name, ins, outs, _ in self.ops
                             if name == "DEQUANTIZE"}

    @staticmethod
    def _parse_options(name: str, op):
        if name == "CONV_2D":
            o = _options(op, tflite.Conv2DOptions)
            return dict(padding=o.Padding(), stride=(o.StrideH(), o.StrideW()),
                        dilation=(o.DilationHFactor(), o.DilationWFactor()),
                        act=o.FusedActivationFunction())
        if name == "DEPTHWISE_CONV_2D":
            o = _options(op, tflite.DepthwiseConv2DOptions)
            return dict(padding=o.Padding(), stride=(o.StrideH(), o.StrideW()),
                        dilation=(o.DilationHFactor(), o.DilationWFactor()),
                        act=o.FusedActivationFunction(), multiplier=o.DepthMultiplier())
        if name == "ADD":
            return dict(act=_options(op, tflite.AddOptions).FusedActivationFunction())
        if name == "MAX_POOL_2D":
            o = _options(op, tflite.Pool2DOptions)
            return dict(padding=o.Padding(), stride=(o.StrideH(), o.StrideW()),
                        kernel=(o.FilterHeight(), o.FilterWidth()),
                        act=o.FusedActivationFunction())
        if name == "RESIZE_BILINEAR":
            o = _options(op, tflite.ResizeBilinearOptions)
            if o.AlignCorners() or not o.HalfPixelCenters():
                raise NotImplementedError("RESIZE_BILINEAR without half-pixel centres")
            return {}
        if name in ("PAD", "RESHAPE", "LOGISTIC", "DEQUANTIZE"):
            return {}
        raise NotImplementedError(f"TFLite operator {name} is not ported")

    def weight(self, tensor: int) -> torch.Tensor:
        """The float32 parameter behind a constant or dequantized tensor."""
        return self.params[str(self._dequantized.get(tensor, tensor))]

    def parameter_names_between(self, first_op: int, last_op: int) -> list[str]:
        """Names (keys of :attr:`params`) of the weights used by operators first..last."""
        used = []
        for name, ins, _, _ in self.ops[first_op:last_op + 1]:
            if name in ("CONV_2D", "DEPTHWISE_CONV_2D", "ADD"):
                for t in ins:
                    key = str(self._dequantized.get(t, t))
                    if key in self.params and key not in used:
                        used.append(key)
        return used

    def forward(self, image: torch.Tensor, keep: tuple[str, ...] = ()
                ) -> dict[str, torch.Tensor]:
        """Run the network.

        Parameters
        ----------
        image
            (N, H, W, 3) float input in TFLite's layout (for BlazePose: 256 x 256 RGB, 0..1).
        keep
            Names of inner tensors to return as well (NHWC like the outputs).

        Returns
        -------
        dict
            Output name -> tensor in TFLite's shape (batch first), plus the ``keep`` tensors.
        """
        values: dict[int, torch.Tensor] = {self.input_ids[0]: image.permute(0, 3, 1, 2)}
        for name, ins, outs, o in self.ops:
            if name == "DEQUANTIZE":
                continue
            x = values.get(ins[0])
            if name == "CONV_2D":
                w = self.weight(ins[1]).permute(0, 3, 1, 2)
                bias = self.weight(ins[2]) if len(ins) > 2 and ins[2] >= 0 else None
                x = _pad_for(x, o["padding"], w.shape[2], w.shape[3], *o["stride"],
                             *o["dilation"])
                y = F.conv2d(x, w, bias, o["stride"], 0, o["dilation"])
                y = _activation(y, o["act"])
            elif name == "DEPTHWISE_CONV_2D":
                w = self.weight(ins[1])  # [1, kh, kw, C*m]
                channels = x.shape[1]
                w = w.permute(3, 0, 1, 2)  # [C*m, 1, kh, kw]
                bias = self.weight(ins[2]) if len(ins) > 2 and ins[2] >= 0 else None
                x = _pad_for(x, o["padding"], w.shape[2], w.shape[3], *o["stride"],
                             *o["dilation"])
                y = F.conv2d(x, w, bias, o["stride"], 0, o["dilation"], groups=channels)
                y = _activation(y, o["act"])
            elif name == "ADD":
                a = values[ins[0]] if ins[0] in values else self.weight(ins[0])
                b = values[ins[1]] if ins[1] in values else self.weight(ins[1])
                y = _activation(a + b, o["act"])
            elif name == "PAD":
                pads = self.constants[ins[1]]  # NHWC rows: (before, after)
                if pads[0].any():
                    raise NotImplementedError("PAD of the batch axis")
                (t, b), (left, r), (c0, c1) = pads[1], pads[2], pads[3]
                y = F.pad(x, (int(left), int(r), int(t), int(b), int(c0), int(c1)))
            elif name == "MAX_POOL_2D":
                kh, kw = o["kernel"]
                x = _pad_for(x, o["padding"], kh, kw, *o["stride"], value=-math.inf)
                y = _activation(F.max_pool2d(x, (kh, kw), o["stride"]), o["act"])
            elif name == "RESIZE_BILINEAR":
                size = tuple(int(s) for s in self.constants[ins[1]])
                y = F.interpolate(x, size=size, mode="bilinear", align_corners=False)
            elif name == "RESHAPE":
                shape = self.shapes[outs[0]]
                if x.dim() == 4:
                    x = x.permute(0, 2, 3, 1)
                y = x.reshape((x.shape[0],) + tuple(shape[1:]))
            elif name == "LOGISTIC":
                y = torch.sigmoid(x)
            values[outs[0]] = y
        by_name = {self.names[i]: i for i in values}
        ids = list(self.output_ids) + [by_name[n] for n in keep]
        # every 4-D value is held NCHW except RESHAPE outputs (already TFLite's layout)
        reshaped = {outs[0] for name, _, outs, _ in self.ops if name == "RESHAPE"}
        return {self.names[i]: (values[i].permute(0, 2, 3, 1)
                                if values[i].dim() == 4 and i not in reshaped else values[i])
                for i in ids}


def write_tflite(net: TFLiteNet, out: Path) -> None:
    """A copy of ``net``'s ``.tflite`` file with the module's parameters written into their
    buffers, in each buffer's stored type (the network's graph and every other byte kept)."""
    data = bytearray(net._bytes)
    model = tflite.Model.GetRootAsModel(net._bytes, 0)
    graph = model.Subgraphs(0)
    for key, param in net.params.items():
        t = int(key)
        tensor = graph.Tensors(t)
        buffer = model.Buffers(tensor.Buffer())
        start = buffer._tab.Vector(buffer._tab.Offset(4))
        dtype = _NP_TYPES[tensor.Type()]
        new = param.detach().cpu().numpy().astype(dtype).tobytes()
        if len(new) != buffer.DataLength():
            raise ValueError(f"tensor {net.names[t]}: {len(new)} bytes for a buffer of "
                             f"{buffer.DataLength()}")
        data[start:start + len(new)] = new
    Path(out).write_bytes(bytes(data))
