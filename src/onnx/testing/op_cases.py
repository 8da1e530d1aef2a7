#!/usr/bin/python3
"""Writes one-node ONNX graphs and their expected outputs: the operator test table.

    /usr/bin/python3 src/onnx/testing/op_cases.py --out DIR

Each case is DIR/NAME.onnx (built with onnx.helper), its inputs and expected outputs as raw
little-endian files, and an entry in DIR/index.json. Expected values come from numpy code
that spells out ONNX's semantics (naive loops for the convolutions), never from the runtime
under test. A case with "random": true has no expected output; the test checks seeding.
"""
import argparse
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

INT64_MAX, INT64_MIN = np.iinfo(np.int64).max, np.iinfo(np.int64).min
ONNX_TYPE = {np.dtype("float32"): TensorProto.FLOAT, np.dtype("int64"): TensorProto.INT64,
             np.dtype("bool"): TensorProto.BOOL, np.dtype("int32"): TensorProto.INT32}
NAME = {np.dtype("float32"): "float32", np.dtype("int64"): "int64", np.dtype("bool"): "bool",
        np.dtype("int32"): "int32"}
rng = np.random.default_rng(5)
CASES = []


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def case(name, family, op, inputs, outputs, opset=15, **attrs):
    """inputs: list of (name, array) — an array of None marks an omitted optional input;
    outputs: list of expected arrays (or dtypes for random ops)."""
    CASES.append((name, family, op, inputs, outputs, opset, attrs))


def write(out):
    index = []
    for name, family, op, inputs, outputs, opset, attrs in CASES:
        in_names = [n if a is not None else "" for n, a in inputs]
        out_names = [f"y{i}" for i in range(len(outputs))]
        node = helper.make_node(op, in_names, out_names, name=f"{name}_node", **attrs)
        g_in = [helper.make_tensor_value_info(n, ONNX_TYPE[a.dtype], a.shape)
                for n, a in inputs if a is not None]
        random = any(isinstance(o, type) or isinstance(o, np.dtype) for o in outputs)
        # The checker of onnx 1.12 wants a shape on graph outputs: the expected one (a random
        # op's is its input's).
        g_out = [helper.make_tensor_value_info(
                     n, ONNX_TYPE[np.dtype(o) if random else o.dtype],
                     inputs[0][1].shape if random else o.shape)
                 for n, o in zip(out_names, outputs)]
        graph = helper.make_graph([node], name, g_in, g_out)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, str(out / f"{name}.onnx"))
        entry = {"name": name, "family": family, "model": f"{name}.onnx", "inputs": [],
                 "outputs": [], "random": random}
        for n, a in inputs:
            if a is None:
                continue
            file = f"{name}.in.{n}.bin"
            np.ascontiguousarray(a).tofile(out / file)
            entry["inputs"].append({"name": n, "dtype": NAME[a.dtype], "shape": list(a.shape),
                                    "file": file})
        if not random:
            for i, o in enumerate(outputs):
                file = f"{name}.out{i}.bin"
                np.ascontiguousarray(o).tofile(out / file)
                entry["outputs"].append({"dtype": NAME[o.dtype], "shape": list(o.shape),
                                         "file": file})
        index.append(entry)
    (out / "index.json").write_text(json.dumps({"cases": index}, indent=1))
    print(f"op_cases: {len(index)} cases in {out}")


def i64(*v):
    return np.array(v, dtype=np.int64)


# --- elementwise ------------------------------------------------------------------------
a, b = f32(2, 3), f32(3)
case("add_broadcast", "elementwise", "Add", [("a", a), ("b", b)], [a + b])
x, y = i64(-7, 7, -8, 9), i64(2, -2, 3, 4)
case("div_int_truncates", "elementwise", "Div", [("a", x), ("b", y)], [np.trunc(x / y).astype(np.int64)])
case("mod_sign_of_divisor", "elementwise", "Mod", [("a", x), ("b", y)], [np.mod(x, y)])
case("mod_fmod", "elementwise", "Mod", [("a", x), ("b", y)], [np.fmod(x, y)], fmod=1)
p = np.abs(f32(5)) + 0.1
case("pow", "elementwise", "Pow", [("a", p), ("b", np.float32([2.0]))], [p ** np.float32(2)])
s = np.float32([-30, -2, 0, 2, 30])
case("softplus", "elementwise", "Softplus", [("x", s)], [np.log1p(np.exp(s.astype(np.float64))).astype(np.float32)])
case("leaky_relu_alpha", "elementwise", "LeakyRelu", [("x", s)], [np.where(s > 0, s, 0.2 * s).astype(np.float32)], alpha=0.2)
sm = f32(2, 3, 4)
e = np.exp(sm - sm.max(axis=1, keepdims=True))
case("softmax_axis1", "elementwise", "Softmax", [("x", sm)], [(e / e.sum(axis=1, keepdims=True)).astype(np.float32)], axis=1)
e = np.exp(sm - sm.max(axis=-1, keepdims=True))
case("softmax_default_last", "elementwise", "Softmax", [("x", sm)], [(e / e.sum(axis=-1, keepdims=True)).astype(np.float32)])
c = np.array([[True], [False]])
wa, wb = f32(2, 3), f32(3)
case("where_broadcast", "elementwise", "Where", [("c", c), ("a", wa), ("b", wb)], [np.where(c, wa, wb)])
cl = f32(8) * 3
case("clip_min_only", "elementwise", "Clip", [("x", cl), ("lo", np.float32(-0.5)), ("hi", None)],
     [np.maximum(cl, np.float32(-0.5))])
case("clip_min_over_max", "elementwise", "Clip", [("x", cl), ("lo", np.float32(1)), ("hi", np.float32(0))],
     [np.full_like(cl, 0)])
fc = np.float32([-1.7, -0.5, 0.0, 0.5, 1.7, 2.5])
case("cast_float_to_int_truncates", "elementwise", "Cast", [("x", fc)], [np.trunc(fc).astype(np.int64)],
     to=TensorProto.INT64)
case("cast_float_to_bool", "elementwise", "Cast", [("x", fc)], [fc != 0], to=TensorProto.BOOL)
case("ceil", "elementwise", "Ceil", [("x", fc)], [np.ceil(fc)])
case("sign", "elementwise", "Sign", [("x", fc)], [np.sign(fc)])
case("erf", "elementwise", "Erf", [("x", fc)],
     [np.array([__import__("math").erf(v) for v in fc], dtype=np.float32)])
ba, bb = np.array([True, True, False, False]), np.array([True, False, True, False])
case("and", "elementwise", "And", [("a", ba), ("b", bb)], [ba & bb])
case("not", "elementwise", "Not", [("a", ba)], [~ba])
ea, eb = i64(1, 2, 3), i64(3, 2, 1)
case("equal", "elementwise", "Equal", [("a", ea), ("b", eb)], [ea == eb])
case("less_or_equal", "elementwise", "LessOrEqual", [("a", ea), ("b", eb)], [ea <= eb])
case("greater_or_equal", "elementwise", "GreaterOrEqual", [("a", ea), ("b", eb)], [ea >= eb])

# --- shape ----------------------------------------------------------------------------
d = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
case("slice_negative_step_full", "shape", "Slice",
     [("x", d), ("s", i64(-1)), ("e", i64(INT64_MIN)), ("a", i64(2)), ("t", i64(-1))], [d[:, :, ::-1]])
case("slice_negative_step_two", "shape", "Slice",
     [("x", d), ("s", i64(3)), ("e", i64(0)), ("a", i64(-1)), ("t", i64(-2))], [d[:, :, 3:0:-2]])
case("slice_clamped_ends", "shape", "Slice",
     [("x", d), ("s", i64(1, -100)), ("e", i64(1000, 2)), ("a", i64(1, 2)), ("t", None)], [d[:, 1:, :2]])
case("slice_empty", "shape", "Slice", [("x", d), ("s", i64(5)), ("e", i64(9)), ("a", i64(2))], [d[:, :, 5:9]])
case("slice_negative_start_overflow", "shape", "Slice",
     [("x", d), ("s", i64(-100)), ("e", i64(INT64_MIN)), ("a", i64(1)), ("t", i64(-1))],
     [d[:, 0:1, :]])  # ONNX clamps start to 0 for negative steps (numpy would give nothing)
case("pad_constant_value_and_crop", "shape", "Pad",
     [("x", d), ("p", i64(0, 1, -1, 0, 2, 1)), ("v", np.float32(7))],
     [np.pad(d, ((0, 0), (1, 2), (0, 1)), constant_values=7)[:, :, 1:]])
case("pad_reflect", "shape", "Pad", [("x", d), ("p", i64(0, 0, 2, 0, 0, 3))],
     [np.pad(d, ((0, 0), (0, 0), (2, 3)), mode="reflect")], mode="reflect")
case("pad_edge", "shape", "Pad", [("x", d), ("p", i64(0, 2, 1, 0, 1, 2))],
     [np.pad(d, ((0, 0), (2, 1), (1, 2)), mode="edge")], mode="edge")
case("reshape_zero_and_infer", "shape", "Reshape", [("x", d), ("s", i64(0, -1))], [d.reshape(2, 12)])
case("transpose_perm", "shape", "Transpose", [("x", d)], [d.transpose(2, 0, 1)], perm=[2, 0, 1])
case("unsqueeze_negative", "shape", "Unsqueeze", [("x", d), ("a", i64(-1, 0))], [d.reshape(1, 2, 3, 4, 1)])
sq = f32(1, 3, 1)
case("squeeze_all", "shape", "Squeeze", [("x", sq)], [sq.reshape(3)])
case("concat_negative_axis", "shape", "Concat", [("a", d), ("b", d[:, :, :1].copy())],
     [np.concatenate([d, d[:, :, :1]], axis=-1)], axis=-1)
case("split_sizes", "shape", "Split", [("x", d), ("s", i64(1, 3))], [d[:, :, :1], d[:, :, 1:]], axis=2)
case("split_equal", "shape", "Split", [("x", d)], [d[:, :1], d[:, 1:2], d[:, 2:]], axis=1)
ex = f32(3, 1)
case("expand_broadcast", "shape", "Expand", [("x", ex), ("s", i64(2, 1, 4))], [np.broadcast_to(ex, (2, 3, 4)).copy()])
case("tile", "shape", "Tile", [("x", ex), ("r", i64(2, 3))], [np.tile(ex, (2, 3))])
case("shape_start_end", "shape", "Shape", [("x", d)], [i64(3)], start=-2, end=-1)
case("size", "shape", "Size", [("x", d)], [np.array(24, dtype=np.int64)])
case("constant_of_shape_int", "shape", "ConstantOfShape", [("s", i64(2, 3))], [np.full((2, 3), 5, np.int64)],
     value=helper.make_tensor("v", TensorProto.INT64, [1], [5]))
case("range_float", "shape", "Range", [("a", np.float32(1)), ("b", np.float32(2.1)), ("c", np.float32(0.25))],
     [np.float32(1) + np.arange(5, dtype=np.float32) * np.float32(0.25)])
case("range_int_negative", "shape", "Range", [("a", np.int64(10)), ("b", np.int64(1)), ("c", np.int64(-3))],
     [i64(10, 7, 4)])
case("range_empty", "shape", "Range", [("a", np.int64(1)), ("b", np.int64(5)), ("c", np.int64(-1))],
     [np.zeros(0, np.int64)])

# --- index ----------------------------------------------------------------------------
case("gather_negative", "index", "Gather", [("x", d), ("i", i64(-1, 0, -3))], [d[:, [2, 0, 0]]], axis=1)
case("gather_scalar", "index", "Gather", [("x", d), ("i", np.array(-1, dtype=np.int64))], [d[:, :, -1]], axis=-1)
gi = np.array([[[0, -1]], [[1, 2]]], dtype=np.int64)
case("gather_elements_negative", "index", "GatherElements", [("x", d[:, :1, :]), ("i", gi)],
     [np.take_along_axis(d[:, :1, :], np.where(gi < 0, gi + 4, gi), axis=2)], axis=2)
ni = np.array([[0, 1], [1, -1]], dtype=np.int64)
case("gather_nd", "index", "GatherND", [("x", d), ("i", ni)], [np.stack([d[0, 1], d[1, -1]])])
bi = np.array([[[2], [0]], [[1], [1]]], dtype=np.int64)
case("gather_nd_batch", "index", "GatherND", [("x", d), ("i", bi)],
     [np.stack([np.stack([d[0, 2], d[0, 0]]), np.stack([d[1, 1], d[1, 1]])])], batch_dims=1)
su = f32(2, 4)
sc = d.copy()
sc[1, 2], sc[0, 0] = su[0], su[1]
case("scatter_nd", "index", "ScatterND", [("x", d), ("i", np.array([[1, 2], [0, 0]], np.int64)), ("u", su)], [sc])
nz = np.array([[0, 1.5, 0], [2, 0, -1]], np.float32)
case("nonzero", "index", "NonZero", [("x", nz)], [np.array(np.nonzero(nz), dtype=np.int64)])
cs = f32(2, 5)
for excl in (0, 1):
    for rev in (0, 1):
        v = cs[:, ::-1] if rev else cs
        r = np.cumsum(v, axis=1)
        if excl:
            r = np.concatenate([np.zeros((2, 1), np.float32), r[:, :-1]], axis=1)
        r = r[:, ::-1] if rev else r
        case(f"cumsum_excl{excl}_rev{rev}", "index", "CumSum", [("x", cs), ("a", np.int64(-1))],
             [r.astype(np.float32)], exclusive=excl, reverse=rev)

# --- reduce ---------------------------------------------------------------------------
case("reduce_sum_axes_input", "reduce", "ReduceSum", [("x", d), ("a", i64(0, -1))], [d.sum(axis=(0, 2))], keepdims=0)
case("reduce_sum_no_axes_all", "reduce", "ReduceSum", [("x", d)], [d.sum(keepdims=True)])
case("reduce_sum_noop", "reduce", "ReduceSum", [("x", d)], [d], noop_with_empty_axes=1)
case("reduce_mean_attr", "reduce", "ReduceMean", [("x", d)], [d.mean(axis=1, keepdims=True)], axes=[1])
case("reduce_max_negative", "reduce", "ReduceMax", [("x", d)], [d.max(axis=-1)], axes=[-1], keepdims=0)


# --- nn ------------------------------------------------------------------------------
def conv_ref(x, w, bias, stride, pads, dil, group):
    n, cin, length = x.shape
    m, cpg, k = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[1])))
    out_len = (xp.shape[2] - ((k - 1) * dil + 1)) // stride + 1
    y = np.zeros((n, m, out_len), np.float64)
    opg = m // group
    for o in range(m):
        g = o // opg
        for t in range(out_len):
            for ci in range(cpg):
                for kk in range(k):
                    y[:, o, t] += xp[:, g * cpg + ci, t * stride + kk * dil] * w[o, ci, kk]
    if bias is not None:
        y += bias[None, :, None]
    return y.astype(np.float32)


def conv_transpose_ref(x, w, bias, stride, pads, dil, group, out_pad):
    n, cin, length = x.shape
    _, mpg, k = w.shape
    full = stride * (length - 1) + (k - 1) * dil + 1 + out_pad
    y = np.zeros((n, mpg * group, full), np.float64)
    cpg = cin // group
    for c in range(cin):
        g = c // cpg
        for m in range(mpg):
            for i in range(length):
                for kk in range(k):
                    y[:, g * mpg + m, i * stride + kk * dil] += x[:, c, i] * w[c, m, kk]
    y = y[:, :, pads[0]:full - pads[1]]
    if bias is not None:
        y += bias[None, :, None]
    return y.astype(np.float32)


cx, cw, cb = f32(2, 4, 11), f32(6, 2, 3), f32(6)
case("conv_groups_dilation_asym_pads", "nn", "Conv", [("x", cx), ("w", cw), ("b", cb)],
     [conv_ref(cx, cw, cb, 2, (2, 1), 2, 2)], group=2, dilations=[2], strides=[2], pads=[2, 1])
case("conv_same_upper", "nn", "Conv", [("x", cx), ("w", cw)],
     [conv_ref(cx, cw, None, 2, (1, 2), 1, 2)], group=2, strides=[2], auto_pad="SAME_UPPER")
tw, tb = f32(4, 3, 5), f32(6)
case("conv_transpose_output_padding", "nn", "ConvTranspose", [("x", cx), ("w", tw), ("b", tb)],
     [conv_transpose_ref(cx, tw, tb, 3, (1, 1), 1, 2, 1)], group=2, strides=[3], pads=[1, 1],
     output_padding=[1])
case("conv_transpose_dilation_asym", "nn", "ConvTranspose", [("x", cx), ("w", tw)],
     [conv_transpose_ref(cx, tw, None, 2, (3, 1), 2, 2, 0)], group=2, strides=[2], pads=[3, 1],
     dilations=[2])
hw = f32(4, 2, 16)  # HiFi-GAN's upsampler: kernel 16, stride 8, padding 4
case("conv_transpose_hifigan", "nn", "ConvTranspose", [("x", cx), ("w", hw)],
     [conv_transpose_ref(cx, hw, None, 8, (4, 4), 1, 1, 0)], strides=[8], pads=[4, 4])
ma, mb = f32(2, 1, 3, 4), f32(3, 4, 5)
case("matmul_broadcast", "nn", "MatMul", [("a", ma), ("b", mb)], [np.matmul(ma, mb)])
ga, gb, gc = f32(3, 4), f32(5, 4), f32(5)
case("gemm_trans_b", "nn", "Gemm", [("a", ga), ("b", gb), ("c", gc)], [(0.5 * ga @ gb.T + 2 * gc).astype(np.float32)],
     transB=1, alpha=0.5, beta=2.0)

# --- random ---------------------------------------------------------------------------
case("random_normal_like", "random", "RandomNormalLike", [("x", f32(64, 64))], [np.float32], mean=1.0, scale=2.0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    write(args.out)
